//! Merkle instructions (`mtree_get`, `mtree_verify`, `mtree_set`): they lower to a loop of
//! constrained operations (the hint's sibling and index bit per level, CSWAPW, the hmerge
//! permutation, the index divided by 2, the root and the used-up index asserted; see
//! `assembly/src/lower/instructions/crypto.rs`). Honest programs prove and verify, and the
//! liar's ways to open a node that is not at (d, i) of the tree with root R are rejected by
//! the direct checker (by the constraint that catches them, by name) and by the
//! release-build verifier: a wrong node (its path does not lead to R), an index bit that is
//! not binary, a different sibling for `mtree_set`'s new root, and the bits of i + p for a
//! depth-64 index (with an honest and with a forged U32SPLIT).

#[path = "common/mod.rs"]
mod common;

use common::forge::{
    after_first, assemble, forge_with, honest, rejected, rejected_by_verifier, Forgery,
};
use common::{Phase, State};
use vm_core::{hash, Felt, FieldElement, Instruction, Opcode, StackInputs, Word, MODULUS};
use vm_processor::AdviceInputs;
use vm_prover::trace::TraceHooksForTesting;

/// ASSERT's `a = 1` and CSWAPW's binary condition (both in `stack.condition_a`).
const CONDITION: &str = "stack.condition_a";

fn f(x: u64) -> Felt {
    Felt::new(x)
}

/// The 8 leaves of the test tree (depth 3).
fn leaves() -> Vec<Word> {
    (0..8u64)
        .map(|i| [f(i + 1), f(100 * (i + 1)), f(0), f(0)])
        .collect()
}

/// The advice inputs holding the test tree, and its root.
fn tree() -> (AdviceInputs, Word) {
    let mut advice = AdviceInputs::default();
    let root = advice.add_merkle_tree(&leaves());
    (advice, root)
}

/// The root of the empty tree of depth `d` (known to the processor without a store).
fn empty_root(d: usize) -> Word {
    let mut w = [Felt::ZERO; 4];
    for _ in 0..d {
        w = hash::merge(&w, &w);
    }
    w
}

/// A word as stack inputs (element 3 on top, as the instructions read it).
fn word(w: &Word) -> Vec<u64> {
    w.iter().rev().map(|x| x.as_int()).collect()
}

/// `[d, i, R]` (first on top), then `rest`.
fn args(d: u64, i: u64, root: &Word, rest: &[u64]) -> Vec<u64> {
    let mut v = vec![d, i];
    v.extend(word(root));
    v.extend_from_slice(rest);
    v
}

/// Stack values top first, as the input file lists them (the last value on top).
fn file_order(top_first: &[u64]) -> Vec<u64> {
    top_first.iter().rev().copied().collect()
}

/// The liar's run of `src` on `stack` with the Merkle store `store` (installed before the
/// first cycle) and the lie `lie`.
fn forge_tree(
    src: &str,
    stack: &[u64],
    store: AdviceInputs,
    mut lie: impl FnMut(Phase, usize, Instruction, &mut State),
) -> Forgery {
    let p = assemble(src);
    let mut store = Some(store);
    forge_with(
        &p,
        &p,
        &file_order(stack),
        &[],
        TraceHooksForTesting::default(),
        move |phase, pc, ins, st| {
            if let Some(s) = store.take() {
                st.advice_inputs = s;
            }
            lie(phase, pc, ins, st)
        },
    )
}

/// Position in the advice stack (next value last) of element `e` of the word or bit `k` of
/// level `level`, when the hint pushed `node` words first (1 for get/set, 0 for verify).
/// Per level: the sibling (elements 0..4, element 0 popped first), then the bit (k = 4).
fn adv_at(st: &State, node: usize, level: usize, k: usize) -> usize {
    st.advice.len() - 1 - (4 * node + 5 * level + k)
}

#[test]
fn merkle_programs_prove_and_verify_at_both_presets() {
    let (store, root) = tree();
    let l = leaves();
    let new = [f(7), f(8), f(9), f(10)];
    let mut verify = word(&l[6]);
    verify.extend(args(3, 6, &root, &[]));
    let e64 = empty_root(64);
    let mut verify64 = vec![0, 0, 0, 0];
    verify64.extend(args(64, 1 << 40, &e64, &[]));
    let cases: Vec<(&str, Vec<u64>, AdviceInputs)> = vec![
        ("begin mtree_get end", args(3, 5, &root, &[]), store.clone()),
        ("begin mtree_verify end", verify, store.clone()),
        (
            "begin mtree_set end",
            args(3, 2, &root, &word(&new)),
            store.clone(),
        ),
        // Both phases of the index (hi and lo), an empty tree, and d = 0.
        (
            "begin mtree_get end",
            args(64, MODULUS - 1, &e64, &[]),
            AdviceInputs::default(),
        ),
        ("begin mtree_verify end", verify64, AdviceInputs::default()),
        (
            "begin mtree_set end",
            args(40, (1 << 39) + 3, &empty_root(40), &word(&new)),
            AdviceInputs::default(),
        ),
        ("begin mtree_get end", args(0, 0, &root, &[]), store.clone()),
    ];
    for (src, stack, advice) in cases {
        let inputs = StackInputs::try_from_ints(file_order(&stack)).unwrap();
        let label = format!("{src} {stack:?}");
        common::forge::proves_and_verifies(&assemble(src), &inputs, advice, "96", &label);
    }
}

#[test]
fn the_honest_run_of_each_forgery_satisfies_every_constraint() {
    let (store, root) = tree();
    let forged = forge_tree(
        "begin nop mtree_get end",
        &args(3, 2, &root, &[]),
        store,
        |_, _, _, _| {},
    );
    honest(&forged);
}

/// Claims that leaf 3 is another value: the hint's node is replaced, so its path hashes to
/// another root and the root's assertion fails.
#[test]
fn a_node_whose_path_does_not_lead_to_the_root_is_rejected() {
    let (store, root) = tree();
    let lie = after_first(Opcode::Dup5, |st| {
        let at = st.advice.len() - 2; // the node's element 1 (the balance)
        st.advice[at] = f(1_000_000);
    });
    let forged = forge_tree(
        "begin nop mtree_get end",
        &args(3, 3, &root, &[]),
        store,
        lie,
    );
    assert_eq!(forged.public.stack_outputs.top_first()[2], f(1_000_000));
    rejected(&forged, CONDITION);
    rejected_by_verifier(forged);
}

/// Claims that leaf 2 is leaf 0: the bits [2, 0, 0] divide the index 2 down to 0, and
/// CSWAPW with 2 does not swap, so leaf 0 with leaf 0's siblings hashes to the root; only
/// CSWAPW's binary condition sees the lie.
#[test]
fn an_index_bit_that_is_not_binary_is_rejected() {
    let (store, root) = tree();
    let l = leaves();
    // Leaf 0's siblings, from the bottom up.
    let s0 = l[1];
    let s1 = hash::merge(&l[2], &l[3]);
    let s2 = hash::merge(&hash::merge(&l[4], &l[5]), &hash::merge(&l[6], &l[7]));
    let leaf0 = l[0];
    let lie = after_first(Opcode::Dup5, move |st| {
        let n = st.advice.len();
        st.advice[n - 4..].copy_from_slice(&[leaf0[3], leaf0[2], leaf0[1], leaf0[0]]);
        for (level, (sib, bit)) in [(s0, 2), (s1, 0), (s2, 0)].into_iter().enumerate() {
            for (e, x) in sib.iter().enumerate() {
                let at = adv_at(st, 1, level, e);
                st.advice[at] = *x;
            }
            let at = adv_at(st, 1, level, 4);
            st.advice[at] = f(bit);
        }
    });
    let forged = forge_tree(
        "begin nop mtree_get end",
        &args(3, 2, &root, &[]),
        store,
        lie,
    );
    assert_eq!(
        forged.public.stack_outputs.top_first()[3],
        l[0][0],
        "the output is leaf 0"
    );
    rejected(&forged, CONDITION);
    rejected_by_verifier(forged);
}

/// `mtree_set` pops each sibling once and hashes the new node with a DUP copy of it: a
/// different sibling for the new root is a wrong copy, caught by the stack constraint of
/// the DUP that made it (the old root still checks out).
#[test]
fn a_different_sibling_for_the_new_root_is_rejected() {
    let (store, root) = tree();
    let new = [f(7), f(8), f(9), f(10)];
    let lie = after_first(Opcode::Dup4, |st| st.top[0] += Felt::ONE);
    let forged = forge_tree(
        "begin nop mtree_set end",
        &args(3, 2, &root, &word(&new)),
        store,
        lie,
    );
    let v = common::forge::violations(&forged);
    assert!(!v.is_empty(), "the forgery satisfies every constraint");
    assert!(
        v.names().iter().any(|n| n.starts_with("stack.s")),
        "the copied sibling is caught by a stack constraint, not only by {v}"
    );
    rejected_by_verifier(forged);
}

/// The bits of i + p (hi = 2^32 - 1, lo = i + 1 for a small i) open "leaf i + p" of a
/// depth-64 tree: in the empty tree every path hashes to the root whatever the bits, so
/// only the index checks can see it. With U32SPLIT's honest (0, i), lo's phase does not
/// reach 0 (the remainder's ASSERT); with a forged split (2^32 - 1, i + 1), equal to i in
/// the field, U32SPLIT's canonicity (`u32.canonical`) does.
#[test]
fn the_bits_of_i_plus_p_at_depth_64_are_rejected() {
    let i = 5u64;
    let alias = (i as u128 + MODULUS as u128) as u64; // i + p < 2^64
    let rewrite_bits = move |st: &mut State| {
        for level in 0..64 {
            let at = adv_at(st, 1, level, 4);
            st.advice[at] = f((alias >> level) & 1);
        }
    };
    let src = "begin nop mtree_get end";
    let stack = args(64, i, &empty_root(64), &[]);
    // Honest split.
    let forged = forge_tree(
        src,
        &stack,
        AdviceInputs::default(),
        after_first(Opcode::Dup5, rewrite_bits),
    );
    rejected(&forged, CONDITION);
    rejected_by_verifier(forged);
    // Forged split as well.
    let mut split = after_first(Opcode::U32split, |st| {
        st.top[0] = f(u32::MAX as u64);
        st.top[1] = f(i + 1);
    });
    let mut bits = after_first(Opcode::Dup5, rewrite_bits);
    let forged = forge_tree(
        src,
        &stack,
        AdviceInputs::default(),
        move |ph, pc, ins, st| {
            split(ph, pc, ins, st);
            bits(ph, pc, ins, st);
        },
    );
    rejected(&forged, "u32.canonical");
    rejected_by_verifier(forged);
}

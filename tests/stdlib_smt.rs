//! `std::collections::smt` (Miden 0.17's `get` and `set` on the native hash) against a
//! sparse Merkle tree written here: leaves at depth 64, index `k3`, a leaf holding (K, V)
//! is `hash::merge(K, V)`, roots recomputed naively level by level with `hash::merge`.
//! Each program runs a sequence of operations threading the root, asserts every returned
//! value in the program, and leaves the final root, which is compared with the reference.

#[path = "instructions/common.rs"]
mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use vm::core::hash;
use vm::processor::{word_key, AdviceInputs, ExecutionOptions};
use vm::Felt;

type Word = [Felt; 4];

const IMPORT: &str = "use.std::collections::smt\n";

fn w(xs: [u64; 4]) -> Word {
    xs.map(Felt::new)
}

const ZERO: [u64; 4] = [0; 4];

/// `push` of a word (element 0 pushed first, so it ends deepest).
fn push_word(x: [u64; 4]) -> String {
    format!("push.{}.{}.{}.{} ", x[0], x[1], x[2], x[3])
}

/// A word in stack order (top first).
fn top_first(x: &Word) -> [u64; 4] {
    let x = ints(x);
    [x[3], x[2], x[1], x[0]]
}

/// The reference tree: key -> value, at most one key per leaf index `k3`.
#[derive(Clone, Default)]
struct Tree {
    pairs: BTreeMap<[u64; 4], [u64; 4]>,
}

impl Tree {
    fn leaves(&self) -> Vec<(u64, Word)> {
        self.pairs
            .iter()
            .map(|(k, v)| (k[3], hash::merge(&w(*k), &w(*v))))
            .collect()
    }

    fn root(&self) -> Word {
        let mut e = vec![w(ZERO)];
        for h in 1..=64 {
            e.push(hash::merge(&e[h - 1], &e[h - 1]));
        }
        let mut level: BTreeMap<u64, Word> = self.leaves().into_iter().collect();
        for empty in &e[..64] {
            let mut up = BTreeMap::new();
            for &i in level.keys() {
                let p = i >> 1;
                let l = level.get(&(2 * p)).copied().unwrap_or(*empty);
                let r = level.get(&(2 * p + 1)).copied().unwrap_or(*empty);
                up.insert(p, hash::merge(&l, &r));
            }
            level = up;
        }
        level.get(&0).copied().unwrap_or(e[64])
    }

    /// Advice inputs holding this tree: its nodes and its leaf preimages.
    fn advice(&self) -> AdviceInputs {
        let mut a = AdviceInputs::default();
        let root = a.add_sparse_merkle_tree(&self.leaves()).unwrap();
        assert_eq!(root, self.root());
        for (k, v) in &self.pairs {
            let leaf = hash::merge(&w(*k), &w(*v));
            let mut pre = felts(k);
            pre.extend(felts(v));
            a.map.insert(word_key(&leaf), pre);
        }
        a
    }

    fn get(&self, k: [u64; 4]) -> [u64; 4] {
        self.pairs.get(&k).copied().unwrap_or(ZERO)
    }

    /// The old value, or `None` when the leaf would hold two keys.
    fn set(&mut self, k: [u64; 4], v: [u64; 4]) -> Option<[u64; 4]> {
        let other = self.pairs.keys().any(|k2| k2[3] == k[3] && *k2 != k);
        if other {
            return (v == ZERO).then_some(ZERO);
        }
        let old = self.get(k);
        if v == ZERO {
            self.pairs.remove(&k);
        } else {
            self.pairs.insert(k, v);
        }
        Some(old)
    }
}

#[derive(Clone, Debug)]
enum Op {
    Get([u64; 4]),
    Set([u64; 4], [u64; 4]),
}

/// Runs `ops` on `tree` in one program: returns the final root (the program's output) or
/// the error; the expected values are asserted inside the program. Also returns what the
/// reference says: the final tree, or `None` when an operation must fail.
fn run_ops(tree: &Tree, ops: &[Op]) -> (Result<Outcome, String>, Option<Tree>) {
    let mut reference = Some(tree.clone());
    let root = tree.root();
    let mut src = format!(
        "{IMPORT}begin {}",
        push_word(ints(&root).try_into().unwrap())
    );
    for op in ops {
        match *op {
            Op::Get(k) => {
                let want = reference.as_ref().map(|t| t.get(k));
                src += &format!("{}exec.smt::get ", push_word(k));
                if let Some(v) = want {
                    src += &format!("{}assert_eqw ", push_word(v));
                }
            }
            Op::Set(k, v) => {
                let old = reference.as_mut().and_then(|t| t.set(k, v));
                if old.is_none() {
                    reference = None;
                }
                src += &format!("{}{}exec.smt::set ", push_word(k), push_word(v));
                if let Some(o) = old {
                    src += &format!("{}assert_eqw ", push_word(o));
                }
            }
        }
    }
    src += "end";
    let out = run_full(
        &src,
        &with_sentinels(&[]),
        tree.advice(),
        ExecutionOptions::default(),
    );
    (out, reference)
}

fn check_ops(tree: &Tree, ops: &[Op]) {
    match run_ops(tree, ops) {
        (Ok(out), Some(t)) => {
            assert_eq!(
                out.stack[..4],
                top_first(&t.root()),
                "final root after {ops:?}"
            );
        }
        (Err(e), None) => {
            assert!(
                what(&e).contains("more than one key is not supported"),
                "{e}"
            );
        }
        (out, t) => panic!("{ops:?}: got {out:?}, reference {:?}", t.is_some()),
    }
}

/// Keys: 0..=3 in distinct leaves, 4 in key 0's leaf (same k3), 5 with large elements.
fn key(i: usize) -> [u64; 4] {
    match i {
        0 => [1, 2, 3, 10],
        1 => [4, 5, 6, 11],
        2 => [7, 8, 9, (1 << 63) + 12],
        3 => [0, 0, 0, 0],
        4 => [9, 9, 9, 10],
        _ => [P - 1, P - 2, TWO32, u64::MAX - (1 << 32)],
    }
}

fn val(i: u64) -> [u64; 4] {
    [i, i + 1, P - 1 - i, i * TWO32 % P]
}

#[test]
fn get_and_set_on_an_empty_tree() {
    let t = Tree::default();
    check_ops(&t, &[Op::Get(key(0))]);
    check_ops(
        &t,
        &[Op::Set(key(0), val(1)), Op::Get(key(0)), Op::Get(key(1))],
    );
    // Removing from an empty tree changes nothing.
    check_ops(&t, &[Op::Set(key(2), ZERO), Op::Get(key(2))]);
}

#[test]
fn update_remove_and_neighbours() {
    let ops = vec![
        Op::Set(key(0), val(1)),
        Op::Set(key(1), val(2)),
        Op::Set(key(5), val(3)),
        Op::Set(key(3), val(4)),
        Op::Get(key(0)),
        Op::Set(key(0), val(5)),
        Op::Get(key(0)),
        Op::Get(key(4)),
        Op::Set(key(4), ZERO),
        Op::Set(key(1), ZERO),
        Op::Get(key(1)),
        Op::Get(key(5)),
        Op::Set(key(5), ZERO),
        Op::Set(key(0), ZERO),
        Op::Set(key(3), ZERO),
    ];
    check_ops(&Tree::default(), &ops);
    // Everything removed: the empty tree's root.
    let (out, t) = run_ops(&Tree::default(), &ops);
    let t = t.unwrap();
    assert!(t.pairs.is_empty());
    assert_eq!(out.unwrap().stack[..4], top_first(&t.root()));
}

#[test]
fn starts_from_a_given_tree() {
    let mut t = Tree::default();
    for i in 0..4 {
        t.set(key(i), val(10 + i as u64));
    }
    check_ops(
        &t,
        &[
            Op::Get(key(2)),
            Op::Get(key(4)),
            Op::Set(key(2), val(99)),
            Op::Set(key(3), ZERO),
            Op::Get(key(3)),
        ],
    );
}

#[test]
fn a_second_key_in_a_leaf_is_refused() {
    check_ops(
        &Tree::default(),
        &[Op::Set(key(0), val(1)), Op::Set(key(4), val(2))],
    );
}

#[test]
fn lying_advice_fails() {
    let mut t = Tree::default();
    t.set(key(0), val(1));
    let root = top_first(&t.root());
    let get = |k: [u64; 4]| {
        format!(
            "{IMPORT}begin push.{}.{}.{}.{} {}exec.smt::get end",
            root[3],
            root[2],
            root[1],
            root[0],
            push_word(k)
        )
    };
    // A wrong preimage under the leaf.
    let mut a = t.advice();
    for v in a.map.values_mut() {
        v[5] = Felt::new(v[5].as_int() + 1);
    }
    let e = run_full(&get(key(0)), &[], a, ExecutionOptions::default()).unwrap_err();
    assert!(what(&e).contains("does not hash to the leaf"), "{e}");
    // A preimage claiming two pairs.
    let mut a = t.advice();
    for v in a.map.values_mut() {
        let more = v.clone();
        v.extend(more);
    }
    let e = run_full(&get(key(0)), &[], a, ExecutionOptions::default()).unwrap_err();
    assert!(what(&e).contains("more than one key"), "{e}");
    // No preimage.
    let mut a = t.advice();
    a.map.clear();
    let e = run_full(&get(key(0)), &[], a, ExecutionOptions::default()).unwrap_err();
    assert!(what(&e).contains("MapKeyNotFound"), "{e}");
    // An unknown root.
    let e = run_full(
        &get(key(0)),
        &[],
        AdviceInputs::default(),
        ExecutionOptions::default(),
    )
    .unwrap_err();
    assert!(what(&e).contains("MerkleNodeNotFound"), "{e}");
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..6).prop_map(|k| Op::Get(key(k))),
        (0usize..6, 0u64..4).prop_map(|(k, v)| Op::Set(key(k), if v == 0 { ZERO } else { val(v) })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn random_operation_sequences(ops in prop::collection::vec(op(), 1..12)) {
        check_ops(&Tree::default(), &ops);
    }
}

/// Cycles of one `exec.smt::{proc}` on the given tree and operands.
fn cycles(tree: &Tree, body: &str) -> u64 {
    let root = ints(&tree.root());
    let run = |b: &str| {
        let src = format!(
            "{IMPORT}begin {}{b} end",
            push_word(root.clone().try_into().unwrap())
        );
        run_full(&src, &[], tree.advice(), ExecutionOptions::default())
            .unwrap()
            .cycles
    };
    let pushes: String = body.split("exec").next().unwrap().to_string();
    run(body) - run(&pushes) - 2
}

#[test]
fn cycles_are_the_documented_ones() {
    let empty = Tree::default();
    let mut one = Tree::default();
    one.set(key(0), val(1));
    let get = |k: [u64; 4]| format!("{}exec.smt::get", push_word(k));
    let set = |k: [u64; 4], v: [u64; 4]| format!("{}{}exec.smt::set", push_word(k), push_word(v));
    assert_eq!(cycles(&empty, &get(key(0))), 1788, "get, empty leaf");
    assert_eq!(cycles(&one, &get(key(0))), 1862, "get, leaf holding K");
    assert_eq!(cycles(&one, &get(key(4))), 1870, "get, another key");
    assert_eq!(
        cycles(&empty, &set(key(0), val(1))),
        6330,
        "set, empty leaf"
    );
    assert_eq!(
        cycles(&empty, &set(key(0), ZERO)),
        6309,
        "remove, empty leaf"
    );
    assert_eq!(
        cycles(&one, &set(key(0), val(2))),
        6408,
        "set, leaf holding K"
    );
    assert_eq!(
        cycles(&one, &set(key(0), ZERO)),
        6387,
        "remove, leaf holding K"
    );
    assert_eq!(
        cycles(&one, &set(key(4), ZERO)),
        1893,
        "remove, another key"
    );
}

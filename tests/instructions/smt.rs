//! Sparse and partial Merkle trees from inputs files (Miden v0.16 `miden-vm/src/internal.rs`,
//! `MerkleData`: `sparse_merkle_tree` is miden-crypto's `SimpleSmt<64>`, `partial_merkle_tree`
//! its `PartialMerkleTree::with_leaves`), the empty-subtree nodes every Merkle store knows
//! (miden-crypto `MerkleStore::new`), and `adv.push_smtpeek` (Miden v0.16
//! `processor/src/operations/sys_ops/sys_event_handlers.rs`, `push_smtpeek_result`).
//!
//! Roots are recomputed here level by level with `hash::merge` (our Rp64_256 in place of
//! Miden's RPO), never with the store-building code under test.

use vm::processor::{empty_subtree_root, word_key, AdviceInputs, InputFile};
use vm_core::{hash, Felt, Word};

use crate::common::*;

fn w(xs: [u64; 4]) -> Word {
    xs.map(Felt::new)
}

/// A word as `push.` immediates (element 0 pushed first, so it ends deepest).
fn push_word(x: &Word) -> String {
    let x = x.map(|f| f.as_int());
    format!("push.{}.{}.{}.{}", x[0], x[1], x[2], x[3])
}

/// A word in stack order (top first): element 3 on top.
fn top_first(word: &Word) -> [u64; 4] {
    let x = ints(word);
    [x[3], x[2], x[1], x[0]]
}

/// Empty-subtree roots by height: E0 = the empty word, E(h) = merge(E(h-1), E(h-1)).
fn empty_roots() -> Vec<Word> {
    let mut e = vec![[Felt::new(0); 4]];
    for h in 1..=64 {
        e.push(hash::merge(&e[h - 1], &e[h - 1]));
    }
    e
}

/// The root of a depth-64 sparse tree over `leaves` (index -> value), computed naively on
/// the levels that hold a non-empty node.
fn smt_root(leaves: &[(u64, Word)]) -> Word {
    let e = empty_roots();
    let mut level: std::collections::BTreeMap<u64, Word> =
        leaves.iter().filter(|(_, v)| *v != e[0]).copied().collect();
    for empty in &e[..64] {
        let mut up = std::collections::BTreeMap::new();
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

/// The leaf words of Miden's `masm-examples/merkle_store/merkle_store.inputs`.
fn leaf(x: u64) -> Word {
    w([x, 0, 0, 0])
}

fn hex(x: u64) -> String {
    hash::word_to_hex(&leaf(x))
}

/// Miden v0.16 `miden-vm/masm-examples/merkle_store/merkle_store.inputs`, verbatim in shape.
fn midens_inputs() -> String {
    format!(
        r#"{{
    "operand_stack": [],
    "merkle_store": [
        {{ "partial_merkle_tree": [
            [[2, 0], "{a}"],
            [[2, 1], "{b}"],
            [[1, 1], "{c}"]
        ] }},
        {{ "sparse_merkle_tree": [
            [0, "{a}"],
            [1, "{b}"],
            [3, "{d}"]
        ] }},
        {{ "merkle_tree": ["{a}", "{b}", "{e}", "{d}"] }}
    ]
}}"#,
        a = hex(0x14),
        b = hex(0x15),
        c = hex(0x0b),
        d = hex(0x17),
        e = hex(0x16)
    )
}

#[test]
fn midens_merkle_store_example_runs() {
    let inputs = InputFile::parse(&midens_inputs()).unwrap();
    let advice = inputs.advice_inputs();
    let pmt_root = hash::merge(&hash::merge(&leaf(20), &leaf(21)), &leaf(11));
    let smt_root = smt_root(&[(0, leaf(20)), (1, leaf(21)), (3, leaf(23))]);
    let mt_root = hash::merge(
        &hash::merge(&leaf(20), &leaf(21)),
        &hash::merge(&leaf(22), &leaf(23)),
    );
    // Miden's `merkle_store.masm` with our roots in place of its RPO roots.
    let src = format!(
        "begin
            push.{pmt} push.0.2 mtree_get push.20.0.0.0 assert_eqw dropw
            push.{smt} push.1.64 mtree_get push.21.0.0.0 assert_eqw dropw
            push.{mt} push.2.2 mtree_get push.22.0.0.0 assert_eqw dropw
        end",
        pmt = hash::word_to_hex(&pmt_root),
        smt = hash::word_to_hex(&smt_root),
        mt = hash::word_to_hex(&mt_root),
    );
    let out = run_adv(&src, &[], advice).unwrap();
    assert_eq!(out, [0; 16]);
}

#[test]
fn sparse_tree_leaves_and_empty_leaves() {
    let leaves = [
        (0u64, leaf(20)),
        (1, leaf(21)),
        (3, leaf(23)),
        (1 << 40, leaf(99)),
    ];
    let mut advice = AdviceInputs::default();
    let root = advice.add_sparse_merkle_tree(&leaves).unwrap();
    assert_eq!(root, smt_root(&leaves));
    let r = top_first(&root);
    // [d, i, R] -> [V, R]: set leaves, and empty leaves (next to a set one, or in an empty
    // subtree far from all of them) read as the empty word.
    for (i, v) in [
        (3u64, leaf(23)),
        (1 << 40, leaf(99)),
        (2, w([0; 4])),
        (u64::MAX, w([0; 4])),
        (1 << 39, w([0; 4])),
    ] {
        let mut args = vec![64, i];
        args.extend(r);
        let out = run_adv(
            "begin mtree_get end",
            &with_sentinels(&args),
            advice.clone(),
        )
        .unwrap_or_else(|e| panic!("index {i}: {e}"));
        let mut pushed = top_first(&v).to_vec();
        pushed.extend(r);
        assert_eq!(out, expected(&args, 6, &pushed), "index {i}");
    }
    // An inner node: depth 62, index 0 is merge(merge(L0, L1), merge(E0, L3)).
    let node = hash::merge(
        &hash::merge(&leaf(20), &leaf(21)),
        &hash::merge(&w([0; 4]), &leaf(23)),
    );
    let mut args = vec![62, 0];
    args.extend(r);
    let out = run_adv(
        "begin mtree_get end",
        &with_sentinels(&args),
        advice.clone(),
    )
    .unwrap();
    assert_eq!(out[..4], top_first(&node));
    // mtree_set on an empty leaf gives the root of the tree with that leaf set, and
    // mtree_verify accepts it.
    let new = w([5, 6, 7, 8]);
    let mut with_new = leaves.to_vec();
    with_new.push((77, new));
    let new_root = smt_root(&with_new);
    let src = format!(
        "begin {v} {r} push.77.64 mtree_set dropw push.77.64 {v} mtree_verify end",
        v = push_word(&new),
        r = push_word(&root)
    );
    let out = run_adv(&src, &[], advice).unwrap();
    assert_eq!(out[..4], top_first(&new));
    assert_eq!(out[6..10], top_first(&new_root));
}

#[test]
fn an_empty_sparse_tree_is_known_to_every_store() {
    // Miden's Merkle store starts out with the roots of empty subtrees (miden-crypto
    // `MerkleStore::new`), so any leaf of the empty depth-64 tree can be read.
    let e = empty_roots();
    assert_eq!(empty_subtree_root(64), e[64]);
    assert_eq!(empty_subtree_root(0), e[0]);
    let mut advice = AdviceInputs::default();
    assert_eq!(advice.add_sparse_merkle_tree(&[]).unwrap(), e[64]);
    assert!(advice.merkle_nodes.is_empty());
    let mut args = vec![64, 12345];
    args.extend(top_first(&e[64]));
    let out = run_adv(
        "begin mtree_get end",
        &with_sentinels(&args),
        AdviceInputs::default(),
    )
    .unwrap();
    assert_eq!(out[..4], [0; 4]);
    // A leaf set to the empty word is no leaf at all.
    let mut advice = AdviceInputs::default();
    assert_eq!(
        advice.add_sparse_merkle_tree(&[(5, w([0; 4]))]).unwrap(),
        e[64]
    );
}

#[test]
fn partial_tree_nodes() {
    // Depth-3 leaves 0 and 1, depth-2 node 1 and depth-1 node 1: the root is computed from
    // them; the given nodes are leaves of the partial tree.
    let nodes = [
        ((3u64, 0u64), leaf(1)),
        ((3, 1), leaf(2)),
        ((2, 1), leaf(3)),
        ((1, 1), leaf(4)),
    ];
    let n20 = hash::merge(&leaf(1), &leaf(2));
    let n10 = hash::merge(&n20, &leaf(3));
    let root = hash::merge(&n10, &leaf(4));
    let mut advice = AdviceInputs::default();
    assert_eq!(advice.add_partial_merkle_tree(&nodes).unwrap(), root);
    let r = top_first(&root);
    for ((d, i), v) in [((3u64, 1u64), leaf(2)), ((2, 0), n20), ((1, 1), leaf(4))] {
        let mut args = vec![d, i];
        args.extend(r);
        let out = run_adv(
            "begin mtree_get end",
            &with_sentinels(&args),
            advice.clone(),
        )
        .unwrap();
        assert_eq!(out[..4], top_first(&v), "({d}, {i})");
    }
    // Below a given leaf the store knows nothing.
    let mut args = vec![2, 2];
    args.extend(r);
    let e = run_adv("begin mtree_get end", &with_sentinels(&args), advice).unwrap_err();
    assert!(what(&e).contains("MerkleNodeNotFound"), "{e}");
}

#[test]
fn inputs_file_tree_errors_name_the_field() {
    let err = |json: &str| InputFile::parse(json).unwrap_err().to_string();
    let a = hex(1);
    let cases = [
        (
            format!(r#"{{"merkle_store": [{{"sparse_merkle_tree": [[3, "{a}"], [3, "{a}"]]}}]}}"#),
            "merkle_store[0].sparse_merkle_tree: leaf index 3 is given more than once",
        ),
        (
            format!(r#"{{"merkle_store": [{{"sparse_merkle_tree": [["x", "{a}"]]}}]}}"#),
            r#"merkle_store[0].sparse_merkle_tree[0][0]: "x" is not a number"#,
        ),
        (
            r#"{"merkle_store": [{"sparse_merkle_tree": [[3]]}]}"#.to_string(),
            "merkle_store[0].sparse_merkle_tree[0]: expected a pair [leaf index, word]",
        ),
        (
            r#"{"merkle_store": [{"sparse_merkle_tree": [[3, "0x12"]]}]}"#.to_string(),
            "merkle_store[0].sparse_merkle_tree[0][1]: expected 64 hex digits",
        ),
        (
            format!(r#"{{"merkle_store": [{{"partial_merkle_tree": [[[2, 0], "{a}"]]}}]}}"#),
            "merkle_store[0].partial_merkle_tree: node (depth 2, index 0) has no sibling: node (depth 2, index 1)",
        ),
        (
            format!(r#"{{"merkle_store": [{{"partial_merkle_tree": [[[2, 4], "{a}"]]}}]}}"#),
            "merkle_store[0].partial_merkle_tree: node index 4 does not exist at depth 2",
        ),
        (
            format!(r#"{{"merkle_store": [{{"partial_merkle_tree": [[[65, 0], "{a}"]]}}]}}"#),
            "merkle_store[0].partial_merkle_tree: node depth 65 is greater than 64",
        ),
        (
            format!(
                r#"{{"merkle_store": [{{"partial_merkle_tree": [[[1, 0], "{a}"], [[1, 1], "{a}"], [[1, 0], "{a}"]]}}]}}"#
            ),
            "merkle_store[0].partial_merkle_tree: node (depth 1, index 0) is given more than once",
        ),
        (
            format!(r#"{{"merkle_store": [{{"partial_merkle_tree": [[2, "{a}"]]}}]}}"#),
            "merkle_store[0].partial_merkle_tree[0][0]: expected a pair [depth, index]",
        ),
        (
            r#"{"merkle_store": [{"mmr": []}]}"#.to_string(),
            r#"merkle_store[0]: unsupported Merkle store entry "mmr""#,
        ),
        (
            r#"{"merkle_store": [{"merkle_tree": [], "sparse_merkle_tree": []}]}"#.to_string(),
            "merkle_store[0]: expected an object with one key",
        ),
        (
            r#"{"merkle_store": [{"sparse_merkle_tree": {}}]}"#.to_string(),
            "merkle_store[0].sparse_merkle_tree: expected an array",
        ),
    ];
    for (json, want) in cases {
        let e = err(&json);
        assert!(
            e.starts_with(want),
            "{json}\n  gave {e:?}\n  expected {want:?}"
        );
    }
    // Indices up to u64::MAX, as numbers or strings.
    let json = format!(
        r#"{{"merkle_store": [{{"sparse_merkle_tree": [[18446744073709551615, "{a}"], ["0x10", "{a}"]]}}]}}"#
    );
    let adv = InputFile::parse(&json).unwrap().advice_inputs();
    let root = smt_root(&[(u64::MAX, leaf(1)), (16, leaf(1))]);
    assert!(adv.merkle_nodes.contains_key(&word_key(&root)));
}

// ---------------------------------------------------------------- adv.push_smtpeek

/// A sparse tree laid out as Miden's `Smt` is: leaf index = KEY[3] (the top element of KEY
/// on the stack), the leaf node a digest whose preimage [K0, V0, K1, V1, ...] is in the
/// advice map (what `std::collections::smt::set` maintains). Returns the advice and root.
fn smt_with(entries: &[(Word, Word)]) -> (AdviceInputs, Word) {
    let mut by_leaf: std::collections::BTreeMap<u64, Vec<Felt>> = Default::default();
    for (k, v) in entries {
        let pairs = by_leaf.entry(k[3].as_int()).or_default();
        pairs.extend_from_slice(k);
        pairs.extend_from_slice(v);
    }
    let mut advice = AdviceInputs::default();
    let mut leaves = Vec::new();
    for (index, pairs) in by_leaf {
        let node = hash::hash_elements(&pairs);
        advice.map.insert(word_key(&node), pairs);
        leaves.push((index, node));
    }
    let root = advice.add_sparse_merkle_tree(&leaves).unwrap();
    assert_eq!(root, smt_root(&leaves));
    (advice, root)
}

/// `[KEY, ROOT] -> adv.push_smtpeek`, then `adv_push.4` on top of the unchanged stack
/// (the value's element 0 is popped first, so the value lands in word order).
fn peek(advice: &AdviceInputs, root: &Word, key: &Word) -> Result<[u64; 16], String> {
    let src = format!(
        "begin {} {} adv.push_smtpeek adv_push.4 end",
        push_word(root),
        push_word(key)
    );
    run_adv(&src, &[], advice.clone())
}

#[test]
fn push_smtpeek_reads_values_by_key() {
    let k1 = w([1, 2, 3, 100]);
    let k2 = w([4, 5, 6, 100]); // same leaf as k1
    let k3 = w([7, 8, 9, 1 << 50]);
    let (v1, v2, v3) = (
        w([11, 12, 13, 14]),
        w([21, 22, 23, 24]),
        w([31, 32, 33, 34]),
    );
    let (advice, root) = smt_with(&[(k1, v1), (k2, v2), (k3, v3)]);
    for (k, v) in [(k1, v1), (k2, v2), (k3, v3)] {
        let out = peek(&advice, &root, &k).unwrap();
        let mut want = top_first(&v).to_vec();
        want.extend(top_first(&k));
        want.extend(top_first(&root));
        assert_eq!(out[..12], want[..], "key {k:?}");
    }
    // A key in a non-empty leaf that holds other keys, and a key whose leaf is empty: the
    // empty word.
    for k in [w([0, 0, 0, 100]), w([1, 2, 3, 101]), w([1, 2, 3, 0])] {
        let out = peek(&advice, &root, &k).unwrap();
        assert_eq!(out[..4], [0; 4], "key {k:?}");
    }
    // The empty tree: every key reads as empty.
    let empty = empty_subtree_root(64);
    let out = peek(&AdviceInputs::default(), &empty, &k1).unwrap();
    assert_eq!(out[..4], [0; 4]);
}

#[test]
fn push_smtpeek_errors() {
    let k = w([1, 2, 3, 4]);
    let v = w([5, 6, 7, 8]);
    let (advice, root) = smt_with(&[(k, v)]);
    // An unknown root.
    let e = peek(&advice, &w([1, 1, 1, 1]), &k).unwrap_err();
    assert!(what(&e).contains("MerkleNodeNotFound"), "{e}");
    // A non-empty leaf without its preimage in the advice map.
    let mut no_map = advice.clone();
    no_map.map.clear();
    let e = peek(&no_map, &root, &k).unwrap_err();
    assert!(what(&e).contains("SmtLeafNotFound"), "{e}");
    // A preimage that is not (key, value) pairs.
    let mut bad = advice.clone();
    for values in bad.map.values_mut() {
        values.truncate(4);
    }
    let e = peek(&bad, &root, &k).unwrap_err();
    assert!(what(&e).contains("SmtLeafPreimageInvalid"), "{e}");
}

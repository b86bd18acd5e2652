//! Hashing and Merkle trees (cryptographic_operations.md), with Rescue Prime Rp64_256 in
//! place of RPO. Expected values come from `vm_core::hash` in Miden's stack layout:
//! hperm's state element j is stack element s(11 - j), so the capacity is the deepest word
//! and the digest is the middle word; a word's element 0 is its deepest stack element.

use vm::processor::AdviceInputs;
use vm_core::{hash, Felt, Word};

use crate::common::*;

fn w(xs: [u64; 4]) -> Word {
    xs.map(Felt::new)
}

/// A word in stack order (top first): element 3 on top.
fn top_first(word: &Word) -> [u64; 4] {
    let x = ints(word);
    [x[3], x[2], x[1], x[0]]
}

#[test]
fn hperm_permutes_the_top_12_elements() {
    let inputs: [[u64; 12]; 3] = [
        [0; 12],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        [P - 1, 0, TWO32, U32_MAX, 8, 0, 0, 0, 1, 2, P - 2, 5],
    ];
    for stack in inputs {
        // stack is top first: s0 .. s11
        let mut state = [Felt::new(0); 12];
        for j in 0..12 {
            state[j] = Felt::new(stack[11 - j]);
        }
        hash::permute(&mut state);
        let want: Vec<u64> = (0..12).map(|i| state[11 - i].as_int()).collect();
        check("begin hperm end", &stack, 12, &want);
    }
}

#[test]
fn hmerge_is_the_two_to_one_hash() {
    let pairs = [
        ([1u64, 2, 3, 4], [5u64, 6, 7, 8]),
        ([0; 4], [0; 4]),
        ([P - 1, TWO32, 0, 1], [9, 9, 9, P - 2]),
    ];
    for (a, b) in pairs {
        // [B, A] -> hash(A, B)
        let digest = hash::merge(&w(a), &w(b));
        let args: Vec<u64> = top_first(&w(b))
            .into_iter()
            .chain(top_first(&w(a)))
            .collect();
        check("begin hmerge end", &args, 8, &top_first(&digest));
        // Order matters.
        if a != b {
            assert_ne!(digest, hash::merge(&w(b), &w(a)));
        }
    }
}

#[test]
fn hash_is_the_one_to_one_hash() {
    for a in [[1u64, 2, 3, 4], [0; 4], [P - 1, 0, 0, TWO32]] {
        let digest = hash::hash_elements(&felts(&a));
        check("begin hash end", &top_first(&w(a)), 4, &top_first(&digest));
    }
}

/// Eight leaves, the tree in an advice provider, and its root.
fn tree() -> (Vec<Word>, AdviceInputs, Word) {
    let leaves: Vec<Word> = (0..8u64).map(|i| w([i, i * i, 77, P - 1 - i])).collect();
    let mut advice = AdviceInputs::default();
    // Independent root: hash pairs level by level.
    let mut level = leaves.clone();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash::merge(&p[0], &p[1])).collect();
    }
    let root = advice.add_merkle_tree(&leaves);
    assert_eq!(root, level[0]);
    (leaves, advice, root)
}

fn run_tree(src: &str, args: &[u64], advice: AdviceInputs) -> Result<[u64; 16], String> {
    run_adv(src, &with_sentinels(args), advice)
}

/// Runs `src` on `args` (top first) above sentinels; it must assemble, then fail. Returns
/// what failed (the error kind's fields, then its message).
fn tree_fails(src: &str, args: &[u64], advice: AdviceInputs) -> String {
    match run_tree(src, args, advice) {
        Ok(out) => panic!("{src:?} on {args:?} should fail but returned {out:?}"),
        Err(e) => {
            assert!(
                !e.starts_with("assembly failed"),
                "{src:?} was rejected by the assembler, expected a run-time error: {e}"
            );
            what(&e).to_string()
        }
    }
}

/// The start of the error text of `MerkleNodeNotFound` for the tree with root `root`.
fn not_found(root: &Word) -> String {
    format!(
        "MerkleNodeNotFound {{ root: {:?} }}",
        hash::word_to_hex(root)
    )
}

#[test]
fn mtree_get_returns_the_leaf() {
    let (leaves, advice, root) = tree();
    let r = top_first(&root);
    for i in 0..8u64 {
        // [d, i, R] -> [V, R]
        let mut args = vec![3, i];
        args.extend(r);
        let out = run_tree("begin mtree_get end", &args, advice.clone()).unwrap();
        let mut pushed = top_first(&leaves[i as usize]).to_vec();
        pushed.extend(r);
        assert_eq!(out, expected(&args, 6, &pushed), "leaf {i}");
    }
    // Inner node: depth 2, index 3 = hash(leaf6, leaf7).
    let node = hash::merge(&leaves[6], &leaves[7]);
    let mut args = vec![2, 3];
    args.extend(r);
    let out = run_tree("begin mtree_get end", &args, advice).unwrap();
    assert_eq!(out[..4], top_first(&node));
}

#[test]
fn mtree_get_fails_for_an_unknown_root_or_index() {
    let (_, advice, root) = tree();
    let mut args = vec![3, 1];
    args.extend([1, 2, 3, 4]); // the root [4, 3, 2, 1] (element 3 on top)
    let e = tree_fails("begin mtree_get end", &args, advice.clone());
    assert!(e.starts_with(&not_found(&w([4, 3, 2, 1]))), "{e}");
    let mut args = vec![3, 8]; // index out of range for depth 3
    args.extend(top_first(&root));
    let e = tree_fails("begin mtree_get end", &args, advice);
    assert!(e.starts_with(&not_found(&root)), "{e}");
}

#[test]
fn mtree_verify_checks_a_leaf() {
    let (leaves, advice, root) = tree();
    let r = top_first(&root);
    // [V, d, i, R] -> unchanged
    let mut args = top_first(&leaves[5]).to_vec();
    args.extend([3, 5]);
    args.extend(r);
    let out = run_tree("begin mtree_verify end", &args, advice.clone()).unwrap();
    assert_eq!(out, expected(&args, 0, &[]));
    // A wrong value or index fails, with the error code/message when one is given.
    let mismatch = |index: u64, message: &str| {
        format!(
            "MerkleNodeMismatch {{ root: {:?}, depth: 3, index: {index}, message: {message} }}",
            hash::word_to_hex(&root)
        )
    };
    let mut bad = args.clone();
    bad[4 + 1] = 4;
    let e = tree_fails("begin mtree_verify end", &bad, advice.clone());
    assert!(e.starts_with(&mismatch(4, "None")), "{e}");
    let mut bad = args.clone();
    bad[0] += 1;
    let e = tree_fails("begin mtree_verify.err=\"bad leaf\" end", &bad, advice);
    assert!(e.starts_with(&mismatch(5, "Some(\"bad leaf\")")), "{e}");
}

#[test]
fn mtree_set_replaces_a_leaf() {
    let (leaves, advice, root) = tree();
    let new = w([1000, 1001, 1002, 1003]);
    // [d, i, R, V'] -> [V, R']
    let mut args = vec![3, 2];
    args.extend(top_first(&root));
    args.extend(top_first(&new));
    let mut updated = leaves.clone();
    updated[2] = new;
    let mut level = updated;
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash::merge(&p[0], &p[1])).collect();
    }
    let out = run_tree("begin mtree_set end", &args, advice.clone()).unwrap();
    let mut pushed = top_first(&leaves[2]).to_vec();
    pushed.extend(top_first(&level[0]));
    assert_eq!(out, expected(&args, 10, &pushed));
    // Both trees are in the store afterwards: read the new leaf from the new root and the
    // old leaf from the old root.
    let src = "begin
        mtree_set                    # [V, R', ...]
        dropw                        # [R']
        push.2 push.3 mtree_get      # [V', R']
        end";
    let out = run_tree(src, &args, advice.clone()).unwrap();
    assert_eq!(out[..4], top_first(&new));
    assert_eq!(out[4..8], top_first(&level[0]));
    let src = format!(
        "begin mtree_set dropw dropw push.{}.{}.{}.{} push.2 push.3 mtree_get end",
        root[0], root[1], root[2], root[3]
    );
    let out = run_tree(&src, &args, advice).unwrap();
    assert_eq!(out[..4], top_first(&leaves[2]));
}

#[test]
fn mtree_merge_joins_two_roots() {
    let (leaves, mut advice, left) = tree();
    let right_leaves: Vec<Word> = (0..8u64).map(|i| w([i + 50, 0, 0, 1])).collect();
    let right = advice.add_merkle_tree(&right_leaves);
    let merged = hash::merge(&left, &right);
    // [R, L] -> [M]
    let mut args = top_first(&right).to_vec();
    args.extend(top_first(&left));
    let out = run_tree("begin mtree_merge end", &args, advice.clone()).unwrap();
    assert_eq!(out, expected(&args, 8, &top_first(&merged)));
    // The merged tree is usable: depth 4, index 3 is leaf 3 of the left tree and
    // index 9 is leaf 1 of the right tree.
    let src = "begin mtree_merge push.3 push.4 mtree_get end";
    let out = run_tree(src, &args, advice.clone()).unwrap();
    assert_eq!(out[..4], top_first(&leaves[3]));
    let src = "begin mtree_merge push.9 push.4 mtree_get end";
    let out = run_tree(src, &args, advice).unwrap();
    assert_eq!(out[..4], top_first(&right_leaves[1]));
}

/// A depth above 64, an index outside the tree and a root whose path is not in the store
/// fail in `vm run` and in `vm prove` (which runs the program first: the Merkle
/// instructions are provable now) with the instruction's source location, from the hint.
#[test]
fn merkle_failures_name_the_instruction_in_run_and_prove() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/merkle/merkle.inputs");
    let vm = env!("CARGO_BIN_EXE_vm");
    // merkle.inputs holds the root of a depth-3 tree under the index 5.
    for (setup, what) in [
        ("push.0 push.65", "depth 65"),
        ("push.8 push.3", "index 8 of a depth-3 tree"),
        ("dropw push.1.2.3.4 push.0 push.3", "an unknown root"),
    ] {
        // Line 2 leaves [R] ([R, V'] for mtree_set), line 3 pushes i and d.
        for (prep, ins) in [
            ("drop", "mtree_get"),
            ("drop padw swapw", "mtree_set"),
            ("drop", "padw mtree_verify"),
        ] {
            let src = format!("begin\n    {prep}\n    {setup}\n    {ins}\nend\n");
            let masm = dir.path().join("t.masm");
            std::fs::write(&masm, &src).unwrap();
            for cmd in ["run", "prove"] {
                let mut c = std::process::Command::new(vm);
                c.arg(cmd).arg(&masm).arg("-i").arg(inputs);
                if cmd == "prove" {
                    c.arg("-o").arg(dir.path().join("t.out"));
                    c.arg("-p").arg(dir.path().join("t.proof"));
                    c.arg("--claim").arg(dir.path().join("t.claim"));
                }
                let out = c.output().unwrap();
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(!out.status.success(), "{what}, {ins}: {cmd} succeeded");
                assert!(
                    err.contains("MerkleNodeNotFound") || err.contains("no Merkle path"),
                    "{what}, {ins}, {cmd}: {err}"
                );
                assert!(err.contains("t.masm:4:"), "{what}, {ins}, {cmd}: {err}");
            }
        }
    }
}

//! The rollup example (`examples/rollup/`) as a test: its node module, on a fresh database
//! in a temporary directory, through the public `vm` facade only. A valid batch moves the
//! state root; a second node opened on the same database continues from it; invalid
//! batches (a bad signature, an overdraft, a replayed nonce, within a batch and across
//! batches) fail with the program's error; a batch's proof verifies against its two roots
//! and nothing else.

#[path = "../examples/rollup/node.rs"]
#[allow(dead_code)]
mod node;

use node::{Node, NodeError, Statement};
use vm::{Error, ErrorKind, ProvingOptions, VerifyError};

const GENESIS: &[(u64, u64)] = &[(0, 100), (1, 50)];

fn vm_error(r: Result<node::Applied, NodeError>) -> vm::ExecutionError {
    match r {
        Err(NodeError::Vm(Error::Execution(e))) => *e,
        Err(e) => panic!("expected an execution error, got {e}"),
        Ok(_) => panic!("an invalid batch was accepted"),
    }
}

fn assertion(r: Result<node::Applied, NodeError>) -> String {
    match vm_error(r).kind {
        ErrorKind::FailedAssertion {
            message: Some(m), ..
        } => m,
        k => panic!("expected a failed assertion, got {k}"),
    }
}

#[test]
fn batches_move_the_root_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.redb");
    let genesis_root;
    let first_root;
    {
        let node = Node::open(&path, GENESIS).unwrap();
        genesis_root = node.root().unwrap().unwrap();
        let batch = vec![node.sign(0, 1, 30).unwrap(), node.sign(1, 0, 5).unwrap()];
        let applied = node.apply(&batch).unwrap();
        assert_eq!(applied.statement.old_root, genesis_root);
        assert_ne!(applied.statement.new_root, genesis_root);
        assert_eq!(applied.accounts[&0].balance, 75);
        assert_eq!(applied.accounts[&1].balance, 75);
        first_root = node.commit(&applied.accounts, true).unwrap();
        assert_eq!(first_root, applied.statement.new_root);

        // The transfers of a committed batch cannot be replayed.
        assert!(assertion(node.apply(&batch[..1])).contains("wrong nonce"));
    }
    // A restarted node continues from the root the first one left.
    let node = Node::open(&path, GENESIS).unwrap();
    assert_eq!(node.root().unwrap(), Some(first_root));
    assert_eq!(node.batches().unwrap(), 1);
    let accounts = node.accounts().unwrap();
    assert_eq!((accounts[&0].balance, accounts[&0].nonce), (75, 1));
    // A transfer to a new account creates it (without a key).
    let applied = node.apply(&[node.sign(0, 7, 25).unwrap()]).unwrap();
    assert_eq!(applied.statement.old_root, first_root);
    assert_eq!(applied.accounts[&7].balance, 25);
    assert!(applied.accounts[&7].key.is_none());
    node.commit(&applied.accounts, true).unwrap();
    assert!(matches!(node.sign(7, 0, 1), Err(NodeError::NoKey(7))));
}

#[test]
fn invalid_batches_fail_with_the_programs_error() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::open(&dir.path().join("state.redb"), GENESIS).unwrap();
    let good = node.sign(0, 1, 10).unwrap();

    // Account 1's signature on a transfer that says it is from account 0.
    let mut forged = node.sign(1, 0, 10).unwrap();
    forged.from = 0;
    let e = vm_error(node.apply(&[forged]));
    assert!(
        matches!(
            e.kind,
            ErrorKind::MerkleNodeNotFound { .. } | ErrorKind::MerkleNodeMismatch { .. }
        ),
        "{e}"
    );
    // A valid signature on other transfer fields.
    let mut altered = good.clone();
    altered.amount = 90;
    vm_error(node.apply(&[altered]));

    let overdraft = node.sign(1, 0, 51).unwrap();
    assert!(assertion(node.apply(&[overdraft])).contains("balance too low"));
    assert!(assertion(node.apply(&[good.clone(), good.clone()])).contains("wrong nonce"));
    let e = vm_error(node.apply(&[]));
    assert!(e.to_string().contains("empty batch"), "{e}");

    // Nothing was written: the node still accepts the good transfer.
    node.apply(&[good]).unwrap();
}

#[test]
fn a_batch_proof_verifies_against_its_two_roots() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::open(&dir.path().join("state.redb"), GENESIS).unwrap();
    let applied = node.apply(&[node.sign(0, 1, 10).unwrap()]).unwrap();
    let proven = node
        .prove(&applied, &ProvingOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let bytes = proven.proof.to_bytes();
    let hash = node.program().hash();
    let st = applied.statement;
    assert!(node::verify(hash, &st, &bytes).unwrap() >= 96);
    let swapped = Statement {
        old_root: st.new_root,
        new_root: st.old_root,
        ..st
    };
    let other_batch = Statement {
        batch: st.old_root,
        ..st
    };
    for wrong in [swapped, other_batch] {
        assert!(matches!(
            node::verify(hash, &wrong, &bytes),
            Err(VerifyError::Rejected(_))
        ));
    }
}

/// `examples/rollup/rollup.inputs` (for `vm run`, `vm profile`) is the example's first batch
/// on its genesis state, and running it gives the node's statement.
#[test]
fn the_inputs_file_is_the_first_demo_batch() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::open(&dir.path().join("state.redb"), node::DEMO_GENESIS).unwrap();
    let batch: Vec<_> = node::DEMO_BATCH
        .iter()
        .map(|&(from, to, amount)| node.sign(from, to, amount).unwrap())
        .collect();
    let json = node::inputs_json(&node.accounts().unwrap(), &batch);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/rollup/rollup.inputs");
    let file = std::fs::read_to_string(path).unwrap();
    assert!(
        file == json,
        "examples/rollup/rollup.inputs is stale: cargo run --release --example rollup -- \
         --db /tmp/x.redb --fresh --write-inputs examples/rollup/rollup.inputs"
    );
    let inputs = vm::processor::InputFile::parse(&file).unwrap();
    let out = vm::execute(
        node.program(),
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut vm::DefaultHost,
        vm::ExecutionOptions::default(),
    )
    .unwrap();
    let applied = node.apply(&batch).unwrap();
    assert_eq!(out.stack, applied.statement.stack_outputs());
}

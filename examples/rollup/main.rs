//! A rollup node in miniature:
//! `cargo run --release --example rollup [-- --db PATH] [--fresh] [--write-inputs FILE]`.
//!
//! Keeps accounts (balance, nonce, hash-based public key) in a sparse Merkle tree whose
//! nodes live in a redb database, applies a batch of signed transfers with `rollup.masm`,
//! proves the batch, writes the proof, and verifies it in a separate step against the old
//! and new roots. A second run continues from the root the first one left. It also shows
//! that invalid batches (a bad signature, an overdraft, a replayed nonce) fail with the
//! program's error. `docs/api.md` walks through it.

mod node;

use std::path::PathBuf;
use std::time::Instant;

use node::{Node, NodeError, Transfer};
use vm::core::hash::word_to_hex;
use vm::{Error, ProvingOptions};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), NodeError> {
    let mut args = std::env::args().skip(1);
    let mut path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/rollup-example.redb");
    let mut fresh = false;
    let mut write_inputs = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--db" => path = args.next().map(PathBuf::from).unwrap_or(path),
            "--fresh" => fresh = true,
            // Writes the batch as a `vm run` inputs file (examples/rollup/rollup.inputs is
            // this on a fresh database).
            "--write-inputs" => write_inputs = args.next().map(PathBuf::from),
            other => return Err(NodeError::Db(format!("unknown argument {other}"))),
        }
    }
    if fresh {
        let _ = std::fs::remove_file(&path);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| NodeError::Db(e.to_string()))?;
    }
    let started = Instant::now();
    let node = Node::open(&path, node::DEMO_GENESIS)?;
    println!(
        "node: {} (batch {}), opened in {:.2?}",
        path.display(),
        node.batches()? + 1,
        started.elapsed()
    );
    println!("program hash: {}", word_to_hex(&node.program().hash()));

    // Invalid batches: each fails in the VM with the program's message.
    let good = node.sign(0, 1, 10)?; // the first transfer of the batch
    let forged = {
        let mut t = node.sign(1, 2, 10)?; // account 1's signature ...
        t.from = 0; // ... on a transfer from account 0
        t.nonce = good.nonce;
        t
    };
    let overdraft = node.sign(2, 0, 1_000_000)?;
    for (what, batch) in [
        ("bad signature", vec![forged]),
        ("overdraft", vec![overdraft]),
        ("replayed nonce", vec![good.clone(), good.clone()]),
    ] {
        match node.apply(&batch) {
            Err(e) => println!("invalid batch ({what}) rejected: {e}"),
            Ok(_) => return Err(NodeError::Corrupt(format!("the {what} batch was accepted"))),
        }
    }

    // The batch.
    let batch = node::DEMO_BATCH
        .iter()
        .map(|&(from, to, amount)| node.sign(from, to, amount))
        .collect::<Result<Vec<Transfer>, _>>()?;
    if let Some(file) = &write_inputs {
        let json = node::inputs_json(&node.accounts()?, &batch);
        std::fs::write(file, json).map_err(|e| NodeError::Db(e.to_string()))?;
        println!("inputs: {}", file.display());
    }
    let applied = node.apply(&batch)?;
    let st = applied.statement;
    println!("old root: {}", word_to_hex(&st.old_root));
    println!("new root: {}", word_to_hex(&st.new_root));
    println!(
        "batch: {} transfers, {} cycles, executed in {:.2?}",
        batch.len(),
        applied.cycles,
        applied.time
    );

    let options = ProvingOptions::default().with_progress(|p| {
        if p.depth == 0 {
            eprintln!("  {:>9.2?}  {}", p.elapsed, p.phase)
        }
    });
    match node.prove(&applied, &options) {
        Ok(proven) => {
            let bytes = proven.proof.to_bytes();
            let file = path.with_extension(format!("batch{}.proof", node.batches()? + 1));
            std::fs::write(&file, &bytes).map_err(|e| NodeError::Db(e.to_string()))?;
            println!(
                "proof: {} bytes ({}), trace {} rows, proved in {:.2?}",
                bytes.len(),
                file.display(),
                proven.stats.trace_len,
                proven.stats.trace_time + proven.stats.stark_time
            );
            // The verifier's side: the program hash, the two roots, the batch commitment.
            let bytes = std::fs::read(&file).map_err(|e| NodeError::Db(e.to_string()))?;
            let started = Instant::now();
            let bits = node::verify(node.program().hash(), &st, &bytes).map_err(Error::from)?;
            println!("verified: {bits}-bit security in {:.2?}", started.elapsed());
        }
        Err(e) => return Err(e),
    }
    let root = node.commit(&applied.accounts, true)?;
    println!("committed: root {}", word_to_hex(&root));
    for (id, a) in &applied.accounts {
        println!("  account {id}: balance {}, nonce {}", a.balance, a.nonce);
    }
    Ok(())
}

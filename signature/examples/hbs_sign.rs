//! Generates a key, signs a message with the stateful signer and writes an inputs file for
//! `examples/hbs/hbs.masm`:
//!
//! ```text
//! cargo run --release -p vm-signature --example hbs_sign -- STATE_FILE OUT.inputs [HEIGHT] [MESSAGE]
//! vm run --input OUT.inputs examples/hbs/hbs.masm
//! ```
//!
//! The key comes from a fixed demonstration seed (a real key needs 32 secret random bytes);
//! the message digest is `hash_elements` of the MESSAGE's bytes, one element each. Each run
//! signs with the next unused leaf of STATE_FILE (created on the first run).

use std::path::Path;
use vm_core::{hash, Felt};
use vm_signature::{PrivateKey, StatefulSigner};

/// The demonstration seed (not a secret).
pub const DEMO_SEED: [u8; 32] = *b"vm-signature demo seed: public!!";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: hbs_sign STATE_FILE OUT.inputs [HEIGHT] [MESSAGE]");
        std::process::exit(2);
    }
    let height: u32 = args.get(2).map(|h| h.parse()).transpose()?.unwrap_or(4);
    let text = args
        .get(3)
        .map(String::as_str)
        .unwrap_or("hello, post-quantum world");
    let msg = hash::hash_elements(
        &text
            .bytes()
            .map(|b| Felt::new(b as u64))
            .collect::<Vec<_>>(),
    );
    let key = PrivateKey::generate(DEMO_SEED, height)?;
    let state = Path::new(&args[0]);
    let mut signer = if state.exists() {
        StatefulSigner::open(state, key)?
    } else {
        StatefulSigner::create(state, key)?
    };
    let pk = signer.public_key();
    let sig = signer.sign(&msg)?;
    std::fs::write(&args[1], sig.inputs_json(&pk, &msg))?;
    eprintln!(
        "signed with leaf {} of {} ({} left); public key {}",
        sig.index,
        1u64 << height,
        signer.remaining(),
        hash::word_to_hex(&pk.0)
    );
    Ok(())
}

//! Signs a message with ECDSA secp256k1 (`k256`, RFC 6979) and writes an inputs file for
//! `examples/ecdsa/ecdsa.masm`:
//!
//! ```text
//! cargo run --release -p vm-signature --example ecdsa_sign -- OUT.inputs [MESSAGE]
//! vm run examples/ecdsa/ecdsa.masm -i OUT.inputs
//! ```
//!
//! The key is SHA-256 of a fixed demonstration seed (a real key needs 32 secret random
//! bytes); the signed digest is SHA-256 of MESSAGE. The public input is the digest as a
//! scalar in Montgomery form (`vm_signature::ecdsa`); the key and the signature go to the
//! advice stack.

use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use sha2::{Digest, Sha256};
use vm_signature::ecdsa::VerifyInputs;

/// The demonstration seed (not a secret).
pub const DEMO_SEED: &[u8] = b"vm-signature ecdsa demo seed: public!";

/// The default message.
pub const DEMO_MESSAGE: &str = "hello, secp256k1";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: ecdsa_sign OUT.inputs [MESSAGE]");
        std::process::exit(2);
    };
    let text = args.get(1).map(String::as_str).unwrap_or(DEMO_MESSAGE);
    let key = SigningKey::from_bytes(&Sha256::digest(DEMO_SEED))?;
    let digest: [u8; 32] = Sha256::digest(text.as_bytes()).into();
    let sig: Signature = key.sign_prehash(&digest)?;
    let inputs = VerifyInputs::new(key.verifying_key(), &digest, &sig);
    std::fs::write(out, inputs.inputs_json())?;
    eprintln!(
        "signed SHA-256({text:?}); h (Montgomery limbs, limb 0 first): {:?}",
        inputs.h
    );
    Ok(())
}

//! The verifier of VM proofs: [`verify`] checks a proof knowing only the program hash, the
//! public stack inputs and the claimed stack outputs.
//!
//! `no_std` + `alloc`, so that verification embeds anywhere. Before handing the proof to
//! winterfell, whose `Air::new` can only panic on bad input, it checks the proof's shape
//! against the preset the proof names: the options must be exactly the preset's, and the
//! trace widths and length must be the ones the AIR expects. A proof can therefore not
//! choose its own zero-knowledge parameters, options or layout.
#![no_std]

extern crate alloc;

use alloc::{format, string::String, vec};

use vm_air::{layout, Preset, PublicInputs, VmAir};
use vm_core::{Felt, StackInputs, StackOutputs, Word};
use winter_crypto::{
    hashers::{Blake3_256, Rp64_256},
    DefaultRandomCoin, ElementHasher, MerkleTree,
};
use winter_verifier::AcceptableOptions;

pub use winter_verifier::VerifierError;

pub use vm_air::{preset, ProofError, VmProof};

/// Largest trace length a proof may claim (2^30 rows).
pub const MAX_TRACE_LEN: usize = 1 << 30;

/// Why a proof was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The proof's preset is weaker than the caller accepts.
    #[error("proof provides {provided}-bit security, {required} bits are required")]
    InsufficientSecurity {
        /// Bits the proof provides.
        provided: u32,
        /// Bits the caller asked for.
        required: u32,
    },
    /// The proof's options or trace shape are not those of its preset.
    #[error("proof does not match its preset: {0}")]
    BadShape(String),
    /// The STARK verifier rejected the proof: the statement is not proven. The cause is
    /// winterfell's, e.g. [`VerifierError::InconsistentOodConstraintEvaluations`].
    #[error("proof rejected: {0}")]
    Rejected(#[from] VerifierError),
}

/// Verifies that the program with hash `program_hash`, started on `stack_inputs`, halted
/// with `stack_outputs` on top of its stack. Returns the proof's conjectured security in
/// bits, which is at least `min_security_bits`.
pub fn verify(
    program_hash: Word,
    stack_inputs: StackInputs,
    stack_outputs: StackOutputs,
    proof: &VmProof,
    min_security_bits: u32,
) -> Result<u32, VerifyError> {
    let preset = proof.preset;
    check_shape(proof, preset)?;
    let bits = proof.security_bits();
    if bits < min_security_bits {
        return Err(VerifyError::InsufficientSecurity {
            provided: bits,
            required: min_security_bits,
        });
    }
    let public = PublicInputs {
        preset: preset.id,
        program_hash,
        stack_inputs,
        stack_outputs,
    };
    match preset.hash {
        preset::CommitmentHash::Blake3 => run::<Blake3_256<Felt>>(proof, public, preset),
        preset::CommitmentHash::Rescue => run::<Rp64_256>(proof, public, preset),
    }?;
    Ok(bits)
}

fn run<H: ElementHasher<BaseField = Felt> + Sync>(
    proof: &VmProof,
    public: PublicInputs,
    preset: &Preset,
) -> Result<(), VerifyError> {
    winter_verifier::verify::<VmAir, H, DefaultRandomCoin<H>, MerkleTree<H>>(
        proof.proof.clone(),
        public,
        &AcceptableOptions::OptionSet(vec![preset.options()]),
    )
    .map_err(VerifyError::Rejected)
}

/// Checks everything `Air::new` would otherwise panic on, and that the proof uses exactly
/// its preset's parameters.
fn check_shape(proof: &VmProof, preset: &Preset) -> Result<(), VerifyError> {
    let bad = |m: String| Err(VerifyError::BadShape(m));
    if *proof.proof.options() != preset.options() {
        return bad(format!("options differ from preset {}", preset.name));
    }
    let info = proof.proof.trace_info();
    let n = info.length();
    if n < preset.min_trace_len || n > MAX_TRACE_LEN {
        return bad(format!(
            "trace length {n} outside {}..={MAX_TRACE_LEN}",
            preset.min_trace_len
        ));
    }
    if info.main_trace_width() != preset.main_width() {
        return bad(format!(
            "main trace width {} (expected {})",
            info.main_trace_width(),
            preset.main_width()
        ));
    }
    if info.aux_segment_width() != layout::AUX_WIDTH
        || info.get_num_aux_segment_rand_elements() != layout::AUX_RANDS
    {
        return bad(format!(
            "auxiliary trace width {} with {} random elements (expected {} with {})",
            info.aux_segment_width(),
            info.get_num_aux_segment_rand_elements(),
            layout::AUX_WIDTH,
            layout::AUX_RANDS
        ));
    }
    if !info.meta().is_empty() {
        return bad(String::from("unexpected trace metadata"));
    }
    Ok(())
}

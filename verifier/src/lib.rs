//! The verifier of VM proofs: checks a proof knowing only the program hash, the public
//! stack inputs and the claimed stack outputs.
//!
//! `#![no_std]` + `alloc`, so that verification embeds anywhere (a rollup contract's host,
//! a bridge, wasm): its dependencies are the field/ISA crate, the AIR and winterfell's
//! verifier, nothing that assembles, executes or proves. [`verify_bytes`] is the entry
//! point for proofs that arrive as bytes: it never panics, whatever the bytes, and returns
//! a [`VerifyError`] for every rejection.
//!
//! The caller decides what it accepts with an [`Acceptance`]: a minimum conjectured
//! security level and the presets (and so the options: field extension, commitment hash,
//! blowup, queries, zero knowledge) it trusts. A proof names its preset; its options must
//! be exactly the preset's, and its trace widths and length the ones the AIR expects. A
//! proof can therefore choose neither its own zero-knowledge parameters, nor its options,
//! nor its layout. Before winterfell reads a byte, `vm_air::proof::check_stark_bytes`
//! checks every length and field of the serialized proof (`docs/zk.md`, "The embedded
//! verifier"), because winterfell's deserializers and verifier assert, index and allocate
//! on what they read.
#![no_std]

extern crate alloc;

use alloc::{format, string::String, vec, vec::Vec};

use vm_air::{preset::HashFunction, Preset, PublicInputs, VmAir};
use vm_core::{Felt, StackInputs, StackOutputs, Word};
use winter_crypto::{
    hashers::{Blake3_192, Blake3_256, Rp64_256},
    DefaultRandomCoin, ElementHasher, MerkleTree,
};
use winter_verifier::AcceptableOptions;

pub use winter_verifier::VerifierError;

pub use vm_air::proof::{check_stark_bytes, StarkShape, MAX_TRACE_LEN};
pub use vm_air::{preset, ProofError, VmProof};

/// Whether this build has the `std` feature (an embedded verifier is built without it;
/// the checks and their results are the same either way).
pub const BUILT_WITH_STD: bool = cfg!(feature = "std");

/// Why a proof was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The proof bytes are not a well-formed proof for the preset they name (or, for a
    /// [`VmProof`] built in memory, its STARK proof is not shaped as its preset requires).
    #[error("{0}")]
    Malformed(#[from] ProofError),
    /// The proof's preset is weaker than the caller accepts.
    #[error("proof provides {provided}-bit security, {required} bits are required")]
    InsufficientSecurity {
        /// Bits the proof provides.
        provided: u32,
        /// Bits the caller asked for.
        required: u32,
    },
    /// The proof was made under a preset the caller does not accept (its field
    /// extension, commitment hash, blowup, queries or zero-knowledge setting).
    #[error("proof preset {preset} is not accepted (accepted: {accepted})")]
    PresetNotAccepted {
        /// The proof's preset.
        preset: &'static str,
        /// The presets the caller accepts, comma separated.
        accepted: String,
    },
    /// The proof's preset is not a row of the preset table (a [`VmProof`] built in memory
    /// with a preset of its own).
    #[error("proof does not match its preset: {0}")]
    BadShape(String),
    /// The STARK verifier rejected the proof: the statement is not proven. The cause is
    /// winterfell's, e.g. [`VerifierError::InconsistentOodConstraintEvaluations`].
    #[error("proof rejected: {0}")]
    Rejected(#[from] VerifierError),
}

/// What a verifier accepts: a minimum conjectured security level and a set of presets.
///
/// ```
/// use vm_verifier::{preset::CommitmentHash, Acceptance};
/// // 128-bit proofs with Rescue commitments (cheap to verify inside another STARK) only.
/// let policy = Acceptance::min_security(128).retain(|p| p.hash == CommitmentHash::Rescue);
/// assert_eq!(policy.presets().count(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Acceptance {
    /// Proofs with less conjectured security than this many bits are rejected.
    pub min_security_bits: u32,
    /// Identifiers of the accepted presets.
    accepted: Vec<u8>,
}

impl Acceptance {
    /// Accepts every preset with at least `bits` bits of conjectured security.
    pub fn min_security(bits: u32) -> Self {
        Self {
            min_security_bits: bits,
            accepted: preset::PRESETS.iter().map(|p| p.id).collect(),
        }
    }

    /// Keeps only the accepted presets for which `keep` holds (for example
    /// `|p| p.zk && p.extension_degree == 3`).
    pub fn retain(mut self, keep: impl Fn(&Preset) -> bool) -> Self {
        self.accepted
            .retain(|&id| preset::by_id(id).is_some_and(&keep));
        self
    }

    /// Keeps only the named presets and their short-trace siblings (names as in
    /// [`preset::PRESETS`]; unknown names match nothing). A prover asked for a preset proves a
    /// short trace under its sibling ([`Preset::for_short_traces`]: same security, hash and
    /// zero knowledge), so accepting `"96"` accepts `"96-short"` too; name `"96-short"`
    /// alone to accept only that one.
    pub fn only_presets(self, names: &[&str]) -> Self {
        self.retain(|p| names.contains(&p.name) || names.contains(&p.general().name))
    }

    /// The presets a proof may use under this policy (kept and at least as secure as
    /// required), in table order.
    pub fn presets(&self) -> impl Iterator<Item = &'static Preset> + '_ {
        preset::PRESETS
            .iter()
            .filter(|p| self.accepted.contains(&p.id) && p.security_bits >= self.min_security_bits)
    }

    /// Checks a preset against this policy (before any proof work).
    fn check(&self, preset: &'static Preset) -> Result<(), VerifyError> {
        if !self.accepted.contains(&preset.id) {
            let names: Vec<&str> = self.presets().map(|p| p.name).collect();
            return Err(VerifyError::PresetNotAccepted {
                preset: preset.name,
                accepted: names.join(", "),
            });
        }
        if preset.security_bits < self.min_security_bits {
            return Err(VerifyError::InsufficientSecurity {
                provided: preset.security_bits,
                required: self.min_security_bits,
            });
        }
        Ok(())
    }
}

/// Verifies a proof file (the bytes `VmProof::to_bytes` writes) for the program with hash
/// `program_hash`, started on `stack_inputs`, halted with `stack_outputs` on top of its
/// stack, under the caller's `acceptance`. Returns the proof's conjectured security in
/// bits. Never panics: malformed bytes are [`VerifyError::Malformed`].
pub fn verify_bytes(
    program_hash: Word,
    stack_inputs: StackInputs,
    stack_outputs: StackOutputs,
    proof_bytes: &[u8],
    acceptance: &Acceptance,
) -> Result<u32, VerifyError> {
    // The header names the preset: refuse unaccepted presets before parsing the rest.
    if let Some(&id) = proof_bytes.get(5) {
        if let Some(p) = preset::by_id(id) {
            if proof_bytes.starts_with(vm_air::proof::MAGIC) {
                acceptance.check(p)?;
            }
        }
    }
    let proof = VmProof::from_bytes(proof_bytes)?;
    verify_parsed(
        program_hash,
        stack_inputs,
        stack_outputs,
        &proof,
        acceptance,
    )
}

/// Verifies an in-memory proof under `acceptance`: like [`verify_bytes`], after checking
/// the proof's serialized form field by field (a proof built in memory has not been
/// through `VmProof::from_bytes`).
pub fn verify_with(
    program_hash: Word,
    stack_inputs: StackInputs,
    stack_outputs: StackOutputs,
    proof: &VmProof,
    acceptance: &Acceptance,
) -> Result<u32, VerifyError> {
    let preset = table_preset(proof)?;
    acceptance.check(preset)?;
    check_stark_bytes(preset, &proof.proof.to_bytes())?;
    verify_parsed(program_hash, stack_inputs, stack_outputs, proof, acceptance)
}

/// Verifies that the program with hash `program_hash`, started on `stack_inputs`, halted
/// with `stack_outputs` on top of its stack, accepting every preset with at least
/// `min_security_bits` bits. Returns the proof's conjectured security in bits.
pub fn verify(
    program_hash: Word,
    stack_inputs: StackInputs,
    stack_outputs: StackOutputs,
    proof: &VmProof,
    min_security_bits: u32,
) -> Result<u32, VerifyError> {
    verify_with(
        program_hash,
        stack_inputs,
        stack_outputs,
        proof,
        &Acceptance::min_security(min_security_bits),
    )
}

/// The table's row for the proof's preset, which must be the proof's preset itself.
fn table_preset(proof: &VmProof) -> Result<&'static Preset, VerifyError> {
    match preset::by_id(proof.preset.id) {
        Some(p) if p == proof.preset => Ok(p),
        _ => Err(VerifyError::BadShape(format!(
            "preset {} (id {}) is not in the preset table",
            proof.preset.name, proof.preset.id
        ))),
    }
}

/// Runs winterfell's verifier on a proof whose shape has been checked.
fn verify_parsed(
    program_hash: Word,
    stack_inputs: StackInputs,
    stack_outputs: StackOutputs,
    proof: &VmProof,
    acceptance: &Acceptance,
) -> Result<u32, VerifyError> {
    let preset = table_preset(proof)?;
    acceptance.check(preset)?;
    // The options are the preset's (checked with the shape), so this is the preset's
    // figure; recomputed rather than trusted from the table.
    let bits = proof.security_bits();
    if bits < acceptance.min_security_bits {
        return Err(VerifyError::InsufficientSecurity {
            provided: bits,
            required: acceptance.min_security_bits,
        });
    }
    let public = PublicInputs {
        preset: preset.id,
        program_hash,
        stack_inputs,
        stack_outputs,
    };
    match preset.hash_function() {
        HashFunction::Blake3_192 => run::<Blake3_192<Felt>>(proof, public, preset),
        HashFunction::Blake3_256 => run::<Blake3_256<Felt>>(proof, public, preset),
        HashFunction::Rp64_256 => run::<Rp64_256>(proof, public, preset),
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

//! `vm`: a zero-knowledge virtual machine for Miden-style stack assembly.
//!
//! This crate is the facade for integrators: it re-exports the crates of the workspace so
//! that one dependency gives access to the whole pipeline
//! (source --[`assembly`]--> [`Program`] --[`processor`]--> outputs and trace
//! --[`prover`]--> proof --[`verifier`]--> accepted or rejected).

pub use vm_assembly as assembly;
pub use vm_core as core;
pub use vm_core::{Felt, Program, StackInputs, StackOutputs, Word};
pub use vm_processor as processor;
pub use vm_prover as prover;
pub use vm_signature as signature;
pub use vm_stdlib as stdlib;
pub use vm_verifier as verifier;

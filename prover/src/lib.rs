//! The STARK prover of the VM (`winter_prover::Prover`), with zero-knowledge randomization.
//!
//! Not built yet: the proofs issue fills this crate.

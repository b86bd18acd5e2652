//! The verifier of VM proofs: `verify(program hash, stack inputs, stack outputs, proof)`.
//!
//! Not built yet: the proofs issue fills this crate.
#![no_std]

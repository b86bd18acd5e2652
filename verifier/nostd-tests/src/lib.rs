//! Test-only crate: runs the verifier's bad-input property tests (`tests/nostd.rs`) against
//! `vm-verifier` built with its `std` feature off. It has no code of its own.
#![no_std]

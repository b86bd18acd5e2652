//! Trace layout and constraints of the VM (`winter_air::Air`) and its public inputs.
//!
//! Not built yet: the proofs issue fills this crate. Until then `vm` has no `prove` or
//! `verify` command, and nothing claims to prove anything.
#![no_std]

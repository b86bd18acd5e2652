//! Semantics of every Miden Assembly 0.16 instruction this VM accepts, end to end:
//! assembled by `vm::assembly`, run by both executors of `vm::processor`, and compared on
//! the whole 16-element output stack with values computed here from Miden's documentation
//! (`user_docs/assembly/*.md`) with Rust integers, never with the VM itself.
//!
//! One module per instruction category; `common` holds the runner and the stack model.

mod common;

mod advice;
mod asserts;
mod comparison;
mod crypto;
mod ext2;
mod field;
mod flow;
mod io;
mod limits;
mod locals;
mod memory;
mod procs;
mod props;
mod smt;
mod stack;
mod u32_arith;
mod u32_bitwise;
mod u32_cmp;
mod u32_conv;

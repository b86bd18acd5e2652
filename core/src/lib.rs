//! Core types of the `vm` zero-knowledge virtual machine.
//!
//! This crate is the bottom of the dependency graph: the assembler, the processor, the
//! AIR, the prover and the verifier all read the facts kept here and nowhere else.
//!
//! - [`Felt`]: the Goldilocks field element (p = 2^64 - 2^32 + 1) all values live in.
//! - [`op`]: the native instruction set, one table ([`op::OPCODES`]) from which the
//!   assembler's lowering, the processor's dispatch and trace statistics, the AIR's
//!   operation flags and set of proven operations, and `docs/isa.md` are derived.
//! - [`program`]: a compiled [`Program`] (native code, procedure table, source map,
//!   decorators) with its deterministic Rescue Prime hash and versioned binary format.
//! - [`decorator`]: zero-cycle actions attached to instructions (advice injectors,
//!   debugging output) that do not change the program hash.
//! - [`stack`]: public stack inputs and outputs.
//!
//! The crate is `#![no_std]` with `alloc` so that the verifier can embed it anywhere.
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod decorator;
pub mod hash;
pub mod op;
pub mod program;
pub mod serde_bin;
pub mod stack;

pub use decorator::Decorator;
pub use op::{ChipletRows, Component, ImmKind, OpInfo, Opcode, OPCODES};
pub use program::{
    AdviceMapEntry, DebugInfo, Instruction, ProcedureInfo, Program, SourceFile, SourceSpan,
};
pub use stack::{StackError, StackInputs, StackOutputs};
pub use winter_math::fields::f64::BaseElement as Felt;
pub use winter_math::{FieldElement, StarkField};

/// Four field elements: the unit of memory words, hash digests and Merkle nodes.
pub type Word = [Felt; 4];

/// The field modulus p = 2^64 - 2^32 + 1.
pub const MODULUS: u64 = 0xffff_ffff_0000_0001;

/// Number of operand-stack elements held in trace columns and exchanged as inputs/outputs.
pub const STACK_TOP_SIZE: usize = 16;

/// First address of procedure locals in every memory context (Miden's memory map: globals
/// live in [0, 2^30), locals in [2^30, 2^31)).
pub const FMP_INIT: u64 = 1 << 30;

/// The zero word.
pub const ZERO_WORD: Word = [Felt::ZERO; 4];

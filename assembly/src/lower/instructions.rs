//! Lowering of plain instructions to native operations.
//!
//! "Plain" means every instruction except flow control (`if`, `while`, `repeat`) and
//! invocation (`exec`, `call`, `syscall`, `procref`), which the procedure lowering handles.
//! The front end parses an instruction into a name (`u32wrapping_add`, `adv.push_mapval`,
//! `debug.stack`) and its dot-separated immediates, resolves constants, and calls
//! [`lower_instruction`].
//!
//! The instruction table is split by category (one submodule each, matching the tables of
//! `docs/instructions.md`); every entry checks its immediates, then appends its native
//! expansion. Expansions follow Miden's documented stack semantics, with two deliberate
//! differences: u32 instructions trap on non-u32 inputs (Miden leaves the result
//! undefined), and a few instructions are refused (see [`LowerError::Refused`]).

use std::{collections::HashMap, string::String, sync::OnceLock, vec::Vec};

use vm_core::{Decorator, Instruction};

mod builder;
mod crypto;
mod field;
mod io;
mod stack;
mod system;
#[cfg(test)]
mod tests;
mod u32_ops;

use builder::{Entry, Lower};

/// A resolved immediate argument, as written after a dot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imm {
    /// A decimal or hex literal, or the value of a constant. It may be at or above the
    /// field modulus: the lowering checks the range each instruction allows.
    Int(u64),
    /// A word: a 64-hex-digit literal (element 0 is the first 16 hex digits read as a
    /// little-endian u64) or a word constant, elements in the order written. Elements are
    /// not yet checked against the field modulus.
    Word([u64; 4]),
    /// An identifier that is not a known constant (for example the `u64` of `exp.u64`).
    Ident(String),
}

/// One item produced by lowering an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Emitted {
    /// A native instruction. `message` is the assertion message for instructions that can
    /// fail (set from `.err=` when the source instruction has one).
    Op {
        /// The native instruction.
        ins: Instruction,
        /// Message reported if this instruction fails.
        message: Option<String>,
    },
    /// A decorator, attached to the next emitted native instruction.
    Decorator(Decorator),
    /// A jump inside the instruction's own expansion (the loop of `mtree_get`): `ins` is a
    /// `JMP`, `JMPZ` or `JMPNZ` whose target is the `target`-th native instruction of the
    /// expansion (counting `Op`s and `Jump`s from 0); the linker adds the expansion's
    /// address.
    Jump {
        /// The jump (its immediate is ignored).
        ins: Instruction,
        /// Index of the target among the expansion's native instructions.
        target: usize,
        /// Message reported if this instruction fails.
        message: Option<String>,
    },
}

/// What the lowering needs to know about the enclosing procedure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LowerContext {
    /// Number of locals the enclosing procedure declares (local `i` is at `fmp - N + i`;
    /// the procedure entry adds N rounded up to a multiple of 4 to fmp), or `None` in the
    /// program body or in a procedure declared without locals.
    pub num_locals: Option<u32>,
    /// Whether debug decorators (`debug.*`) are kept.
    pub debug_mode: bool,
}

/// Why an instruction could not be lowered. The front end turns these into diagnostics
/// pointing at the instruction (or at argument `index` when there is one).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LowerError {
    /// No instruction has this name; `suggestion` is the closest known name.
    UnknownInstruction {
        /// Closest known instruction name, if any is close.
        suggestion: Option<String>,
    },
    /// The number of immediates is wrong.
    WrongArgCount {
        /// What is accepted, in words (e.g. "0 or 1").
        expected: &'static str,
        /// How many were given.
        found: usize,
    },
    /// Immediate `index` is out of the allowed range.
    ImmOutOfRange {
        /// Index of the offending immediate.
        index: usize,
        /// The value as written.
        value: String,
        /// The allowed range, in words (e.g. "0..=15").
        range: String,
    },
    /// Immediate `index` has the wrong kind (e.g. a word where a number is expected, or an
    /// unknown constant name).
    BadImm {
        /// Index of the offending immediate.
        index: usize,
        /// What was expected, in words.
        expected: String,
    },
    /// A local was used in a procedure declared without locals (or in the program body).
    NoLocals,
    /// A local index is beyond the procedure's declared locals.
    LocalOutOfRange {
        /// Index of the offending immediate.
        index: usize,
        /// The local index used.
        local: u64,
        /// Number of locals available.
        num_locals: u32,
    },
    /// The instruction exists in Miden Assembly but this VM refuses it; the reason says why
    /// (see `docs/language.md`).
    Refused {
        /// Why the instruction is refused.
        reason: &'static str,
    },
}

/// Lowers one plain instruction, appending native operations and decorators to `out`.
pub fn lower_instruction(
    name: &str,
    args: &[Imm],
    err_msg: Option<&str>,
    ctx: &LowerContext,
    out: &mut Vec<Emitted>,
) -> Result<(), LowerError> {
    let Some(entry) = lookup(name) else {
        return Err(LowerError::UnknownInstruction {
            suggestion: suggest(name),
        });
    };
    if err_msg.is_some() && !entry.takes_err {
        return Err(LowerError::BadImm {
            index: args.len(),
            expected: "no `.err=` message: only assertions take one".into(),
        });
    }
    let start = out.len();
    let result = (entry.lower)(&mut Lower::new(args, err_msg, ctx, out));
    if result.is_err() {
        // Leave nothing half-lowered behind.
        out.truncate(start);
    }
    result
}

/// The instruction tables, by category (the order of `docs/instructions.md`).
const CATEGORIES: &[(&str, &[Entry])] = &[
    ("Field operations", field::TABLE),
    ("u32 operations", u32_ops::TABLE),
    ("Stack manipulation", stack::TABLE),
    ("Input / output", io::TABLE),
    ("Cryptographic operations", crypto::TABLE),
    ("Advice injectors, events and debugging", system::TABLE),
];

/// Every instruction name `lower_instruction` knows (including refused ones), by category.
pub fn instruction_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    CATEGORIES
        .iter()
        .flat_map(|(cat, table)| table.iter().map(move |e| (*cat, e.name)))
}

/// Finds the table entry for `name`.
fn lookup(name: &str) -> Option<&'static Entry> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Entry>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            CATEGORIES
                .iter()
                .flat_map(|(_, t)| t.iter())
                .map(|e| (e.name, e))
                .collect()
        })
        .get(name)
        .copied()
}

/// The known name closest to `name` by edit distance, if it is close enough to be a typo.
fn suggest(name: &str) -> Option<String> {
    let (best, dist) = instruction_names()
        .map(|(_, known)| (known, edit_distance(name, known)))
        .min_by_key(|&(known, d)| (d, known.len()))?;
    let limit = (name.chars().count() / 3).max(2);
    (dist <= limit).then(|| best.into())
}

/// Levenshtein distance between two strings (by characters).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

//! The lowering state shared by every instruction: reading and checking immediates, and
//! appending native operations and decorators.

use std::{format, string::String, string::ToString, vec::Vec};

use vm_core::{Decorator, Felt, FieldElement, Instruction, Opcode, MODULUS};

use super::{Emitted, Imm, LowerContext, LowerError};

/// Result of lowering one instruction.
pub(super) type LowerResult = Result<(), LowerError>;

/// One instruction the lowering knows: its name and how to lower it.
pub(super) struct Entry {
    /// Name as written in source (`u32wrapping_add`, `adv.push_mapval`).
    pub name: &'static str,
    /// Whether the instruction accepts an `.err=` message (assertions only, as in Miden).
    pub takes_err: bool,
    /// Appends the expansion; checks the immediates first.
    pub lower: fn(&mut Lower<'_>) -> LowerResult,
}

/// Shorthand for an entry without `.err=`.
pub(super) const fn entry(name: &'static str, lower: fn(&mut Lower<'_>) -> LowerResult) -> Entry {
    Entry {
        name,
        takes_err: false,
        lower,
    }
}

/// Shorthand for an assertion entry, which accepts `.err=`.
pub(super) const fn assertion(
    name: &'static str,
    lower: fn(&mut Lower<'_>) -> LowerResult,
) -> Entry {
    Entry {
        name,
        takes_err: true,
        lower,
    }
}

/// Whether a native operation can fail at run time, so that an assertion message attached
/// to the source instruction applies to it.
pub(super) fn can_fail(op: Opcode) -> bool {
    use Opcode::*;
    matches!(
        op,
        Assert
            | Inv
            | Not
            | And
            | Or
            | U32add
            | U32add3
            | U32sub
            | U32mul
            | U32madd
            | U32div
            | U32assert2
            | U32and
            | U32xor
            | Cswap
            | Cswapw
            | Advpop
            | Advpopw
            | Mload
            | Mloadw
            | Mstore
            | Mstorew
            | Mstream
            | Pipe
            | Mpverify
            | Mrupdate
            | Jmpz
            | Jmpnz
    )
}

/// Lowering state for one source instruction.
pub(super) struct Lower<'a> {
    args: &'a [Imm],
    err_msg: Option<&'a str>,
    /// The enclosing procedure.
    pub ctx: &'a LowerContext,
    out: &'a mut Vec<Emitted>,
    /// Where this instruction's expansion starts in `out`.
    start: usize,
}

impl<'a> Lower<'a> {
    /// Starts lowering an instruction with these immediates.
    pub fn new(
        args: &'a [Imm],
        err_msg: Option<&'a str>,
        ctx: &'a LowerContext,
        out: &'a mut Vec<Emitted>,
    ) -> Self {
        let start = out.len();
        Self {
            args,
            err_msg,
            ctx,
            out,
            start,
        }
    }

    /// The `.err=` message of the instruction, if it has one.
    pub fn err_msg(&self) -> Option<&'a str> {
        self.err_msg
    }

    // ---- jumps inside the expansion ----

    /// The index the next native instruction of this expansion will have: a jump target.
    pub fn here(&self) -> usize {
        self.out[self.start..]
            .iter()
            .filter(|e| !matches!(e, Emitted::Decorator(_)))
            .count()
    }

    /// Appends a jump (`JMP`, `JMPZ`, `JMPNZ`) to the expansion's instruction `target`.
    pub fn jump(&mut self, op: Opcode, target: usize) {
        let message = match self.err_msg {
            Some(m) if can_fail(op) => Some(m.to_string()),
            _ => None,
        };
        let ins = Instruction::new(op);
        self.out.push(Emitted::Jump {
            ins,
            target,
            message,
        });
    }

    /// Appends a jump whose target is set later by [`Lower::land`]; returns its handle.
    pub fn jump_forward(&mut self, op: Opcode) -> usize {
        self.jump(op, usize::MAX);
        self.out.len() - 1
    }

    /// Makes the forward jump `handle` land on the next native instruction.
    pub fn land(&mut self, handle: usize) {
        let here = self.here();
        if let Emitted::Jump { target, .. } = &mut self.out[handle] {
            *target = here;
        }
    }

    // ---- emitting ----

    /// Appends a native instruction; it carries the assertion message if it can fail.
    fn emit(&mut self, ins: Instruction) {
        let message = match self.err_msg {
            Some(m) if can_fail(ins.op) => Some(m.to_string()),
            _ => None,
        };
        self.out.push(Emitted::Op { ins, message });
    }

    /// Appends an operation without immediate.
    pub fn op(&mut self, op: Opcode) {
        self.emit(Instruction::new(op));
    }

    /// Appends several operations without immediate.
    pub fn ops(&mut self, ops: &[Opcode]) {
        for &op in ops {
            self.op(op);
        }
    }

    /// Appends `op` `n` times.
    pub fn repeat(&mut self, op: Opcode, n: usize) {
        for _ in 0..n {
            self.op(op);
        }
    }

    /// Appends an operation with an immediate.
    pub fn op_imm(&mut self, op: Opcode, imm: Felt) {
        self.emit(Instruction::with_imm(op, imm));
    }

    /// Pushes a constant (`PAD` for zero, else `PUSH`; both one cycle).
    pub fn push(&mut self, value: Felt) {
        if value == Felt::ZERO {
            self.op(Opcode::Pad);
        } else {
            self.op_imm(Opcode::Push, value);
        }
    }

    /// Pushes a small integer constant.
    pub fn push_u64(&mut self, value: u64) {
        self.push(Felt::new(value));
    }

    /// Appends a decorator (attached to the next native instruction).
    pub fn decorator(&mut self, d: Decorator) {
        self.out.push(Emitted::Decorator(d));
    }

    // ---- immediates ----

    /// Number of immediates given.
    pub fn argc(&self) -> usize {
        self.args.len()
    }

    /// Immediate `i`, if given.
    pub fn arg(&self, i: usize) -> Option<&'a Imm> {
        self.args.get(i)
    }

    /// Checks that the number of immediates is in `min..=max`.
    pub fn arity(&self, min: usize, max: usize, expected: &'static str) -> LowerResult {
        if (min..=max).contains(&self.args.len()) {
            Ok(())
        } else {
            Err(LowerError::WrongArgCount {
                expected,
                found: self.args.len(),
            })
        }
    }

    /// Checks that there are no immediates.
    pub fn no_args(&self) -> LowerResult {
        self.arity(0, 0, "0")
    }

    /// Immediate `i` as an integer in `lo..=hi`.
    pub fn int(&self, i: usize, lo: u64, hi: u64) -> Result<u64, LowerError> {
        match self.args.get(i) {
            Some(Imm::Int(v)) if (lo..=hi).contains(v) => Ok(*v),
            Some(Imm::Int(v)) => Err(LowerError::ImmOutOfRange {
                index: i,
                value: v.to_string(),
                range: format!("{lo}..={hi}"),
            }),
            Some(other) => Err(bad_imm(i, other, "an integer")),
            None => Err(LowerError::WrongArgCount {
                expected: "more",
                found: self.args.len(),
            }),
        }
    }

    /// Immediate `i` as a field element (below the modulus).
    pub fn felt(&self, i: usize) -> Result<Felt, LowerError> {
        self.int(i, 0, MODULUS - 1)
            .map(Felt::new)
            .map_err(|e| match e {
                LowerError::ImmOutOfRange { index, value, .. } => LowerError::ImmOutOfRange {
                    index,
                    value,
                    range: felt_range(),
                },
                LowerError::BadImm { index, .. } => LowerError::BadImm {
                    index,
                    expected: "a field element".into(),
                },
                e => e,
            })
    }

    /// Immediate `i` as a u32.
    pub fn u32_imm(&self, i: usize) -> Result<u32, LowerError> {
        self.int(i, 0, u32::MAX as u64).map(|v| v as u32)
    }

    /// The optional single field-element immediate.
    pub fn opt_felt(&self) -> Result<Option<Felt>, LowerError> {
        self.arity(0, 1, "0 or 1")?;
        self.args.first().map(|_| self.felt(0)).transpose()
    }

    /// The optional single u32 immediate.
    pub fn opt_u32(&self) -> Result<Option<u32>, LowerError> {
        self.arity(0, 1, "0 or 1")?;
        self.args.first().map(|_| self.u32_imm(0)).transpose()
    }

    /// The optional single integer immediate in `lo..=hi`, `default` when absent.
    pub fn opt_int(&self, lo: u64, hi: u64, default: u64) -> Result<u64, LowerError> {
        self.arity(0, 1, "0 or 1")?;
        match self.args.first() {
            Some(_) => self.int(0, lo, hi),
            None => Ok(default),
        }
    }

    /// The required single integer immediate in `lo..=hi`.
    pub fn one_int(&self, lo: u64, hi: u64) -> Result<u64, LowerError> {
        self.arity(1, 1, "1")?;
        self.int(0, lo, hi)
    }

    /// Offset from fmp of the local named by immediate 0 (`i - N`, as a field element, with
    /// `N` the declared number of locals), checking that the procedure has locals and that
    /// the local (a word if `word`: `i` a multiple of 4 and `i + 4 <= N`) fits, as Miden's
    /// `local_to_absolute_addr` does. When `N` is not a multiple of 4, word locals are not
    /// word-aligned and their accesses fail at run time, as in Miden.
    pub fn local_offset(&self, word: bool) -> Result<Felt, LowerError> {
        self.arity(1, 1, "1")?;
        let n = match self.ctx.num_locals {
            Some(n) if n > 0 => n,
            // A missing local frame is reported before a malformed index: it is the more
            // useful diagnostic.
            _ => return Err(LowerError::NoLocals),
        };
        let i = self.int(0, 0, u16::MAX as u64)?;
        if word && i % 4 != 0 {
            return Err(LowerError::ImmOutOfRange {
                index: 0,
                value: i.to_string(),
                range: "a multiple of 4 (word-aligned local index)".into(),
            });
        }
        let width = if word { 4 } else { 1 };
        if i + width > n as u64 {
            return Err(LowerError::LocalOutOfRange {
                index: 0,
                local: i,
                num_locals: n,
            });
        }
        Ok(Felt::new(i) - Felt::new(n as u64))
    }
}

/// The field-element range, in words.
pub(super) fn felt_range() -> String {
    format!("0..={} (a field element)", MODULUS - 1)
}

/// A `BadImm` error for immediate `i`, which is `found` where `expected` was wanted.
pub(super) fn bad_imm(i: usize, found: &Imm, expected: &str) -> LowerError {
    let what = match found {
        Imm::Int(_) => "a number",
        Imm::Word(_) => "a word",
        Imm::Ident(_) => "an unknown name",
    };
    LowerError::BadImm {
        index: i,
        expected: format!("{expected}, found {what}"),
    }
}

#[cfg(test)]
/// Renders a field element for diagnostics and docs: small negative values as `-k`.
pub(super) fn felt_text(v: Felt) -> String {
    let x = v.as_int();
    if x > MODULUS / 2 {
        format!("-{}", MODULUS - x)
    } else {
        x.to_string()
    }
}

//! Compiled programs: native code, debug information and the program hash.
//!
//! A [`Program`] is a flat ROM of [`Instruction`]s. Execution starts at address 0 and ends at
//! a `HALT`. The program's identity is its hash ([`Program::hash`]), computed over the code
//! only (see [`encode_for_hash`] and `docs/isa.md`); the debug information (procedure
//! names, source locations, decorators, assertion messages) is carried along for error
//! reporting and advice injection, but does not change the hash. Nor does the program's
//! advice map ([`Program::advice_map`], from `adv_map.NAME=[...]` declarations), as in Miden
//! where a MAST forest's advice map is not part of the program's MAST root: advice is
//! untrusted input whatever its origin, so a proof attests the code only.

use alloc::{string::String, vec::Vec};
use core::fmt;

use crate::{hash, Decorator, Felt, FieldElement, ImmKind, Opcode, Word};

/// Instructions absorbed per permutation by the program hash (8 rate elements, 2 each).
pub const INSTRUCTIONS_PER_BLOCK: usize = 4;

/// One native instruction: an operation and its immediate (zero when it has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// The operation.
    pub op: Opcode,
    /// The immediate; zero for operations without one.
    pub imm: Felt,
}

impl Instruction {
    /// An instruction without immediate.
    pub fn new(op: Opcode) -> Self {
        Self {
            op,
            imm: Felt::ZERO,
        }
    }

    /// An instruction with an immediate.
    pub fn with_imm(op: Opcode, imm: Felt) -> Self {
        Self { op, imm }
    }
}

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.op.has_imm() {
            write!(f, "{}.{}", self.op.mnemonic(), self.imm.as_int())
        } else {
            f.write_str(self.op.mnemonic())
        }
    }
}

/// A source file a program was assembled from (kept for error messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Display name, e.g. a path or `std::math::u64`.
    pub name: String,
    /// Full text of the file.
    pub text: String,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        (line, before[line_start..].chars().count() + 1)
    }

    /// The text of the 1-based line `line` (without the newline).
    pub fn line_text(&self, line: usize) -> &str {
        self.text.lines().nth(line.saturating_sub(1)).unwrap_or("")
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A byte range in one of the program's source files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceSpan {
    /// Index into [`DebugInfo::files`].
    pub file: u32,
    /// Start byte offset.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

/// A procedure linked into the program: where its code lies and what it is called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcedureInfo {
    /// Fully qualified name, e.g. `std::math::u64::wrapping_add` or `#main`.
    pub name: String,
    /// Address of the first instruction.
    pub start: u32,
    /// Address one past the last instruction.
    pub end: u32,
    /// Number of locals allocated (already rounded up to a multiple of 4).
    pub num_locals: u32,
}

/// Everything about a program that is not part of its hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugInfo {
    /// Source files referenced by `spans`.
    pub files: Vec<SourceFile>,
    /// Source span of each instruction (parallel to the code; may be shorter).
    pub spans: Vec<Option<SourceSpan>>,
    /// Linked procedures, by start address. The program body is a procedure too.
    pub procedures: Vec<ProcedureInfo>,
    /// Decorators as (address, decorator), sorted by address; several may share one.
    pub decorators: Vec<(u32, Decorator)>,
    /// Assertion messages as (address of the failing instruction, message), sorted.
    pub messages: Vec<(u32, String)>,
    /// Source span of each decorator (parallel to `decorators`; may be shorter): the advice
    /// hint or `debug.*` instruction that produced it, for errors that point at the hint.
    pub decorator_spans: Vec<Option<SourceSpan>>,
}

/// An entry of a program's advice map, declared in source by `adv_map.NAME=[...]` or
/// `adv_map.NAME(KEY)=[...]`. The processor adds every entry to the advice map before the
/// first cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdviceMapEntry {
    /// Where it was declared, `module::NAME` (`#exec::NAME` for the program's own), for
    /// error messages.
    pub name: String,
    /// The key: the one written, or the native hash of the values (`hash_elements`).
    pub key: Word,
    /// The values.
    pub values: Vec<Felt>,
}

/// A compiled program: native code plus debug information, and the hash of the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    code: Vec<Instruction>,
    debug: DebugInfo,
    hash: Word,
    advice_map: Vec<AdviceMapEntry>,
}

/// Reasons a sequence of instructions is not a valid program.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgramError {
    /// The program has no instructions.
    Empty,
    /// The program has no `HALT`.
    MissingHalt,
    /// An address immediate points outside the program.
    BadTarget {
        /// Address of the instruction.
        addr: u32,
        /// The target.
        target: u64,
    },
    /// A u32 immediate is out of range, or a loop count is zero.
    BadImmediate {
        /// Address of the instruction.
        addr: u32,
    },
    /// The program is longer than 2^32 - 1 instructions.
    TooLong,
    /// The last instruction can continue at the address after it, which is outside the
    /// program: it falls through (anything but `HALT`, `JMP` and `RET`; `JMPZ`, `JMPNZ` and
    /// `NEXT` fall through when they do not jump), or it is a `CALL`/`CALLCTX` whose
    /// return address would be the program's length.
    RunsPastEnd {
        /// Address of the instruction (the last one).
        addr: u32,
        /// Its operation.
        op: Opcode,
    },
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgramError::Empty => write!(f, "the program has no instructions"),
            ProgramError::MissingHalt => write!(f, "the program has no HALT instruction"),
            ProgramError::BadTarget { addr, target } => {
                write!(
                    f,
                    "instruction {addr} targets address {target}, outside the program"
                )
            }
            ProgramError::BadImmediate { addr } => {
                write!(f, "instruction {addr} has an immediate out of range")
            }
            ProgramError::TooLong => write!(f, "the program has too many instructions"),
            ProgramError::RunsPastEnd { addr, op } => write!(
                f,
                "instruction {addr} ({}) can run past the end of the program (the last \
                 instruction must be HALT, JMP or RET)",
                op.mnemonic()
            ),
        }
    }
}

impl Program {
    /// Builds a program, checking that it has a `HALT`, that every immediate is in range
    /// and that execution cannot run past the last instruction, and computes its hash.
    pub fn new(code: Vec<Instruction>, debug: DebugInfo) -> Result<Self, ProgramError> {
        validate(&code)?;
        let hash = hash::hash_elements(&encode_for_hash(&code));
        Ok(Self {
            code,
            debug,
            hash,
            advice_map: Vec::new(),
        })
    }

    /// The program with `entries` as its advice map (replacing any). The entries do not
    /// change the program hash.
    pub fn with_advice_map(mut self, entries: Vec<AdviceMapEntry>) -> Self {
        self.advice_map = entries;
        self
    }

    /// The advice-map entries the program carries (loaded into the advice map before the
    /// first cycle; not part of the hash).
    pub fn advice_map(&self) -> &[AdviceMapEntry] {
        &self.advice_map
    }

    /// The native code.
    pub fn code(&self) -> &[Instruction] {
        &self.code
    }

    /// The debug information.
    pub fn debug(&self) -> &DebugInfo {
        &self.debug
    }

    /// The program hash (a public input of every proof about this program).
    pub fn hash(&self) -> Word {
        self.hash
    }

    /// The program hash as 64 hex characters with a `0x` prefix.
    pub fn hash_hex(&self) -> String {
        hash::word_to_hex(&self.hash)
    }

    /// The innermost procedure whose code contains `addr`.
    pub fn procedure_at(&self, addr: u32) -> Option<&ProcedureInfo> {
        self.debug
            .procedures
            .iter()
            .filter(|p| p.start <= addr && addr < p.end)
            .min_by_key(|p| p.end - p.start)
    }

    /// Source span of the `nth` decorator (0-based) of the instruction at `addr`, if known.
    pub fn decorator_span(&self, addr: u32, nth: usize) -> Option<SourceSpan> {
        let index = (self.debug.decorators.iter().enumerate())
            .filter(|(_, (a, _))| *a == addr)
            .nth(nth)?
            .0;
        self.debug.decorator_spans.get(index).copied().flatten()
    }

    /// Source span of the instruction at `addr`, if known.
    pub fn span_at(&self, addr: u32) -> Option<SourceSpan> {
        self.debug.spans.get(addr as usize).copied().flatten()
    }

    /// `file:line:col` of the instruction at `addr`, with the source file.
    pub fn location_at(&self, addr: u32) -> Option<(&SourceFile, usize, usize)> {
        let span = self.span_at(addr)?;
        let file = self.debug.files.get(span.file as usize)?;
        let (line, col) = file.line_col(span.start as usize);
        Some((file, line, col))
    }

    /// The assertion message attached to the instruction at `addr`.
    pub fn message_at(&self, addr: u32) -> Option<&str> {
        let i = self
            .debug
            .messages
            .binary_search_by_key(&addr, |(a, _)| *a)
            .ok()?;
        Some(&self.debug.messages[i].1)
    }

    /// A human-readable listing of the native code, one instruction per line.
    pub fn disassemble(&self) -> String {
        use core::fmt::Write;
        let mut out = String::new();
        for (addr, ins) in self.code.iter().enumerate() {
            if let Some(p) = self
                .debug
                .procedures
                .iter()
                .find(|p| p.start as usize == addr)
            {
                let _ = writeln!(out, "{}:", p.name);
            }
            let _ = writeln!(out, "  {addr:>6}  {ins}");
        }
        out
    }
}

fn validate(code: &[Instruction]) -> Result<(), ProgramError> {
    if code.is_empty() {
        return Err(ProgramError::Empty);
    }
    if code.len() >= u32::MAX as usize {
        return Err(ProgramError::TooLong);
    }
    if !code.iter().any(|i| i.op == Opcode::Halt) {
        return Err(ProgramError::MissingHalt);
    }
    for (addr, ins) in code.iter().enumerate() {
        let addr = addr as u32;
        let v = ins.imm.as_int();
        match ins.op.imm_kind() {
            ImmKind::None if v != 0 => return Err(ProgramError::BadImmediate { addr }),
            ImmKind::Addr if v >= code.len() as u64 => {
                return Err(ProgramError::BadTarget { addr, target: v })
            }
            ImmKind::U32 if v > u32::MAX as u64 => return Err(ProgramError::BadImmediate { addr }),
            _ => {}
        }
        if ins.op == Opcode::Repeat && v == 0 {
            return Err(ProgramError::BadImmediate { addr });
        }
    }
    // Every instruction but the last continues inside the program; jump targets are checked
    // above, and a return address is always a `CALL`'s `addr + 1`. So the pc can only leave
    // the code after the last instruction.
    let last = code[code.len() - 1];
    if can_continue_at_next(last.op) {
        return Err(ProgramError::RunsPastEnd {
            addr: (code.len() - 1) as u32,
            op: last.op,
        });
    }
    Ok(())
}

/// Whether execution can continue at `addr + 1` after the operation at `addr`: every
/// operation falls through except `HALT` (the pc stays on it), `JMP` (always jumps) and
/// `RET` (returns to a `CALL`'s `addr + 1`). `JMPZ`, `JMPNZ` and `NEXT` fall through when
/// they do not jump, and `CALL`/`CALLCTX` return to `addr + 1`.
fn can_continue_at_next(op: Opcode) -> bool {
    !matches!(op, Opcode::Halt | Opcode::Jmp | Opcode::Ret)
}

/// The sequence of field elements the program hash is computed over: each instruction as
/// the pair `(opcode, immediate)` in address order, the opcode as its
/// [`encoding`](Opcode::encoding) (the immediate is zero for operations without one).
///
/// The hash is `Rp64_256::hash_elements` of this sequence: the element count `2n` in the
/// first capacity element, absorption by addition into the rate 8 elements (4 instructions)
/// at a time, a permutation after each block, the last block completed with zeros (read as
/// pseudo-instructions `(0, 0)`: no opcode's encoding is 0, so they cannot be executed);
/// the digest is rate elements 0..4. The AIR's hash chiplet recomputes exactly this sponge
/// from the instructions the program table provides (see `docs/air.md`), which is what binds
/// every executed instruction to the public program hash.
pub fn encode_for_hash(code: &[Instruction]) -> Vec<Felt> {
    code.iter()
        .flat_map(|i| [Felt::new(i.op.encoding()), i.imm])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OPCODES;
    use alloc::{string::ToString, vec};

    fn prog(code: Vec<Instruction>) -> Program {
        Program::new(code, DebugInfo::default()).unwrap()
    }

    #[test]
    fn hash_is_deterministic_and_code_sensitive() {
        let a = prog(vec![
            Instruction::with_imm(Opcode::Push, Felt::new(3)),
            Instruction::new(Opcode::Halt),
        ]);
        let b = prog(vec![
            Instruction::with_imm(Opcode::Push, Felt::new(3)),
            Instruction::new(Opcode::Halt),
        ]);
        let c = prog(vec![
            Instruction::with_imm(Opcode::Push, Felt::new(4)),
            Instruction::new(Opcode::Halt),
        ]);
        assert_eq!(a.hash(), b.hash());
        assert_ne!(a.hash(), c.hash());
    }

    #[test]
    fn encoding_is_opcode_immediate_pairs() {
        let code = vec![
            Instruction::new(Opcode::Add),
            Instruction::with_imm(Opcode::Push, Felt::new(7)),
            Instruction::new(Opcode::Halt),
        ];
        let enc = encode_for_hash(&code);
        let op = |o: Opcode| Felt::new(o.encoding());
        assert_eq!(
            enc,
            vec![
                op(Opcode::Add),
                Felt::ZERO,
                op(Opcode::Push),
                Felt::new(7),
                op(Opcode::Halt),
                Felt::ZERO
            ]
        );
        assert_eq!(prog(code).hash(), hash::hash_elements(&enc));
    }

    #[test]
    fn validation() {
        assert_eq!(
            Program::new(vec![], DebugInfo::default()),
            Err(ProgramError::Empty)
        );
        assert_eq!(
            Program::new(vec![Instruction::new(Opcode::Add)], DebugInfo::default()),
            Err(ProgramError::MissingHalt)
        );
        assert_eq!(
            Program::new(
                vec![
                    Instruction::with_imm(Opcode::Jmp, Felt::new(5)),
                    Instruction::new(Opcode::Halt)
                ],
                DebugInfo::default()
            ),
            Err(ProgramError::BadTarget { addr: 0, target: 5 })
        );
    }

    /// An instruction of `op` whose immediate is valid in a program of at least one
    /// instruction (address 0, loop count 1).
    fn some(op: Opcode) -> Instruction {
        match op.imm_kind() {
            ImmKind::None => Instruction::new(op),
            ImmKind::U32 => Instruction::with_imm(op, Felt::ONE),
            ImmKind::Addr | ImmKind::Felt => Instruction::with_imm(op, Felt::ZERO),
        }
    }

    #[test]
    fn code_that_can_run_past_its_end_is_rejected() {
        // The example of issue 8: `JMP.2 HALT NOOP` would execute NOOP, then address 3.
        let code = vec![
            Instruction::with_imm(Opcode::Jmp, Felt::new(2)),
            Instruction::new(Opcode::Halt),
            Instruction::new(Opcode::Noop),
        ];
        let err = Program::new(code, DebugInfo::default()).unwrap_err();
        assert_eq!(
            err,
            ProgramError::RunsPastEnd {
                addr: 2,
                op: Opcode::Noop
            }
        );
        assert_eq!(
            err.to_string(),
            "instruction 2 (NOOP) can run past the end of the program (the last instruction \
             must be HALT, JMP or RET)"
        );
        // Only HALT, JMP and RET may be last; every other operation, control flow included
        // (JMPZ/JMPNZ fall through, NEXT falls through when its loop ends, CALL/CALLCTX
        // return to the address after them, REPEAT enters its body), is rejected there.
        let may_be_last = [Opcode::Halt, Opcode::Jmp, Opcode::Ret];
        for info in OPCODES {
            let code = vec![Instruction::new(Opcode::Halt), some(info.op)];
            let got = Program::new(code, DebugInfo::default()).map(|_| ());
            if may_be_last.contains(&info.op) {
                assert_eq!(got, Ok(()), "{} last", info.mnemonic);
            } else {
                assert_eq!(
                    got,
                    Err(ProgramError::RunsPastEnd {
                        addr: 1,
                        op: info.op
                    }),
                    "{} last",
                    info.mnemonic
                );
            }
        }
        // A CALL whose return address is the program's length, with a callee that returns.
        let code = vec![
            Instruction::new(Opcode::Halt),
            Instruction::new(Opcode::Ret),
            Instruction::with_imm(Opcode::Call, Felt::new(1)),
        ];
        assert_eq!(
            Program::new(code, DebugInfo::default()),
            Err(ProgramError::RunsPastEnd {
                addr: 2,
                op: Opcode::Call
            })
        );
        // The same instructions are fine anywhere but last.
        let code = vec![
            Instruction::with_imm(Opcode::Repeat, Felt::new(2)),
            Instruction::with_imm(Opcode::Next, Felt::new(1)),
            Instruction::with_imm(Opcode::Call, Felt::new(5)),
            Instruction::with_imm(Opcode::Jmpz, Felt::new(4)),
            Instruction::new(Opcode::Halt),
            Instruction::new(Opcode::Ret),
        ];
        Program::new(code, DebugInfo::default()).unwrap();
    }

    #[test]
    fn line_col() {
        let f = SourceFile {
            name: "x".into(),
            text: "begin\n  push.1\nend".into(),
        };
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(8), (2, 3));
        assert_eq!(f.line_text(2), "  push.1");
    }
}

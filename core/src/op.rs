//! The native instruction set.
//!
//! One table, [`OPCODES`], holds every fact about every native operation: its opcode, its
//! mnemonic, whether it carries an immediate, how it changes the stack depth, the
//! [`Component`] of the proof system it needs beyond the CPU, whether it can fail at run
//! time, what it costs in chiplet rows ([`ChipletRows`]) and a one-line semantics. The
//! assembler, the processor (its dispatch and its trace statistics), the AIR (its operation
//! flags and which operations it proves) and `docs/isa.md` all derive from it; a test keeps
//! the document in sync with the table.
//!
//! Stack notation: `s0` is the top of the stack. Native operations follow the semantics of
//! Miden VM's native operation of the same name (miden-vm 0.16 design docs) except where the
//! description says otherwise; control flow is ours (a flat instruction ROM with jumps and
//! a control stack instead of Miden's MAST).

use core::fmt;

/// What kind of immediate an operation carries in its instruction word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImmKind {
    /// No immediate; the instruction's immediate field is zero.
    None,
    /// An arbitrary field element.
    Felt,
    /// An instruction address (jump or call target).
    Addr,
    /// A 32-bit unsigned integer (a loop count or an event id).
    U32,
}

/// The component of the proof system an operation needs beyond the CPU (the stack, the
/// decoder, the overflow and control tables), whose constraints prove what the CPU columns
/// alone cannot. Every operation needs at most one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// Nothing beyond the CPU.
    Cpu,
    /// The memory component: element and word accesses, and what memory is keyed by
    /// (`CALLCTX`'s new context, the frame pointer of `FMPADD`/`FMPUPDATE`).
    Memory,
    /// The range checker: 16-bit limbs of the u32 operations' values.
    Range,
    /// The bitwise component: `U32AND`, `U32XOR` (which also check that their inputs are
    /// u32 values).
    Bitwise,
    /// The hasher (Rescue Prime permutations): `HPERM` and the Merkle operations.
    Hasher,
}

impl Component {
    /// Every component, `Cpu` first.
    pub const ALL: [Component; 5] = [
        Component::Cpu,
        Component::Memory,
        Component::Range,
        Component::Bitwise,
        Component::Hasher,
    ];

    /// The component's name, as in `docs/isa.md` and the prover's refusals.
    pub fn name(self) -> &'static str {
        match self {
            Component::Cpu => "CPU",
            Component::Memory => "memory",
            Component::Range => "range checker",
            Component::Bitwise => "bitwise",
            Component::Hasher => "hasher",
        }
    }
}

/// What one execution of an operation adds to the rows of its [`Component`] (the chiplet
/// region; for the range checker, its lookups).
///
/// The hasher's costs are its chiplet's: 8 rows per permutation (`vm_air::chiplets::hasher::CYCLE_LEN`),
/// so `HPERM` costs 8, `MPVERIFY` 8 per level (one merge) and `MRUPDATE` 16 per level (it
/// merges the old path and the new one).
/// Memory: 1 row per element or word access. Range checker: 1 lookup per 16-bit limb, two
/// per u32 value an operation reads or writes (`U32SPLIT`, `U32ASSERT2` 4; `U32ADD`,
/// `U32SUB`, `U32MUL` 8; `U32ADD3`, `U32MADD`, `U32DIV` 10: `vm_air::u32ops`). Bitwise: 2
/// rows per 32-bit operation (16 bits of each input per row, `vm_air::chiplets::bitwise`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChipletRows {
    /// The same number of rows on every execution (0 for CPU-only operations).
    Fixed(u16),
    /// Rows per level of the Merkle tree the operation walks; the depth is read from the
    /// stack at run time.
    PerLevel(u16),
}

impl ChipletRows {
    /// The rows of one execution that walks `levels` tree levels (ignored for `Fixed`).
    pub fn rows(self, levels: u64) -> u64 {
        match self {
            ChipletRows::Fixed(n) => n as u64,
            ChipletRows::PerLevel(n) => n as u64 * levels,
        }
    }
}

/// Static description of one native operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpInfo {
    /// The operation.
    pub op: Opcode,
    /// The 7-bit opcode (1..=127; 0 is never assigned, so padding can never decode).
    pub code: u8,
    /// Upper-case mnemonic, as printed in disassembly and `docs/isa.md`.
    pub mnemonic: &'static str,
    /// Immediate carried by the instruction.
    pub imm: ImmKind,
    /// Change of the stack depth (pushes minus pops).
    pub delta: i8,
    /// The component it needs beyond the CPU ([`Component::Cpu`] for none).
    pub component: Component,
    /// Whether the operation itself can stop execution with an error (a failed assertion,
    /// a non-binary condition, a non-u32 value, division or inverse of zero, a missing
    /// advice value, a bad memory address, a Merkle path that is missing or does not match,
    /// a host rejecting an event, a control-stack frame of the wrong kind). Independently of
    /// this flag, any cycle can exceed the cycle limit and any decorator can fail.
    pub can_fail: bool,
    /// What one execution adds to its component's rows.
    pub chiplet_rows: ChipletRows,
    /// One-line semantics.
    pub doc: &'static str,
}

macro_rules! define_ops {
    ($( $variant:ident = $code:literal, $mn:literal, $imm:ident, $delta:literal, $component:ident, $fail:literal, $rows:ident($n:literal), $doc:literal; )*) => {
        /// A native operation of the VM. See [`OPCODES`] for the facts about each one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Opcode {
            $(
                #[doc = $doc]
                $variant = $code,
            )*
        }

        /// Every native operation, in opcode order.
        pub const OPCODES: &[OpInfo] = &[
            $( OpInfo {
                op: Opcode::$variant,
                code: $code,
                mnemonic: $mn,
                imm: ImmKind::$imm,
                delta: $delta,
                component: Component::$component,
                can_fail: $fail,
                chiplet_rows: ChipletRows::$rows($n),
                doc: $doc,
            }, )*
        ];

        impl Opcode {
            /// Decodes a 7-bit opcode; `None` for 0 (padding) and unassigned codes.
            pub fn from_code(code: u8) -> Option<Opcode> {
                match code {
                    $( $code => Some(Opcode::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

define_ops! {
    // ---- group 0 (codes 0..15): control and system ----
    Noop = 1, "NOOP", None, 0, Cpu, false, Fixed(0), "Does nothing for one cycle.";
    Halt = 2, "HALT", None, 0, Cpu, false, Fixed(0), "Ends execution (the end of the program body); the pc stays on it.";
    Jmp = 3, "JMP", Addr, 0, Cpu, false, Fixed(0), "Jumps to the immediate address.";
    Jmpz = 4, "JMPZ", Addr, -1, Cpu, true, Fixed(0), "Pops s0, which must be 0 or 1; jumps to the immediate address if it was 0.";
    Jmpnz = 5, "JMPNZ", Addr, -1, Cpu, true, Fixed(0), "Pops s0, which must be 0 or 1; jumps to the immediate address if it was 1.";
    Call = 6, "CALL", Addr, 0, Cpu, false, Fixed(0), "Pushes the return address onto the control stack and jumps to the immediate address (same memory context; `exec`).";
    CallCtx = 7, "CALLCTX", Addr, 0, Memory, false, Fixed(0), "Like CALL, but in a new memory context whose callee sees only the top 16 stack elements (`call`).";
    Ret = 8, "RET", None, 0, Cpu, true, Fixed(0), "Pops the control stack and returns to the caller; a CALLCTX frame also restores the caller's context and requires the depth to be 16.";
    Repeat = 9, "REPEAT", U32, 0, Cpu, false, Fixed(0), "Pushes a loop counter equal to the immediate (>= 1) onto the control stack.";
    Next = 10, "NEXT", Addr, 0, Cpu, true, Fixed(0), "Decrements the loop counter on top of the control stack; jumps to the immediate address if it is still non-zero, otherwise pops it.";
    Assert = 11, "ASSERT", None, -1, Cpu, true, Fixed(0), "Pops s0 and fails unless it is 1.";
    Emit = 12, "EMIT", U32, 0, Cpu, true, Fixed(0), "Sends the event with the immediate id to the host.";
    Sdepth = 13, "SDEPTH", None, 1, Cpu, false, Fixed(0), "Pushes the current stack depth.";
    Fmpadd = 14, "FMPADD", Felt, 1, Memory, false, Fixed(0), "Pushes fmp + imm (the address of a procedure local).";
    Fmpupdate = 15, "FMPUPDATE", Felt, 0, Memory, false, Fixed(0), "Adds imm to the frame pointer fmp (procedure entry and exit).";
    // ---- group 1 (codes 16..31): field arithmetic ----
    Add = 16, "ADD", None, -1, Cpu, false, Fixed(0), "Pops b, a; pushes a + b.";
    Neg = 17, "NEG", None, 0, Cpu, false, Fixed(0), "Replaces s0 with -s0.";
    Mul = 18, "MUL", None, -1, Cpu, false, Fixed(0), "Pops b, a; pushes a * b.";
    Inv = 19, "INV", None, 0, Cpu, true, Fixed(0), "Replaces s0 with its inverse; fails if s0 = 0.";
    Incr = 20, "INCR", None, 0, Cpu, false, Fixed(0), "Replaces s0 with s0 + 1.";
    Addi = 21, "ADDI", Felt, 0, Cpu, false, Fixed(0), "Replaces s0 with s0 + imm.";
    Muli = 22, "MULI", Felt, 0, Cpu, false, Fixed(0), "Replaces s0 with s0 * imm.";
    Eq = 23, "EQ", None, -1, Cpu, false, Fixed(0), "Pops b, a; pushes 1 if a = b, else 0.";
    Eqz = 24, "EQZ", None, 0, Cpu, false, Fixed(0), "Replaces s0 with 1 if s0 = 0, else 0.";
    Not = 25, "NOT", None, 0, Cpu, true, Fixed(0), "Replaces binary s0 with 1 - s0; fails if s0 is not 0 or 1.";
    And = 26, "AND", None, -1, Cpu, true, Fixed(0), "Pops binary b, a; pushes a AND b; fails on non-binary inputs.";
    Or = 27, "OR", None, -1, Cpu, true, Fixed(0), "Pops binary b, a; pushes a OR b; fails on non-binary inputs.";
    Expacc = 28, "EXPACC", None, 0, Cpu, false, Fixed(0), "One step of square-and-multiply exponentiation on [bit, base, acc, exp] (Miden's EXPACC).";
    Ext2mul = 29, "EXT2MUL", None, 0, Cpu, false, Fixed(0), "Multiplies two quadratic-extension elements [b1, b0, a1, a0] into [b1, b0, c1, c0] (Miden's EXT2MUL).";
    U32split = 30, "U32SPLIT", None, 1, Range, false, Fixed(4), "Splits s0 into its high and low 32-bit limbs: [a] -> [hi, lo].";
    U32add = 31, "U32ADD", None, 0, Range, true, Fixed(8), "[b, a] -> [carry, (a + b) mod 2^32]; fails on non-u32 inputs.";
    // ---- group 2 (codes 32..47): u32 arithmetic, and stack manipulation ----
    U32add3 = 32, "U32ADD3", None, -1, Range, true, Fixed(10), "[c, b, a] -> [carry, (a + b + c) mod 2^32]; fails on non-u32 inputs.";
    U32sub = 33, "U32SUB", None, 0, Range, true, Fixed(8), "[b, a] -> [borrow, (a - b) mod 2^32]; fails on non-u32 inputs.";
    U32mul = 34, "U32MUL", None, 0, Range, true, Fixed(8), "[b, a] -> [hi, lo] of a * b; fails on non-u32 inputs.";
    U32madd = 35, "U32MADD", None, -1, Range, true, Fixed(10), "[b, a, c] -> [hi, lo] of a * b + c; fails on non-u32 inputs.";
    U32div = 36, "U32DIV", None, 0, Range, true, Fixed(10), "[b, a] -> [a mod b, a div b]; fails on non-u32 inputs or b = 0.";
    U32assert2 = 37, "U32ASSERT2", None, 0, Range, true, Fixed(4), "Fails unless s0 and s1 are both u32 values.";
    U32and = 38, "U32AND", None, -1, Bitwise, true, Fixed(2), "Pops u32 b, a; pushes a AND b; fails on non-u32 inputs.";
    U32xor = 39, "U32XOR", None, -1, Bitwise, true, Fixed(2), "Pops u32 b, a; pushes a XOR b; fails on non-u32 inputs.";
    Pad = 40, "PAD", None, 1, Cpu, false, Fixed(0), "Pushes 0.";
    Drop = 41, "DROP", None, -1, Cpu, false, Fixed(0), "Removes s0.";
    Swap = 42, "SWAP", None, 0, Cpu, false, Fixed(0), "Swaps s0 and s1.";
    Swapw = 43, "SWAPW", None, 0, Cpu, false, Fixed(0), "Swaps words s0..s3 and s4..s7.";
    Swapw2 = 44, "SWAPW2", None, 0, Cpu, false, Fixed(0), "Swaps words s0..s3 and s8..s11.";
    Swapw3 = 45, "SWAPW3", None, 0, Cpu, false, Fixed(0), "Swaps words s0..s3 and s12..s15.";
    Swapdw = 46, "SWAPDW", None, 0, Cpu, false, Fixed(0), "Swaps double words s0..s7 and s8..s15.";
    Cswap = 47, "CSWAP", None, -1, Cpu, true, Fixed(0), "Pops binary c; swaps the next two elements if c = 1.";
    // ---- group 3 (codes 48..63): DUPn: l = n ----
    Dup0 = 48, "DUP0", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s0.";
    Dup1 = 49, "DUP1", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s1.";
    Dup2 = 50, "DUP2", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s2.";
    Dup3 = 51, "DUP3", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s3.";
    Dup4 = 52, "DUP4", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s4.";
    Dup5 = 53, "DUP5", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s5.";
    Dup6 = 54, "DUP6", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s6.";
    Dup7 = 55, "DUP7", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s7.";
    Dup8 = 56, "DUP8", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s8.";
    Dup9 = 57, "DUP9", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s9.";
    Dup10 = 58, "DUP10", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s10.";
    Dup11 = 59, "DUP11", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s11.";
    Dup12 = 60, "DUP12", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s12.";
    Dup13 = 61, "DUP13", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s13.";
    Dup14 = 62, "DUP14", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s14.";
    Dup15 = 63, "DUP15", None, 1, Cpu, false, Fixed(0), "Pushes a copy of s15.";
    // ---- group 4 (codes 64..79): CSWAPW, PUSH, then MOVUPn: l = n ----
    Cswapw = 64, "CSWAPW", None, -1, Cpu, true, Fixed(0), "Pops binary c; swaps the next two words if c = 1.";
    Push = 65, "PUSH", Felt, 1, Cpu, false, Fixed(0), "Pushes the immediate.";
    Movup2 = 66, "MOVUP2", None, 0, Cpu, false, Fixed(0), "Moves s2 to the top.";
    Movup3 = 67, "MOVUP3", None, 0, Cpu, false, Fixed(0), "Moves s3 to the top.";
    Movup4 = 68, "MOVUP4", None, 0, Cpu, false, Fixed(0), "Moves s4 to the top.";
    Movup5 = 69, "MOVUP5", None, 0, Cpu, false, Fixed(0), "Moves s5 to the top.";
    Movup6 = 70, "MOVUP6", None, 0, Cpu, false, Fixed(0), "Moves s6 to the top.";
    Movup7 = 71, "MOVUP7", None, 0, Cpu, false, Fixed(0), "Moves s7 to the top.";
    Movup8 = 72, "MOVUP8", None, 0, Cpu, false, Fixed(0), "Moves s8 to the top.";
    Movup9 = 73, "MOVUP9", None, 0, Cpu, false, Fixed(0), "Moves s9 to the top.";
    Movup10 = 74, "MOVUP10", None, 0, Cpu, false, Fixed(0), "Moves s10 to the top.";
    Movup11 = 75, "MOVUP11", None, 0, Cpu, false, Fixed(0), "Moves s11 to the top.";
    Movup12 = 76, "MOVUP12", None, 0, Cpu, false, Fixed(0), "Moves s12 to the top.";
    Movup13 = 77, "MOVUP13", None, 0, Cpu, false, Fixed(0), "Moves s13 to the top.";
    Movup14 = 78, "MOVUP14", None, 0, Cpu, false, Fixed(0), "Moves s14 to the top.";
    Movup15 = 79, "MOVUP15", None, 0, Cpu, false, Fixed(0), "Moves s15 to the top.";
    // ---- group 5 (codes 80..95): advice, then MOVDNn: l = n ----
    Advpop = 80, "ADVPOP", None, 1, Cpu, true, Fixed(0), "Pops one element from the advice stack and pushes it; fails if the advice stack is empty.";
    Advpopw = 81, "ADVPOPW", None, 0, Cpu, true, Fixed(0), "Overwrites s0..s3 with a word popped from the advice stack (Miden's ADVPOPW).";
    Movdn2 = 82, "MOVDN2", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 2.";
    Movdn3 = 83, "MOVDN3", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 3.";
    Movdn4 = 84, "MOVDN4", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 4.";
    Movdn5 = 85, "MOVDN5", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 5.";
    Movdn6 = 86, "MOVDN6", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 6.";
    Movdn7 = 87, "MOVDN7", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 7.";
    Movdn8 = 88, "MOVDN8", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 8.";
    Movdn9 = 89, "MOVDN9", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 9.";
    Movdn10 = 90, "MOVDN10", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 10.";
    Movdn11 = 91, "MOVDN11", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 11.";
    Movdn12 = 92, "MOVDN12", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 12.";
    Movdn13 = 93, "MOVDN13", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 13.";
    Movdn14 = 94, "MOVDN14", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 14.";
    Movdn15 = 95, "MOVDN15", None, 0, Cpu, false, Fixed(0), "Moves s0 to position 15.";
    // ---- group 6 (codes 96..111): memory and hashing ----
    Mload = 96, "MLOAD", None, 0, Memory, true, Fixed(1), "[a] -> [mem[a]]; fails if a >= 2^32.";
    Mloadw = 97, "MLOADW", None, -1, Memory, true, Fixed(1), "[a, _, _, _, _] -> [mem[a+3], mem[a+2], mem[a+1], mem[a]]; a must be word-aligned.";
    Mstore = 98, "MSTORE", None, -1, Memory, true, Fixed(1), "[a, v] -> [v] and mem[a] = v.";
    Mstorew = 99, "MSTOREW", None, -1, Memory, true, Fixed(1), "[a, A] -> [A] and mem[a..a+4] = A reversed (s1 at mem[a+3]); a must be word-aligned.";
    Mstream = 100, "MSTREAM", None, 0, Memory, true, Fixed(2), "Overwrites s0..s7 with the words at mem[s12] and mem[s12+4] and adds 8 to s12 (Miden's MSTREAM).";
    Pipe = 101, "PIPE", None, 0, Memory, true, Fixed(2), "Pops two words from the advice stack, writes them to mem[s12..s12+8], overwrites s0..s7 with them and adds 8 to s12 (Miden's PIPE).";
    Hperm = 102, "HPERM", None, 0, Hasher, false, Fixed(8), "Applies the Rescue Prime (Rp64_256) permutation to s0..s11 (Miden's HPERM layout).";
    Mpverify = 103, "MPVERIFY", None, 0, Hasher, true, PerLevel(8), "Verifies that node V (s0..s3) is at depth d (s4), index i (s5) of the tree with root R (s6..s9), with the path from the advice provider.";
    Mrupdate = 104, "MRUPDATE", None, 0, Hasher, true, PerLevel(16), "Replaces old node V (s0..s3) at depth d, index i of root R by NV (s10..s13); puts the new root in s0..s3 (Miden's MRUPDATE).";
}

impl Opcode {
    /// The static facts about this operation.
    pub fn info(self) -> &'static OpInfo {
        &OPCODES[OPCODE_INDEX[self as usize] as usize]
    }

    /// The opcode's two flag columns `(a, b)`, `a < b`, in the AIR's two-hot decoding: the
    /// operation's flag is the degree-2 product `F_a F_b` of [`NUM_FLAG_COLUMNS`] binary
    /// columns. Opcodes take the pairs in lexicographic order, code 1 the first, `(0, 1)`.
    pub const fn flag_pair(self) -> (usize, usize) {
        flag_pair_at(self as usize - 1)
    }

    /// The field element standing for the opcode in the program hash and the program table:
    /// `2^a + 2^b` for its [`flag_pair`](Self::flag_pair), which the AIR's decoder recomputes
    /// linearly from its flag columns. Distinct for distinct pairs (two set bits), and never 0,
    /// the padding's opcode element.
    pub const fn encoding(self) -> u64 {
        let (a, b) = self.flag_pair();
        (1 << a) + (1 << b)
    }

    /// The 7-bit opcode.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The upper-case mnemonic.
    pub fn mnemonic(self) -> &'static str {
        self.info().mnemonic
    }

    /// The kind of immediate this operation carries.
    pub fn imm_kind(self) -> ImmKind {
        self.info().imm
    }

    /// The component the operation needs beyond the CPU.
    pub fn component(self) -> Component {
        self.info().component
    }

    /// Whether the operation itself can fail at run time (see [`OpInfo::can_fail`]).
    pub fn can_fail(self) -> bool {
        self.info().can_fail
    }

    /// What one execution adds to its component's rows.
    pub fn chiplet_rows(self) -> ChipletRows {
        self.info().chiplet_rows
    }

    /// Whether the instruction carries an immediate.
    pub fn has_imm(self) -> bool {
        self.info().imm != ImmKind::None
    }

    /// `DUPn` for `n` in 0..16.
    pub fn dup(n: usize) -> Option<Opcode> {
        (n < 16)
            .then(|| Opcode::from_code(Opcode::Dup0 as u8 + n as u8))
            .flatten()
    }

    /// `MOVUPn` for `n` in 2..16.
    pub fn movup(n: usize) -> Option<Opcode> {
        (2..16)
            .contains(&n)
            .then(|| Opcode::from_code(Opcode::Movup2 as u8 + n as u8 - 2))
            .flatten()
    }

    /// `MOVDNn` for `n` in 2..16.
    pub fn movdn(n: usize) -> Option<Opcode> {
        (2..16)
            .contains(&n)
            .then(|| Opcode::from_code(Opcode::Movdn2 as u8 + n as u8 - 2))
            .flatten()
    }

    /// Looks an operation up by its mnemonic (case-insensitive).
    pub fn from_mnemonic(name: &str) -> Option<Opcode> {
        OPCODES
            .iter()
            .find(|i| i.mnemonic.eq_ignore_ascii_case(name))
            .map(|i| i.op)
    }
}

/// Number of binary flag columns of the AIR's two-hot opcode decoding: the smallest `k`
/// whose `k (k - 1) / 2` pairs number the opcodes (1..=104, so 15: 105 pairs; 14 give 91).
/// Against one-hot groups and low indices (8 + 16 columns) it saves 9 columns of every
/// trace row and keeps every operation flag a degree-2 product.
pub const NUM_FLAG_COLUMNS: usize = 15;

/// The `p`-th pair `(a, b)`, `a < b < NUM_FLAG_COLUMNS`, in lexicographic order.
pub const fn flag_pair_at(p: usize) -> (usize, usize) {
    let (mut a, mut rest, mut row) = (0, p, NUM_FLAG_COLUMNS - 1);
    while rest >= row {
        rest -= row;
        a += 1;
        row -= 1;
    }
    (a, a + 1 + rest)
}

/// Position of each opcode in [`OPCODES`] (`u8::MAX` for unassigned codes).
const OPCODE_INDEX: [u8; 128] = {
    let mut index = [u8::MAX; 128];
    let mut i = 0;
    while i < OPCODES.len() {
        index[OPCODES[i].code as usize] = i as u8;
        i += 1;
    }
    index
};

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

/// Renders the operation table as the markdown table kept in `docs/isa.md` (between the
/// `<!-- BEGIN OPCODES -->` and `<!-- END OPCODES -->` markers). A test fails when the
/// document and the table disagree.
pub fn markdown_table() -> alloc::string::String {
    use alloc::string::String;
    use core::fmt::Write;
    let mut s = String::from(
        "| code | mnemonic | immediate | depth change | component | can fail | chiplet rows | \
         semantics |\n",
    );
    s.push_str("| ---: | --- | --- | ---: | --- | --- | ---: | --- |\n");
    for i in OPCODES {
        let imm = match i.imm {
            ImmKind::None => "",
            ImmKind::Felt => "field element",
            ImmKind::Addr => "address",
            ImmKind::U32 => "u32",
        };
        let component = match i.component {
            Component::Cpu => "",
            c => c.name(),
        };
        let fails = if i.can_fail { "yes" } else { "" };
        let rows = match i.chiplet_rows {
            ChipletRows::Fixed(0) => String::new(),
            ChipletRows::Fixed(n) => alloc::format!("{n}"),
            ChipletRows::PerLevel(n) => alloc::format!("{n} per level"),
        };
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {:+} | {} | {} | {} | {} |",
            i.code, i.mnemonic, imm, i.delta, component, fails, rows, i.doc
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_consistent() {
        for (i, info) in OPCODES.iter().enumerate() {
            if i > 0 {
                assert!(
                    OPCODES[i - 1].code < info.code,
                    "{} out of place",
                    info.mnemonic
                );
            }
            assert_eq!(info.op.code(), info.code);
            assert!(core::ptr::eq(info.op.info(), info));
            assert_eq!(Opcode::from_code(info.code), Some(info.op));
            assert_eq!(Opcode::from_mnemonic(info.mnemonic), Some(info.op));
        }
        assert!(OPCODES.len() <= 127);
        assert_eq!(Opcode::from_code(0), None);
    }

    #[test]
    fn components_costs_and_failures_agree() {
        for i in OPCODES {
            let (op, rows) = (i.op, i.chiplet_rows);
            match i.component {
                Component::Cpu => assert_eq!(rows, ChipletRows::Fixed(0), "{op}"),
                // Contexts and the frame pointer are what memory is keyed by; they add no
                // accesses.
                Component::Memory
                    if matches!(op, Opcode::CallCtx | Opcode::Fmpadd | Opcode::Fmpupdate) =>
                {
                    assert_eq!(rows, ChipletRows::Fixed(0), "{op}")
                }
                _ => assert_ne!(rows.rows(1), 0, "{op} needs a component but costs nothing"),
            }
            if let ChipletRows::PerLevel(_) = rows {
                assert_eq!(i.component, Component::Hasher, "{op}");
            }
            // An operation whose semantics mention failing can fail, and one that can fail
            // says so unless its failure is implied (conditions, advice, addresses, paths).
            if i.doc.contains("fail") {
                assert!(i.can_fail, "{op}: {}", i.doc);
            }
        }
        let u32_ops = OPCODES.iter().filter(|i| i.mnemonic.starts_with("U32"));
        for i in u32_ops {
            // Range: two 16-bit lookups per u32 value read or written (`vm_air::u32ops`).
            let want = match i.op {
                Opcode::U32and | Opcode::U32xor => (Component::Bitwise, ChipletRows::Fixed(2)),
                Opcode::U32split | Opcode::U32assert2 => (Component::Range, ChipletRows::Fixed(4)),
                Opcode::U32add | Opcode::U32sub | Opcode::U32mul => {
                    (Component::Range, ChipletRows::Fixed(8))
                }
                _ => (Component::Range, ChipletRows::Fixed(10)),
            };
            assert_eq!((i.component, i.chiplet_rows), want, "{}", i.op);
        }
        assert_eq!(Opcode::Mrupdate.chiplet_rows().rows(3), 48);
        assert_eq!(Component::ALL.len(), 5);
    }

    #[test]
    fn indexed_families() {
        assert_eq!(Opcode::dup(0), Some(Opcode::Dup0));
        assert_eq!(Opcode::dup(15), Some(Opcode::Dup15));
        assert_eq!(Opcode::dup(16), None);
        assert_eq!(Opcode::movup(2), Some(Opcode::Movup2));
        assert_eq!(Opcode::movup(15), Some(Opcode::Movup15));
        assert_eq!(Opcode::movup(1), None);
        assert_eq!(Opcode::movdn(15), Some(Opcode::Movdn15));
        assert_eq!(Opcode::movdn(16), None);
    }

    #[test]
    fn flag_pairs_and_encodings_are_distinct_and_fit_the_columns() {
        let k = NUM_FLAG_COLUMNS;
        assert!(k * (k - 1) / 2 >= OPCODES.len(), "more opcodes than pairs");
        assert!(
            (k - 1) * (k - 2) / 2 < OPCODES.len(),
            "a column fewer would do"
        );
        let last = OPCODES.iter().map(|i| i.code as usize).max().unwrap_or(0);
        assert!(last <= k * (k - 1) / 2, "codes are dense from 1");
        let mut pairs = alloc::collections::BTreeSet::new();
        let mut words = alloc::collections::BTreeSet::new();
        for info in OPCODES {
            let (a, b) = info.op.flag_pair();
            assert!(a < b && b < k, "{}: ({a}, {b})", info.mnemonic);
            assert!(pairs.insert((a, b)));
            assert!(words.insert(info.op.encoding()));
            assert_ne!(info.op.encoding(), 0);
        }
        assert_eq!(Opcode::Noop.flag_pair(), (0, 1));
        assert_eq!(flag_pair_at(k - 2), (0, k - 1));
        assert_eq!(flag_pair_at(k - 1), (1, 2));
        assert_eq!(flag_pair_at(k * (k - 1) / 2 - 1), (k - 2, k - 1));
    }
}

//! Column layout of the execution trace. Every index the AIR, the prover and `docs/air.md`
//! use is defined here, once.
//!
//! The main trace has three parts side by side: the CPU (decoder, operand stack, overflow
//! and control tables' registers), the hash chiplet that recomputes the program hash from
//! the program's instructions, and the zero-knowledge randomizer columns. The CPU runs from
//! row 0 (the initial state) to the last real row (a `HALT`); the chiplet runs one 8-row
//! cycle per block of four instructions from row 0 and then idles, carrying the digest.

use crate::hash::HASH_WIDTH;

// ---- CPU: decoder -------------------------------------------------------------------------

/// Cycle counter: 0 on row 0, +1 per row. Also the address source of table rows.
pub const CLK: usize = 0;
/// Program counter: the address of the instruction executed on this row.
pub const PC: usize = 1;
/// The instruction's immediate (0 for operations without one).
pub const IMM: usize = 2;
/// First of the 8 one-hot group flags `G_g` (opcode = 16 g + l).
pub const GROUP: usize = 3;
/// Number of group flags.
pub const NUM_GROUPS: usize = 8;
/// First of the 16 one-hot low flags `L_l`.
pub const LOW: usize = GROUP + NUM_GROUPS;
/// Number of low flags.
pub const NUM_LOWS: usize = 16;

// ---- CPU: operand stack -------------------------------------------------------------------

/// First of the 16 visible stack columns, `s0` (the top) first.
pub const STACK: usize = LOW + NUM_LOWS;
/// Number of visible stack columns.
pub const STACK_WIDTH: usize = 16;
/// Stack depth (16 plus the number of elements in the overflow table).
pub const DEPTH: usize = STACK + STACK_WIDTH;
/// Address of the overflow table's top row (0 when the table is empty).
pub const OVF_PTR: usize = DEPTH + 1;
/// The value a pop removes from the overflow table (0 on rows that do not pop).
pub const OVF_VAL: usize = OVF_PTR + 1;
/// 1 on rows that push `s15` into the overflow table (right shifts).
pub const OVF_PUSH: usize = OVF_VAL + 1;
/// 1 on rows that pop the overflow table (left shifts and `HALT` drains above depth 16).
pub const OVF_POP: usize = OVF_PUSH + 1;

// ---- CPU: control stack -------------------------------------------------------------------

/// The top control-stack frame's value: a return address or a loop counter.
pub const CTOP: usize = OVF_POP + 1;
/// The top frame's kind: 1 for a call frame, 0 for a loop counter (or the empty stack).
pub const CKIND: usize = CTOP + 1;
/// Address of the control table row holding the frame below the top (0 if none).
pub const CPTR: usize = CKIND + 1;
/// 1 on rows that push a control frame (`CALL`, `REPEAT`).
pub const CTL_PUSH: usize = CPTR + 1;
/// 1 on rows that pop a control frame (`RET`, the last `NEXT` of a loop).
pub const CTL_POP: usize = CTL_PUSH + 1;
/// Nondeterministic helper: an inverse (`EQ`, `EQZ`, `NEXT`) or `EXPACC`'s multiplier.
pub const HELPER: usize = CTL_POP + 1;
/// Number of CPU columns.
pub const CPU_WIDTH: usize = HELPER + 1;

// ---- hash chiplet -------------------------------------------------------------------------

/// 1 while the chiplet hashes the program (whole 8-row cycles), then 0 for good.
pub const HASH_ACTIVE: usize = CPU_WIDTH;
/// Address of the first of the four instructions the current cycle absorbs.
pub const HASH_ADDR: usize = HASH_ACTIVE + 1;
/// First of the four multiplicities: how often each absorbed instruction is executed.
pub const HASH_MULT: usize = HASH_ADDR + 1;
/// Instructions absorbed per cycle.
pub const INSTRUCTIONS_PER_CYCLE: usize = 4;
/// First column of the Rescue Prime permutation block (`crate::hash`).
pub const HASH: usize = HASH_MULT + INSTRUCTIONS_PER_CYCLE;
/// First of the 12 state columns; the digest is state elements 4..8.
pub const HASH_STATE: usize = HASH;

/// Number of main columns before the zero-knowledge randomizer columns.
pub const BASE_WIDTH: usize = HASH + HASH_WIDTH;

/// First randomizer column (uniformly random in every row, no constraints); a preset has
/// as many as its extension degree when zero knowledge is on, none otherwise.
pub const RANDOMIZER: usize = BASE_WIDTH;

// ---- auxiliary trace (extension field) ----------------------------------------------------

/// `1 / (alpha - rom(pc, opcode, imm))`: the CPU's lookup of the executed instruction.
pub const AUX_ROM_LOOKUP: usize = 0;
/// First of four `m_j / (alpha - rom(addr + j, op_j, imm_j))`: the program table's entries,
/// read from the hash chiplet's absorbed blocks.
pub const AUX_ROM_ENTRY: usize = 1;
/// `(push - pop) / (alpha - row)`: the overflow or control table row inserted or removed.
pub const AUX_TABLE: usize = AUX_ROM_ENTRY + INSTRUCTIONS_PER_CYCLE;
/// The running sum of all the fractions above (a LogUp bus that must end at zero).
pub const AUX_SUM: usize = AUX_TABLE + 1;
/// Number of auxiliary columns.
pub const AUX_WIDTH: usize = AUX_SUM + 1;
/// Random elements drawn for the auxiliary trace: `alpha` and `beta`.
pub const AUX_RANDS: usize = 2;

/// Tags that keep the three kinds of bus rows apart in the fingerprint.
pub mod tag {
    /// Program table rows `(addr, opcode, imm)`.
    pub const ROM: u64 = 1;
    /// Overflow table rows `(addr, value, previous addr)`.
    pub const OVERFLOW: u64 = 2;
    /// Control table rows `(addr, value, kind, previous addr)`.
    pub const CONTROL: u64 = 3;
}

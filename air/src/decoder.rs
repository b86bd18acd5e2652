//! The decoder: the clock, the program counter, the immediate and the one-hot operation
//! flags of the instruction each row executes, and the program counter's transition.
//!
//! An opcode `16 g + l` is encoded by two one-hot groups of flag columns, `G_g` (8) and
//! `L_l` (16), so that every operation flag `G_g L_l` has degree 2. The instruction
//! `(pc, opcode, imm)` of every row is looked up in the program table on the bus
//! (`crate::bus`), which the hash chiplet fills from the attested program.

use vm_core::{Felt, FieldElement, Opcode};

use crate::layout::Cpu;
use crate::named::{Degree, Sink};
use crate::stack::StackTable;

/// The decoder's columns (the first of the trace).
pub mod cols {
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
    /// One past the decoder's last column.
    pub const END: usize = LOW + NUM_LOWS;
}

use cols::*;

/// The operation flags of one row: `f[code] = G_(code / 16) * L_(code % 16)` for every
/// proven operation (zero for the others).
pub struct Flags<E> {
    /// Flag per opcode.
    pub op: [E; 128],
}

impl<E: FieldElement<BaseField = Felt>> Flags<E> {
    /// Computes the flags of the proven operations from a row's group and low columns.
    #[inline(always)]
    pub fn new(table: &StackTable, row: &Cpu<'_, E>) -> Self {
        let mut op = [E::ZERO; 128];
        for &code in table.proven() {
            let code = code as usize;
            op[code] = row.group(code / 16) * row.low(code % 16);
        }
        Self { op }
    }

    /// The flag of one operation.
    #[inline(always)]
    pub fn of(&self, op: Opcode) -> E {
        self.op[op as usize]
    }

    /// The sum of the flags of the given opcodes.
    pub fn sum(&self, codes: &[u8]) -> E {
        codes
            .iter()
            .fold(E::ZERO, |acc, &c| acc + self.op[c as usize])
    }
}

/// The opcode a row encodes, `sum 16 g G_g + sum l L_l` (linear in the flag columns).
#[inline(always)]
pub fn opcode<E: FieldElement<BaseField = Felt>>(row: &[E]) -> E {
    let mut acc = E::ZERO;
    for g in 1..NUM_GROUPS {
        acc += row[GROUP + g] * E::from(Felt::new(16 * g as u64));
    }
    for l in 1..NUM_LOWS {
        acc += row[LOW + l] * E::from(Felt::new(l as u64));
    }
    acc
}

/// The decoder's constraints on the transition `cur -> next`: binary one-hot flags, a
/// proven opcode, the clock and the program counter.
#[inline(always)]
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    table: &StackTable,
    f: &Flags<E>,
    cur: &Cpu<'_, E>,
    next: &Cpu<'_, E>,
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    let one = E::ONE;
    let mut sum_g = E::ZERO;
    for g in 0..NUM_GROUPS {
        let x = cur.group(g);
        out.emit_at("decoder.group_binary", g, Plain(2), x * (x - one));
        sum_g += x;
    }
    let mut sum_l = E::ZERO;
    for l in 0..NUM_LOWS {
        let x = cur.low(l);
        out.emit_at("decoder.low_binary", l, Plain(2), x * (x - one));
        sum_l += x;
    }
    out.emit("decoder.group_one_hot", Plain(1), sum_g - one);
    out.emit("decoder.low_one_hot", Plain(1), sum_l - one);
    // No unassigned or unproven operation: the one-hot pair must be a proven opcode.
    out.emit(
        "decoder.proven_opcode",
        Plain(2),
        one - f.sum(table.proven()),
    );

    out.emit("cpu.clock", Plain(1), next.clk() - cur.clk() - one);
    let (pc, imm, s0) = (cur.pc(), cur.imm(), cur.s(0));
    let pc_next = next.pc();
    let pc_inc = pc + one;
    use Opcode::*;
    let (f_halt, f_jmp, f_jmpz, f_jmpnz) = (f.of(Halt), f.of(Jmp), f.of(Jmpz), f.of(Jmpnz));
    // CALLCTX jumps as CALL does (its context switch is the control component's).
    let (f_call, f_ret, f_next) = (f.of(Call) + f.of(CallCtx), f.of(Ret), f.of(Next));
    let f_branching = f_halt + f_jmp + f_jmpz + f_jmpnz + f_call + f_ret + f_next;
    let c_pop = cur.ctl_pop();
    // Degree 4: a flag (2) times a condition (1) times a value (1).
    out.emit(
        "cpu.pc",
        Plain(4),
        (one - f_branching) * (pc_next - pc_inc)
            + f_halt * (pc_next - pc)
            + (f_jmp + f_call) * (pc_next - imm)
            + f_jmpz * (pc_next - s0 * pc_inc - (one - s0) * imm)
            + f_jmpnz * (pc_next - s0 * imm - (one - s0) * pc_inc)
            + f_ret * (pc_next - cur.ctop())
            + f_next * (pc_next - c_pop * pc_inc - (one - c_pop) * imm),
    );
}

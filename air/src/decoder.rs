//! The decoder: the clock, the program counter, the immediate and the two-hot operation
//! flags of the instruction each row executes, and the program counter's transition.
//!
//! An opcode is encoded by a pair `(a, b)` of the [`NUM_FLAGS`](cols::NUM_FLAGS) binary flag
//! columns `F_0..F_14` ([`Opcode::flag_pair`]): both 1 on its rows, every other 0, so that
//! every operation flag `F_a F_b` has degree 2, as with one-hot groups and low indices, in
//! 15 columns instead of 8 + 16. The instruction `(pc, opcode, imm)` of every row is looked
//! up in the program table on the bus (`crate::bus`), which the hash chiplet fills from the
//! attested program, with the opcode as `sum 2^i F_i` ([`Opcode::encoding`]).
//!
//! Two kinds of constraint suffice: each flag binary, and the flags of the proven operations
//! summing to 1. Binary flags with exactly one proven pair among their 1s are two-hot: the
//! pairs that are no proven operation (`MPVERIFY`'s, `MRUPDATE`'s and the spare one) form the
//! triangle `{12, 13, 14}`, with no proven pair inside, so three or more 1s always hold none
//! or several (checked over all 2^15 binary rows below). No constraint on the flags' sum is
//! needed.

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
    /// First of the two-hot operation flag columns `F_i`.
    pub const FLAGS: usize = 3;
    /// Number of flag columns.
    pub const NUM_FLAGS: usize = vm_core::op::NUM_FLAG_COLUMNS;
    /// One past the decoder's last column.
    pub const END: usize = FLAGS + NUM_FLAGS;
}

use cols::*;

/// The trace columns of an operation's two flags `F_a`, `F_b`: the cells a trace builder
/// sets to 1 on the operation's rows.
pub fn flag_columns(op: Opcode) -> [usize; 2] {
    let (a, b) = op.flag_pair();
    [FLAGS + a, FLAGS + b]
}

/// The operation flags of one row: `f[code] = F_a * F_b` for every proven operation with
/// flag pair `(a, b)` (zero for the others).
pub struct Flags<E> {
    /// Flag per opcode.
    pub op: [E; 128],
}

impl<E: FieldElement<BaseField = Felt>> Flags<E> {
    /// Computes the flags of the proven operations from a row's flag columns.
    #[inline(always)]
    pub fn new(table: &StackTable, row: &Cpu<'_, E>) -> Self {
        let mut op = [E::ZERO; 128];
        for &code in table.proven() {
            let (a, b) = vm_core::op::flag_pair_at(code as usize - 1);
            op[code as usize] = row.flag(a) * row.flag(b);
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

/// The opcode encoding a row spells, `sum 2^i F_i` (linear in the flag columns; on a row of
/// an operation, its [`Opcode::encoding`]).
#[inline(always)]
pub fn opcode<E: FieldElement<BaseField = Felt>>(row: &[E]) -> E {
    let mut acc = E::ZERO;
    for i in (0..NUM_FLAGS).rev() {
        acc = acc.double() + row[FLAGS + i];
    }
    acc
}

/// The decoder's constraints on the transition `cur -> next`: binary flags, a proven
/// opcode, the clock and the program counter.
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
    for i in 0..NUM_FLAGS {
        let x = cur.flag(i);
        out.emit_at("decoder.flag_binary", i, Plain(2), x * (x - one));
    }
    // No unassigned or unproven operation, and (with binary flags) exactly two flags set.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops;
    use alloc::vec::Vec;

    /// Per flag pair `(a, b)`, `a < b`: whether it is a proven operation's.
    fn proven_pairs() -> [[bool; NUM_FLAGS]; NUM_FLAGS] {
        let mut proven = [[false; NUM_FLAGS]; NUM_FLAGS];
        for op in ops::proven_ops() {
            let (a, b) = op.flag_pair();
            proven[a][b] = true;
            proven[b][a] = true;
        }
        proven
    }

    /// The proven pairs among the set bits of `set`, and those between `x` and them.
    fn counts(proven: &[[bool; NUM_FLAGS]; NUM_FLAGS], set: u32, x: usize) -> (i64, i64) {
        let bits: Vec<usize> = (0..NUM_FLAGS).filter(|i| set >> i & 1 == 1).collect();
        let mut within = 0;
        for (k, &a) in bits.iter().enumerate() {
            within += bits[k + 1..].iter().filter(|&&b| proven[a][b]).count() as i64;
        }
        let across = bits.iter().filter(|&&s| s != x && proven[x][s]).count() as i64;
        (within, across)
    }

    #[test]
    fn binary_flags_with_one_proven_pair_are_two_hot() {
        let proven = proven_pairs();
        for set in 0u32..1 << NUM_FLAGS {
            if counts(&proven, set, 0).0 == 1 {
                assert_eq!(set.count_ones(), 2, "flags {set:015b}");
            }
        }
    }

    /// Why each `decoder.flag_binary[x]` alone catches nothing (the sweep lists them as
    /// redundant one by one): with every other flag binary (set `S`) and `F_x = v`, the proven
    /// flags sum to `P + v Q` (`P` proven pairs inside `S`, `Q` between `x` and `S`) and the
    /// row spells `sum_S 2^s + v 2^x`. For that to be 1 and an opcode's encoding `W` (or the
    /// padding's 0) at once, `Q (W - sum_S 2^s) = (1 - P) 2^x` must hold; both sides are
    /// below 2^22 in size, so in the field exactly when over the integers. It never holds
    /// with `v` other than 0 or 1.
    #[test]
    fn one_non_binary_flag_never_spells_an_opcode_with_one_proven_flag() {
        let proven = proven_pairs();
        let mut words: Vec<i64> = vm_core::OPCODES
            .iter()
            .map(|i| i.op.encoding() as i64)
            .collect();
        words.push(0);
        for x in 0..NUM_FLAGS {
            for set in (0u32..1 << NUM_FLAGS).filter(|s| s >> x & 1 == 0) {
                let (p, q) = counts(&proven, set, x);
                let sum_s = set as i64;
                let x_weight = 1i64 << x;
                if q == 0 {
                    // v would be free, the sum being P: no S has one proven pair inside and
                    // none with x.
                    assert_ne!(p, 1, "x {x}, flags {set:015b}");
                    continue;
                }
                for &w in &words {
                    if q * (w - sum_s) == (1 - p) * x_weight {
                        // v = (w - sum_S) / 2^x: only 0 or 1, an honest binary row.
                        let v2 = w - sum_s;
                        assert!(
                            v2 == 0 || v2 == x_weight,
                            "x {x}, flags {set:015b}, word {w}"
                        );
                    }
                }
            }
        }
    }
}

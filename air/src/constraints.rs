//! The main-trace transition constraints of the CPU and of the chiplet's bookkeeping
//! columns. Every constraint is listed with its degree in [`main_degrees`], in the order
//! [`evaluate_main`] writes them; `docs/air.md` describes each one.

use alloc::vec::Vec;

use vm_core::{Felt, FieldElement, Opcode};
use winter_air::TransitionConstraintDegree;

use crate::layout::*;
use crate::named::{ConstraintList, NamedConstraint};
use crate::ops::{self, Source};

/// Number of CPU and chiplet-bookkeeping constraints (the hash chiplet's own follow).
pub const NUM_CPU_CONSTRAINTS: usize = DECODER + 1 + 1 + 16 + 2 + OVERFLOW + CONTROL + LINK;
const DECODER: usize = NUM_GROUPS + NUM_LOWS + 3;
const OVERFLOW: usize = 8;
const CONTROL: usize = 14;
const LINK: usize = 4 + 2 * INSTRUCTIONS_PER_CYCLE;

/// Index of `s0'`'s stack source buckets: old `s_j` for `j < 16`, then these.
const SRC_OVERFLOW: usize = 16;
const SRC_IMM: usize = 17;
const SRC_DEPTH: usize = 18;
const NUM_SRC: usize = 19;

/// A sum of operation flags: one operation's, or those of the operations of group `g` with
/// low index `a..=b`, which is `G_g (L_a + ... + L_b)` (one product instead of `b - a + 1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FlagSum {
    Op(u8),
    Range { g: u8, a: u8, b: u8 },
}

/// The operation facts the constraints need on every row, precomputed once per AIR
/// instance: the proven opcodes, those shifting left and right, and for each visible stack
/// position the operations whose new element there is a plain copy, immediate, zero,
/// overflow value or depth, grouped by the bucket they fall in (`None` for zero) and
/// compressed into flag sums over runs of consecutive low indices.
#[derive(Clone, Debug)]
pub struct StackTable {
    proven: Vec<u8>,
    left: Vec<u8>,
    right: Vec<u8>,
    positions: [Vec<(Option<usize>, FlagSum)>; 16],
}

/// Compresses a set of opcodes into flag sums: runs of consecutive low indices within a
/// group become one range.
fn compress(mut codes: Vec<u8>) -> Vec<FlagSum> {
    codes.sort_unstable();
    let mut out = Vec::new();
    let mut i = 0;
    while i < codes.len() {
        let mut j = i;
        while j + 1 < codes.len()
            && codes[j + 1] == codes[j] + 1
            && !codes[j + 1].is_multiple_of(16)
        {
            j += 1;
        }
        out.push(if i == j {
            FlagSum::Op(codes[i])
        } else {
            FlagSum::Range {
                g: codes[i] / 16,
                a: codes[i] % 16,
                b: codes[j] % 16,
            }
        });
        i = j + 1;
    }
    out
}

impl StackTable {
    /// Builds the table from [`ops::stack_sources`].
    pub fn new() -> Self {
        let codes = |shift: Option<i8>| {
            ops::proven_ops()
                .filter(|o| shift.is_none_or(|s| ops::shift(*o) == s))
                .map(|o| o.code())
                .collect::<Vec<_>>()
        };
        // Per position: bucket -> the opcodes whose new element there comes from it.
        let mut by_bucket: [alloc::collections::BTreeMap<Option<usize>, Vec<u8>>; 16] =
            Default::default();
        for op in ops::proven_ops() {
            for (i, src) in ops::stack_sources(op).into_iter().enumerate() {
                let bucket = match src {
                    Source::Copy(j) => Some(Some(j)),
                    Source::Overflow => Some(Some(SRC_OVERFLOW)),
                    Source::Imm => Some(Some(SRC_IMM)),
                    Source::Depth => Some(Some(SRC_DEPTH)),
                    Source::Zero => Some(None),
                    Source::Special | Source::Advice => None,
                };
                if let Some(b) = bucket {
                    by_bucket[i].entry(b).or_default().push(op.code());
                }
            }
        }
        let positions = by_bucket.map(|buckets| {
            buckets
                .into_iter()
                .flat_map(|(b, codes)| compress(codes).into_iter().map(move |t| (b, t)))
                .collect()
        });
        Self {
            proven: codes(None),
            left: codes(Some(-1)),
            right: codes(Some(1)),
            positions,
        }
    }
}

impl Default for StackTable {
    fn default() -> Self {
        Self::new()
    }
}

/// The constraints [`evaluate_main`] writes, with names and degrees, in order.
pub fn main_constraints() -> Vec<NamedConstraint> {
    let d = TransitionConstraintDegree::new;
    let cyc = |base| TransitionConstraintDegree::with_cycles(base, alloc::vec![8]);
    let mut v = ConstraintList::default();
    // decoder: binary flags, one-hot sums, no unproven operation
    v.family("decoder.group_binary", NUM_GROUPS, d(2));
    v.family("decoder.low_binary", NUM_LOWS, d(2));
    v.add("decoder.group_one_hot", d(1));
    v.add("decoder.low_one_hot", d(1));
    v.add("decoder.proven_opcode", d(2));
    v.add("cpu.clock", d(1));
    v.add("cpu.pc", d(4));
    // stack positions: s0..s7 carry degree-4 special results, s8..s15 copies only
    for i in 0..16 {
        v.add(
            &alloc::format!("stack.s[{i}]"),
            d(if i < 8 { 4 } else { 3 }),
        );
    }
    // the second and third conditions of the special operations
    v.add("stack.condition_a", d(4));
    v.add("stack.condition_b", d(4));
    v.add("overflow.depth", d(1));
    v.add("overflow.push_on_right_shift", d(2));
    v.add("overflow.pop_binary", d(2));
    v.add("overflow.pop_only_on_left_or_halt", d(3));
    v.add("overflow.pop_when_deep", d(4));
    v.add("overflow.value_zero_off_pop", d(2));
    v.add("overflow.ptr_kept", d(2));
    v.add("overflow.ptr_on_push", d(2));
    v.add("control.push_on_call_or_repeat", d(2));
    v.add("control.pop_binary", d(2));
    v.add("control.ret_pops", d(3));
    v.add("control.pop_only_on_ret_or_next", d(3));
    v.add("control.next_pops_at_one", d(4));
    v.add("control.next_pop_needs_one", d(4));
    v.add("control.ret_needs_call_frame", d(3));
    v.add("control.next_needs_loop_frame", d(3));
    v.add("control.kind_kept", d(2));
    v.add("control.ptr_kept", d(2));
    v.add("control.top_kept_or_decremented", d(3));
    v.add("control.ptr_on_push", d(2));
    v.add("control.top_on_push", d(3));
    v.add("control.kind_on_push", d(3));
    // chiplet bookkeeping: active flag, block address, multiplicities
    v.add("chiplet.active_binary", d(2));
    v.add("chiplet.active_constant_in_cycle", cyc(1));
    v.add("chiplet.active_never_restarts", d(2));
    v.add("chiplet.addr_step", cyc(1));
    v.family("chiplet.mult_on_absorb_row", INSTRUCTIONS_PER_CYCLE, cyc(1));
    v.family(
        "chiplet.mult_only_when_active",
        INSTRUCTIONS_PER_CYCLE,
        d(2),
    );
    debug_assert_eq!(v.0.len(), NUM_CPU_CONSTRAINTS);
    v.0
}

/// Degrees of the constraints [`evaluate_main`] writes, in order.
pub fn main_degrees() -> Vec<TransitionConstraintDegree> {
    main_constraints().into_iter().map(|c| c.degree).collect()
}

/// The operation flags of one row: `f[code] = G_(code / 16) * L_(code % 16)` for every
/// proven operation (zero for the others).
pub struct Flags<E> {
    /// Flag per opcode.
    pub op: [E; 128],
}

impl<E: FieldElement<BaseField = Felt>> Flags<E> {
    /// Computes the flags of the proven operations from a row's group and low columns.
    pub fn new(table: &StackTable, row: &[E]) -> Self {
        let mut op = [E::ZERO; 128];
        for &code in &table.proven {
            let code = code as usize;
            op[code] = row[GROUP + code / 16] * row[LOW + code % 16];
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

/// Evaluates the CPU and chiplet-bookkeeping constraints on the transition `cur -> next`.
/// `p7` is the periodic flag of the last row of each 8-row chiplet cycle and `round` the
/// chiplet's round flag (1 on the rows whose transition is a permutation round).
pub fn evaluate_main<E: FieldElement<BaseField = Felt>>(
    table: &StackTable,
    cur: &[E],
    next: &[E],
    p7: E,
    round: E,
    result: &mut [E],
) {
    let one = E::ONE;
    let f = Flags::new(table, cur);
    let mut k = 0;
    let mut emit = |v: E| {
        result[k] = v;
        k += 1;
    };

    // ---- decoder
    let mut sum_g = E::ZERO;
    for g in 0..NUM_GROUPS {
        let x = cur[GROUP + g];
        emit(x * (x - one));
        sum_g += x;
    }
    let mut sum_l = E::ZERO;
    for l in 0..NUM_LOWS {
        let x = cur[LOW + l];
        emit(x * (x - one));
        sum_l += x;
    }
    emit(sum_g - one);
    emit(sum_l - one);
    // No unassigned or unproven operation: the one-hot pair must be a proven opcode.
    emit(one - f.sum(&table.proven));

    // ---- clock and program counter
    let (clk, pc, imm) = (cur[CLK], cur[PC], cur[IMM]);
    emit(next[CLK] - clk - one);
    let s = &cur[STACK..STACK + 16];
    let sn = &next[STACK..STACK + 16];
    let pc_next = next[PC];
    let pc_inc = pc + one;
    use Opcode::*;
    let (f_halt, f_jmp, f_jmpz, f_jmpnz) = (f.of(Halt), f.of(Jmp), f.of(Jmpz), f.of(Jmpnz));
    let (f_call, f_ret, f_repeat, f_next) = (f.of(Call), f.of(Ret), f.of(Repeat), f.of(Next));
    let f_branching = f_halt + f_jmp + f_jmpz + f_jmpnz + f_call + f_ret + f_next;
    let c_pop = cur[CTL_POP];
    let ctop = cur[CTOP];
    emit(
        (one - f_branching) * (pc_next - pc_inc)
            + f_halt * (pc_next - pc)
            + (f_jmp + f_call) * (pc_next - imm)
            + f_jmpz * (pc_next - s[0] * pc_inc - (one - s[0]) * imm)
            + f_jmpnz * (pc_next - s[0] * imm - (one - s[0]) * pc_inc)
            + f_ret * (pc_next - ctop)
            + f_next * (pc_next - c_pop * pc_inc - (one - c_pop) * imm),
    );

    // ---- stack: copies, immediates, overflow and depth, by bucket
    let (depth, ovf_val) = (cur[DEPTH], cur[OVF_VAL]);
    let mut values = [E::ZERO; NUM_SRC];
    values[..16].copy_from_slice(s);
    values[SRC_OVERFLOW] = ovf_val;
    values[SRC_IMM] = imm;
    values[SRC_DEPTH] = depth;
    let mut low_prefix = [E::ZERO; NUM_LOWS + 1];
    for l in 0..NUM_LOWS {
        low_prefix[l + 1] = low_prefix[l] + cur[LOW + l];
    }
    let mut stack = [E::ZERO; 16];
    for (i, entries) in table.positions.iter().enumerate() {
        let mut buckets = [E::ZERO; NUM_SRC];
        let mut total = E::ZERO;
        for &(bucket, term) in entries {
            let fl = match term {
                FlagSum::Op(code) => f.op[code as usize],
                FlagSum::Range { g, a, b } => {
                    cur[GROUP + g as usize] * (low_prefix[b as usize + 1] - low_prefix[a as usize])
                }
            };
            total += fl;
            if let Some(b) = bucket {
                buckets[b] += fl;
            }
        }
        let mut acc = total * sn[i];
        for (b, v) in buckets.iter().zip(values.iter()) {
            acc -= *b * *v;
        }
        stack[i] = acc;
    }
    // Special results: each operation adds at most one term per position, and at most one
    // term to each of the extra conditions x1, x2.
    let h = cur[HELPER];
    let (a, b) = (s[0], s[1]);
    let binary = |x: E| x * (x - one);
    stack[0] += f.of(Add) * (sn[0] - a - b)
        + f.of(Mul) * (sn[0] - a * b)
        + f.of(Eq) * (sn[0] - one + (a - b) * h)
        + f.of(And) * (sn[0] - a * b)
        + f.of(Or) * (sn[0] - a - b + a * b)
        + f.of(Neg) * (sn[0] + a)
        + f.of(Inv) * (sn[0] * a - one)
        + f.of(Incr) * (sn[0] - a - one)
        + f.of(Addi) * (sn[0] - a - imm)
        + f.of(Muli) * (sn[0] - a * imm)
        + f.of(Eqz) * (sn[0] - one + a * h)
        + f.of(Not) * (sn[0] - one + a)
        + f.of(Expacc) * binary(sn[0])
        + f.of(Cswap) * (sn[0] - a * s[2] - (one - a) * b);
    // EXPACC on [bit, base, acc, exp]: h is the multiplier 1 + bit' (base - 1).
    let f_exp = f.of(Expacc);
    stack[1] += f_exp * (sn[1] - b * b) + f.of(Cswap) * (sn[1] - a * b - (one - a) * s[2]);
    stack[2] += f_exp * (sn[2] - s[2] * h);
    stack[3] += f_exp * (s[3] - sn[3].double() - sn[0]);
    // EXT2MUL on [b1, b0, a1, a0]: (a0 + a1 x)(b0 + b1 x) mod x^2 - x + 2.
    let f_ext = f.of(Ext2mul);
    let (b1, b0, a1, a0) = (s[0], s[1], s[2], s[3]);
    let a1b1 = a1 * b1;
    stack[2] += f_ext * (sn[2] - (a0 * b1 + a1 * b0 + a1b1));
    stack[3] += f_ext * (sn[3] - (a0 * b0 - a1b1.double()));
    // CSWAPW on [c, B, A]: pops c; swaps words B and A if c = 1.
    let f_cw = f.of(Cswapw);
    for i in 0..4 {
        stack[i] += f_cw * (sn[i] - a * s[i + 5] - (one - a) * s[i + 1]);
        stack[i + 4] += f_cw * (sn[i + 4] - a * s[i + 1] - (one - a) * s[i + 5]);
    }
    for v in stack {
        emit(v);
    }
    emit(
        f.of(Assert) * (a - one)
            + (f.of(Jmpz) + f.of(Jmpnz) + f.of(Not) + f.of(Cswap) + f_cw + f.of(And) + f.of(Or))
                * binary(a)
            + f.of(Eq) * (a - b) * sn[0]
            + f.of(Eqz) * a * sn[0]
            + f_exp * (h - one - (b - one) * sn[0]),
    );
    emit((f.of(And) + f.of(Or)) * binary(b));

    // ---- overflow table registers
    let sixteen = E::from(Felt::new(16));
    let (push, pop) = (cur[OVF_PUSH], cur[OVF_POP]);
    let f_right = f.sum(&table.right);
    let f_left_or_halt = f.sum(&table.left) + f_halt;
    let (ptr, ptr_next) = (cur[OVF_PTR], next[OVF_PTR]);
    emit(next[DEPTH] - depth - push + pop);
    emit(push - f_right);
    emit(binary(pop));
    emit(pop * (one - f_left_or_halt));
    // A left shift (or a HALT row) pops exactly when the depth exceeds 16; popping at depth
    // 16 would need a table row at address 0, which no row has.
    emit(f_left_or_halt * (one - pop) * (depth - sixteen));
    emit(ovf_val * (one - pop));
    emit((one - push - pop) * (ptr_next - ptr));
    emit(push * (ptr_next - clk - one));

    // ---- control table registers
    let c_push = cur[CTL_PUSH];
    let (ckind, cptr) = (cur[CKIND], cur[CPTR]);
    let (ctop_n, ckind_n, cptr_n) = (next[CTOP], next[CKIND], next[CPTR]);
    emit(c_push - f_call - f_repeat);
    emit(binary(c_pop));
    emit(f_ret * (one - c_pop));
    emit(c_pop * (one - f_ret - f_next));
    // NEXT pops exactly when the counter is 1 (h is the inverse of counter - 1 otherwise).
    emit(f_next * ((ctop - one) * h - one + c_pop));
    emit(f_next * c_pop * (ctop - one));
    emit(f_ret * (one - ckind));
    emit(f_next * ckind);
    let keep = one - c_push - c_pop;
    emit(keep * (ckind_n - ckind));
    emit(keep * (cptr_n - cptr));
    emit(keep * (ctop_n - ctop + f_next));
    emit(c_push * (cptr_n - clk - one));
    emit(f_call * (ctop_n - pc_inc) + f_repeat * (ctop_n - imm));
    emit(f_call * (ckind_n - one) + f_repeat * ckind_n);

    // ---- chiplet bookkeeping
    let (active, active_n) = (cur[HASH_ACTIVE], next[HASH_ACTIVE]);
    emit(binary(active));
    emit((one - p7) * (active_n - active));
    emit(active_n * (one - active));
    emit(next[HASH_ADDR] - cur[HASH_ADDR] - p7 * E::from(Felt::new(4)));
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        emit(cur[HASH_MULT + j] * round);
    }
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        emit(cur[HASH_MULT + j] * (one - active));
    }
    debug_assert_eq!(k, NUM_CPU_CONSTRAINTS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_flag_sums_cover_exactly_the_operations() {
        let table = StackTable::new();
        for (i, entries) in table.positions.iter().enumerate() {
            let mut covered: Vec<(Option<usize>, u8)> = Vec::new();
            for &(bucket, term) in entries {
                match term {
                    FlagSum::Op(c) => covered.push((bucket, c)),
                    FlagSum::Range { g, a, b } => {
                        covered.extend((a..=b).map(|l| (bucket, 16 * g + l)));
                    }
                }
            }
            covered.sort();
            let mut expected: Vec<(Option<usize>, u8)> = Vec::new();
            for op in ops::proven_ops() {
                let bucket = match ops::stack_sources(op)[i] {
                    Source::Copy(j) => Some(j),
                    Source::Overflow => Some(SRC_OVERFLOW),
                    Source::Imm => Some(SRC_IMM),
                    Source::Depth => Some(SRC_DEPTH),
                    Source::Zero => None,
                    Source::Special | Source::Advice => continue,
                };
                expected.push((bucket, op.code()));
            }
            expected.sort();
            assert_eq!(covered, expected, "position {i}");
        }
        // The compression pays: far fewer terms than operations.
        let terms: usize = table.positions.iter().map(|p| p.len()).sum();
        assert!(terms < 16 * 40, "{terms} terms");
    }
}

//! The operand stack's 16 visible columns and their transition: for every proven operation
//! and every position `i`, the new `s_i` is a copy of an old element, the overflow table's
//! popped value, the immediate, zero or the depth ([`crate::ops::stack_sources`]), or a
//! special result fixed by the operation's own constraint (arithmetic, comparisons,
//! `EXPACC`, `EXT2MUL`, conditional swaps).
//!
//! The copies are grouped per position by their source ("buckets") and their operation
//! flags summed over runs of consecutive low indices ([`StackTable`]), so that one
//! constraint per position covers every operation.

use alloc::vec::Vec;

use vm_core::{Felt, FieldElement, Opcode};

use crate::decoder::{cols::NUM_LOWS, Flags};
use crate::layout::Cpu;
use crate::named::{Degree, Sink};
use crate::ops::{self, Source};

/// The stack's columns.
pub mod cols {
    /// First of the 16 visible stack columns, `s0` (the top) first.
    pub const STACK: usize = crate::decoder::cols::END;
    /// Number of visible stack columns.
    pub const STACK_WIDTH: usize = 16;
    /// One past the stack's last column.
    pub const END: usize = STACK + STACK_WIDTH;
}

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
                    Source::Special
                    | Source::Advice
                    | Source::Memory
                    | Source::Bitwise
                    | Source::Hasher => None,
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

impl StackTable {
    /// The proven opcodes.
    pub fn proven(&self) -> &[u8] {
        &self.proven
    }

    /// The proven opcodes that shift the stack left.
    pub fn left(&self) -> &[u8] {
        &self.left
    }

    /// The proven opcodes that shift the stack right.
    pub fn right(&self) -> &[u8] {
        &self.right
    }
}

impl Default for StackTable {
    fn default() -> Self {
        Self::new()
    }
}

/// The stack's constraints on the transition `cur -> next`: one per visible position and
/// two extra conditions of the special operations.
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    table: &StackTable,
    f: &Flags<E>,
    cur: &Cpu<'_, E>,
    next: &Cpu<'_, E>,
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    use Opcode::*;
    let one = E::ONE;
    let (s, sn, imm) = (cur.stack(), next.stack(), cur.imm());
    let (depth, ovf_val) = (cur.depth(), cur.ovf_val());
    let mut values = [E::ZERO; NUM_SRC];
    values[..16].copy_from_slice(s);
    values[SRC_OVERFLOW] = ovf_val;
    values[SRC_IMM] = imm;
    values[SRC_DEPTH] = depth;
    let mut low_prefix = [E::ZERO; NUM_LOWS + 1];
    for l in 0..NUM_LOWS {
        low_prefix[l + 1] = low_prefix[l] + cur.low(l);
    }
    // Each position's entries come grouped by bucket (the table is built bucket by bucket),
    // so a bucket's flag sum is multiplied by its value once, and only buckets some
    // operation uses cost a product: this loop is the bulk of the AIR's evaluation time.
    let mut stack = [E::ZERO; 16];
    for (i, entries) in table.positions.iter().enumerate() {
        let mut total = E::ZERO;
        let mut copied = E::ZERO;
        let mut run = E::ZERO;
        let mut run_bucket = entries.first().and_then(|e| e.0);
        for &(bucket, term) in entries {
            if bucket != run_bucket {
                if let Some(b) = run_bucket {
                    copied += run * values[b];
                }
                total += run;
                run = E::ZERO;
                run_bucket = bucket;
            }
            run += match term {
                FlagSum::Op(code) => f.op[code as usize],
                FlagSum::Range { g, a, b } => {
                    cur.group(g as usize) * (low_prefix[b as usize + 1] - low_prefix[a as usize])
                }
            };
        }
        if let Some(b) = run_bucket {
            copied += run * values[b];
        }
        total += run;
        stack[i] = total * sn[i] - copied;
    }
    // Special results: each operation adds at most one term per position, and at most one
    // term to each of the extra conditions x1, x2.
    let h = cur.helper(0);
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
        + f.of(Cswap) * (sn[0] - a * s[2] - (one - a) * b)
        + f.of(Fmpadd) * (sn[0] - cur.fmp() - imm);
    // MSTREAM and PIPE advance the word pointer s12 past the two words they move.
    stack[12] += (f.of(Mstream) + f.of(Pipe)) * (sn[12] - s[12] - E::from(Felt::new(8)));
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
    // s0..s7 carry degree-4 special results (a flag times a product), s8..s15 only
    // copies (a flag times a value, degree 3).
    for (i, v) in stack.into_iter().enumerate() {
        out.emit_at("stack.s", i, Plain(if i < 8 { 4 } else { 3 }), v);
    }
    // The second and third conditions of the special operations.
    out.emit(
        "stack.condition_a",
        Plain(4),
        f.of(Assert) * (a - one)
            + (f.of(Jmpz) + f.of(Jmpnz) + f.of(Not) + f.of(Cswap) + f_cw + f.of(And) + f.of(Or))
                * binary(a)
            + f.of(Eq) * (a - b) * sn[0]
            + f.of(Eqz) * a * sn[0]
            + f_exp * (h - one - (b - one) * sn[0]),
    );
    out.emit(
        "stack.condition_b",
        Plain(4),
        (f.of(And) + f.of(Or)) * binary(b),
    );
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
                    Source::Special
                    | Source::Advice
                    | Source::Memory
                    | Source::Bitwise
                    | Source::Hasher => continue,
                };
                expected.push((bucket, op.code()));
            }
            expected.sort();
            assert_eq!(covered, expected, "position {i}");
        }
        // Entries come grouped by bucket, which the evaluator's single pass relies on.
        for (i, entries) in table.positions.iter().enumerate() {
            let mut seen = Vec::new();
            for w in entries.windows(2) {
                if w[0].0 != w[1].0 {
                    assert!(!seen.contains(&w[1].0), "position {i}: bucket split");
                    seen.push(w[0].0);
                }
            }
        }
        // The compression pays: far fewer terms than operations.
        let terms: usize = table.positions.iter().map(|p| p.len()).sum();
        assert!(terms < 16 * 40, "{terms} terms");
    }
}

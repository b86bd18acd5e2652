//! The operand stack's 16 visible columns and their transition: for every proven operation
//! and every position `i`, the new `s_i` is a copy of an old element, the overflow table's
//! popped value, the immediate, zero or the depth ([`crate::ops::stack_sources`]), or a
//! special result fixed by the operation's own constraint (arithmetic, comparisons,
//! `EXPACC`, `EXT2MUL`, conditional swaps).
//!
//! The copies are grouped per position by their source ("buckets") and their operation
//! flags summed over runs of consecutive flag pairs sharing a first column ([`StackTable`]),
//! so that one constraint per position covers every operation.

use alloc::vec::Vec;

use vm_core::{Felt, FieldElement, Opcode};

use crate::decoder::{cols::NUM_FLAGS, Flags};
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

/// A sum of operation flags: one operation's, or those of the operations whose flag pairs
/// are `(first, a..=b)`, which is `F_first (F_a + ... + F_b)` (one product instead of
/// `b - a + 1`; `first < a`, so the sum never holds `F_first` itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FlagSum {
    Op(u8),
    Range { first: u8, a: u8, b: u8 },
}

/// The operation facts the constraints need on every row, precomputed once per AIR
/// instance: the proven opcodes, those shifting left and right, and for each visible stack
/// position the operations whose new element there is a plain copy, immediate, zero,
/// overflow value or depth, grouped by the bucket they fall in (`None` for zero).
///
/// Each bucket's flag sum (a "run") is written in the cheapest of two equal forms: directly,
/// as flag sums over runs of consecutive low indices, or as the sum over its operations'
/// whole shift class (no shift, left, right, computed once per row) minus the class's other
/// operations. The two are the same polynomial in the flag columns, so this changes the
/// cost of evaluating a constraint, never its value; the flag sums (`FlagSum`) are
/// deduplicated across positions and computed once per row too.
#[derive(Clone, Debug)]
pub struct StackTable {
    proven: Vec<u8>,
    left: Vec<u8>,
    right: Vec<u8>,
    /// The distinct flag sums the runs read.
    terms: Vec<FlagSum>,
    /// The shift classes, as lists of indices into `terms`; class `c` is value
    /// `terms.len() + c` of a row's term values.
    classes: Vec<Vec<u16>>,
    /// Per position: its runs.
    positions: [Vec<Run>; 16],
    /// The runs' term value indices: added ones, then subtracted ones.
    refs: Vec<u16>,
}

/// One bucket's flag sum at one position: `sum refs[start..mid] - sum refs[mid..end]`.
#[derive(Clone, Copy, Debug)]
struct Run {
    bucket: Option<usize>,
    start: u16,
    mid: u16,
    end: u16,
}

/// Largest number of term values (flag sums and classes) a row computes.
const MAX_TERM_VALUES: usize = 256;

/// Compresses a set of opcodes into flag sums: runs of consecutive opcodes whose flag pairs
/// share their first column (consecutive codes take consecutive pairs) become one range.
fn compress(mut codes: Vec<u8>) -> Vec<FlagSum> {
    codes.sort_unstable();
    let mut out = Vec::new();
    let mut i = 0;
    while i < codes.len() {
        let mut j = i;
        while j + 1 < codes.len()
            && codes[j + 1] == codes[j] + 1
            && pair(codes[j + 1]).0 == pair(codes[i]).0
        {
            j += 1;
        }
        out.push(if i == j {
            FlagSum::Op(codes[i])
        } else {
            FlagSum::Range {
                first: pair(codes[i]).0 as u8,
                a: pair(codes[i]).1 as u8,
                b: pair(codes[j]).1 as u8,
            }
        });
        i = j + 1;
    }
    out
}

/// The flag pair of opcode `code`.
fn pair(code: u8) -> (usize, usize) {
    vm_core::op::flag_pair_at(code as usize - 1)
}

/// Interns flag sums: the index of each distinct one.
#[derive(Default)]
struct Terms(Vec<FlagSum>);

impl Terms {
    fn index(&mut self, t: FlagSum) -> u16 {
        let i = match self.0.iter().position(|&u| u == t) {
            Some(i) => i,
            None => {
                self.0.push(t);
                self.0.len() - 1
            }
        };
        i as u16
    }

    fn indices(&mut self, codes: Vec<u8>) -> Vec<u16> {
        compress(codes).into_iter().map(|t| self.index(t)).collect()
    }
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
        let shift_classes = [codes(Some(0)), codes(Some(-1)), codes(Some(1))];
        let mut terms = Terms::default();
        let class_terms: Vec<Vec<u16>> = shift_classes
            .iter()
            .map(|c| terms.indices(c.clone()))
            .collect();
        // Runs first in terms of flag sums and classes (a class as `u16::MAX - c` until the
        // number of flag sums is known).
        let mut refs = Vec::new();
        let mut positions: [Vec<Run>; 16] = Default::default();
        for (i, buckets) in by_bucket.into_iter().enumerate() {
            for (bucket, ops) in buckets {
                let direct = compress(ops.clone());
                // Against the cheapest class: the class, plus the run's operations outside
                // it, minus the class's operations outside the run.
                let (c, extra, rest) = shift_classes
                    .iter()
                    .enumerate()
                    .map(|(c, class)| {
                        let outside = |a: &[u8], b: &[u8]| -> Vec<u8> {
                            a.iter().copied().filter(|o| !b.contains(o)).collect()
                        };
                        (
                            c,
                            compress(outside(&ops, class)),
                            compress(outside(class, &ops)),
                        )
                    })
                    .min_by_key(|(_, extra, rest)| extra.len() + rest.len())
                    .expect("three classes");
                let start = refs.len() as u16;
                let mid = if 1 + extra.len() + rest.len() < direct.len() {
                    refs.push(u16::MAX - c as u16);
                    refs.extend(extra.into_iter().map(|t| terms.index(t)));
                    let mid = refs.len() as u16;
                    refs.extend(rest.into_iter().map(|t| terms.index(t)));
                    mid
                } else {
                    refs.extend(direct.into_iter().map(|t| terms.index(t)));
                    refs.len() as u16
                };
                positions[i].push(Run {
                    bucket,
                    start,
                    mid,
                    end: refs.len() as u16,
                });
            }
        }
        let num_terms = terms.0.len() as u16;
        for r in &mut refs {
            if *r > u16::MAX - shift_classes.len() as u16 {
                *r = num_terms + (u16::MAX - *r);
            }
        }
        assert!(terms.0.len() + class_terms.len() <= MAX_TERM_VALUES);
        Self {
            proven: codes(None),
            left: codes(Some(-1)),
            right: codes(Some(1)),
            terms: terms.0,
            classes: class_terms,
            positions,
            refs,
        }
    }

    /// Every run of position `i` as its bucket and the opcodes its flag sum adds and
    /// subtracts (for tests).
    #[cfg(test)]
    fn runs(&self, i: usize) -> Vec<(Option<usize>, Vec<u8>, Vec<u8>)> {
        let expand = |t: FlagSum| -> Vec<u8> {
            match t {
                FlagSum::Op(c) => alloc::vec![c],
                FlagSum::Range { first, a, b } => {
                    let code = |second: u8| {
                        let at = (1..128u8).find(|&c| pair(c) == (first as usize, second as usize));
                        at.expect("a pair of an opcode")
                    };
                    (a..=b).map(code).collect()
                }
            }
        };
        let codes = |k: u16| -> Vec<u8> {
            let k = k as usize;
            if k < self.terms.len() {
                expand(self.terms[k])
            } else {
                self.classes[k - self.terms.len()]
                    .iter()
                    .flat_map(|&t| expand(self.terms[t as usize]))
                    .collect()
            }
        };
        self.positions[i]
            .iter()
            .map(|r| {
                let refs = |a: u16, b: u16| -> Vec<u8> {
                    self.refs[a as usize..b as usize]
                        .iter()
                        .flat_map(|&k| codes(k))
                        .collect()
                };
                (r.bucket, refs(r.start, r.mid), refs(r.mid, r.end))
            })
            .collect()
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
#[inline(always)]
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
    let mut prefix = [E::ZERO; NUM_FLAGS + 1];
    for i in 0..NUM_FLAGS {
        prefix[i + 1] = prefix[i] + cur.flag(i);
    }
    // The flag sums every position's runs read, then the shift classes, once per row: this
    // is the bulk of the AIR's evaluation time outside the hasher.
    let mut t = [E::ZERO; MAX_TERM_VALUES];
    for (v, term) in t.iter_mut().zip(&table.terms) {
        *v = match *term {
            FlagSum::Op(code) => f.op[code as usize],
            FlagSum::Range { first, a, b } => {
                cur.flag(first as usize) * (prefix[b as usize + 1] - prefix[a as usize])
            }
        };
    }
    let num_terms = table.terms.len();
    for (c, members) in table.classes.iter().enumerate() {
        t[num_terms + c] = members.iter().fold(E::ZERO, |acc, &k| acc + t[k as usize]);
    }
    let sum = |refs: &[u16]| refs.iter().fold(E::ZERO, |acc, &k| acc + t[k as usize]);
    let mut stack = [E::ZERO; 16];
    for (i, runs) in table.positions.iter().enumerate() {
        let mut total = E::ZERO;
        let mut copied = E::ZERO;
        for run in runs {
            let (a, m, e) = (run.start as usize, run.mid as usize, run.end as usize);
            let flags = sum(&table.refs[a..m]) - sum(&table.refs[m..e]);
            total += flags;
            if let Some(b) = run.bucket {
                copied += flags * values[b];
            }
        }
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
        for i in 0..16 {
            let mut covered: Vec<(Option<usize>, u8)> = Vec::new();
            for (bucket, mut plus, minus) in table.runs(i) {
                // What a run subtracts it added first (its class), exactly once.
                for m in minus {
                    let at = plus.iter().position(|&p| p == m);
                    assert!(at.is_some(), "position {i}: subtracts {m} it never added");
                    plus.swap_remove(at.unwrap_or_default());
                }
                covered.extend(plus.into_iter().map(|c| (bucket, c)));
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
        // The compression pays: far fewer additions than operations.
        assert!(table.refs.len() < 16 * 30, "{} additions", table.refs.len());
    }
}

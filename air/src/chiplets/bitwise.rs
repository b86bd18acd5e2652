//! The bitwise chiplet: the section of the chiplet region after the memory chiplet, two
//! rows per `U32AND` or `U32XOR`, that proves `z = a AND b` for two u32 values `a`, `b`
//! (and so, with the CPU's request, `a XOR b = a + b - 2 z`).
//!
//! # Layout
//!
//! An operation takes two consecutive rows of the section, its first row (phase `p = 1`)
//! and its second (`p = 0`). Each row holds 16 bits of `a` and 16 bits of `b` as binary
//! cells: the low halves on the first row, the high halves on the second:
//!
//! | cell | meaning |
//! | --- | --- |
//! | `p` | phase: 1 on an operation's first row, 0 on its second |
//! | `z` | the first row: `a AND b`, all 32 bits (the second row leaves it free) |
//! | `a[0..16]` | 16 bits of `a`, least significant first: bits `0..16` on the first row, `16..32` on the second |
//! | `b[0..16]` | the same for `b` |
//!
//! The 34 cells are the region's 24 shared cells (the hasher's S-box helpers,
//! `crate::chiplets::cols::shared`) followed by its 12 state lanes ([`column()`]): no hasher
//! constraint reads them below the hasher's section. One row is an exception: the row right
//! after the hasher's section holds the permutation's output (its last round pins the state
//! lanes, and the bus reads the digest there). When the memory section is empty the bitwise
//! section would start on that row, so the prover then puts a filler row first: a second-row
//! (`p = 0`) row that no first row precedes, which no constraint reads and which answers
//! nothing (one row per trace).
//!
//! # Constraints
//!
//! Every constraint is a transition constraint on an operation's first row, gated by
//! `k p` (`k` the section's selector, the region's `BIT_ACTIVE` column, `p` the phase
//! cell), and reads the first row (`cur`) and the second (`next`):
//!
//! | constraint | expression | declared degree |
//! | --- | --- | --- |
//! | `bit.phase_binary` | `k p (p - 1)` | 3 |
//! | `bit.a_lo[i]`, `bit.b_lo[i]` (16 each) | `k p x (x - 1)` for the first row's bits | 4 |
//! | `bit.a_hi[i]`, `bit.b_hi[i]` (16 each) | `k p x' (x' - 1)` for the second row's bits | 4 |
//! | `bit.and` | `k p (z - sum_i 2^i a_i b_i - 2^16 sum_i 2^i a'_i b'_i)` | 4 |
//!
//! The first row answers the bus message `(BITWISE, a, b, z)` with
//! `a = sum 2^i a_i + 2^16 sum 2^i a'_i` (and `b` the same way), multiplicity `k p`
//! (`crate::bus::chiplet_response`). So each answer is a true statement: its 64 bits are
//! binary, so `a` and `b` are u32 values (below 2^32), and `z` is their AND. Nothing else
//! needs to hold: a second row answers nothing and its cells are only read through the first
//! row before it, so the section needs no structure beyond its selector's placement
//! (`crate::chiplets`) and a binary phase (a phase `p` that is not 0 or 1 would turn the
//! answer into `1 / (fp - 1 + 1/p)`, a message with another tag, which could answer another
//! channel's request).
//!
//! # Why AND only
//!
//! `a XOR b = a + b - 2 (a AND b)` for integers, so the CPU asks `U32XOR`'s question as
//! `(BITWISE, a, b, (a + b - r) / 2)` with `r` its result (`crate::bus::memory_request`),
//! linear in the stack: the chiplet needs no operation flag (which would raise `bit.and` to
//! degree 5) and both operations share one message kind.
//!
//! # Budget
//!
//! Two rows per operation, 16 bits of each input per row, no lookup table (so no extra
//! auxiliary column): Miden's chiplet takes 8 rows per operation at 4 bits per row. The
//! width is what the region already has; `docs/air.md` has the rows-per-operation budget.

use vm_core::{Felt, FieldElement};

use crate::named::{Degree, Sink};

/// Offsets of the bitwise cells (see [`column()`] for where cell `i` lives).
pub mod cols {
    /// Phase: 1 on an operation's first row, 0 on its second.
    pub const P: usize = 0;
    /// `a AND b` (on the first row).
    pub const Z: usize = 1;
    /// First of the 16 bits of `a` of this row.
    pub const A: usize = 2;
    /// First of the 16 bits of `b` of this row.
    pub const B: usize = A + super::BITS;
    /// Number of cells.
    pub const WIDTH: usize = B + super::BITS;
}

use cols::*;

/// Bits of each input per row.
pub const BITS: usize = 16;

/// Rows per operation.
pub const ROWS_PER_OP: usize = 2;

/// `2^16`: the weight of the second row's bits.
const HALF: u64 = 1 << BITS;

// The cells fit the region's shared cells and state lanes, and the phase (read on every
// row of the section, the filler row after the hasher's included) is a shared cell.
const _: () = assert!(WIDTH <= super::cols::SHARED_WIDTH + 12);
const _: () = assert!(P < super::cols::SHARED_WIDTH && Z < super::cols::SHARED_WIDTH);

/// Main column of bitwise cell `i`: the region's 24 shared cells, then its 12 state lanes.
pub const fn column(i: usize) -> usize {
    if i < super::cols::SHARED_WIDTH {
        super::cols::shared(i)
    } else {
        super::cols::HASH_STATE + i - super::cols::SHARED_WIDTH
    }
}

/// The bitwise cells of the main-trace row `row`.
#[inline(always)]
pub fn cells<E: Copy + Default>(row: &[E]) -> [E; WIDTH] {
    crate::arith::from_fn(|i| row[column(i)])
}

/// `sum_i 2^i x[i]` over 16 cells.
#[inline(always)]
fn pack<E: FieldElement<BaseField = Felt>>(x: &[E]) -> E {
    // Plain loops, not iterators' `fold`s, in the AIR's evaluation ([`crate::arith::from_fn`]).
    let mut acc = E::ZERO;
    for v in x.iter().rev() {
        acc = acc.double() + *v;
    }
    acc
}

/// `sum_i 2^i a[i] b[i]` over the row's 16 bit pairs (degree 2).
#[inline(always)]
fn pack_and<E: FieldElement<BaseField = Felt>>(row: &[E]) -> E {
    let mut acc = E::ZERO;
    for i in (0..BITS).rev() {
        acc = acc.double() + row[A + i] * row[B + i];
    }
    acc
}

/// The bus message `(a, b, z)` of the operation whose first row is `cur` and second `next`
/// (bitwise cells), linear in the cells.
#[inline(always)]
pub fn message<E: FieldElement<BaseField = Felt>>(cur: &[E], next: &[E]) -> [E; 3] {
    let half = E::from(Felt::new(HALF));
    [
        pack(&cur[A..A + BITS]) + half * pack(&next[A..A + BITS]),
        pack(&cur[B..B + BITS]) + half * pack(&next[B..B + BITS]),
        cur[Z],
    ]
}

/// Evaluates the bitwise constraints on the transition `cur -> next` (bitwise cells), with
/// `k` the section's selector on the current row.
#[inline(always)]
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    cur: &[E],
    next: &[E],
    k: E,
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    let one = E::ONE;
    let first = k * cur[P];
    out.emit("bit.phase_binary", Plain(3), first * (cur[P] - one));
    let binary = |x: E| first * x * (x - one);
    for i in 0..BITS {
        out.emit_at("bit.a_lo", i, Plain(4), binary(cur[A + i]));
    }
    for i in 0..BITS {
        out.emit_at("bit.b_lo", i, Plain(4), binary(cur[B + i]));
    }
    for i in 0..BITS {
        out.emit_at("bit.a_hi", i, Plain(4), binary(next[A + i]));
    }
    for i in 0..BITS {
        out.emit_at("bit.b_hi", i, Plain(4), binary(next[B + i]));
    }
    let and = pack_and(cur) + E::from(Felt::new(HALF)) * pack_and(next);
    out.emit("bit.and", Plain(4), first * (cur[Z] - and));
}

// TRACE FILLING
// ================================================================================================

/// The two rows (bitwise cells) of the operation on `a` and `b`: what an honest prover
/// writes.
pub fn op_rows(a: u32, b: u32) -> [[Felt; WIDTH]; ROWS_PER_OP] {
    let mut rows = [[Felt::ZERO; WIDTH]; ROWS_PER_OP];
    for (r, row) in rows.iter_mut().enumerate() {
        let (x, y) = (a >> (BITS * r), b >> (BITS * r));
        for i in 0..BITS {
            row[A + i] = Felt::new(((x >> i) & 1) as u64);
            row[B + i] = Felt::new(((y >> i) & 1) as u64);
        }
    }
    rows[0][P] = Felt::ONE;
    rows[0][Z] = Felt::new((a & b) as u64);
    rows
}

/// The filler row that opens the section when it would start right after the hasher's
/// section (see the module documentation): all zero, phase 0.
pub const FILLER: [Felt; WIDTH] = [Felt::ZERO; WIDTH];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::Describer;

    #[test]
    fn honest_rows_satisfy_every_constraint_and_say_and() {
        for (a, b) in [(0, 0), (u32::MAX, 0x1234_5678), (0xdead_beef, 0x0f0f_f0f0)] {
            let [cur, next] = op_rows(a, b);
            struct Zero(usize);
            impl Sink<Felt> for Zero {
                fn emit(&mut self, name: &'static str, _: Degree, v: Felt) {
                    assert_eq!(v, Felt::ZERO, "{name}");
                    self.0 += 1;
                }
                fn emit_at(&mut self, name: &'static str, i: usize, _: Degree, v: Felt) {
                    assert_eq!(v, Felt::ZERO, "{name}[{i}]");
                    self.0 += 1;
                }
            }
            let mut z = Zero(0);
            evaluate(&cur, &next, Felt::ONE, &mut z);
            assert_eq!(z.0, 2 + 4 * BITS);
            let m = message(&cur, &next);
            assert_eq!(m, [a, b, a & b].map(|v| Felt::new(v as u64)));
        }
        let mut d = Describer::default();
        evaluate(&FILLER, &FILLER, Felt::ZERO, &mut d);
        assert_eq!(d.0 .0.len(), 2 + 4 * BITS);
    }
}

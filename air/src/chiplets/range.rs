//! The range checker: the last section of the chiplet region, a sorted table of 16-bit
//! values that the other components look values up in (LogUp, `crate::bus`), so that a
//! value is proven to lie in `[0, 2^16)`.
//!
//! The table runs from its first row (value 0) to the last real row (value `2^16 - 1`,
//! asserted), and each step between consecutive values is one of `0, 1, 3, 9, 27, 81, 243,
//! 729, 2187`: so every value in it lies in `[0, 2^16)`, and the table holds every value
//! looked up plus the steps bridging them, about 36 rows plus a few per distinct value
//! instead of 2^16 (Miden's range checker bridges with the same powers of three). Each row
//! carries its value's multiplicity, how often the components look it up; rows that only
//! bridge have multiplicity 0.
//!
//! The step condition has degree 9 in the step `d = v' - v`; three helper columns cut it
//! into degree-4 constraints: `u1 = d (d - 1) (d - 3)`, `u2 = u1 (d - 9) (d - 27)`,
//! `u3 = u2 (d - 81) (d - 243)` and `u3 (d - 729) (d - 2187) = 0`, each gated by the
//! section's selector `g` (degree 1). The section lasts to the end of the region (its
//! selector is `1 - h - q - m - k`, what the earlier sections leave), so no transition ever leaves
//! it and the last real row is always one of its rows when it exists.

use vm_core::{Felt, FieldElement};

use crate::named::{Degree, Sink};

/// Offsets of the range checker's columns within the chiplet region's shared block.
pub mod cols {
    /// The value.
    pub const VALUE: usize = 0;
    /// How often the value is looked up.
    pub const MULT: usize = 1;
    /// First of the three step helpers.
    pub const U: usize = 2;
    /// Number of columns.
    pub const WIDTH: usize = U + 3;
}

use cols::*;

/// The steps allowed between consecutive values.
pub const STEPS: [u64; 9] = [0, 1, 3, 9, 27, 81, 243, 729, 2187];

/// The table's last value, `2^16 - 1`.
pub const MAX: u64 = (1 << 16) - 1;

/// The three step helpers for a step `d` (what the prover writes).
pub fn helpers(d: Felt) -> [Felt; 3] {
    let f = |x: u64| Felt::new(x);
    let u1 = d * (d - f(1)) * (d - f(3));
    let u2 = u1 * (d - f(9)) * (d - f(27));
    let u3 = u2 * (d - f(81)) * (d - f(243));
    [u1, u2, u3]
}

/// Evaluates the range checker's constraints on `cur -> next` of the shared block, with
/// `g`, `g_next` its selector on both rows.
#[inline(always)]
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    cur: &[E],
    next: &[E],
    g: E,
    g_next: E,
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    let f = |x: u64| E::from(Felt::new(x));
    let d = next[VALUE] - cur[VALUE];
    let (u1, u2, u3) = (cur[U], cur[U + 1], cur[U + 2]);
    out.emit("range.u1", Plain(4), g * (u1 - d * (d - f(1)) * (d - f(3))));
    out.emit(
        "range.u2",
        Plain(4),
        g * (u2 - u1 * (d - f(9)) * (d - f(27))),
    );
    out.emit(
        "range.u3",
        Plain(4),
        g * (u3 - u2 * (d - f(81)) * (d - f(243))),
    );
    out.emit(
        "range.step",
        Plain(4),
        g * u3 * (d - f(729)) * (d - f(2187)),
    );
    // The table starts at 0 on the section's first row.
    out.emit(
        "range.starts_at_zero",
        Plain(3),
        g_next * (E::ONE - g) * next[VALUE],
    );
}

//! The u32 operations of the CPU: `U32SPLIT`, `U32ASSERT2`, `U32ADD`, `U32ADD3`, `U32SUB`,
//! `U32MUL`, `U32MADD`, `U32DIV` (`U32AND`/`U32XOR` belong to the bitwise component).
//!
//! Every u32 value an operation reads or writes is proven to lie in `[0, 2^32)` by two
//! 16-bit range lookups (`crate::chiplets::range`, on the bus): its low limb `l`, a helper
//! cell, and its high limb `(v - l) / 2^16`, an expression of degree 1, so that one helper
//! cell per value suffices. The values sit at fixed places for every operation: the inputs
//! at `s0, s1, s2`, the results at `s0', s1'`, and `U32DIV`'s `b - r - 1 = s0 - s0' - 1`:
//!
//! | slot | value | low limb | looked up for |
//! | --- | --- | --- | --- |
//! | `V0` | `s0'` | `h4` | every u32 operation |
//! | `V1` | `s1'` | `h5` | every u32 operation |
//! | `V2` | `s0` | `h1` | all but `U32SPLIT`, `U32ASSERT2` |
//! | `V3` | `s1` | `h2` | all but `U32SPLIT`, `U32ASSERT2` |
//! | `V4` | `s2` | `h3` | `U32ADD3`, `U32MADD` |
//! | `V5` | `s0 - s0' - 1` | `h0` | `U32DIV` |
//!
//! (`U32ASSERT2` keeps its stack, so `V0`, `V1` are its inputs `s0`, `s1`.) Each operation's
//! result is then fixed by one constraint over the integers: with every term below `2^64`
//! as a u32 value (or a product of two), an equation in the field is one over the integers
//! once the right side `2^32 hi + lo` is a canonical field element, which `u32.canonical`
//! ensures (`hi = 2^32 - 1` forces `lo = 0`: `(2^32 - 1 - hi) h0 = lo`, with `h0` the
//! quotient, free when both sides are 0). So:
//!
//! | constraint | operation | degree |
//! | --- | --- | --- |
//! | `u32.split` | `s0 = 2^32 s0' + s1'` (`[a] -> [hi, lo]`) | 3 |
//! | `u32.add` | `s0 + s1 = 2^32 s0' + s1'` (carry, sum) | 3 |
//! | `u32.add3` | `s0 + s1 + s2 = 2^32 s0' + s1'` | 3 |
//! | `u32.sub` | `s1 + 2^32 s0' = s0 + s1'` (borrow, difference) | 3 |
//! | `u32.mul` | `s0 s1 = 2^32 s0' + s1'` (hi, lo) | 4 |
//! | `u32.madd` | `s0 s1 + s2 = 2^32 s0' + s1'` | 4 |
//! | `u32.div` | `s1 = s0 s1' + s0'` (`[b, a] -> [r, q]`; `r < b` by `V5`) | 4 |
//! | `u32.canonical` | `(2^32 - 1 - s0') h0 = s1'` for `SPLIT`, `ADD`, `ADD3`, `MUL`, `MADD` | 4 |
//! | `u32.borrow_binary` | `s0' (s0' - 1) = 0` for `SUB` | 4 |
//!
//! Why each is enough: `U32SPLIT`'s `2^32 hi + lo` with u32 halves and not `hi = 2^32 - 1,
//! lo != 0` is the canonical decomposition of a field element (those pairs are exactly the
//! integers `>= p`). For the sums and products the left side is below `p`
//! (`(2^32 - 1)^2 + 2^32 - 1 < p`), the right side canonical, so the integers agree and the
//! carry is at most 2. `U32SUB`: `a - b + 2^32 borrow` with a binary borrow lies in
//! `(-2^32, 2^33)`; a negative value would make the difference at least `p - 2^32`, not a
//! u32. `U32DIV`: `r < b` (`b - r - 1` is a u32 value), so `b q + r < p` and `a = b q + r`
//! over the integers, the unique division; `b >= 1` follows.
//!
//! All these operations are exclusive on a row, so they share the helper cells: `h0` and
//! `h1` are also the CPU's inverse and the control frame's `call` flag on other rows (`h1`
//! is read only on control pushes and pops).

use vm_core::{Felt, FieldElement, Opcode};
use winter_math::ExtensionOf;

use crate::decoder::Flags;
use crate::layout::Cpu;
use crate::named::{Degree, Sink};

/// The u32 operations this module constrains.
pub const OPS: [Opcode; 8] = [
    Opcode::U32split,
    Opcode::U32assert2,
    Opcode::U32add,
    Opcode::U32add3,
    Opcode::U32sub,
    Opcode::U32mul,
    Opcode::U32madd,
    Opcode::U32div,
];

/// `2^16`.
pub const LIMB: u64 = 1 << 16;
/// `2^-16` mod p (`p - (2^48 - 2^16)`: `2^16 (p - (p - 1) / 2^16) = 1` mod p), a constant
/// so that no row computes the inversion.
pub const INV_LIMB: Felt = Felt::new(18446462594437939201);
/// `2^32`.
const WORD: u64 = 1 << 32;
/// `2^32 - 1`.
const ONES: u64 = WORD - 1;

/// Number of range-checked u32 slots.
pub const NUM_SLOTS: usize = 6;
/// Number of range lookups (two per slot).
pub const NUM_LOOKUPS: usize = 2 * NUM_SLOTS;

/// The helper column holding each slot's low limb.
pub const LOW_LIMB: [usize; NUM_SLOTS] = [4, 5, 1, 2, 3, 0];

/// The operations whose row looks slot `k` up.
pub fn slot_ops(k: usize) -> &'static [Opcode] {
    use Opcode::*;
    match k {
        0 | 1 => &OPS,
        2 | 3 => &[U32add, U32add3, U32sub, U32mul, U32madd, U32div],
        4 => &[U32add3, U32madd],
        5 => &[U32div],
        _ => &[],
    }
}

/// The operations whose `hi:lo` result is checked canonical (`u32.canonical`).
pub const CANONICAL: [Opcode; 5] = [
    Opcode::U32split,
    Opcode::U32add,
    Opcode::U32add3,
    Opcode::U32mul,
    Opcode::U32madd,
];

/// The value of slot `k` on the transition `cur -> next` (degree 1).
#[inline(always)]
pub fn slot_value<F: FieldElement<BaseField = Felt>>(
    cur: &Cpu<'_, F>,
    next: &Cpu<'_, F>,
    k: usize,
) -> F {
    match k {
        0 => next.s(0),
        1 => next.s(1),
        2 => cur.s(0),
        3 => cur.s(1),
        4 => cur.s(2),
        _ => cur.s(0) - next.s(0) - F::ONE,
    }
}

/// The 12 values looked up on the transition `cur -> next` (each slot's low limb, then its
/// high limb `(v - l) / 2^16`), whichever operation the row performs.
#[inline(always)]
pub fn lookup_values<F: FieldElement<BaseField = Felt>>(
    cur: &Cpu<'_, F>,
    next: &Cpu<'_, F>,
) -> [F; NUM_LOOKUPS] {
    let inv = F::from(INV_LIMB);
    crate::arith::from_fn(|i| {
        let k = i / 2;
        let low = cur.helper(LOW_LIMB[k]);
        if i % 2 == 0 {
            low
        } else {
            (slot_value(cur, next, k) - low) * inv
        }
    })
}

/// The flag of lookup `i` on row `cur` (degree 2): the sum of the flags of the operations
/// that look its slot up.
#[inline(always)]
pub fn lookup_flag<F: FieldElement<BaseField = Felt>>(cur: &[F], i: usize) -> F {
    // Plain loops, not iterators' `fold`s, in the AIR's evaluation ([`crate::arith::from_fn`]).
    let mut acc = F::ZERO;
    for op in slot_ops(i / 2) {
        let [a, b] = crate::decoder::flag_columns(*op);
        acc += cur[a] * cur[b];
    }
    acc
}

/// The helper cells `h0..h5` of a u32 operation's row, from the stack before (`s`) and
/// after (`sn`) it: what the prover writes. `None` for other operations.
pub fn helper_cells(op: Opcode, s: &[Felt], sn: &[Felt]) -> Option<[Felt; 6]> {
    if !OPS.contains(&op) {
        return None;
    }
    let low = |v: Felt| Felt::new(v.as_int() % LIMB);
    let mut h = [Felt::ZERO; 6];
    let values = [sn[0], sn[1], s[0], s[1], s[2], s[0] - sn[0] - Felt::ONE];
    for (k, v) in values.into_iter().enumerate() {
        if slot_ops(k).contains(&op) {
            h[LOW_LIMB[k]] = low(v);
        }
    }
    if CANONICAL.contains(&op) {
        let d = Felt::new(ONES) - sn[0];
        if d != Felt::ZERO {
            h[0] = sn[1] / d;
        }
    }
    Some(h)
}

/// The values a u32 operation's row looks up in the range checker, from its stack before
/// and after and its helper cells (for the prover's multiplicities).
pub fn row_lookups(
    op: Opcode,
    s: &[Felt],
    sn: &[Felt],
    h: &[Felt; 6],
) -> impl Iterator<Item = Felt> {
    let inv = INV_LIMB;
    let values = [sn[0], sn[1], s[0], s[1], s[2], s[0] - sn[0] - Felt::ONE];
    let h = *h;
    (0..NUM_SLOTS)
        .filter(move |&k| slot_ops(k).contains(&op))
        .flat_map(move |k| {
            let low = h[LOW_LIMB[k]];
            [low, (values[k] - low) * inv]
        })
}

/// The range lookups of the transition `cur -> next` (main-trace rows): for each of the
/// [`NUM_LOOKUPS`] limbs, its flag (the numerator, degree 2) and the fingerprint
/// `fp(RANGE, limb)` (the denominator, degree 1).
#[inline(always)]
pub fn lookups<F, E>(
    rands: &crate::bus::Challenges<E>,
    cur: &[F],
    next: &[F],
) -> [(F, E); NUM_LOOKUPS]
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let values = lookup_values(&Cpu(cur), &Cpu(next));
    // Both limbs of a slot share its flag, and slots 0, 1 and 2, 3 share their operations.
    let f01 = lookup_flag(cur, 0);
    let f23 = lookup_flag(cur, 4);
    let slot_flags = [
        f01,
        f01,
        f23,
        f23,
        lookup_flag(cur, 8),
        lookup_flag(cur, 10),
    ];
    crate::arith::from_fn(|i| {
        (
            slot_flags[i / 2],
            crate::bus::range_fingerprint(rands, values[i]),
        )
    })
}

const _: () = assert!(NUM_LOOKUPS == 3 * crate::bus::U32_RANGE_COLUMNS + crate::bus::U32_FOLDED);

/// Emits the constraints of the u32 lookup columns (`bus.u32_range[j]`: column `j` holds
/// the fractions `f_i / fp(RANGE, x_i)` of lookups `3j..3j + 3`) and returns the columns'
/// sum, which the running sum adds, with the flags and denominators of the last
/// [`crate::bus::U32_FOLDED`] lookups, whose fractions the running sum's constraint adds
/// itself.
#[inline(always)]
pub fn emit_lookups<F, E>(
    cur: &[F],
    next: &[F],
    aux: &[E],
    rands: &crate::bus::Challenges<E>,
    out: &mut impl Sink<E>,
) -> (E, [(F, E); crate::bus::U32_FOLDED])
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let l = lookups::<F, E>(rands, cur, next);
    let mut sum = E::ZERO;
    for j in 0..crate::bus::U32_RANGE_COLUMNS {
        let r = aux[crate::bus::AUX_U32_RANGE + j];
        let [(f0, d0), (f1, d1), (f2, d2)] = [l[3 * j], l[3 * j + 1], l[3 * j + 2]];
        // r = f0/d0 + f1/d1 + f2/d2, times d0 d1 d2: degree 1 + 3 = 2 + 2.
        let (d01, d12) = (d0 * d1, d1 * d2);
        let scale = <E as ExtensionOf<F>>::mul_base;
        out.emit_at(
            "bus.u32_range",
            j,
            Degree::Plain(4),
            r * d0 * d12 - (scale(d12, f0) + scale(d0 * d2, f1) + scale(d01, f2)),
        );
        sum += r;
    }
    let folded = 3 * crate::bus::U32_RANGE_COLUMNS;
    (sum, crate::arith::from_fn(|i| l[folded + i]))
}

/// The u32 operations' constraints on the transition `cur -> next`.
#[inline(always)]
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    f: &Flags<E>,
    cur: &Cpu<'_, E>,
    next: &Cpu<'_, E>,
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    use Opcode::*;
    let (s0, s1, s2) = (cur.s(0), cur.s(1), cur.s(2));
    let (hi, lo) = (next.s(0), next.s(1));
    let word = E::from(Felt::new(WORD));
    let wide = word * hi + lo;
    out.emit("u32.split", Plain(3), f.of(U32split) * (s0 - wide));
    out.emit("u32.add", Plain(3), f.of(U32add) * (s0 + s1 - wide));
    out.emit("u32.add3", Plain(3), f.of(U32add3) * (s0 + s1 + s2 - wide));
    // [b, a] -> [borrow, a - b + 2^32 borrow].
    out.emit(
        "u32.sub",
        Plain(3),
        f.of(U32sub) * (s1 + word * hi - s0 - lo),
    );
    let prod = s0 * s1;
    out.emit("u32.mul", Plain(4), f.of(U32mul) * (prod - wide));
    out.emit("u32.madd", Plain(4), f.of(U32madd) * (prod + s2 - wide));
    // [b, a] -> [r, q]: a = b q + r.
    out.emit("u32.div", Plain(4), f.of(U32div) * (s1 - s0 * lo - hi));
    let mut f_canonical = E::ZERO;
    for op in CANONICAL {
        f_canonical += f.of(op);
    }
    let ones = E::from(Felt::new(ONES));
    out.emit(
        "u32.canonical",
        Plain(4),
        f_canonical * ((ones - hi) * cur.helper(0) - lo),
    );
    out.emit(
        "u32.borrow_binary",
        Plain(4),
        f.of(U32sub) * hi * (hi - E::ONE),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn felts(v: &[u64]) -> [Felt; 16] {
        core::array::from_fn(|i| Felt::new(v.get(i).copied().unwrap_or(0)))
    }

    #[test]
    fn the_operation_table_counts_these_lookups() {
        for op in OPS {
            let slots = (0..NUM_SLOTS)
                .filter(|&k| slot_ops(k).contains(&op))
                .count();
            assert_eq!(op.chiplet_rows().rows(0), 2 * slots as u64, "{op}");
        }
    }

    #[test]
    fn lookups_of_honest_cells_are_16_bit() {
        let m = ONES;
        let cases: &[(Opcode, &[u64], &[u64])] = &[
            (Opcode::U32split, &[(5 << 32) | 9], &[5, 9]),
            (Opcode::U32add, &[m, 2], &[1, 1]),
            (Opcode::U32div, &[5, 17], &[2, 3]),
            (Opcode::U32madd, &[m, m, m], &[m, 0]),
        ];
        for (op, s, sn) in cases {
            let (s, sn) = (felts(s), felts(sn));
            let h = helper_cells(*op, &s, &sn).unwrap();
            let n = row_lookups(*op, &s, &sn, &h)
                .inspect(|v| assert!(v.as_int() < LIMB, "{op}: {v}"))
                .count();
            assert_eq!(
                n,
                2 * (0..NUM_SLOTS).filter(|&k| slot_ops(k).contains(op)).count()
            );
        }
    }

    #[test]
    fn the_constant_inverses_are_inverses() {
        assert_eq!(INV_LIMB * Felt::new(LIMB), Felt::ONE);
        assert_eq!(Felt::new(9223372034707292161) * Felt::new(2), Felt::ONE);
    }
}

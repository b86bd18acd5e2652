//! u32 operations. Miden leaves results undefined on inputs that are not u32 values; this
//! VM traps instead: every expansion passes each input through a native u32 operation
//! (which fails on non-u32 values) or through an explicit U32ASSERT2.

use vm_core::{Decorator, Felt, FieldElement, Opcode, Opcode::*};

use super::builder::{assertion, entry, Entry, Lower, LowerResult};
use super::field::pow2;
use super::LowerError;

/// All-ones u32.
const ONES: u64 = u32::MAX as u64;

/// u32 instructions.
pub(super) const TABLE: &[Entry] = &[
    entry("u32test", |l| {
        l.no_args()?;
        // [a] -> [hi(a) == 0, a]
        l.ops(&[Dup0, U32split, Swap, Drop, Eqz]);
        Ok(())
    }),
    entry("u32testw", |l| {
        l.no_args()?;
        // Sum the high halves of the four elements (no wrap: < 2^34), test the sum for 0.
        // The running sum sits on top, so the word is at s1..s4 after the first step.
        l.ops(&[Dup3, U32split, Swap, Drop]);
        for d in [Dup3, Dup2, Dup1] {
            l.ops(&[d, U32split, Swap, Drop, Add]);
        }
        l.op(Eqz);
        Ok(())
    }),
    assertion("u32assert", |l| {
        l.no_args()?;
        l.ops(&[Pad, U32assert2, Drop]);
        Ok(())
    }),
    assertion("u32assert2", |l| {
        l.no_args()?;
        l.op(U32assert2);
        Ok(())
    }),
    assertion("u32assertw", |l| {
        l.no_args()?;
        l.ops(&[U32assert2, Movup3, Movup3, U32assert2, Movup3, Movup3]);
        Ok(())
    }),
    entry("u32cast", |l| {
        l.no_args()?;
        l.ops(&[U32split, Drop]);
        Ok(())
    }),
    entry("u32split", |l| {
        l.no_args()?;
        l.op(U32split);
        Ok(())
    }),
    entry("u32overflowing_add", |l| binary(l, &[U32add])),
    entry("u32wrapping_add", |l| binary(l, &[U32add, Drop])),
    entry("u32overflowing_add3", |l| {
        l.no_args()?;
        l.op(U32add3);
        Ok(())
    }),
    entry("u32wrapping_add3", |l| {
        l.no_args()?;
        l.ops(&[U32add3, Drop]);
        Ok(())
    }),
    entry("u32overflowing_sub", |l| binary(l, &[U32sub])),
    entry("u32wrapping_sub", |l| binary(l, &[U32sub, Drop])),
    entry("u32overflowing_mul", |l| binary(l, &[U32mul])),
    entry("u32wrapping_mul", |l| binary(l, &[U32mul, Drop])),
    entry("u32overflowing_madd", |l| {
        l.no_args()?;
        l.op(U32madd);
        Ok(())
    }),
    entry("u32wrapping_madd", |l| {
        l.no_args()?;
        l.ops(&[U32madd, Drop]);
        Ok(())
    }),
    // U32DIV: [b, a] -> [a mod b, a div b]
    entry("u32div", |l| division(l, &[U32div, Drop])),
    entry("u32mod", |l| division(l, &[U32div, Swap, Drop])),
    entry("u32divmod", |l| division(l, &[U32div])),
    entry("u32and", |l| binary(l, &[U32and])),
    entry("u32or", |l| {
        match l.opt_u32()? {
            // a | b = a + b - (a & b)
            None => l.ops(&[Dup1, Dup1, U32and, Neg, Add, Add]),
            // a | b = (a & !b) + b
            Some(b) => {
                l.push_u64(!b as u64);
                l.op(U32and);
                l.op_imm(Addi, Felt::new(b as u64));
            }
        }
        Ok(())
    }),
    entry("u32xor", |l| binary(l, &[U32xor])),
    entry("u32not", |l| {
        match l.opt_u32()? {
            None => {
                l.push_u64(ONES);
                l.op(U32xor);
            }
            Some(a) => l.push_u64(!a as u64),
        }
        Ok(())
    }),
    entry("u32shl", |l| shift(l, 5, |b| 1 << b, &[U32mul, Drop])),
    entry("u32shr", |l| shift(l, 5, |b| 1 << b, &[U32div, Drop])),
    // rotl: a * 2^b = hi * 2^32 + lo with disjoint bits in hi and lo.
    entry("u32rotl", |l| shift(l, 5, |b| 1 << b, &[U32mul, Add])),
    entry("u32rotr", |l| {
        if l.argc() == 0 {
            // Check both inputs, then a * 2^(32 - b) split into halves (b = 32 allowed, as
            // in Miden; b > 32 makes 32 - b wrap and pow2 fail). The product stays below p.
            l.op(U32assert2);
            l.op(Neg);
            l.op_imm(Addi, Felt::new(32));
            pow2(l, 6);
            l.ops(&[Mul, U32split, Add]);
            Ok(())
        } else {
            shift(l, 0, |b| 1 << ((32 - b) % 32), &[U32mul, Add])
        }
    }),
    entry("u32popcnt", |l| {
        l.no_args()?;
        popcnt(l);
        Ok(())
    }),
    entry("u32clz", |l| {
        l.no_args()?;
        clz(l);
        Ok(())
    }),
    entry("u32ctz", |l| {
        l.no_args()?;
        // ctz(n) = cto(!n)
        l.push_u64(ONES);
        l.op(U32xor);
        trailing_ones_mask(l);
        popcnt(l);
        Ok(())
    }),
    entry("u32clo", |l| {
        l.no_args()?;
        // clo(n) = clz(!n)
        l.push_u64(ONES);
        l.op(U32xor);
        clz(l);
        Ok(())
    }),
    entry("u32cto", |l| {
        l.no_args()?;
        trailing_ones_mask(l);
        popcnt(l);
        Ok(())
    }),
    // U32SUB: [b, a] -> [a < b, a - b]
    entry("u32lt", |l| compare(l, &[U32sub, Swap, Drop], |_| None)),
    entry("u32lte", |l| {
        compare(l, &[Swap, U32sub, Swap, Drop, Not], |b| {
            // a <= b iff a < b + 1
            (b < ONES).then_some((b + 1, &[U32sub, Swap, Drop][..]))
        })
    }),
    entry("u32gt", |l| {
        compare(l, &[Swap, U32sub, Swap, Drop], |_| None)
    }),
    entry("u32gte", |l| {
        compare(l, &[U32sub, Swap, Drop, Not], |_| None)
    }),
    // [b, a]: CSWAP with c = (b < a) leaves the larger below the smaller, or the reverse.
    entry("u32min", |l| {
        compare(l, &[Dup0, Dup2, U32sub, Swap, Drop, Cswap, Drop], |_| None)
    }),
    entry("u32max", |l| {
        compare(l, &[Dup1, Dup1, U32sub, Swap, Drop, Cswap, Drop], |_| None)
    }),
];

/// A binary u32 operation with an optional u32 immediate `b` (pushed first). No constant
/// folding: the operation itself is the check that the other input is a u32.
fn binary(l: &mut Lower<'_>, ops: &[Opcode]) -> LowerResult {
    if let Some(b) = l.opt_u32()? {
        l.push_u64(b as u64);
    }
    l.ops(ops);
    Ok(())
}

/// `u32div`/`u32mod`/`u32divmod` with an optional non-zero immediate divisor.
fn division(l: &mut Lower<'_>, ops: &[Opcode]) -> LowerResult {
    if l.opt_u32()? == Some(0) {
        return Err(LowerError::ImmOutOfRange {
            index: 0,
            value: "0".into(),
            range: "1..=4294967295 (division by zero)".into(),
        });
    }
    binary(l, ops)
}

/// A comparison with an optional u32 immediate: `special(b)` may give a cheaper constant
/// to push and sequence; otherwise `b` is pushed before the generic sequence.
fn compare(
    l: &mut Lower<'_>,
    ops: &[Opcode],
    special: impl Fn(u64) -> Option<(u64, &'static [Opcode])>,
) -> LowerResult {
    match l.opt_u32()? {
        None => l.ops(ops),
        Some(b) => match special(b as u64) {
            Some((c, seq)) => {
                l.push_u64(c);
                l.ops(seq);
            }
            None => {
                l.push_u64(b as u64);
                l.ops(ops);
            }
        },
    }
    Ok(())
}

/// Shifts and rotations: with an immediate `b` in 0..=31, push `factor(b)` and run `ops`;
/// without, compute `2^b` on the stack (`pow2` over `bits` bits, so `b > 31` fails).
fn shift(l: &mut Lower<'_>, bits: usize, factor: fn(u64) -> u64, ops: &[Opcode]) -> LowerResult {
    match l.opt_u32()? {
        None => pow2(l, bits),
        Some(b) if b <= 31 => l.push_u64(factor(b as u64)),
        Some(b) => {
            return Err(LowerError::ImmOutOfRange {
                index: 0,
                value: b.to_string(),
                range: "0..=31".into(),
            })
        }
    }
    l.ops(ops);
    Ok(())
}

/// `[x] -> [popcount(x)]` (19 cycles), SWAR in the field: each step replaces `x` by
/// `x - (1 - 2^-k) * (x & M)`, which adds neighbouring k-bit counts exactly, then the four
/// byte counts are summed as `x mod 255` (256 = 1 mod 255, and the sum is at most 32).
fn popcnt(l: &mut Lower<'_>) {
    let two = Felt::new(2);
    for (mask, k) in [(0xaaaa_aaaa_u64, 1u32), (0xcccc_cccc, 2), (0xf0f0_f0f0, 4)] {
        let scale = Felt::ONE - two.exp(k as u64).inv();
        l.op(Dup0);
        l.push_u64(mask);
        l.op(U32and);
        l.op_imm(Muli, -scale);
        l.op(Add);
    }
    l.push_u64(255);
    l.ops(&[U32div, Swap, Drop]);
}

/// `[x] -> [x & !(x + 1)]`, the mask of the trailing ones of `x` (5 cycles);
/// `!(x + 1) mod 2^32 = (2^32 - 2 - x) mod 2^32`.
fn trailing_ones_mask(l: &mut Lower<'_>) {
    l.push_u64(ONES - 1);
    l.ops(&[Dup1, U32sub, Drop, U32and]);
}

/// `[n] -> [clz(n)]` (27 cycles). The advice provider supplies `k`; with `t = 32 - k`,
/// `q = 2^t` (pow2 bounds `t` to 0..=63) and `m = q - 1 - n`, U32SUB checks that `m` and
/// `n` are u32 and `m <= n`, i.e. `n < q <= 2n + 1`, which holds only for `t = bitlen(n)`.
fn clz(l: &mut Lower<'_>) {
    l.decorator(Decorator::AdvPushU32Clz);
    l.op(Advpop); // [k, n]
    l.ops(&[Swap, Dup1, Neg]); // [-k, n, k]
    l.op_imm(Addi, Felt::new(32)); // [t, n, k]
    pow2(l, 6); // [q, n, k]
    l.ops(&[Dup1, Neg, Add]); // [q - n, n, k]
    l.op_imm(Addi, -Felt::ONE); // [m, n, k]
    l.ops(&[U32sub, Eqz, Assert, Drop]);
}

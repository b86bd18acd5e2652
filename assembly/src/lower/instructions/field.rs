//! Field operations: assertions, arithmetic, boolean logic, comparisons, `exp`/`pow2`/`ilog2`
//! and quadratic-extension arithmetic.

use vm_core::{Decorator, Felt, FieldElement, Opcode::*, MODULUS};

use super::builder::{assertion, bad_imm, entry, Entry, Lower, LowerResult};
use super::{Imm, LowerError};

/// Field instructions.
pub(super) const TABLE: &[Entry] = &[
    assertion("assert", |l| {
        l.no_args()?;
        l.op(Assert);
        Ok(())
    }),
    assertion("assertz", |l| {
        l.no_args()?;
        l.ops(&[Eqz, Assert]);
        Ok(())
    }),
    assertion("assert_eq", |l| {
        l.no_args()?;
        l.ops(&[Eq, Assert]);
        Ok(())
    }),
    assertion("assert_eqw", |l| {
        l.no_args()?;
        // [B, A]: bring a3, a2, a1 next to b3, b2, b1 in turn.
        l.ops(&[
            Movup4, Eq, Assert, Movup3, Eq, Assert, Movup2, Eq, Assert, Eq, Assert,
        ]);
        Ok(())
    }),
    entry("add", |l| {
        match l.opt_felt()? {
            None => l.op(Add),
            Some(b) if b == Felt::ZERO => {}
            Some(b) if b == Felt::ONE => l.op(Incr),
            Some(b) => l.op_imm(Addi, b),
        }
        Ok(())
    }),
    entry("sub", |l| {
        match l.opt_felt()? {
            None => l.ops(&[Neg, Add]),
            Some(b) if b == Felt::ZERO => {}
            Some(b) => l.op_imm(Addi, -b),
        }
        Ok(())
    }),
    entry("mul", |l| {
        match l.opt_felt()? {
            None => l.op(Mul),
            Some(b) if b == Felt::ONE => {}
            Some(b) => l.op_imm(Muli, b),
        }
        Ok(())
    }),
    entry("div", |l| {
        match l.opt_felt()? {
            None => l.ops(&[Inv, Mul]),
            Some(b) if b == Felt::ZERO => return Err(division_by_zero()),
            Some(b) if b == Felt::ONE => {}
            Some(b) => l.op_imm(Muli, b.inv()),
        }
        Ok(())
    }),
    entry("neg", |l| {
        l.no_args()?;
        l.op(Neg);
        Ok(())
    }),
    entry("inv", |l| {
        l.no_args()?;
        l.op(Inv);
        Ok(())
    }),
    entry("pow2", |l| {
        l.no_args()?;
        pow2(l, 6);
        Ok(())
    }),
    entry("exp", exp),
    entry("ilog2", |l| {
        l.no_args()?;
        ilog2(l);
        Ok(())
    }),
    entry("not", |l| {
        l.no_args()?;
        l.op(Not);
        Ok(())
    }),
    entry("and", |l| {
        l.no_args()?;
        l.op(And);
        Ok(())
    }),
    entry("or", |l| {
        l.no_args()?;
        l.op(Or);
        Ok(())
    }),
    entry("xor", |l| {
        l.no_args()?;
        // NOT checks that each input is binary; a xor b = (not a) != (not b).
        l.ops(&[Not, Swap, Not, Eq, Not]);
        Ok(())
    }),
    entry("eq", |l| {
        match l.opt_felt()? {
            None => l.op(Eq),
            Some(b) if b == Felt::ZERO => l.op(Eqz),
            Some(b) => {
                l.push(b);
                l.op(Eq);
            }
        }
        Ok(())
    }),
    entry("neq", |l| {
        match l.opt_felt()? {
            None => l.ops(&[Eq, Not]),
            Some(b) if b == Felt::ZERO => l.ops(&[Eqz, Not]),
            Some(b) => {
                l.push(b);
                l.ops(&[Eq, Not]);
            }
        }
        Ok(())
    }),
    entry("lt", |l| {
        match l.opt_felt()? {
            None => {
                l.op(Swap);
                gt_core(l);
            }
            Some(b) => lt_imm(l, b),
        }
        Ok(())
    }),
    entry("lte", |l| {
        match l.opt_felt()? {
            None => {
                gt_core(l);
                l.op(Not);
            }
            Some(b) => lte_imm(l, b),
        }
        Ok(())
    }),
    entry("gt", |l| {
        match l.opt_felt()? {
            None => gt_core(l),
            Some(b) => {
                lte_imm(l, b);
                l.op(Not);
            }
        }
        Ok(())
    }),
    entry("gte", |l| {
        match l.opt_felt()? {
            None => {
                l.op(Swap);
                gt_core(l);
                l.op(Not);
            }
            Some(b) => {
                lt_imm(l, b);
                l.op(Not);
            }
        }
        Ok(())
    }),
    entry("eqw", |l| {
        l.no_args()?;
        // [A, B] -> [c, A, B]: compare a_k with b_k pairwise on copies, AND the results.
        // With the running result on top, A sits at s1..s4 and B at s5..s8.
        l.ops(&[Dup7, Dup4, Eq]);
        l.ops(&[
            Dup7, Dup4, Eq, And, Dup6, Dup3, Eq, And, Dup5, Dup2, Eq, And,
        ]);
        Ok(())
    }),
    entry("is_odd", |l| {
        l.no_args()?;
        l.ops(&[U32split, Drop]);
        l.push_u64(1);
        l.op(U32and);
        Ok(())
    }),
    entry("ext2add", |l| {
        l.no_args()?;
        // [b1, b0, a1, a0] -> [a1+b1, a0+b0]
        l.ops(&[Swap, Movup3, Add, Movdn2, Add]);
        Ok(())
    }),
    entry("ext2sub", |l| {
        l.no_args()?;
        // [b1, b0, a1, a0] -> [a1-b1, a0-b0]
        l.ops(&[Neg, Movup2, Add, Movdn2, Neg, Add, Swap]);
        Ok(())
    }),
    entry("ext2mul", |l| {
        l.no_args()?;
        l.ops(&[Ext2mul, Drop, Drop]);
        Ok(())
    }),
    entry("ext2neg", |l| {
        l.no_args()?;
        l.ops(&[Neg, Swap, Neg, Swap]);
        Ok(())
    }),
    entry("ext2inv", |l| {
        l.no_args()?;
        ext2_inverse_of_top(l);
        Ok(())
    }),
    entry("ext2div", |l| {
        l.no_args()?;
        // [b1, b0, a1, a0] -> [b'1, b'0, a1, a0] with b' = 1/b, then a * b'.
        ext2_inverse_of_top(l);
        l.ops(&[Ext2mul, Drop, Drop]);
        Ok(())
    }),
];

/// The error for a division by the constant zero.
fn division_by_zero() -> LowerError {
    LowerError::ImmOutOfRange {
        index: 0,
        value: "0".into(),
        range: "a non-zero field element".into(),
    }
}

/// `[e, ...] -> [2^e, ...]`, failing unless `e < 2^bits`: square-and-multiply with EXPACC on
/// `[bit, base = 2, acc = 1, exp = e]`, then assert that no exponent bits are left over.
/// Costs `bits + 8` cycles. `bits` must be at most [`MAX_CHAIN`] (callers use 5 or 6).
pub(super) fn pow2(l: &mut Lower<'_>, bits: usize) {
    assert!(bits <= MAX_CHAIN, "pow2 over {bits} bits");
    l.push_u64(1);
    l.push_u64(2);
    l.op(Pad);
    l.repeat(Expacc, bits);
    exp_finish(l);
}

/// The longest EXPACC chain the lowering emits. EXPACC checks `exp = 2 exp' + bit` in the
/// field, so `n` steps ending in `exp = 0` prove `e = sum bit_i 2^i mod p` with the sum below
/// `2^n`: for `n <= 63` that sum is `e` itself (`e + p > 2^63`), while 64 steps would also
/// accept the bits of `e + p` for `e < 2^32 - 1`.
pub(super) const MAX_CHAIN: usize = 63;

/// After the EXPACC rounds: `[bit, base, acc, rest] -> [acc]`, asserting `rest = 0`.
fn exp_finish(l: &mut Lower<'_>) {
    l.ops(&[Movup3, Eqz, Assert, Drop, Drop]);
}

/// `exp`, `exp.uN` (the exponent on the stack has at most N bits) and `exp.b` (constant
/// exponent).
fn exp(l: &mut Lower<'_>) -> LowerResult {
    l.arity(0, 1, "0 or 1")?;
    match l.arg(0) {
        None => exp_var(l, 64),
        Some(Imm::Ident(s)) => match s
            .strip_prefix('u')
            .filter(|n| is_decimal(n))
            .and_then(|n| n.parse::<u8>().ok())
        {
            Some(n) if n <= 64 => exp_var(l, n as usize),
            _ => {
                return Err(LowerError::ImmOutOfRange {
                    index: 0,
                    value: s.clone(),
                    range: "u0..=u64 (exponent bit size) or a field element".into(),
                })
            }
        },
        Some(Imm::Int(_)) => {
            let b = l.felt(0)?;
            exp_const(l, b.as_int());
        }
        Some(w @ Imm::Word(_)) => {
            return Err(bad_imm(0, w, "an exponent (`uN` or a field element)"))
        }
    }
    Ok(())
}

/// Whether `s` is a non-empty run of decimal digits.
fn is_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

/// `[b, a] -> [a^b]` for an exponent on the stack of at most `bits` bits (fails otherwise):
/// one chain of `bits` EXPACC steps up to 63 bits, the two halves of [`exp_u64`] for 64.
fn exp_var(l: &mut Lower<'_>, bits: usize) {
    if bits <= MAX_CHAIN {
        exp_bits(l, bits);
    } else {
        exp_u64(l);
    }
}

/// `[b, a] -> [a^b]` for an exponent of at most `bits <= 63` bits (fails otherwise):
/// `bits + 8` cycles.
fn exp_bits(l: &mut Lower<'_>, bits: usize) {
    assert!(bits <= MAX_CHAIN, "EXPACC chain of {bits} steps");
    // [b, a] -> [1, b, a] -> [a, 1, b] -> [0, a, 1, b] = [bit, base, acc, exp]
    l.push_u64(1);
    l.ops(&[Movup2, Pad]);
    l.repeat(Expacc, bits);
    exp_finish(l);
}

/// `[b, a] -> [a^b]` for any field element `b` (77 cycles), without a 64-step chain:
/// U32SPLIT gives `b = hi * 2^32 + lo`; 32 steps on `lo` leave `acc = a^lo` and
/// `base = a^(2^32)` (the leftover exponent is asserted zero, so `lo` has unique bits); the
/// exponent register then takes `hi` for 32 more steps: `a^lo * (a^(2^32))^hi`.
fn exp_u64(l: &mut Lower<'_>) {
    // [b, a] -> [hi, lo, a] -> [lo, a, hi] -> [1, lo, a, hi] -> [a, 1, lo, hi]
    //   -> [0, a, 1, lo, hi] = [bit, base, acc, exp, hi]
    l.ops(&[U32split, Movdn2]);
    l.push_u64(1);
    l.ops(&[Movup2, Pad]);
    l.repeat(Expacc, 32); // [bit, a^(2^32), a^lo, rest, hi]
    l.ops(&[Movup3, Eqz, Assert]); // [bit, a^(2^32), a^lo, hi]
    l.repeat(Expacc, 32);
    exp_finish(l);
}

/// `[a] -> [a^b]` for a constant `b`, with the cheapest of three strategies.
fn exp_const(l: &mut Lower<'_>, b: u64) {
    match b {
        0 => {
            l.op(Drop);
            l.push_u64(1);
            return;
        }
        1 => return,
        _ => {}
    }
    let bits = 64 - b.leading_zeros() as u64;
    let ones = b.count_ones() as u64;
    let repeated = if b <= 16 { 2 * (b - 1) } else { u64::MAX };
    let chain = if ones == 1 {
        2 * (bits - 1)
    } else {
        1 + 2 * (bits - 1) + 2 * (ones - 1) + 2
    };
    // A 64-bit `b` runs a 63-step chain on `b - 2^63` and multiplies by `base = a^(2^63)`.
    let expacc = 1 + 3 + bits.min(MAX_CHAIN as u64) + 5;
    if repeated <= chain && repeated <= expacc {
        // a * a * ... * a
        let n = (b - 1) as usize;
        l.repeat(Dup0, n);
        l.repeat(Mul, n);
    } else if chain <= expacc {
        // Left-to-right square-and-multiply on [acc, a].
        let keep_base = ones > 1;
        if keep_base {
            l.op(Dup0);
        }
        for i in (0..bits - 1).rev() {
            l.ops(&[Dup0, Mul]);
            if (b >> i) & 1 == 1 {
                l.ops(&[Dup1, Mul]);
            }
        }
        if keep_base {
            l.ops(&[Swap, Drop]);
        }
    } else if bits as usize <= MAX_CHAIN {
        l.push_u64(b);
        exp_bits(l, bits as usize);
    } else {
        // [a] -> [b - 2^63, a] -> [0, a, 1, b - 2^63] = [bit, base, acc, exp]
        l.push_u64(b - (1 << 63));
        l.push_u64(1);
        l.ops(&[Movup2, Pad]);
        l.repeat(Expacc, MAX_CHAIN); // [bit, a^(2^63), a^(b - 2^63), rest]
        l.ops(&[Movup3, Eqz, Assert, Drop, Mul]);
    }
}

/// `ilog2`: `[a] -> [floor(log2 a)]`, failing if `a = 0`. The advice provider supplies
/// `k`; we check `p = 2^k` (k <= 63 by pow2) and `0 <= a - p < p` as integers: `d = a - p`
/// computed in the field is below `p` only if `a >= p` (otherwise it wraps to above 2^63).
fn ilog2(l: &mut Lower<'_>) {
    l.decorator(Decorator::AdvPushIlog2);
    l.op(Advpop); // [k, a]
    l.ops(&[Swap, Dup1]); // [k, a, k]
    pow2(l, 6); // [p, a, k]
    l.ops(&[Dup0, Neg, Movup2, Add]); // [d, p, k]
    gt_core(l); // [p > d, k]
    l.op(Assert);
}

/// `[b, a] -> [a > b]` comparing field elements as integers (12 cycles).
///
/// With `a = ah * 2^32 + al` and `b = bh * 2^32 + bl`: `a > b` iff `bh < ah + (bl < al)`.
/// `ah + (bl < al)` stays a u32: `ah = 2^32 - 1` forces `al = 0` for a field element.
pub(super) fn gt_core(l: &mut Lower<'_>) {
    l.ops(&[
        U32split, // [bh, bl, a]
        Movup2,   // [a, bh, bl]
        U32split, // [ah, al, bh, bl]
        Movup3,   // [bl, ah, al, bh]
        Movup2,   // [al, bl, ah, bh]
        U32sub,   // [bl < al, bl - al, ah, bh]
        Swap, Drop,   // [c, ah, bh]
        Add,    // [ah + c, bh]
        U32sub, // [bh < ah + c, ..]
        Swap, Drop,
    ]);
}

/// `[a] -> [a < b]` for a constant field element `b` (10 cycles):
/// `a < b` iff `ah < bh + (al < bl)`.
fn lt_imm(l: &mut Lower<'_>, b: Felt) {
    let (bh, bl) = (b.as_int() >> 32, b.as_int() & 0xffff_ffff);
    l.ops(&[U32split, Swap]); // [al, ah]
    l.push_u64(bl);
    l.ops(&[U32sub, Swap, Drop]); // [al < bl, ah]
    if bh != 0 {
        l.op_imm(Addi, Felt::new(bh)); // [bh + c, ah]
    }
    l.ops(&[U32sub, Swap, Drop]);
}

/// `[a] -> [a <= b]` for a constant `b`: `a < b + 1`, always true for `b = p - 1`.
fn lte_imm(l: &mut Lower<'_>, b: Felt) {
    if b.as_int() == MODULUS - 1 {
        l.op(Drop);
        l.push_u64(1);
    } else {
        lt_imm(l, b + Felt::ONE);
    }
}

/// `[x1, x0, ...] -> [x'1, x'0, ...]` with `x' = 1/x` in the quadratic extension: the
/// advice provider supplies `x'` (its top is `x'0`, then `x'1`), and EXT2MUL checks that
/// `x * x' = 1`.
fn ext2_inverse_of_top(l: &mut Lower<'_>) {
    l.decorator(Decorator::AdvPushExt2Inv);
    l.ops(&[
        Advpop,  // [x'0, x1, x0]
        Advpop,  // [x'1, x'0, x1, x0]
        Ext2mul, // [x'1, x'0, c1, c0] with c = x * x'
        Movup2, Eqz, Assert, // c1 = 0
        Movup2, Assert, // c0 = 1
    ]);
}

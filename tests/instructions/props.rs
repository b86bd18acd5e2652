//! Property tests: arithmetic instructions against Rust integers (u64/u128, explicit mod p).

use proptest::prelude::*;

use crate::common::*;
use crate::ext2::{einv, emul};

/// Field elements, biased towards the edges of the field and of u32.
fn felt() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0..P,
        1 => prop::sample::select(vec![0, 1, 2, U32_MAX, TWO32, P - 2, P - 1]),
    ]
}

/// u32 values, biased towards the edges.
fn u32v() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0..=U32_MAX,
        1 => prop::sample::select(vec![0, 1, 0x8000_0000, U32_MAX - 1, U32_MAX]),
    ]
}

/// Runs `src` on `args` (top first) and returns the outputs, checking that the rest of the
/// stack is unchanged (`consumed` arguments replaced by `pushed`).
fn agrees(src: &str, args: &[u64], consumed: usize, pushed: &[u64]) -> Result<(), TestCaseError> {
    let out = run(src, &with_sentinels(args), &[]).map_err(TestCaseError::fail)?;
    prop_assert_eq!(
        out,
        expected(args, consumed, pushed),
        "{} on {:?}",
        src,
        args
    );
    Ok(())
}

/// Runs `src` on `args` (top first): it must assemble and then fail with `NotU32` for
/// `value`.
fn traps_not_u32(src: &str, args: &[u64], value: u64) -> Result<(), TestCaseError> {
    match run(src, &with_sentinels(args), &[]) {
        Ok(out) => Err(TestCaseError::fail(format!(
            "{src} on {args:?} should fail but returned {out:?}"
        ))),
        Err(e) => {
            prop_assert!(
                !e.starts_with("assembly failed"),
                "{} was rejected by the assembler: {}",
                src,
                e
            );
            let what = what(&e);
            prop_assert!(
                what.starts_with("NotU32 {")
                    && what.contains(&format!("value {value} is not a u32")),
                "{} on {:?}: expected NotU32 for {}, got {}",
                src,
                args,
                value,
                e
            );
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn field_add_sub_mul(a in felt(), b in felt()) {
        agrees("begin add end", &[b, a], 2, &[fadd(a, b)])?;
        agrees("begin sub end", &[b, a], 2, &[fsub(a, b)])?;
        agrees("begin mul end", &[b, a], 2, &[fmul(a, b)])?;
        agrees(&format!("begin add.{b} end"), &[a], 1, &[fadd(a, b)])?;
        agrees(&format!("begin mul.{b} end"), &[a], 1, &[fmul(a, b)])?;
    }

    #[test]
    fn field_div_neg_inv(a in felt(), b in 1..P) {
        agrees("begin div end", &[b, a], 2, &[fmul(a, finv(b))])?;
        agrees("begin neg end", &[a], 1, &[fneg(a)])?;
        agrees("begin inv end", &[b], 1, &[finv(b)])?;
    }

    #[test]
    fn field_exp(a in felt(), b in any::<u64>()) {
        let b = b % P;
        agrees("begin exp end", &[b, a], 2, &[fpow(a, b)])?;
        let small = b & 0xffff;
        agrees("begin exp.u16 end", &[small, a], 2, &[fpow(a, small)])?;
    }

    #[test]
    fn field_comparisons(a in felt(), b in felt()) {
        agrees("begin eq end", &[b, a], 2, &[(a == b) as u64])?;
        agrees("begin lt end", &[b, a], 2, &[(a < b) as u64])?;
        agrees("begin lte end", &[b, a], 2, &[(a <= b) as u64])?;
        agrees("begin gt end", &[b, a], 2, &[(a > b) as u64])?;
        agrees("begin gte end", &[b, a], 2, &[(a >= b) as u64])?;
        agrees("begin is_odd end", &[a], 1, &[a & 1])?;
    }

    #[test]
    fn u32_split_and_cast(a in felt()) {
        agrees("begin u32split end", &[a], 1, &[a >> 32, a & U32_MAX])?;
        agrees("begin u32cast end", &[a], 1, &[a & U32_MAX])?;
        agrees("begin u32test end", &[a], 1, &[(a <= U32_MAX) as u64, a])?;
    }

    #[test]
    fn u32_add_sub_mul(a in u32v(), b in u32v(), c in u32v()) {
        agrees("begin u32overflowing_add end", &[b, a], 2, &[(a + b) >> 32, (a + b) & U32_MAX])?;
        agrees("begin u32wrapping_sub end", &[b, a], 2, &[a.wrapping_sub(b) & U32_MAX])?;
        agrees("begin u32overflowing_sub end", &[b, a], 2, &[(a < b) as u64, a.wrapping_sub(b) & U32_MAX])?;
        agrees("begin u32overflowing_mul end", &[b, a], 2, &[(a * b) >> 32, (a * b) & U32_MAX])?;
        let s = a + b + c;
        agrees("begin u32overflowing_add3 end", &[c, b, a], 3, &[s >> 32, s & U32_MAX])?;
        let m = a as u128 * b as u128 + c as u128;
        agrees("begin u32overflowing_madd end", &[b, a, c], 3, &[(m >> 32) as u64, (m as u64) & U32_MAX])?;
    }

    #[test]
    fn u32_division(a in u32v(), b in 1..=U32_MAX) {
        agrees("begin u32div end", &[b, a], 2, &[a / b])?;
        agrees("begin u32mod end", &[b, a], 2, &[a % b])?;
        agrees("begin u32divmod end", &[b, a], 2, &[a % b, a / b])?;
    }

    #[test]
    fn u32_bitwise(a in u32v(), b in u32v(), s in 0u64..32) {
        agrees("begin u32and end", &[b, a], 2, &[a & b])?;
        agrees("begin u32or end", &[b, a], 2, &[a | b])?;
        agrees("begin u32xor end", &[b, a], 2, &[a ^ b])?;
        agrees("begin u32not end", &[a], 1, &[!a & U32_MAX])?;
        let x = a as u32;
        agrees("begin u32shl end", &[s, a], 2, &[(a << s) & U32_MAX])?;
        agrees("begin u32shr end", &[s, a], 2, &[a >> s])?;
        agrees("begin u32rotl end", &[s, a], 2, &[x.rotate_left(s as u32) as u64])?;
        agrees("begin u32rotr end", &[s, a], 2, &[x.rotate_right(s as u32) as u64])?;
        agrees("begin u32popcnt end", &[a], 1, &[x.count_ones() as u64])?;
        agrees("begin u32clz end", &[a], 1, &[x.leading_zeros() as u64])?;
        agrees("begin u32ctz end", &[a], 1, &[x.trailing_zeros() as u64])?;
        agrees("begin u32clo end", &[a], 1, &[x.leading_ones() as u64])?;
        agrees("begin u32cto end", &[a], 1, &[x.trailing_ones() as u64])?;
    }

    #[test]
    fn u32_comparisons(a in u32v(), b in u32v()) {
        agrees("begin u32lt end", &[b, a], 2, &[(a < b) as u64])?;
        agrees("begin u32lte end", &[b, a], 2, &[(a <= b) as u64])?;
        agrees("begin u32gt end", &[b, a], 2, &[(a > b) as u64])?;
        agrees("begin u32gte end", &[b, a], 2, &[(a >= b) as u64])?;
        agrees("begin u32min end", &[b, a], 2, &[a.min(b)])?;
        agrees("begin u32max end", &[b, a], 2, &[a.max(b)])?;
    }

    #[test]
    fn u32_ops_trap_on_any_non_u32(a in TWO32..P, b in u32v()) {
        for op in ["u32wrapping_add", "u32overflowing_mul", "u32div", "u32and", "u32lt", "u32max"] {
            let src = format!("begin {op} end");
            traps_not_u32(&src, &[a, b.max(1)], a)?;
            traps_not_u32(&src, &[b.max(1), a], a)?;
        }
    }

    #[test]
    fn ext2_mul_and_inverse(a0 in felt(), a1 in felt(), b0 in felt(), b1 in felt()) {
        let c = emul((a0, a1), (b0, b1));
        agrees("begin ext2mul end", &[b1, b0, a1, a0], 4, &[c.1, c.0])?;
        if (a0, a1) != (0, 0) {
            let i = einv((a0, a1));
            prop_assert_eq!(emul((a0, a1), i), (1, 0));
            agrees("begin ext2inv end", &[a1, a0], 2, &[i.1, i.0])?;
        }
    }
}

//! Proofs of the u32 operations (`vm_air::u32ops`): every operation proves and verifies at
//! both presets, and the lies the issue names are rejected by the direct checker (by the
//! constraint they target) and by the release-build verifier after a real proof: a limb of
//! 2^16 or more that still recombines, a non-canonical split, a wrong quotient or a
//! remainder not below the divisor, a carry or borrow that lies, a comparison that lies
//! for equal high limbs, a wrong popcount or leading-zero count, and inputs that are not
//! u32 values (which `vm run` rejects).

#[path = "common/mod.rs"]
mod common;

use common::forge::{
    after_first, assemble, forge, honest, inputs, rejected, rejected_by_verifier, rejected_only_by,
    Forgery,
};
use common::u32lies::{lie, wide_limb};
use common::Phase;
use vm_core::{Felt, FieldElement, Opcode};
use vm_processor::{AdviceInputs, DefaultHost, ExecutionOptions};

/// The bus's balance: an unanswered range lookup leaves the running sum off the verifier's
/// expected value.
const BUS: &str = "bus.ends_at_program_hash";

const M: u64 = u32::MAX as u64;

/// Every u32 operation of this AIR on inputs that exercise its carries and extremes.
const PROGRAMS: &[(&str, &[u64])] = &[
    ("begin u32split end", &[(5 << 32) | 9]),
    ("begin u32split end", &[u64::MAX - (1 << 32) + 1]),
    ("begin u32assert2 end", &[M, 0]),
    ("begin u32overflowing_add end", &[M, M]),
    ("begin u32overflowing_add3 end", &[M, M, M]),
    ("begin u32overflowing_sub end", &[3, 5]),
    ("begin u32overflowing_sub end", &[5, 3]),
    ("begin u32overflowing_mul end", &[M, M]),
    ("begin u32overflowing_madd end", &[M, M, M]),
    ("begin u32divmod end", &[17, 5]),
    ("begin u32divmod end", &[M, 1]),
    ("begin lt end", &[(7 << 32) | 3, (7 << 32) | 9]),
    ("begin exp end", &[3, 5]),
    (
        "begin u32shl.3 u32shr.1 u32rotl.7 u32rotr.9 u32min u32max u32lt end",
        &[1, 2, 3, 0x8000_0001],
    ),
];

#[test]
fn every_u32_operation_satisfies_every_constraint() {
    for (src, stack) in PROGRAMS {
        let f = common::forge::honest_run(&assemble(src), stack);
        honest(&f);
    }
}

#[test]
fn every_u32_operation_proves_and_verifies_at_both_presets() {
    for (src, stack) in PROGRAMS {
        let program = assemble(src);
        vm_prover::check_provable(&program).unwrap();
        common::forge::proves_and_verifies_at_both_presets(&program, stack, src);
    }
}

/// The forgery is caught by `target` (alone when `only`) and its proof is rejected.
#[track_caller]
fn caught(f: Forgery, target: &str, only: bool) {
    if only {
        rejected_only_by(&f, target);
    } else {
        rejected(&f, target);
    }
    rejected_by_verifier(f);
}

// (Stack inputs are in file order: the last one is s0. `[b, a]` below means s0 = b.)

#[test]
fn a_limb_of_2_16_or_more_that_still_recombines_is_rejected() {
    let big = 0x1_0005;
    // The sum 0x10005 + 0 with low limb 0x10005 and high limb 0: no range row answers.
    let f = wide_limb("begin u32overflowing_add end", &[big, 0], Opcode::U32add, 5);
    caught(f, BUS, true);
    // An input's limb (s0 of u32assert2, read as s0' of the kept stack).
    let f = wide_limb("begin u32assert2 end", &[0, big], Opcode::U32assert2, 4);
    caught(f, BUS, true);
    // The high half of a split.
    let f = wide_limb("begin u32split end", &[big << 32], Opcode::U32split, 4);
    caught(f, BUS, true);
}

#[test]
fn a_non_canonical_split_is_rejected() {
    // split(5) as (2^32 - 1, 6): 2^32 (2^32 - 1) + 6 = p + 5, and both halves are u32.
    let f = lie("begin u32split end", &[5], Opcode::U32split, |_, _| (M, 6));
    caught(f, "u32.canonical", true);
    // The same lie inside `lt` makes 5 look larger than 7 (2^64 - 2^32 + 6 > 7).
    let f = lie("begin lt end", &[5, 7], Opcode::U32split, |_, _| (M, 6));
    caught(f, "u32.canonical", false);
}

#[test]
fn a_wrong_quotient_or_remainder_is_rejected() {
    // 17 / 5 = 3 r 2, claimed as 4 r 2.
    let f = lie("begin u32divmod end", &[17, 5], Opcode::U32div, |r, q| {
        (r, q + 1)
    });
    caught(f, "u32.div", true);
    // ... claimed as 2 r 7 (17 = 5 * 2 + 7, but 7 is not below 5: b - r - 1 is no u32).
    let f = lie("begin u32divmod end", &[17, 5], Opcode::U32div, |_, _| {
        (7, 2)
    });
    caught(f, BUS, true);
    // ... claimed as 4 r -3.
    let f = lie("begin u32divmod end", &[17, 5], Opcode::U32div, |_, _| {
        ((-Felt::new(3)).as_int(), 4)
    });
    caught(f, BUS, true);
}

#[test]
fn a_division_by_zero_has_no_proof() {
    // The row divides 7 by 0 (the liar's processor divides by 1 and claims r = 7): 7 = 0 q
    // + 7 holds, but r < b cannot.
    let f = forge("begin push.0 u32divmod end", &[7], |phase, _, ins, st| {
        if ins.op == Opcode::U32div {
            match phase {
                Phase::Before => st.top[0] = Felt::ONE,
                Phase::After => st.top[0] = Felt::new(7),
            }
        }
    });
    caught(f, BUS, true);
}

#[test]
fn a_carry_or_borrow_that_lies_is_rejected() {
    // 2 + 1 with carry 2^32 - 1 and sum 4: 2^32 (2^32 - 1) + 4 = p + 3.
    let f = lie(
        "begin u32overflowing_add end",
        &[1, 2],
        Opcode::U32add,
        |_, _| (M, 4),
    );
    caught(f, "u32.canonical", true);
    // 2 + 1 with carry 1 and sum 3 - 2^32 (no u32).
    let f = lie(
        "begin u32overflowing_add end",
        &[1, 2],
        Opcode::U32add,
        |_, _| (1, (Felt::new(3) - Felt::new(1 << 32)).as_int()),
    );
    caught(f, BUS, true);
    // 1 + 2 + 3 with carry 1 and sum 6 - 2^32.
    let f = lie(
        "begin u32overflowing_add3 end",
        &[1, 2, 3],
        Opcode::U32add3,
        |_, _| (1, (Felt::new(6) - Felt::new(1 << 32)).as_int()),
    );
    caught(f, BUS, true);
    // 5 - 3 with borrow 2^32 - 1 and difference 1.
    let f = lie(
        "begin u32overflowing_sub end",
        &[5, 3],
        Opcode::U32sub,
        |_, _| (M, 1),
    );
    caught(f, "u32.borrow_binary", true);
    // 3 * 5 with hi 1 (and lo 15).
    let f = lie(
        "begin u32overflowing_mul end",
        &[3, 5],
        Opcode::U32mul,
        |_, l| (1, l),
    );
    caught(f, "u32.mul", true);
}

#[test]
fn a_comparison_that_lies_for_equal_high_limbs_is_rejected() {
    // a = 7 * 2^32 + 3 < b = 7 * 2^32 + 9: the high limbs are equal, so the low limbs'
    // U32SUB borrow decides. Flipped with the difference kept:
    let (a, b) = ((7 << 32) | 3, (7 << 32) | 9);
    let f = lie("begin lt end", &[a, b], Opcode::U32sub, |c, d| (1 - c, d));
    assert_ne!(
        f.public.stack_outputs.as_ints()[0],
        1,
        "the lie flips a < b"
    );
    caught(f, "u32.sub", false);
    // Flipped with the difference that satisfies the subtraction (no u32).
    let f = lie("begin lt end", &[a, b], Opcode::U32sub, |c, d| {
        let d = Felt::new(d);
        let w = Felt::new(1 << 32);
        (1 - c, if c == 1 { d - w } else { d + w }.as_int())
    });
    caught(f, BUS, false);
}

#[test]
fn inputs_that_are_not_u32_have_no_proof() {
    let not_u32 = (1u64 << 32) | 1;
    for (src, stack) in [
        ("begin u32wrapping_add end", &[1, not_u32][..]),
        ("begin u32wrapping_add end", &[not_u32, 1]),
        ("begin u32wrapping_add3 end", &[not_u32, 1, 1]),
        ("begin u32wrapping_sub end", &[1, not_u32]),
        ("begin u32wrapping_mul end", &[not_u32, 1]),
        ("begin u32wrapping_madd end", &[not_u32, 1, 1]),
        ("begin u32div end", &[not_u32, 1]),
        ("begin u32assert2 end", &[not_u32, 1]),
        ("begin u32assert end", &[not_u32]),
    ] {
        // `vm run` rejects the run ...
        let program = assemble(src);
        let run = vm_processor::execute(
            &program,
            inputs(stack),
            AdviceInputs::default(),
            &mut DefaultHost,
            ExecutionOptions::default(),
        );
        assert!(run.is_err(), "{src} on {stack:?} runs");
        // ... and a liar's processor that goes on has no proof.
        let f = forge(src, stack, |_, _, _, _| {});
        caught(f, BUS, false);
    }
}

#[test]
fn a_wrong_popcount_or_clz_is_rejected() {
    // popcount(0xf0f0_1234) = 13 is the remainder of the lowering's last U32DIV (the
    // weighted sums reduced mod 255); claimed as 14, the division's constraint objects.
    let f = lie(
        "begin u32popcnt end",
        &[0xf0f0_1234],
        Opcode::U32div,
        |r, q| (r + 1, q),
    );
    caught(f, "u32.div", true);
    // clz(0x1234) = 19 comes from the advice, checked by `n < 2^(32 - k) <= 2n + 1`. The
    // liar supplies 18 (2^14 - 1 - n = 11723 exceeds n), then claims the check's U32SUB
    // (n - 11723) did not borrow, with the difference taken in the field: no u32, so no
    // range row answers its limbs.
    let mut adv = after_first(Opcode::Advpop, |st| st.top[0] -= Felt::ONE);
    let mut sub = after_first(Opcode::U32sub, |st| {
        st.top[0] = Felt::ZERO;
        st.top[1] = Felt::new(0x1234) - Felt::new(11723);
    });
    let f = forge("begin u32clz end", &[0x1234], move |p, c, i, st| {
        adv(p, c, i, st);
        sub(p, c, i, st);
    });
    caught(f, BUS, true);
}

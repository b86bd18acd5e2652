//! Forgeries for the mutation sweep (see `main.rs`): the u32 operations
//! (`vm_air::u32ops`) and their range lookups.
//!
//! A u32 liar changes the result the processor leaves on the stack; the trace builder
//! computes the helper cells (the limbs and the canonicity quotient) from the lie, so every
//! range lookup is answered and only the operation's own constraint sees the lie. A lookup
//! liar writes a limb of 2^16 or more that still recombines (a trace-builder hook), which no
//! range checker row answers, and leaves its fraction out of the lookup column (the sum
//! follows): the bus balances and only the column's definition sees the lie.

use vm_air::{bus, layout::*, u32ops};
use vm_core::{FieldElement, Opcode};
use vm_prover::check::CheckField;
use winter_prover::{matrix::ColMatrix, Trace};

use crate::common::u32lies::{lie, row_of, wide_limb};
use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[];

const M: u64 = u32::MAX as u64;

/// A lookup liar: the wide limb of [`wide_limb`] in lookup column `col`, its fraction left
/// out of the column (the running sum follows), so that the bus balances; for the lookups
/// folded into the running sum (`col` past the last column), left out of the sum's step.
fn unanswered_limb_left_out(col: usize, src: &str, stack: &[u64], op: Opcode, slot: usize) -> Case {
    let f = wide_limb(src, stack, op, u32ops::LOW_LIMB[slot]);
    assert_eq!(
        2 * slot / 3,
        col,
        "slot {slot}'s low limb is in column {col}"
    );
    let row = row_of(&f, op);
    let last = f.trace.last_real;
    let limb = f
        .trace
        .main_segment()
        .get(HELPER + u32ops::LOW_LIMB[slot], row);
    assert!(limb.as_int() >= u32ops::LIMB);
    // The last lookups have no column: the running sum's step carries them (`bus.sum`).
    let folded = col >= bus::U32_RANGE_COLUMNS;
    let target = if folded {
        "bus.sum".to_string()
    } else {
        format!("bus.u32_range[{col}]")
    };
    Case::with_tamper(
        target,
        f,
        move |aux: &mut ColMatrix<CheckField>, rands: &[CheckField]| {
            let fp: CheckField = bus::range_fingerprint(&bus::Challenges::new(rands), limb);
            let d = fp.inv();
            if !folded {
                let c = AUX_U32_RANGE + col;
                aux.set(c, row, aux.get(c, row) - d);
            }
            for r in row + 1..=last {
                aux.set(AUX_SUM, r, aux.get(AUX_SUM, r) - d);
            }
        },
    )
}

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    use Opcode::*;
    let big = 0x1_0005u64;
    vec![
        // split(5) claimed as (0, 6).
        Case::new(
            "u32.split",
            lie("begin u32split end", &[5], U32split, |h, l| (h, l + 1)),
        ),
        // 2 + 1 claimed as 4.
        Case::new(
            "u32.add",
            lie("begin u32overflowing_add end", &[1, 2], U32add, |c, s| {
                (c, s + 1)
            }),
        ),
        Case::new(
            "u32.add3",
            lie(
                "begin u32overflowing_add3 end",
                &[1, 2, 3],
                U32add3,
                |c, s| (c, s + 1),
            ),
        ),
        Case::new(
            "u32.sub",
            lie("begin u32overflowing_sub end", &[3, 5], U32sub, |b, d| {
                (b, d + 1)
            }),
        ),
        Case::new(
            "u32.mul",
            lie("begin u32overflowing_mul end", &[3, 5], U32mul, |h, l| {
                (h, l + 1)
            }),
        ),
        Case::new(
            "u32.madd",
            lie(
                "begin u32overflowing_madd end",
                &[3, 5, 7],
                U32madd,
                |h, l| (h, l + 1),
            ),
        ),
        // 5 / 17 claimed as quotient 1 (remainder 5).
        Case::new(
            "u32.div",
            lie("begin u32divmod end", &[5, 17], U32div, |r, q| (r, q + 1)),
        ),
        // split(5) as (2^32 - 1, 6): 2^32 (2^32 - 1) + 6 = p + 5, every limb 16-bit.
        Case::new(
            "u32.canonical",
            lie("begin u32split end", &[5], U32split, |_, _| (M, 6)),
        ),
        // (Stack inputs are in file order: the last is s0.)
        // 5 - 3 as borrow 2^32 - 1, difference 1: 5 + 2^32 (2^32 - 1) = 3 + 1 mod p.
        Case::new(
            "u32.borrow_binary",
            lie("begin u32overflowing_sub end", &[5, 3], U32sub, |_, _| {
                (M, 1)
            }),
        ),
        // The lookup columns: slot 0 (hi of a split), 2 (s0), 3 (s1), 5 (b - r - 1).
        unanswered_limb_left_out(0, "begin u32split end", &[(big << 32) | 7], U32split, 0),
        unanswered_limb_left_out(1, "begin u32overflowing_add end", &[1, big], U32add, 2),
        unanswered_limb_left_out(2, "begin u32overflowing_add end", &[big, 1], U32add, 3),
        unanswered_limb_left_out(3, "begin u32divmod end", &[1, big + 2], U32div, 5),
    ]
}

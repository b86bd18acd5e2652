//! Forgeries for the mutation sweep (see `main.rs`): the bitwise chiplet and its selector.
//!
//! A bitwise liar makes `u32and` (or, through the same message, `u32xor`) return what it
//! wants: the malicious processor puts the lie on the stack, so the CPU's request carries
//! it, and the chiplet's rows are edited to answer it, so that the bus balances and only the
//! targeted constraint sees the lie. Liars about the section's shape change its rows before
//! the prover places them (`TraceHooksForTesting::bitwise`), so the range checker's section
//! below follows.

use vm_air::{
    chiplets::{
        bitwise::{self, cols as b, BITS},
        range,
    },
    layout::*,
};
use vm_core::{Felt, FieldElement, Opcode};
use vm_prover::trace::{bitwise::Row, TraceHooksForTesting};

use crate::common::forge::{after_first, assemble, forge, forge_with, Forgery};
use crate::Case;

/// Constraints of this component no forgery isolates yet, with the reason (checked as
/// `memory::PENDING` is: writing the forgery fails the sweep until the entry is removed).
pub const PENDING: &[(&str, &str)] = &[];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    let mut v = vec![
        Case::new("bit.and", wrong_and()),
        Case::new("bit.phase_binary", half_phase_answers_a_range_lookup()),
        Case::new("chiplet.bit_binary", selector_of_two()),
        Case::new("chiplet.bit_contiguous", section_restarts()),
        Case::new(
            "chiplet.bit_exclusive",
            crate::hash_requests::digest_row_doubled(Felt::ONE, true),
        ),
    ];
    for (name, second) in [
        ("bit.a_lo", false),
        ("bit.b_lo", true),
        ("bit.a_hi", false),
        ("bit.b_hi", true),
    ] {
        let high = name.ends_with("hi");
        for i in 0..BITS {
            let bit = i + if high { BITS } else { 0 };
            v.push(Case::new(
                format!("{name}[{i}]"),
                non_binary_bit(second, bit),
            ));
        }
    }
    v
}

// ---- helpers ------------------------------------------------------------------------------

/// The rows of the bitwise section (its selector is 1).
fn section(f: &mut Forgery) -> Vec<usize> {
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    (0..=last)
        .filter(|&i| cols.get(BIT_ACTIVE, i) == Felt::ONE)
        .collect()
}

/// The first rows of the section's operations (phase 1).
fn first_rows(f: &mut Forgery) -> Vec<usize> {
    let rows = section(f);
    let cols = f.trace.columns_mut_for_testing();
    rows.into_iter()
        .filter(|&i| cols.get(bitwise::column(b::P), i) == Felt::ONE)
        .collect()
}

/// Sets bitwise cell `cell` of row `row`.
fn set(f: &mut Forgery, row: usize, cell: usize, v: Felt) {
    f.trace
        .columns_mut_for_testing()
        .set(bitwise::column(cell), row, v);
}

/// A run of `src` on `stack` with the chiplet's rows changed by `lie` before the prover
/// places them.
fn with_rows(src: &str, stack: &[u64], lie: fn(&mut Vec<Row>)) -> Forgery {
    let p = assemble(src);
    forge_with(
        &p,
        &p,
        stack,
        &[],
        TraceHooksForTesting {
            bitwise: Some(lie),
            ..Default::default()
        },
        |_, _, _, _| {},
    )
}

/// Sets the result on the stack after the first `U32AND`.
fn and_returns(
    v: u64,
) -> impl FnMut(crate::common::Phase, usize, vm_core::Instruction, &mut crate::common::State) {
    after_first(Opcode::U32and, move |st| st.top[0] = Felt::new(v))
}

// ---- forgeries ----------------------------------------------------------------------------

/// `bit.and`: 6 AND 3 = 3 (it is 2), the chiplet's binary bits honest and its result cell
/// agreeing with the lie.
fn wrong_and() -> Forgery {
    let mut f = forge("begin u32and end", &[3, 6], and_returns(3));
    let first = first_rows(&mut f)[0];
    set(&mut f, first, b::Z, Felt::new(3));
    f
}

/// `bit.a_lo[i]`, `bit.b_lo[i]`, `bit.a_hi[i]`, `bit.b_hi[i]`: bit `bit` (0..32) of `a` (or
/// of `b` when `second`) is 2. For `bit < 31` both inputs are `2^(bit + 1)`, which the liar
/// writes with bit `bit` at 2 and bit `bit + 1` at 0: the same value, but the AND of the
/// bits is 0, which the liar claims. For bit 31 the input is `2^32`, not a u32 value (its
/// top bit at 2, the other input `2^31`), and the claimed AND `2^32`.
fn non_binary_bit(second: bool, bit: usize) -> Forgery {
    let (x, y, z) = if bit < 31 {
        let v = 1u64 << (bit + 1);
        (v, v, 0)
    } else {
        (1u64 << 32, 1u64 << 31, 1u64 << 32)
    };
    // The stack inputs end with the top, s0 = b: the forged operand is `a` (s1) or `b`.
    let stack = if second { [y, x] } else { [x, y] };
    let mut f = forge("begin u32and end", &stack, and_returns(z));
    let first = first_rows(&mut f)[0];
    let base = if second { b::B } else { b::A };
    let cell = |k: usize| (first + k / BITS, base + k % BITS);
    let (row, c) = cell(bit);
    set(&mut f, row, c, Felt::new(2));
    if bit < 31 {
        let (row, c) = cell(bit + 1);
        set(&mut f, row, c, Felt::ZERO);
    }
    set(&mut f, first, b::Z, Felt::new(z));
    f
}

/// `bit.phase_binary`: an operation row of phase 1/2 answers `(BITWISE + 1 - 1/p, a, b, z)`
/// = `(RANGE, a)` for `b = z = 0`, so it can stand in for the range checker: here it
/// answers one lookup of 0 by the memory chiplet, whose range row's multiplicity drops by
/// one (with `a` any u32 value, such a row would prove a value of 2^16 or more in range).
fn half_phase_answers_a_range_lookup() -> Forgery {
    let mut f = with_rows("begin u32and push.1 mem_store.0 end", &[3, 6], |rows| {
        let [mut first, second] = bitwise::op_rows(0, 0);
        first[b::P] = Felt::new(2).inv();
        rows.extend([first, second]);
    });
    let after = *section(&mut f).last().unwrap() + 1;
    let cols = f.trace.columns_mut_for_testing();
    let value = shared(range::cols::VALUE);
    let mult = shared(range::cols::MULT);
    assert_eq!(
        cols.get(value, after),
        Felt::ZERO,
        "the range table starts at 0"
    );
    let m = cols.get(mult, after);
    assert_ne!(m, Felt::ZERO, "the memory row looks up 0");
    cols.set(mult, after, m - Felt::ONE);
    f
}

/// `chiplet.bit_binary`: a row of selector 2 after the section's rows, so the range
/// checker's selector `1 - k` is -1 there: a bridging range row of value 0 and
/// multiplicity 0 that the range constraints and the bus accept (scaled by -1).
fn selector_of_two() -> Forgery {
    let mut f = with_rows("begin u32and end", &[3, 6], |rows| {
        rows.push(bitwise::FILLER)
    });
    let last = *section(&mut f).last().unwrap();
    f.trace
        .columns_mut_for_testing()
        .set(BIT_ACTIVE, last, Felt::new(2));
    f
}

/// `chiplet.bit_contiguous`: the section stops for a range row (value 0, multiplicity 0)
/// and starts again, with a filler row and the second operation.
fn section_restarts() -> Forgery {
    let mut f = with_rows("begin u32and u32and end", &[3, 6, 5], |rows| {
        rows.splice(3..3, [bitwise::FILLER, bitwise::FILLER]);
    });
    let gap = section(&mut f)[3];
    f.trace
        .columns_mut_for_testing()
        .set(BIT_ACTIVE, gap, Felt::ZERO);
    f
}

//! The bitwise chiplet (`vm_air::chiplets::bitwise`): honest `u32and`/`u32xor` programs
//! prove and verify at both presets, and lies the bus catches (an answer sent twice, an
//! answer dropped, a wrong XOR) are rejected by the bus's balance alone and by the release-build
//! verifier. The forgeries each isolated on one constraint (a wrong AND, a non-binary bit,
//! a non-u32 input, a section restarting, a non-binary phase or selector) are in the
//! mutation sweep (`tests/sweep/bitwise.rs`), which also proves each of them.

#[path = "common/mod.rs"]
mod common;

use common::forge::{
    after_first, assemble, forge, forge_with, honest, honest_run, rejected_by_verifier,
    rejected_only_by, Forgery,
};
use vm_air::{
    chiplets::bitwise::{self, cols as b},
    layout::*,
};
use vm_core::{Felt, FieldElement, Opcode};
use vm_prover::trace::{bitwise::Row, TraceHooksForTesting};

/// The bus's balance: an unanswered or unbalanced request leaves the running sum off the
/// verifier's expected value.
const BUS: &str = "bus.ends_at_program_hash";

const LOOP: &str = "begin repeat.20 dup.1 dup.1 u32and movdn.2 dup.1 u32xor swap end end";

#[test]
fn bitwise_programs_prove_and_verify_at_both_presets() {
    for (src, stack) in [
        ("begin u32and end", vec![0x0f0f_1234u64, 0xffff_0000]),
        ("begin u32xor end", vec![u32::MAX as u64, 0x8000_0001]),
        // Memory first: the bitwise section follows the memory chiplet's.
        (
            "begin push.7 mem_store.3 u32xor u32and.12 mem_load.3 end",
            vec![5, 6, 7],
        ),
        (LOOP, vec![0xdead_beef, 0x1234_5678]),
    ] {
        common::forge::proves_and_verifies_at_both_presets(&assemble(src), &stack, src);
    }
}

#[test]
fn honest_traces_satisfy_every_constraint_with_two_rows_per_operation() {
    let f = honest_run(&assemble(LOOP), &[3, 5]);
    honest(&f);
    let (start, rows) = section(&f);
    // 40 operations, two rows each, after the filler row (there is no memory section).
    assert_eq!(rows, 1 + 2 * 40);
    // It starts right after the hasher's section, with the filler row.
    let main = winter_prover::Trace::main_segment(&f.trace);
    assert_eq!(main.get(HASH_ACTIVE, start - 1), Felt::ONE);
    assert_eq!(main.get(bitwise::column(b::P), start), Felt::ZERO);
}

/// The first row and the number of rows of the bitwise section.
fn section(f: &Forgery) -> (usize, usize) {
    let main = winter_prover::Trace::main_segment(&f.trace);
    let rows: Vec<usize> = (0..=f.trace.last_real)
        .filter(|&i| main.get(BIT_ACTIVE, i) == Felt::ONE)
        .collect();
    (rows[0], rows.len())
}

fn check_bus(f: Forgery) {
    rejected_only_by(&f, BUS);
    rejected_by_verifier(f);
}

/// A run of `u32and` on `[b, a]` with the chiplet's rows changed by `lie`.
fn with_rows(lie: fn(&mut Vec<Row>)) -> Forgery {
    let p = assemble("begin u32and u32and end");
    forge_with(
        &p,
        &p,
        &[0b1100, 0b1010, 0b0110],
        &[],
        TraceHooksForTesting {
            bitwise: Some(lie),
            ..Default::default()
        },
        |_, _, _, _| {},
    )
}

#[test]
fn an_answer_sent_twice_is_rejected() {
    // The first operation's two rows repeated: one answer more than the requests.
    check_bus(with_rows(|rows| {
        let op = [rows[1], rows[2]];
        rows.splice(3..3, op);
    }));
}

#[test]
fn an_answer_dropped_is_rejected() {
    // The second operation's rows removed: its request goes unanswered.
    check_bus(with_rows(|rows| rows.truncate(3)));
}

#[test]
fn an_answer_for_other_inputs_is_rejected() {
    // The chiplet proves 0b1100 AND 0b1011 instead of 0b1100 AND 0b1010 (same result).
    check_bus(with_rows(|rows| {
        rows[1] = bitwise::op_rows(0b1011, 0b1100)[0];
    }));
}

#[test]
fn a_wrong_xor_is_rejected() {
    // The liar claims 12 XOR 10 = 7 (it is 6) and the chiplet answers the AND its request
    // asks for, (12 + 10 - 7) / 2, which is not an integer: only `bit.and` can object.
    let mut f = forge(
        "begin u32xor end",
        &[10, 12],
        after_first(Opcode::U32xor, |st| st.top[0] = Felt::new(7)),
    );
    let (start, _) = section(&f);
    let first = start + 1;
    let z = (Felt::new(12 + 10) - Felt::new(7)) / Felt::new(2);
    f.trace
        .columns_mut_for_testing()
        .set(bitwise::column(b::Z), first, z);
    rejected_only_by(&f, "bit.and");
    rejected_by_verifier(f);
}

#[test]
fn a_wrong_xor_with_the_right_parity_is_rejected() {
    // 12 XOR 10 = 4 would need 12 AND 10 = 9; the chiplet's rows recomputed for 9 cannot
    // have binary bits that recombine to 12 and 10.
    let mut f = forge(
        "begin u32xor end",
        &[10, 12],
        after_first(Opcode::U32xor, |st| st.top[0] = Felt::new(4)),
    );
    let (start, _) = section(&f);
    f.trace
        .columns_mut_for_testing()
        .set(bitwise::column(b::Z), start + 1, Felt::new(9));
    rejected_only_by(&f, "bit.and");
    rejected_by_verifier(f);
}

//! The hasher's request section (`vm_air::chiplets::hasher`, selector `q`): honest `hperm`,
//! `hmerge` and `hash` programs prove and verify at both presets, and the lies the bus or
//! the rounds catch are rejected by the direct checker and by the release-build verifier:
//! a wrong permutation output, an answer computed for other inputs, an answer dropped and
//! an answer sent twice, each caught by the bus's balance (`bus.ends_at_program_hash`)
//! alone, and a round computed wrongly to match the first, caught by the round
//! constraints (`hash.round[i]`) alone. The forgery isolated on
//! the bus column's definition is in the mutation sweep (`tests/sweep/hash_requests.rs`).

#[path = "common/mod.rs"]
mod common;

use common::forge::{
    after_first, assemble, forge, honest, honest_run, rejected, rejected_by_verifier,
    rejected_only_by, Forgery,
};
use vm_air::{
    chiplets::hasher::{self as hash, CYCLE_LEN, HASH_WIDTH, NUM_ROUNDS},
    layout::*,
};
use vm_core::{Felt, FieldElement, Opcode};
use winter_crypto::hashers::Rp64_256;

/// The bus's balance: an unanswered or unbalanced request leaves the running sum off the
/// verifier's expected value.
const BUS: &str = "bus.ends_at_program_hash";

const MERGES: &str = "begin repeat.5 hmerge dup.3 dup.3 dup.3 dup.3 end end";

#[test]
fn hash_programs_prove_and_verify_at_both_presets() {
    for (src, stack) in [
        ("begin hperm end", (1..=12).collect::<Vec<u64>>()),
        ("begin hmerge end", (1..=8).collect()),
        ("begin hash end", vec![7, 8, 9, 10]),
        (MERGES, (1..=8).collect()),
        // Memory and bitwise sections below the request section.
        (
            "begin push.5 mem_store.2 hmerge push.12 u32and.7 mem_load.2 end",
            (1..=8).collect(),
        ),
    ] {
        common::forge::proves_and_verifies_at_both_presets(&assemble(src), &stack, src);
    }
}

/// The first row of the request section and its number of rows.
fn section(f: &Forgery) -> (usize, usize) {
    let main = winter_prover::Trace::main_segment(&f.trace);
    let rows: Vec<usize> = (0..=f.trace.last_real)
        .filter(|&i| main.get(HASH_REQ, i) == Felt::ONE)
        .collect();
    (rows[0], rows.len())
}

#[test]
fn honest_traces_have_a_cycle_per_permutation_and_a_closing_row() {
    let f = honest_run(&assemble(MERGES), &[1, 2, 3, 4, 5, 6, 7, 8]);
    honest(&f);
    let (start, rows) = section(&f);
    assert_eq!(rows, CYCLE_LEN * 5 + 1);
    let main = winter_prover::Trace::main_segment(&f.trace);
    // It starts right after the attestation, on a cycle boundary.
    assert_eq!(main.get(HASH_ACTIVE, start - 1), Felt::ONE);
    assert_eq!(start % CYCLE_LEN, 0);
}

/// A liar's state for the first HPERM: the true output with lane 4 (the digest's first
/// element, stack position 7) plus one.
fn lie_about_the_output(src: &str, stack: &[u64]) -> Forgery {
    forge(
        src,
        stack,
        after_first(Opcode::Hperm, |st| st.top[7] += Felt::ONE),
    )
}

#[test]
fn a_wrong_permutation_output_is_rejected() {
    // The chiplet computes the true permutation: its output answer is not the one asked.
    let f = lie_about_the_output("begin hmerge end", &[1, 2, 3, 4, 5, 6, 7, 8]);
    rejected_only_by(&f, BUS);
    rejected_by_verifier(f);
}

#[test]
fn a_wrong_round_that_matches_the_lie_is_rejected() {
    // The liar also rewrites the permutation's last round so that the chiplet's output is
    // the claimed one (helpers recomputed, so only the round constraints can object).
    let mut f = lie_about_the_output("begin hmerge end", &[1, 2, 3, 4, 5, 6, 7, 8]);
    let (start, _) = section(&f);
    let last_round = start + NUM_ROUNDS;
    let cols = f.trace.columns_mut_for_testing();
    let state = |cols: &winter_prover::matrix::ColMatrix<Felt>, row: usize| -> [Felt; 12] {
        core::array::from_fn(|i| cols.get(HASH_STATE + i, row))
    };
    let before = state(cols, last_round);
    let mut out = state(cols, last_round + 1);
    out[4] += Felt::ONE;
    let row = hash::round_row(&before, &out, NUM_ROUNDS - 1);
    for (c, v) in row.iter().enumerate().take(HASH_WIDTH) {
        // The S-box cells of the absorb row are the answers' multiplicities: keep them.
        cols.set(HASH + c, last_round, *v);
    }
    for (i, v) in out.iter().enumerate() {
        cols.set(HASH_STATE + i, last_round + 1, *v);
    }
    let v = rejected(&f, "hash.round[0]");
    assert!(
        v.names().iter().all(|n| n.starts_with("hash.round")),
        "caught by {v}"
    );
    rejected_by_verifier(f);
}

#[test]
fn an_answer_computed_for_other_inputs_is_rejected() {
    // The CPU claims the permutation of another state (the input with s0 + 1), and the
    // chiplet's cycle computes exactly that permutation: its input answer is not the one
    // the CPU asked for.
    let stack: Vec<u64> = (1..=12).collect();
    let mut other: [Felt; 12] = core::array::from_fn(|j| Felt::new(stack[11 - j]));
    // Stack position 0 (the first input) is state lane 11.
    other[11] += Felt::ONE;
    let mut perm = other;
    Rp64_256::apply_permutation(&mut perm);
    let mut f = forge(
        "begin hperm end",
        &stack,
        after_first(Opcode::Hperm, move |st| {
            for (j, v) in perm.iter().enumerate() {
                st.top[11 - j] = *v;
            }
        }),
    );
    let (start, _) = section(&f);
    let (rows, out) = hash::permutation_rows(other, [Felt::ZERO; 8]);
    let cols = f.trace.columns_mut_for_testing();
    for (r, row) in rows.iter().enumerate().skip(1) {
        for (c, v) in row.iter().enumerate() {
            cols.set(HASH + c, start + r, *v);
        }
    }
    for (i, v) in out.iter().enumerate() {
        cols.set(HASH_STATE + i, start + CYCLE_LEN, *v);
    }
    assert_eq!(out, perm);
    rejected_only_by(&f, BUS);
    rejected_by_verifier(f);
}

/// An honest `hmerge` run whose request section's multiplicity cell `cell` on the absorb
/// row `offset` rows into the section is set to `m`.
fn with_multiplicity(cell: usize, offset: usize, m: u64) -> Forgery {
    let mut f = honest_run(&assemble("begin hmerge end"), &[1, 2, 3, 4, 5, 6, 7, 8]);
    let (start, _) = section(&f);
    f.trace
        .columns_mut_for_testing()
        .set(cell, start + offset, Felt::new(m));
    f
}

#[test]
fn an_input_answer_dropped_is_rejected() {
    let f = with_multiplicity(HASH_REQ_IN, 0, 0);
    rejected_only_by(&f, BUS);
    rejected_by_verifier(f);
}

#[test]
fn an_output_answer_sent_twice_is_rejected() {
    let f = with_multiplicity(HASH_REQ_OUT, CYCLE_LEN, 2);
    rejected_only_by(&f, BUS);
    rejected_by_verifier(f);
}

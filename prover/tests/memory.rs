//! Soundness of the memory proofs beyond the mutation sweep's isolated forgeries (which
//! cover a first read of a never-written cell, a stale read, a table reordered to hide a
//! write, a callee reading its caller's memory through a reused context, locals moved
//! outside their frame by a lying frame pointer, non-binary flags and selectors, a memory
//! section that restarts, and the range checker's table; `tests/sweep/memory.rs`, whose
//! main-trace forgeries the sweep also proves and has the release-build verifier reject):
//! lies that the range checker's lookups catch on the bus, and a local's address computed
//! outside its frame, each rejected by the direct checker and by the release-build
//! verifier after a real proof.

#[path = "common/mod.rs"]
mod common;

use common::forge::{
    after_first, assemble, forge, forge_with, honest_run, rejected, rejected_by_verifier, Forgery,
};
use common::memtable::{mem_rows, put_mem_rows};
use vm_air::{chiplets::memory::cols as m, chiplets::range, layout::*};
use vm_core::{Felt, FieldElement, Opcode};
use vm_prover::trace::TraceHooksForTesting;

/// The bus's balance: an unanswered or unbalanced lookup leaves the running sum off the
/// verifier's expected value.
const BUS: &str = "bus.ends_at_program_hash";

fn check(f: Forgery) {
    rejected(&f, BUS);
    rejected_by_verifier(f);
}

/// The run of `executed` attested as `attested` (a program that differs only in one
/// immediate), with the CPU's immediate and stack cell at `(row, col)` set to `value`.
fn with_address(attested: &str, executed: &str, row: usize, value: Felt) -> Forgery {
    let (a, e) = (assemble(attested), assemble(executed));
    let mut f = forge_with(
        &a,
        &e,
        &[],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    );
    f.public.program_hash = a.hash();
    let cols = f.trace.columns_mut_for_testing();
    cols.set(IMM, row - 1, value);
    cols.set(STACK, row, value);
    f
}

#[test]
fn an_unaligned_word_access_is_rejected() {
    // mem_loadw at address 9: the table's word index would be 9/4, a field element whose
    // 16-bit limbs do not exist.
    let mut f = with_address(
        "begin padw push.9 mem_loadw end",
        "begin padw push.8 mem_loadw end",
        5,
        Felt::new(9),
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    let w = Felt::new(9) / Felt::new(4);
    rows[0][m::WORD] = w;
    rows[0][m::W0] = w;
    rows[0][m::W1] = Felt::ZERO;
    put_mem_rows(&mut f, &rows);
    check(f);
}

#[test]
fn an_address_of_2_32_is_rejected() {
    // mem_load at 2^32: word 2^30, whose high limb 2^14 is 4 * 2^14 = 2^16 when looked up.
    let two32 = Felt::new(1 << 32);
    let mut f = with_address(
        "begin push.4294967296 mem_load end",
        "begin push.0 mem_load end",
        1,
        two32,
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[0][m::WORD] = Felt::new(1 << 30);
    rows[0][m::W0] = Felt::ZERO;
    rows[0][m::W1] = Felt::new(1 << 14);
    put_mem_rows(&mut f, &rows);
    check(f);
}

#[test]
fn a_delta_limb_of_2_16_or_more_is_rejected() {
    // The read's clock delta d written as (d + 2^16, -1): it recombines, but neither limb is
    // a 16-bit value.
    let mut f = honest_run(&assemble("begin push.5 mem_store.8 mem_load.8 end"), &[]);
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    let d = rows[1][m::D0];
    rows[1][m::D0] = d + Felt::new(1 << 16);
    rows[1][m::D1] = -Felt::ONE;
    put_mem_rows(&mut f, &rows);
    check(f);
}

#[test]
fn a_range_multiplicity_that_lies_is_rejected() {
    let mut f = honest_run(&assemble("begin push.5 mem_store.8 mem_load.8 end"), &[]);
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let row = (0..=last)
        .find(|&r| {
            cols.get(HASH_ACTIVE, r) == Felt::ZERO
                && cols.get(MEM_ACTIVE, r) == Felt::ZERO
                && cols.get(shared(range::cols::MULT), r) != Felt::ZERO
        })
        .expect("a looked-up value");
    let mult = cols.get(shared(range::cols::MULT), row);
    cols.set(shared(range::cols::MULT), row, mult + Felt::ONE);
    check(f);
}

#[test]
fn a_local_access_outside_the_frame_is_rejected() {
    // loc_load.0's FMPADD pushes the address 8, outside the procedure's frame (which lies
    // at 2^30 and above), where the caller stored 7: the read returns the caller's 7 and the
    // memory table agrees, but FMPADD's result is not fmp + imm.
    let f = forge(
        "proc.f.4 loc_load.0 swap drop end begin push.7 mem_store.8 exec.f end",
        &[],
        after_first(Opcode::Fmpadd, |st| st.top[0] = Felt::new(8)),
    );
    rejected(&f, "stack.s[0]");
    rejected_by_verifier(f);
}

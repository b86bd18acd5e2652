//! Forgeries for the mutation sweep (see `main.rs`): the hasher's request section
//! (`vm_air::chiplets`, the `q` selector) and its bus column (`vm_air::bus::hash_answers`).

use vm_air::{bus, chiplets::hasher::CYCLE_LEN, layout::*};
use vm_core::{Felt, FieldElement, Opcode};
use vm_prover::check::CheckField;

use crate::boundary::set_fraction;
use crate::common::forge::{after_first, forge, Forgery};
use crate::Case;

/// Constraints of this component whose isolating forgeries are not written yet, with what
/// such a forgery has to do (the sweep checks these as it checks `memory::PENDING`).
pub const PENDING: &[(&str, &str)] = &[
    (
        "chiplet.req_binary",
        "a request selector other than 0 or 1: forgery to write (it scales the round flag, the \
         answers' multiplicities and the range selector `1 - h - q - m - k` at once, so the \
         rounds, the range constraints and the chiplet column see the row too)",
    ),
    (
        "chiplet.req_exclusive",
        "a request row on an attestation row: forgery to write (the permutation block's \
         selector and round flag are then 2 there, so the hasher's constraints see it too)",
    ),
];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    vec![
        answer_rewritten(),
        Case::new("chiplet.req_after_hasher", memory_restarts_after_requests()),
    ]
}

/// `chiplet.req_after_hasher`: a request section placed inside the memory section lets
/// the memory section restart below it (the memory selector may follow a row of either
/// hasher section), and a restarted section's first access is a new word, whose unwritten
/// elements read zero: a stale read. The program stores 1 at words 0..24 and 5 at 28,
/// permutes, and loads word 28; the liar's load returns 0. The memory table's eight writes
/// (a whole cycle, so the requests stay aligned) come first, then the request section,
/// then the read, as the first row of a second section.
fn memory_restarts_after_requests() -> Forgery {
    use vm_air::chiplets::memory::cols as mc;
    let src = "begin push.1 mem_store.0 push.1 mem_store.4 push.1 mem_store.8 \
               push.1 mem_store.12 push.1 mem_store.16 push.1 mem_store.20 \
               push.1 mem_store.24 push.5 mem_store.28 \
               padw padw padw hperm dropw dropw dropw mem_load.28 end";
    let mut f = forge(
        src,
        &[],
        after_first(Opcode::Mload, |st| st.top[0] = Felt::ZERO),
    );
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let start = (0..last)
        .find(|&r| cols.get(HASH_REQ, r) == Felt::ONE)
        .expect("a request section");
    let requests = CYCLE_LEN + 1;
    let mem = start + requests;
    assert!((mem..mem + 9).all(|r| cols.get(MEM_ACTIVE, r) == Felt::ONE));
    // The read (the table's last row) as a new word that reads 0.
    let read = mem + 8;
    cols.set(shared(mc::NW), read, Felt::ONE);
    cols.set(shared(mc::V), read, Felt::ZERO);
    cols.set(shared(mc::U), read, Felt::ZERO);
    // Rotate the region's rows: the eight writes, the request section, the read.
    let digest: Vec<Felt> = (0..12).map(|i| cols.get(HASH_STATE + i, start)).collect();
    for c in CPU_WIDTH..BASE_WIDTH {
        let col = cols.get_column_mut(c);
        col[start..mem + 8].rotate_left(requests);
    }
    // The attestation's digest stays on the row after its section (memory rows leave the
    // state lanes free); HPERM names its cycle's new absorb row.
    for (i, v) in digest.into_iter().enumerate() {
        cols.set(HASH_STATE + i, start, v);
    }
    let hperm = (0..last)
        .find(|&r| {
            cols.get(GROUP + Opcode::Hperm.group_index(), r) == Felt::ONE
                && cols.get(LOW + Opcode::Hperm.low_index(), r) == Felt::ONE
        })
        .expect("the HPERM row");
    cols.set(HELPER, hperm, Felt::new((start + 8) as u64));
    f
}

/// `bus.hash`: the liar claims that HPERM of the zero state is the zero state, and rewrites
/// the request section's answer on the row after the permutation (the closing row, which
/// answers the output) to the fraction of the claimed output, so that the running sum
/// balances the CPU's request. Only the column's definition is violated.
fn answer_rewritten() -> Case {
    let f: Forgery = forge(
        "begin padw padw padw hperm end",
        &[],
        after_first(Opcode::Hperm, |st| {
            for x in &mut st.top[..12] {
                *x = Felt::ZERO;
            }
        }),
    );
    let main = winter_prover::Trace::main_segment(&f.trace);
    let last = f.trace.last_real;
    let start = (0..last)
        .find(|&r| main.get(HASH_REQ, r) == Felt::ONE)
        .expect("a request section");
    let close = start + CYCLE_LEN;
    assert_eq!(main.get(HASH_REQ_OUT, close), Felt::ONE);
    assert_eq!(main.get(HASH_REQ_IN, close), Felt::ZERO);
    let clk = Felt::new(close as u64);
    Case::with_tamper("bus.hash", f, move |aux, rands| {
        let claimed: CheckField = bus::hash_message::<Felt, CheckField>(
            rands,
            bus::tag::HASH_OUT,
            clk,
            &[Felt::ZERO; 12],
        );
        set_fraction(aux, AUX_HASH, close, claimed.inv(), last);
    })
}

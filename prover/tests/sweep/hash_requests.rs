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
    (
        "chiplet.req_after_hasher",
        "a request section that starts below another section: forgery to write (the \
         contiguity constraints of the memory and bitwise sections and the range checker's \
         `range.starts_at_zero` see the rows around it too)",
    ),
];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    vec![answer_rewritten()]
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

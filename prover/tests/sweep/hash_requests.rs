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
pub const PENDING: &[(&str, &str)] = &[];

/// Constraints of this component no forgery can isolate, with the reason switching one off
/// alone cannot yield a false proof.
pub const REDUNDANT: &[(&str, &str)] = &[(
    "chiplet.req_exclusive",
    "a row with q = h = 1 (both binary: chiplet.req_binary, chiplet.active_binary) lies in \
     the attestation's whole cycles (h never restarts); there m = k = 0 \
     (chiplet.mem_after_hasher and chiplet.bit_exclusive read 2m and 2k), so the range \
     selector 1 - h - q - m - k is -1, and the round flag is 2R (chiplet.round_flag). On a \
     round row (R = 1) the hasher's constraints are the honest round's times 2 (hash.inv \
     reads 2 (b - y^3) + 2 (3 y^2 K - 3 y K^2 + K^3) = 2 (b - (y - K)^3)), so a = s^3, and \
     the range constraints, scaled by -1, make the cubes of lanes 2, 3, 4 the three step \
     helpers of one of the nine steps: three lanes of a state of the attested program's \
     sponge at one of nine fixed triples, a preimage search. On an absorb row (R = 0) the \
     hasher's constraints, the program table (multiplicities a_j h (1 - r) = a_j) and the \
     digest (h (1 - h')) read what they read with q = 0; what changes is what the row \
     answers. On the hash column: the input (HASH_IN, clk, s') and the output (HASH_OUT, \
     clk, s) of the attestation's own cycles, true permutation statements (an HPERM's \
     output at S + 8 is answered only by the absorb row of clock S + 8, with q = 1, whose \
     state the rounds between computed from the one after S). On the chiplet column: \
     -a1 / (2 - fp(RANGE, a0)) = a1 / (alpha - 7 - beta a0), a tag (7) no message has, so \
     a1 = 0; and the range constraints on the step from a0 to the next row's a0. So the \
     row answers only true statements and otherwise restricts the trace: switched off, \
     the constraint lets no false statement through. (No isolating trace is written: the \
     step's next a0 is the cube of the capacity lane the absorption copies, a value of the \
     program's sponge, except at row 0, where it is (2n)^3 for n instructions; but there \
     a0 = m0 >= 1 answers m0 HPERM inputs, whose outputs need q = 1 on row 8, so the \
     program has one block, address 1 never runs (a1 = 0) and an HPERM sits at address 2 \
     or 3, so m3 >= 1 (an HPERM at 2 falls through to 3), and the step d = 8 n^3 - m0 \
     makes m3 its helper u2, nonzero only for d >= 81, where it is at least \
     81 * 80 * 78 * 72 * 54, about 2 * 10^9 rows.)",
)];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    vec![
        answer_rewritten(),
        Case::new("chiplet.req_after_hasher", memory_restarts_after_requests()),
        Case::new(
            "chiplet.req_binary",
            digest_row_doubled(Felt::new(2), false),
        ),
    ]
}

/// A run without chiplet rows whose first row after the attestation (the digest row, an
/// absorb position of the cycle, value 0 and multiplicity 0 in the range table) gets the
/// request selector `q` and, when `bitwise`, the bitwise selector 1: the range selector
/// `1 - h - q - m - k` is then `1 - q` (or `-q`), nonzero, so the range table starts again
/// at 0 on the next row (the rest of it one row lower). The row is a request absorb row
/// whose answers' multiplicities (the range cells `value` and `mult`) are 0, with no round
/// (its round flag `(h + q) R` is 0 there) and a bitwise row of phase 0 (the range value),
/// and the range constraints read a step of 0 from it: only the selectors' own placement
/// constraints see it. (It proves nothing false: it shows that switching those off lets a
/// trace through that the AIR forbids.)
pub fn digest_row_doubled(q: Felt, bitwise: bool) -> Forgery {
    use vm_air::chiplets::range;
    let mut f = forge("begin add end", &[1, 2], |_, _, _, _| {});
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let digest = (0..last)
        .find(|&r| cols.get(HASH_ACTIVE, r) == Felt::ZERO)
        .expect("the attestation ends");
    assert_eq!(digest % CYCLE_LEN, 0);
    for c in 0..range::cols::WIDTH {
        assert!(
            c >= range::cols::U || cols.get(shared(c), digest) == Felt::ZERO,
            "the range table's first row holds 0, looked up 0 times"
        );
        cols.set(shared(c), digest, Felt::ZERO);
    }
    cols.set(HASH_REQ, digest, q);
    if bitwise {
        cols.set(BIT_ACTIVE, digest, Felt::ONE);
    }
    let table = vm_prover::trace::memory::range_table(&[]);
    crate::common::memtable::write_range(cols, digest + 1, last, &table, |_| {});
    f
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
        .find(|&r| crate::common::executes(|c| cols.get(c, r), Opcode::Hperm))
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
            &bus::Challenges::new(rands),
            bus::tag::HASH_OUT,
            clk,
            &[Felt::ZERO; 12],
        );
        set_fraction(aux, AUX_HASH, close, claimed.inv(), last);
    })
}

/// `chiplet.req_exclusive`: on an absorb row of the attestation with `q = 1` the chiplet
/// column's answer is `-a1 / fp(7, a0)` (a tag no message has) and the program table reads
/// the multiplicities as with `q = 0`; on a round row the hasher's constraints are the honest
/// round's times 2, and the program table reads `-a_j`.
#[test]
fn a_request_row_on_an_attestation_row_answers_a_tag_no_message_has() {
    use vm_air::chiplets::hasher::{self, permutation_rows, HASH_WIDTH};
    let rands = [Felt::new(0x1357_9bdf), Felt::new(0x2468_ace0)];
    let mut row = vec![Felt::ZERO; BASE_WIDTH];
    row[HASH_ACTIVE] = Felt::ONE;
    row[HASH_REQ] = Felt::ONE;
    row[shared(0)] = Felt::new(5);
    row[shared(1)] = Felt::new(3);
    let next = row.clone();
    let (den, num) =
        bus::chiplet_response::<Felt, Felt>(&bus::Challenges::new(&rands), &row, &next);
    assert_eq!(num, -Felt::new(3));
    let tag7: Felt =
        bus::fingerprint_of(&bus::Challenges::new(&rands), Felt::new(7), &[Felt::new(5)]);
    assert_eq!(den, -tag7);
    for j in 0..4 {
        assert_eq!(bus::rom_multiplicity(&row, j), row[HASH_MULT + j]);
    }
    // A round row with selector h + q = 2 and round flag 2.
    let (rows, _) = permutation_rows([Felt::new(9); 12], [Felt::new(4); 8]);
    let periodic: Vec<Felt> = hasher::periodic_columns().iter().map(|c| c[2]).collect();
    struct Zero;
    impl vm_air::named::Sink<Felt> for Zero {
        fn emit(&mut self, name: &'static str, _: vm_air::named::Degree, v: Felt) {
            assert_eq!(v, Felt::ZERO, "{name}");
        }
        fn emit_at(&mut self, name: &'static str, i: usize, _: vm_air::named::Degree, v: Felt) {
            assert_eq!(v, Felt::ZERO, "{name}[{i}]");
        }
    }
    let two = Felt::new(2);
    hasher::evaluate(
        &rows[2],
        &rows[3],
        two,
        two,
        Felt::ZERO,
        &periodic,
        &mut Zero,
    );
    let mut round = vec![Felt::ZERO; BASE_WIDTH];
    round[HASH_ACTIVE] = Felt::ONE;
    round[HASH_REQ] = Felt::ONE;
    round[HASH_ROUND] = two;
    round[HASH..HASH + HASH_WIDTH].copy_from_slice(&rows[2]);
    for j in 0..4 {
        assert_eq!(bus::rom_multiplicity(&round, j), -round[HASH_MULT + j]);
    }
}

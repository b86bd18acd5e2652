//! Forgeries for the mutation sweep (see `main.rs`): the boundary assertions (row 0, the
//! `HALT` row before the last, the last real row, the bus's ends) and the bus's own
//! transition constraints.
//!
//! Most forgeries are honest runs whose claimed statement or whose trace differs in the one
//! place the target pins; the bus forgeries execute an instruction other than the attested
//! one and then change the bus columns so that only the target fraction's (or the sum's)
//! definition is broken.

use vm_air::{bus, chiplets::hasher as hash, layout::*, preset};
use vm_core::{Felt, FieldElement, Opcode, Program, StackInputs, StackOutputs};
use vm_prover::{check::CheckField, trace::TraceHooksForTesting};
use winter_prover::{matrix::ColMatrix, Trace};

use crate::common::forge::{
    assemble, forge, forge_with, honest_run, inputs, recount_multiplicities, Forgery,
};
use crate::common::{rows_of, Phase};
use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[
    (
        "init.depth",
        "depth[last] = depth[0] + sum(ovf_push) - sum(ovf_pop) over rows 0..last (overflow.depth), \
         and the bus (bus.ends_at_program_hash with the overflow table's own OVERFLOW tag, pushes \
         inserting and pops removing one row each: bus.table, overflow.push_on_right_shift, \
         overflow.pop_binary) balances only if as many rows are removed as inserted, so \
         depth[0] = depth[last], which final.depth pins to 16: with init.depth off alone a \
         start deeper or shallower than 16 leaves a table row removed-but-never-inserted or \
         inserted-but-never-removed, and the bus catches it",
    ),
    (
        "final.depth",
        "the mirror of init.depth: depth[last] = depth[0] + sum(ovf_push) - sum(ovf_pop) \
         (overflow.depth) and a balanced bus needs as many overflow-table removals as \
         insertions, so depth[last] = depth[0] = 16 (init.depth); ending deeper than 16 \
         without draining leaves inserted rows unremoved (bus.ends_at_program_hash; also \
         overflow.pop_when_deep on the HALT rows)",
    ),
    (
        "init.hash_active",
        "with active = 0 on row 0, chiplet.active_never_restarts keeps it 0 on every row and \
         chiplet.round_flag keeps the round flag 0, so every program-table multiplicity \
         m_j (active - round) is zero and no digest message is sent (bus.chiplet: its flag \
         active (1 - active') is 0); but bus.lookups makes the lookup of each of rows \
         0..last 1/fp(ROM, pc, op, imm), nonzero, with nothing of the ROM tag to cancel \
         them, and nothing of the PROGRAM tag meets the verifier's 1/fp(PROGRAM, H), so \
         bus.ends_at_program_hash fails",
    ),
];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(statement_lies());
    cases.extend(initial_register_lies());
    cases.extend(chiplet_lies());
    cases.extend(halt_lies());
    cases.extend(bus_lies());
    cases
}

type Aux = ColMatrix<CheckField>;

/// Every real row of a trace.
fn real_rows(f: &Forgery) -> std::ops::RangeInclusive<usize> {
    0..=f.trace.last_real
}

/// Adds `delta` to column `col` on every real row.
fn shift_column(f: &mut Forgery, col: usize, delta: Felt) {
    let rows = real_rows(f);
    let cols = f.trace.columns_mut_for_testing();
    for r in rows {
        cols.set(col, r, cols.get(col, r) + delta);
    }
}

/// Stack inputs whose padded top-first form is `top`.
fn stack_inputs(top: [Felt; 16]) -> StackInputs {
    let mut file_order = top.to_vec();
    file_order.reverse();
    StackInputs::new(file_order).unwrap()
}

// ---- the claimed statement differs from the honest run in one element ----------------------

/// Honest runs whose claim differs in one initial stack element, one output element or one
/// digest element: the claim is false (the program on those inputs does not give those
/// outputs, or has another hash), and only the assertion on that element sees it.
fn statement_lies() -> Vec<Case> {
    let mut cases = Vec::new();
    // ADD shifts left: input i reaches output i - 1 (s0 + s1 for i <= 1), so every input
    // element matters and the claimed input of each case gives another output.
    let stack: Vec<u64> = (1..=16).collect();
    for i in 0..16 {
        let mut f = forge("begin add end", &stack, |_, _, _, _| {});
        let mut top = f.public.initial_stack();
        top[i] += Felt::new(1000);
        f.public.stack_inputs = stack_inputs(top);
        cases.push(Case::new(format!("init.stack[{i}]"), f));
    }
    for i in 0..16 {
        let mut f = forge("begin add end", &stack, |_, _, _, _| {});
        let mut out = f.public.final_stack();
        out[i] += Felt::ONE;
        f.public.stack_outputs = StackOutputs::new(&out).unwrap();
        cases.push(Case::new(format!("final.stack[{i}]"), f));
    }
    cases
}

// ---- registers of row 0 -------------------------------------------------------------------

fn initial_register_lies() -> Vec<Case> {
    let mut cases = Vec::new();

    // The clock shifted by a constant: cpu.clock only fixes its steps, and a program that
    // touches neither table never feeds clk into a fingerprint, so row 0's assertion alone
    // pins where it starts (the table addresses clk + 1 rely on it being the row index).
    let mut f = forge("begin add end", &[1, 2], |_, _, _, _| {});
    shift_column(&mut f, CLK, Felt::new(5));
    cases.push(Case::new("init.clk", f));

    // The run starts at address 1, skipping the attested program's first instruction
    // (INCR): the liar runs "add" alone, every pc shifted up by one so that each lookup is
    // an attested entry, multiplicities recounted. The claimed output (4 + 3) is not the
    // attested program's (5 + 3).
    let attested = assemble("begin add.1 add end");
    let executed = assemble("begin add end");
    assert_eq!(attested.code()[0].op, Opcode::Incr);
    assert_eq!(attested.code()[1..], executed.code()[..]);
    let mut f = forge_with(
        &attested,
        &executed,
        &[3, 4],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    );
    shift_column(&mut f, PC, Felt::ONE);
    recount_multiplicities(&mut f.trace);
    cases.push(Case::new("init.pc", f));

    cases.push(Case::new("init.ovf_ptr", overflow_row_from_the_future()));

    // The control registers of row 0 hold a fake frame that the run never pops (no CALL,
    // REPEAT, RET or NEXT): the kept constraints carry it to the end unseen, so only the
    // assertion on row 0 catches it. (Popping such a frame would remove a control-table
    // row never inserted, which the bus sees; this is the violation in isolation.)
    for (name, col, v) in [
        ("init.ctop", CTOP, 7u64),
        ("init.ckind", CKIND, 1),
        ("init.cptr", CPTR, 9),
    ] {
        let mut f = forge("begin add end", &[1, 2], |_, _, _, _| {});
        shift_column(&mut f, col, Felt::new(v));
        cases.push(Case::new(name, f));
    }
    cases
}

/// `ovf_ptr = 2` on row 0 lets a DROP at depth 16 pop a row of address 2 that the run only
/// inserts later: the DUP15 on row 1 (clk + 1 = 2) pushes exactly the row the DROP removed,
/// so the bus balances (it does not care about order). The popped value is free: the DROP
/// puts 99 in s15 instead of 0, DUP15 brings it to the top, and the claimed output starts
/// with 99 where the honest run ends with 0.
///
/// Rows: 0 DROP (depth 16, ptr 2, pops (2, 99, 0)); 1 DUP15 (depth 15, ptr 0, inserts
/// (2, 99, 0)); 2.. HALT (depth 16, ptr 2, nothing to drain).
fn overflow_row_from_the_future() -> Forgery {
    let v = Felt::new(99);
    let stack: Vec<u64> = (1..=16).collect();
    // Honest: DROP leaves s15 = 0, DUP15 pushes it (depth 17), the first HALT drains it.
    let mut f = forge("begin drop dup.15 end", &stack, |_, _, _, _| {});
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let two = Felt::new(2);
    cols.set(OVF_PTR, 0, two);
    cols.set(OVF_POP, 0, Felt::ONE);
    cols.set(OVF_VAL, 0, v);
    cols.set(STACK + 15, 1, v);
    cols.set(DEPTH, 1, Felt::new(15));
    cols.set(OVF_PTR, 1, Felt::ZERO);
    for r in 2..=last {
        cols.set(STACK, r, v);
        cols.set(DEPTH, r, Felt::new(16));
        cols.set(OVF_PTR, r, two);
        cols.set(OVF_POP, r, Felt::ZERO);
        cols.set(OVF_VAL, r, Felt::ZERO);
    }
    let mut out = f.public.final_stack();
    assert_eq!(out[0], Felt::ZERO);
    out[0] = v;
    f.public.stack_outputs = StackOutputs::new(&out).unwrap();
    f
}

// ---- the hash chiplet's start and end -----------------------------------------------------

/// Rewrites the chiplet's state columns, selector and round flag on the real rows: the
/// sponge starts from `iv` and runs `blocks` permutations (the program's blocks, then zero
/// blocks); the row after the last cycle carries the digest. Multiplicities and block
/// addresses are left as built. Returns the digest.
fn rerun_chiplet(f: &mut Forgery, program: &Program, iv: [Felt; 12], blocks: usize) -> [Felt; 4] {
    let last = f.trace.last_real;
    let elements = vm_core::program::encode_for_hash(program.code());
    let cols = f.trace.columns_mut_for_testing();
    let mut state = iv;
    let mut put = |i: usize, row: &[Felt; hash::HASH_WIDTH], active: bool| {
        if i <= last {
            // The multiplicities share the absorb row's helper cells: keep them.
            let mults: Vec<Felt> = (0..INSTRUCTIONS_PER_CYCLE)
                .map(|j| cols.get(HASH_MULT + j, i))
                .collect();
            // Below the hasher only the state lanes are its own.
            let own = if active { row.len() } else { hash::STATE_WIDTH };
            for (c, v) in row.iter().enumerate().take(own) {
                cols.set(HASH + c, i, *v);
            }
            if active && i.is_multiple_of(hash::CYCLE_LEN) {
                for (j, m) in mults.into_iter().enumerate() {
                    cols.set(HASH_MULT + j, i, m);
                }
            }
            cols.set(HASH_ACTIVE, i, Felt::from(active as u8));
            let round = active && !i.is_multiple_of(hash::CYCLE_LEN);
            cols.set(HASH_ROUND, i, Felt::from(round as u8));
        }
    };
    for k in 0..blocks {
        let block: [Felt; 8] =
            std::array::from_fn(|j| elements.get(8 * k + j).copied().unwrap_or(Felt::ZERO));
        let (rows, out) = hash::permutation_rows(state, block);
        for (r, row) in rows.iter().enumerate() {
            put(hash::CYCLE_LEN * k + r, row, true);
        }
        state = out;
    }
    let end = hash::CYCLE_LEN * blocks;
    let mut after = [Felt::ZERO; hash::HASH_WIDTH];
    after[..12].copy_from_slice(&state);
    put(end, &after, false);
    [state[4], state[5], state[6], state[7]]
}

fn chiplet_lies() -> Vec<Case> {
    let mut cases = Vec::new();

    // A sponge started from another initial state (one lane 1 instead of 0): the chiplet
    // hashes the program correctly from there, and the liar claims that digest as the
    // program hash, which is not the program's hash.
    for i in 1..12 {
        let p = assemble("begin add end");
        let mut f = honest_run(&p, &[3, 4]);
        let mut iv = [Felt::ZERO; 12];
        iv[0] = f.trace.columns_mut_for_testing().get(HASH_STATE, 0);
        iv[i] = Felt::ONE;
        let blocks = p.code().len().div_ceil(INSTRUCTIONS_PER_CYCLE);
        f.public.program_hash = rerun_chiplet(&mut f, &p, iv, blocks);
        cases.push(Case::new(format!("init.hash_state[{i}]"), f));
    }

    // Block addresses starting at -4: the chiplet's first block (four MULIs) then sits at
    // addresses -4..-1, never looked up, and its second block (ADD, HALT) at 0..3, so the
    // run executes only "add" while the claim is about the attested program, which would
    // first multiply s0 by 16. The multiplicities move to the second block's absorb row.
    let attested = assemble("begin mul.2 mul.2 mul.2 mul.2 add end");
    let executed = assemble("begin add end");
    assert_eq!(attested.code()[0].op, Opcode::Muli);
    assert_eq!(attested.code()[4..], executed.code()[..]);
    let mut f = forge_with(
        &attested,
        &executed,
        &[3, 4],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    );
    shift_column(&mut f, HASH_ADDR, -Felt::new(4));
    let cols = f.trace.columns_mut_for_testing();
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        let m = cols.get(HASH_MULT + j, 0);
        cols.set(HASH_MULT + j, hash::CYCLE_LEN, m);
        cols.set(HASH_MULT + j, 0, Felt::ZERO);
    }
    cases.push(Case::new("init.hash_addr", f));

    cases
}

// ---- the HALT row -------------------------------------------------------------------------

/// A run of `src` cut at the last real row: the first `last` cycles are executed honestly
/// and the state reached at cycle `last` is claimed as the output, though the row before it
/// did not execute a HALT (see soundness.rs, `cut_short`). Tries a few `nop` prefixes to
/// find a cut whose row `last - 1` executes `want` and whose claimed state has depth 16
/// (with the control table empty: the bodies use while loops only). The claim is false:
/// each body counts down to 0 and the cut comes long before.
fn cut_short(body: &str, stack: &[u64], want: Opcode) -> Forgery {
    let preset = preset::default_preset();
    let n = 1usize << 10;
    let last = n - preset.random_rows() - 1;
    for nops in 0..16 {
        let p = assemble(&format!("begin {} {body} end", "nop ".repeat(nops)));
        let rows = rows_of(&p, &inputs(stack), last + 1);
        let final_row = rows[last];
        if rows[last - 1].instruction.op != want || final_row.depth != 16 {
            continue;
        }
        let real = crate::common::run(&p, &inputs(stack), &[], |_, _, _, _| {}).outputs;
        assert_ne!(
            real.top_first(),
            &final_row.stack,
            "the claim must be false"
        );
        let (f, cut) = crate::common::forge::cut_short(&p, stack, 10);
        assert_eq!(cut.len(), rows.len());
        return f;
    }
    panic!("no cut of {body} executes {want} on the row before the last");
}

fn halt_lies() -> Vec<Case> {
    // While loops (JMPZ/JMP, no control frame, which a cut would leave on the table).
    // A countdown from 1000 cut after about 200 steps on a NOOP: NOOP's flag pair (0, 1)
    // shares HALT's (0, 2) first column, so only halt.flag_second sees the missing HALT. The
    // claimed counter is not 0.
    let second = cut_short(
        "dup.0 neq.0 while.true sub.1 nop dup.0 neq.0 end",
        &[1000],
        Opcode::Noop,
    );
    // The same countdown multiplying two zero extension elements below the counter (the
    // native EXT2MUL of `ext2mul`), cut on the EXT2MUL: its pair (2, 4) holds HALT's second
    // column as its first, so only halt.flag_first sees it.
    let first = cut_short(
        "dup.0 neq.0 while.true sub.1 movdn.4 ext2mul movup.2 dup.0 neq.0 end",
        &[1000],
        Opcode::Ext2mul,
    );
    let ext = Opcode::Ext2mul.flag_pair();
    let halt = Opcode::Halt.flag_pair();
    assert_eq!(Opcode::Noop.flag_pair().0, halt.0);
    assert_ne!(Opcode::Noop.flag_pair().1, halt.1);
    assert!(ext.0 != halt.0 && ext.1 != halt.0 && (ext.0 == halt.1 || ext.1 == halt.1));
    vec![
        Case::new("halt.flag_second", second),
        Case::new("halt.flag_first", first),
    ]
}

// ---- the bus ------------------------------------------------------------------------------

/// The attested program of the bus forgeries: ADD, MUL, PUSH 3, ADD, HALT (addresses 0..4).
const ATTESTED: &str = "begin add mul push.3 add end";

/// The run of a program differing from [`ATTESTED`] at address `j` (row `j` executes it):
/// the bus does not balance, `bus.ends_at_program_hash` alone sees it.
fn swapped(j: usize) -> Forgery {
    let executed = [
        "begin mul mul push.3 add end",
        "begin add add push.3 add end",
        "begin add mul push.4 add end",
        "begin add mul push.3 mul end",
    ][j];
    let (a, e) = (assemble(ATTESTED), assemble(executed));
    assert_eq!(a.code().len(), 5);
    let differing: Vec<usize> = (0..5).filter(|&k| a.code()[k] != e.code()[k]).collect();
    assert_eq!(differing, [j]);
    forge_with(
        &a,
        &e,
        &[2, 3, 4],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    )
}

/// Sets one bus fraction and moves the running sum from the next row on by the change, so
/// that only that fraction's defining constraint breaks. The sum adds the lookup and table
/// fractions and subtracts the program-table entries.
pub(crate) fn set_fraction(aux: &mut Aux, col: usize, row: usize, value: CheckField, last: usize) {
    let old = aux.get(col, row);
    let d = if bus::is_received(col) {
        old - value
    } else {
        value - old
    };
    aux.set(col, row, value);
    for r in row + 1..=last {
        aux.set(AUX_SUM, r, aux.get(AUX_SUM, r) + d);
    }
}

/// Row `r` of the forged main trace.
fn row_of(f: &Forgery, r: usize) -> Vec<Felt> {
    let main = f.trace.main_segment();
    (0..main.num_cols()).map(|c| main.get(c, r)).collect()
}

fn bus_lies() -> Vec<Case> {
    let mut cases = Vec::new();

    // The instruction at address 1 executed as ADD, attested as MUL.
    cases.push(Case::new("bus.ends_at_program_hash", swapped(1)));

    // The same, with the final imbalance subtracted from the whole running sum: it ends at
    // the verifier's value and keeps every step, so only its start is wrong.
    let f = swapped(1);
    let last = f.trace.last_real;
    let hash = f.public.program_hash;
    let imbalance = move |aux: &Aux, rands: &[CheckField]| {
        aux.get(AUX_SUM, last) - bus::expected_end::<CheckField>(rands, hash)
    };
    cases.push(Case::with_tamper(
        "bus.starts_at_zero",
        f,
        move |aux, rands| {
            let s = imbalance(aux, rands);
            for r in 0..=last {
                aux.set(AUX_SUM, r, aux.get(AUX_SUM, r) - s);
            }
        },
    ));

    // The same, the imbalance absorbed by one step of the sum (between rows 1 and 2).
    let f = swapped(1);
    cases.push(Case::with_tamper("bus.sum", f, move |aux, rands| {
        let s = imbalance(aux, rands);
        for r in 2..=last {
            aux.set(AUX_SUM, r, aux.get(AUX_SUM, r) - s);
        }
    }));

    // An honest run claimed for another program hash `H'`: the digest message is replaced
    // by `1 / fp(PROGRAM, H')` (the sum follows), so the bus ends at the verifier's value
    // for `H'` and only the message's definition sees that the chiplet's digest is `H`.
    let mut f = forge("begin add end", &[3, 4], |_, _, _, _| {});
    f.public.program_hash[0] += Felt::ONE;
    let claimed = f.public.program_hash;
    let last = f.trace.last_real;
    let main = f.trace.main_segment();
    let end = (0..last)
        .find(|&r| main.get(HASH_ACTIVE, r + 1) == Felt::ZERO)
        .expect("the hasher's section ends");
    // The digest is the chiplet column's fraction on that row, `-1 / fp(PROGRAM, d)`.
    cases.push(Case::with_tamper("bus.chiplet", f, move |aux, rands| {
        let v = bus::expected_end::<CheckField>(rands, claimed);
        set_fraction(aux, AUX_CHIPLET, end, -v, last);
    }));

    // The CPU's lookup on row 1 (which executes ADD at address 1) set to the attested
    // MUL's fraction, the program table's entry 1 (multiplicity 1): the sum balances and
    // only the lookup column's definition is wrong.
    let f = swapped(1);
    let (row0, row1) = (row_of(&f, 0), row_of(&f, 1));
    cases.push(Case::with_tamper("bus.lookups", f, move |aux, rands| {
        let entry =
            bus::rom_entry::<Felt, CheckField>(&bus::Challenges::new(rands), &row0, &row1, 1).inv();
        set_fraction(aux, AUX_LOOKUPS, 1, entry, last);
    }));

    // The program table's entry j (absorbed on row 0, executed once on row j) replaced in
    // its column (entries 2k and 2k + 1 share column k) by the fraction of the instruction
    // actually executed there, row j's lookup.
    for k in 0..INSTRUCTIONS_PER_CYCLE / 2 {
        let j = 2 * k + 1;
        let f = swapped(j);
        assert_eq!(f.trace.main_segment().get(HASH_MULT + j, 0), Felt::ONE);
        let (row0, row1) = (row_of(&f, 0), row_of(&f, 1));
        cases.push(Case::with_tamper(
            format!("bus.rom_entries[{k}]"),
            f,
            move |aux, rands| {
                let entry = bus::rom_entry::<Felt, CheckField>(
                    &bus::Challenges::new(rands),
                    &row0,
                    &row1,
                    j,
                )
                .inv();
                let lookup = aux.get(AUX_LOOKUPS, j);
                let v = aux.get(AUX_ROM_ENTRY + k, 0) - entry + lookup;
                set_fraction(aux, AUX_ROM_ENTRY + k, 0, v, last);
            },
        ));
    }

    cases.push(overflow_value_swapped());
    cases
}

/// PUSH at depth 16 puts s15 = 1 into the overflow table (row (1, 1, 0)); the liar's DROP
/// takes 99 out of it instead, so the claimed s15 is 99. The removal's fraction is set to
/// that of the honest row (1, 1, 0): the sum balances and only `bus.table` on row 1 sees
/// that the fraction is not the one of the row the trace removes.
fn overflow_value_swapped() -> Case {
    let stack: Vec<u64> = (1..=16).collect();
    let lie = Felt::new(99);
    let mut f = forge("begin push.5 drop end", &stack, |phase, clk, _, st| {
        if phase == Phase::After && clk == 0 {
            *st.overflow.last_mut().unwrap() = lie;
        }
    });
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    assert_eq!(cols.get(OVF_POP, 1), Felt::ONE);
    // The processor pops the value the liar left in the table; the row PUSH inserted holds
    // the old s15.
    assert_eq!(cols.get(OVF_VAL, 1), lie);
    let honest = [
        cols.get(OVF_PTR, 1),
        cols.get(STACK + 15, 0),
        cols.get(OVF_PTR, 2),
        Felt::ZERO,
    ];
    assert_eq!(f.public.final_stack()[15], lie);
    Case::with_tamper("bus.table", f, move |aux, rands| {
        let fp: CheckField = bus::fingerprint(&bus::Challenges::new(rands), tag::OVERFLOW, honest);
        set_fraction(aux, AUX_TABLE, 1, -fp.inv(), last);
    })
}

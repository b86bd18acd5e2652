//! Forgeries for the mutation sweep (see `main.rs`): the memory chiplet, the range checker,
//! and the CPU's memory context and frame pointer.
//!
//! A memory liar makes a read return what it wants: the malicious processor puts the lie on
//! the stack (so the CPU's request carries it) and the memory table is edited to answer it,
//! every derived column (word state, flags, sort deltas, the range checker's table and its
//! multiplicities) recomputed, so that the bus balances and only the targeted constraint
//! sees the lie. Context and frame-pointer liars change the processor's state; the run goes
//! on honestly from there, so the memory table the prover builds follows the lie.

use vm_air::{
    chiplets::{memory::cols as m, range},
    layout::*,
};
use vm_core::{Felt, FieldElement, Opcode};
use vm_prover::trace::memory::{range_table, rows_in_order, Access};
use winter_prover::Trace;

use crate::boundary::set_fraction;
use crate::common::forge::{after_first, assemble, forge, honest_run, Forgery};
use crate::common::memtable::{mem_rows, put_mem_rows, write_range};
use crate::Case;

/// Constraints of this component no forgery isolates yet, with the reason; the sweep lists
/// them as not covered by name (each must stay uncovered, so writing its forgery fails the
/// sweep until the entry is removed).
pub const PENDING: &[(&str, &str)] = &[
    (
        "overflow.callee_depth",
        "a callee seeing its caller's overflow: forgery to write",
    ),
    (
        "overflow.callee_ptr",
        "a callee seeing its caller's overflow: forgery to write",
    ),
    (
        "control.ctx_flag_on_push",
        "a CALLCTX frame saved as an exec frame: forgery to write",
    ),
    (
        "control.ctx_flag_binary",
        "a non-binary frame flag on a pop: forgery to write",
    ),
    (
        "control.call_returns_at_depth_16",
        "a `call` returning deeper than 16: forgery to write",
    ),
    (
        "chiplet.mem_binary",
        "a non-binary memory selector: forgery to write",
    ),
    (
        "chiplet.mem_after_hasher",
        "a memory row inside the hasher: forgery to write",
    ),
    (
        "chiplet.mem_contiguous",
        "a memory section restarting: forgery to write",
    ),
    ("mem.rw_binary", "a non-binary write flag: forgery to write"),
    ("mem.ew_binary", "a non-binary word flag: forgery to write"),
    (
        "mem.sel_binary[0]",
        "a non-binary selector: forgery to write",
    ),
    (
        "mem.sel_binary[1]",
        "a non-binary selector: forgery to write",
    ),
    (
        "mem.sel_binary[2]",
        "a non-binary selector: forgery to write",
    ),
    (
        "mem.sel_binary[3]",
        "a non-binary selector: forgery to write",
    ),
    (
        "mem.cc_binary",
        "a non-binary new-context flag: forgery to write",
    ),
    (
        "mem.nw_binary",
        "a non-binary new-word flag: forgery to write",
    ),
];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    let mut v = vec![
        Case::new("mem.value[0]", first_read_not_zero()),
        Case::new("mem.value_of_access", message_not_the_word()),
        Case::new("mem.sel_count", two_elements_selected()),
        Case::new("mem.first_is_new", first_row_continues_the_hasher()),
        Case::new("mem.delta", write_hidden_by_reordering()),
        Case::new("mem.word_kept", two_words_merged()),
        Case::new("mem.ctx_kept", two_contexts_merged(false)),
        Case::new("mem.new_ctx_is_new_word", two_contexts_merged(true)),
        Case::new("mem.word_limbs", word_limbs_lie()),
        Case::new("system.ctx_on_call", callee_in_callers_context()),
        Case::new("system.ctx_kept", context_reused_later()),
        Case::new("system.fmp_update", frame_update_lies()),
        Case::new("system.fmp_kept", frame_pointer_moves()),
        Case::new("system.fmp_on_call", callee_frame_pointer_lies()),
        Case::new("init.fmp", initial_frame_pointer_lies()),
        Case::new("init.ctx", initial_context_lies()),
        Case::new("range.starts_at_zero", range_with(&[1], |_| {})),
        Case::new("range.ends_at_max", range_ending_below_max()),
        Case::new("range.step", range_with(&[0, 2], |_| {})),
        Case::new("range.u1", range_with(&[0, 2], |u| *u = [Felt::ZERO; 3])),
        Case::new(
            "range.u2",
            range_with(&[0, 2], |u| {
                u[1] = Felt::ZERO;
                u[2] = Felt::ZERO;
            }),
        ),
        Case::new("range.u3", range_with(&[0, 2], |u| u[2] = Felt::ZERO)),
        read_request_for_the_honest_value(),
        range_lookups_moved(),
    ];
    for j in 1..4 {
        v.push(Case::new(format!("mem.value[{j}]"), stale_read(j)));
    }
    for j in 0..4 {
        v.push(Case::new(format!("mem.written[{j}]"), read_that_writes(j)));
    }
    v
}

// ---- bus helpers ----------------------------------------------------------------------------

/// `bus.memory`: a read of a never-written cell returns 77 on the stack while the table
/// answers 0, and the CPU's request fraction is the one for 0 (the table row's answer): the
/// bus balances, and only the request's definition sees that it is not the message of the
/// operation on the stack.
fn read_request_for_the_honest_value() -> Case {
    let f = forge("begin mem_load.8 end", &[], read_returns(77));
    let last = f.trace.last_real;
    let main = f.trace.main_segment();
    let row = |pred: &dyn Fn(usize) -> bool| (0..last).find(|&r| pred(r)).expect("the row");
    let mload = Opcode::Mload;
    let cpu = row(&|r| {
        main.get(GROUP + mload.group_index(), r) == Felt::ONE
            && main.get(LOW + mload.low_index(), r) == Felt::ONE
    });
    let mem = row(&|r| main.get(MEM_ACTIVE, r) == Felt::ONE);
    Case::with_tamper("bus.memory", f, move |aux, _| {
        let answer = aux.get(AUX_CHIPLET, mem);
        set_fraction(aux, AUX_MEMORY, cpu, answer, last);
    })
}

/// `bus.range_limbs`: two memory rows trade their range-lookup fractions, so each row's
/// lookups are paid by the other's (which is what lets a row look up a value the table does
/// not hold); the sum of the column, and so the bus, is unchanged.
fn range_lookups_moved() -> Case {
    let f = forge(
        "begin push.5 mem_store.8 mem_load.12 end",
        &[],
        |_, _, _, _| {},
    );
    let last = f.trace.last_real;
    let main = f.trace.main_segment();
    let rows: Vec<usize> = (0..last)
        .filter(|&r| main.get(MEM_ACTIVE, r) == Felt::ONE)
        .collect();
    let (i, j) = (rows[0], rows[1]);
    Case::with_tamper("bus.range_limbs", f, move |aux, _| {
        let (a, b) = (aux.get(AUX_RANGE, i), aux.get(AUX_RANGE, j));
        assert_ne!(a, b, "the two rows look up different values");
        set_fraction(aux, AUX_RANGE, i, b, last);
        set_fraction(aux, AUX_RANGE, j, a, last);
    })
}

// ---- helpers ------------------------------------------------------------------------------

/// The memory accesses of a forged run, in execution order.
fn accesses_of(f: &Forgery, src: &str, stack: &[u64]) -> Vec<Access> {
    let _ = f;
    let p = assemble(src);
    let exec = vm_processor::execute_traced(
        &p,
        crate::common::forge::inputs(stack),
        Default::default(),
        &mut vm_processor::DefaultHost,
        Default::default(),
    )
    .expect("the honest run")
    .1;
    vm_prover::trace::memory::accesses(&exec)
}

/// Sets the read value on the stack after the first `MLOAD`.
fn read_returns(
    v: u64,
) -> impl FnMut(crate::common::Phase, usize, vm_core::Instruction, &mut crate::common::State) {
    after_first(Opcode::Mload, move |st| st.top[0] = Felt::new(v))
}

// ---- memory chiplet -------------------------------------------------------------------------

/// `mem.value[0]`: the first read of a never-written cell returns 77, not 0 (the soundness
/// bug Miden had until 2026): the table's row for it holds 77.
fn first_read_not_zero() -> Forgery {
    let mut f = forge("begin mem_load.8 end", &[], read_returns(77));
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[0][m::V] = Felt::new(77);
    rows[0][m::U] = Felt::new(77);
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.value[j]`: a read of element `j` of a word after a store of 5 returns 77 (a stale or
/// invented value), the table's row agreeing.
fn stale_read(j: usize) -> Forgery {
    let src = format!("begin push.5 mem_store.{a} mem_load.{a} end", a = 8 + j);
    let mut f = forge(&src, &[], read_returns(77));
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[1][m::V + j] = Felt::new(77);
    rows[1][m::U] = Felt::new(77);
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.written[j]`: a read of element `j` after a store of 5 flags the element as written,
/// so its row may hold 77 and the read returns a value nobody stored.
fn read_that_writes(j: usize) -> Forgery {
    let src = format!("begin push.5 mem_store.{a} mem_load.{a} end", a = 8 + j);
    let mut f = forge(&src, &[], read_returns(77));
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[1][m::WR + j] = Felt::ONE;
    rows[1][m::V + j] = Felt::new(77);
    rows[1][m::U] = Felt::new(77);
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.sel_count`: a read of element 1 (never written) also selects element 0, so its
/// value is the sum of both, the 5 stored at element 0.
fn two_elements_selected() -> Forgery {
    let mut f = forge(
        "begin push.5 mem_store.8 mem_load.9 end",
        &[],
        read_returns(5),
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[1][m::SEL] = Felt::ONE;
    rows[1][m::U] = Felt::new(5);
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.value_of_access`: the read's message says 77 while the table's word holds 5.
fn message_not_the_word() -> Forgery {
    let mut f = forge(
        "begin push.5 mem_store.8 mem_load.8 end",
        &[],
        read_returns(77),
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[1][m::U] = Felt::new(77);
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.first_is_new`: the table's first row claims to continue a word, so its values are
/// the row above's cells (the hasher's last S-box helpers): a never-written cell reads one.
fn first_row_continues_the_hasher() -> Forgery {
    let src = "begin mem_load.8 end";
    let honest = honest_run(&assemble(src), &[]);
    let last = honest.trace.last_real;
    let mut honest = honest;
    let cols = honest.trace.columns_mut_for_testing();
    let (start, _) = mem_rows(cols, last);
    let above: [Felt; 4] = core::array::from_fn(|j| cols.get(shared(m::V + j), start - 1));
    let mut f = forge(src, &[], read_returns(above[0].as_int()));
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[0][m::NW] = Felt::ZERO;
    rows[0][m::V..m::V + 4].copy_from_slice(&above);
    rows[0][m::U] = above[0];
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.delta`: the table puts the read before the store it follows (a write hidden by
/// reordering), so the read meets a fresh word and returns 0; the clock steps back, which
/// no pair of 16-bit limbs can say (the liar writes zeros).
fn write_hidden_by_reordering() -> Forgery {
    let src = "begin push.5 mem_store.8 mem_load.8 end";
    let mut f = forge(src, &[], read_returns(0));
    let mut acc = accesses_of(&f, src, &[]);
    acc.swap(0, 1);
    let mut rows = rows_in_order(&acc);
    rows[1][m::D0] = Felt::ZERO;
    rows[1][m::D1] = Felt::ZERO;
    put_mem_rows(&mut f, &rows);
    f
}

/// The clock delta's limbs for `rows[k]` after `rows[k - 1]`.
fn clock_delta(rows: &mut [[Felt; m::WIDTH]], k: usize) {
    let d = rows[k][m::CLK].as_int() - rows[k - 1][m::CLK].as_int() - 1;
    rows[k][m::D0] = Felt::new(d % (1 << 16));
    rows[k][m::D1] = Felt::new(d >> 16);
}

/// `mem.word_kept`: a read of word 3 claims to continue word 2's rows, so it returns the 5
/// stored in word 2.
fn two_words_merged() -> Forgery {
    let mut f = forge(
        "begin push.5 mem_store.8 mem_load.12 end",
        &[],
        read_returns(5),
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[1][m::NW] = Felt::ZERO;
    rows[1][m::V] = Felt::new(5);
    rows[1][m::U] = Felt::new(5);
    clock_delta(&mut rows, 1);
    put_mem_rows(&mut f, &rows);
    f
}

/// A callee (`call`, a fresh context) reads the cell its caller stored 5 in, and the table
/// carries the caller's word into the callee's context: with `new_context` the row says it
/// starts a context but not a word (`mem.new_ctx_is_new_word`), otherwise that it continues
/// both (`mem.ctx_kept`).
fn two_contexts_merged(new_context: bool) -> Forgery {
    let src = "proc.f mem_load.8 swap drop end begin push.5 mem_store.8 call.f end";
    let mut f = forge(src, &[], read_returns(5));
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[1][m::NW] = Felt::ZERO;
    rows[1][m::V] = Felt::new(5);
    rows[1][m::U] = Felt::new(5);
    if new_context {
        // With cc = 1 and nw = 0 the delta reads (ctx' - ctx - 1) - (0 - 1) + (clk' - clk
        // - 1).
        let d = |c: usize| rows[1][c].as_int() - rows[0][c].as_int();
        let delta = d(m::CTX) + d(m::CLK) - 1;
        rows[1][m::D0] = Felt::new(delta % (1 << 16));
        rows[1][m::D1] = Felt::new(delta >> 16);
    } else {
        rows[1][m::CC] = Felt::ZERO;
        clock_delta(&mut rows, 1);
    }
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.word_limbs`: the word index's limbs do not recombine to it.
fn word_limbs_lie() -> Forgery {
    let mut f = honest_run(&assemble("begin mem_load.8 end"), &[]);
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[0][m::W0] += Felt::ONE;
    put_mem_rows(&mut f, &rows);
    f
}

// ---- context and frame pointer ----------------------------------------------------------

/// `system.ctx_on_call`: `call` keeps the caller's context, so the callee reads the 5 its
/// caller stored where a fresh context reads 0.
fn callee_in_callers_context() -> Forgery {
    forge(
        "proc.f mem_load.8 swap drop end begin push.5 mem_store.8 call.f end",
        &[],
        after_first(Opcode::CallCtx, |st| st.ctx = 0),
    )
}

/// `system.ctx_kept`: after a call returns, the caller switches back into the callee's
/// (finished) context, where its stored 5 is not: the read returns 0.
fn context_reused_later() -> Forgery {
    forge(
        "proc.f push.1 drop end begin call.f push.5 mem_store.8 mem_load.8 end",
        &[],
        after_first(Opcode::Mstore, |st| st.ctx = 1),
    )
}

/// A procedure with two locals: stores 3 and 4, replaces the top with their sum (depth 16
/// in, depth 16 out, as `call` needs).
const LOCALS: &str =
    "proc.f.4 push.3 loc_store.0 push.4 loc_store.1 loc_load.0 loc_load.1 add swap drop end";

/// `system.fmp_update`: the frame update moves the frame pointer 4 further than it says,
/// and back by 4 less at the end.
fn frame_update_lies() -> Forgery {
    let mut n = 0;
    forge(
        &format!("{LOCALS} begin exec.f end"),
        &[],
        move |phase, _, ins, st| {
            if phase == crate::common::Phase::After && ins.op == Opcode::Fmpupdate {
                n += 1;
                st.fmp += if n == 1 { Felt::new(4) } else { -Felt::new(4) };
            }
        },
    )
}

/// `system.fmp_kept`: the frame pointer moves by 4 on a `PUSH` inside the procedure, and
/// back before it returns, so its locals sit elsewhere.
fn frame_pointer_moves() -> Forgery {
    let mut n = 0;
    forge(
        &format!("{LOCALS} begin exec.f end"),
        &[],
        move |phase, _, ins, st| {
            if phase == crate::common::Phase::After && ins.op == Opcode::Add {
                st.fmp -= Felt::new(4);
            }
            if phase == crate::common::Phase::After && ins.op == Opcode::Push && n == 0 {
                n += 1;
                st.fmp += Felt::new(4);
            }
        },
    )
}

/// `system.fmp_on_call`: a `call`ed procedure starts with another frame pointer.
fn callee_frame_pointer_lies() -> Forgery {
    forge(
        &format!("{LOCALS} begin call.f end"),
        &[],
        after_first(Opcode::CallCtx, |st| st.fmp += Felt::new(8)),
    )
}

/// `init.fmp`: the run starts with another frame pointer (every row's moved with it).
fn initial_frame_pointer_lies() -> Forgery {
    let mut f = honest_run(&assemble("begin add end"), &[1, 2]);
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    for r in 0..=last {
        let v = cols.get(FMP, r);
        cols.set(FMP, r, v + Felt::new(16));
    }
    f
}

/// `init.ctx`: the run starts in context 7 (every row and access moved there).
fn initial_context_lies() -> Forgery {
    let mut f = honest_run(&assemble("begin push.5 mem_store.8 mem_load.8 end"), &[]);
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    for r in 0..=last {
        cols.set(CTX, r, Felt::new(7));
    }
    let (_, mut rows) = mem_rows(cols, last);
    for row in &mut rows {
        row[m::CTX] = Felt::new(7);
    }
    put_mem_rows(&mut f, &rows);
    f
}

// ---- range checker ---------------------------------------------------------------------------

/// A run without memory whose range checker's table starts with `prefix` and then climbs
/// to 2^16 - 1 in the largest steps; `helpers` changes the helpers of the first row whose
/// step is not allowed.
fn range_with(prefix: &[u64], helpers: impl FnMut(&mut [Felt; 3])) -> Forgery {
    let mut f = honest_run(&assemble("begin add end"), &[1, 2]);
    let last = f.trace.last_real;
    let mut table: Vec<(u64, u64)> = prefix.iter().map(|&v| (v, 0)).collect();
    let mut v = *prefix.last().expect("a prefix");
    while v < range::MAX {
        let step = *range::STEPS
            .iter()
            .rev()
            .find(|&&s| s <= range::MAX - v)
            .expect("a step");
        v += step;
        table.push((v, 0));
    }
    let cols = f.trace.columns_mut_for_testing();
    let from = (0..=last)
        .find(|&r| cols.get(HASH_ACTIVE, r) == Felt::ZERO)
        .expect("the hasher ends");
    write_range(cols, from, last, &table, helpers);
    f
}

/// `range.ends_at_max`: the table stops at 2^16 - 2.
fn range_ending_below_max() -> Forgery {
    let mut f = honest_run(&assemble("begin add end"), &[1, 2]);
    let last = f.trace.last_real;
    let mut table = range_table(&[]);
    table.last_mut().expect("rows").0 -= 1;
    table.last_mut().expect("rows").0 += 0;
    // The last step (1) becomes a step of 0 from the row before it.
    let n = table.len();
    table[n - 1].0 = table[n - 2].0;
    let cols = f.trace.columns_mut_for_testing();
    let from = (0..=last)
        .find(|&r| cols.get(HASH_ACTIVE, r) == Felt::ZERO)
        .expect("the hasher ends");
    write_range(cols, from, last, &table, |_| {});
    f
}

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
pub const PENDING: &[(&str, &str)] = &[];

/// Constraints of this component no forgery can isolate, with the reason switching one
/// off alone cannot yield a false proof (the tests at the end of this module check the
/// arithmetic the reasons rest on, and that the plain lie against each, switched off, is
/// still caught by the bus).
pub const REDUNDANT: &[(&str, &str)] = &[
    (
        "overflow.callee_depth",
        "a callee started at depth d != 16 has an empty overflow view (overflow.callee_ptr: \
         pointer 0), must return at 16 (control.call_returns_at_depth_16) and moves the \
         depth only by its pushes and pops (overflow.depth). For d > 16 it pops more rows \
         than it pushes, so one pop comes with its own rows all removed, pointer 0, and \
         removes a row at address 0, which no push inserts (addresses are clk + 1); for \
         d < 16 it pushes more than it pops and leaves rows in the table that no later pop \
         reaches (the RET restores the caller's pointer from the frame, and a later pointer \
         is a later push's address or the predecessor a removed row names). Either way the \
         bus (bus.ends_at_program_hash) does not balance; a d far from 16 in the field would \
         need about p rows",
    ),
    (
        "control.call_returns_at_depth_16",
        "the mirror of overflow.callee_depth: a callee starts at depth 16 with pointer 0 \
         (overflow.callee_depth, overflow.callee_ptr) and moves the depth only by its pushes \
         and pops, so returning at e > 16 leaves its last e - 16 rows in the table, which no \
         later pop reaches (the RET restores the caller's pointer from the frame), and \
         returning at e < 16 needs a pop with its own rows all removed, pointer 0, of a row \
         at address 0, which no push inserts: the bus does not balance",
    ),
    (
        "control.ctx_flag_binary",
        "a pop's flag k must reproduce, through the bus, its push's frame: the fields \
         kind + 2k, k depth' and k ovf_ptr' against the push's kind + 2k0, k0 D and k0 P, \
         with k0 binary (control.ctx_flag_on_push). For a loop or exec frame (k0 = 0), \
         k depth' = 0 while the depth never drops below 16 (a pop at depth 16 has \
         ovf_ptr = 0 and would remove a row at address 0, which no push inserts): k = 0. \
         For a call frame (k0 = 1), on its RET control.call_returns_at_depth_16 \
         (k (depth - 16)) puts the callee at depth 16 and overflow.depth ((1 - k)(depth' - \
         depth)) makes depth' = 16 unless k = 1; then k = D / 16, and overflow.ptr_kept \
         ((1 - k)(ovf_ptr' - ovf_ptr)) makes ovf_ptr' the callee's pointer at depth 16, 0, \
         so P = k 0 = 0: the caller was at depth D = 16 and k = 1",
    ),
    (
        "chiplet.mem_after_hasher",
        "a row with m = 1 (chiplet.mem_binary) and h + q != 0 has h + q = 1 (both binary, \
         never both: chiplet.req_exclusive) and k = 0 (chiplet.bit_exclusive reads 2k), so the \
         range selector 1 - h - q - m - k is -1. On the attestation's last row (end = \
         h (1 - h') = 1) the chiplet answer's numerator m + g mult - end is -ew and its \
         denominator m fp_mem + g fp_range + end fp_digest: the digest's weight -1 is spent, \
         on nothing (ew = 0) or on a message of tag 9 or 10 (ew = 1), and no other term has \
         the PROGRAM tag the verifier's side expects. On every other such row, of either \
         hasher section, the denominator m fp_mem + g fp_range + (h + q - end) has no alpha: \
         the answer is (1 - ew) / (fp_range - fp_mem + 1), and as the verifier's term and \
         every other term (the hash answers included) vanish as alpha grows, the alpha-free \
         terms must cancel among themselves for a random beta. At beta = 0 each is \
         -1 / (2 + rw), a half or a third, and fewer than p/3 of them never sum to 0 \
         (3a + 2b < p), so every such row has ew = 1: a word access, all four selectors 1 \
         (mem.sel_count), and those cells are the range checker's step helpers u1, u2, u3 on \
         that row, where u3 = 1 needs a step d of 729 or 2187 (range.step) but then \
         u1 = d (d - 1) (d - 3) is not 1 (range.u1)",
    ),
    (
        "mem.ew_binary",
        "with the selectors binary mem.sel_count makes ew = (count - 1) / 3 for the 0..4 \
         elements selected, so a non-binary ew is -1/3, 1/3 or 2/3 and the row's tag MEM + rw \
         + 2 ew is 8 + rw - 2/3, + 2/3 or + 4/3 (rw binary): no message of the bus has such a \
         tag (the CPU's memory requests have 8..11, the other messages 1..5), so nothing \
         cancels the row's answer",
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
        v.push(Case::new(
            format!("mem.sel_binary[{j}]"),
            selector_not_binary(j),
        ));
    }
    v.push(Case::new("mem.rw_binary", read_flagged_two()));
    v.push(Case::new(
        "chiplet.mem_binary",
        selector_of_seven_thirds_answers_a_permutation_input(),
    ));
    v.push(Case::new("mem.cc_binary", word_index_steps_back()));
    v.push(Case::new("mem.nw_binary", kept_values_doubled()));
    v.push(Case::new(
        "chiplet.mem_contiguous",
        memory_section_restarts(),
    ));
    v.push(Case::new(
        "overflow.callee_ptr",
        callee_sees_callers_pointer(),
    ));
    v.push(Case::new(
        "control.ctx_flag_on_push",
        call_frame_saved_as_exec(),
    ));
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
    let cpu = row(&|r| crate::common::executes(|c| main.get(c, r), mload));
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

/// Sets the read value on the stack after the `n`-th `MLOAD` (from 1).
fn nth_read_returns(
    n: usize,
    v: u64,
) -> impl FnMut(crate::common::Phase, usize, vm_core::Instruction, &mut crate::common::State) {
    let mut seen = 0;
    move |phase, _, ins, st| {
        if phase == crate::common::Phase::After && ins.op == Opcode::Mload {
            seen += 1;
            if seen == n {
                st.top[0] = Felt::new(v);
            }
        }
    }
}

/// The rows (below the last real one) that execute `op`.
fn op_rows(f: &mut Forgery, op: Opcode) -> Vec<usize> {
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    (0..last)
        .filter(|&r| crate::common::executes(|c| cols.get(c, r), op))
        .collect()
}

/// A field element from a small signed integer.
fn signed(x: i64) -> Felt {
    if x < 0 {
        -Felt::new(x.unsigned_abs())
    } else {
        Felt::new(x as u64)
    }
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

/// `mem.sel_binary[j]`: an element read whose selectors are `-1` at `j` and `1` at two
/// other elements still sums to one selected element; its address index `sel1 + 2 sel2 +
/// 3 sel3` names one element and its value `sum sel_k v_k` is another's: a read of a cell
/// never written returns the 5 stored beside it.
fn selector_not_binary(j: usize) -> Forgery {
    // (selectors, element stored to, element read).
    let (sel, stored, read): ([i64; 4], usize, usize) = match j {
        0 => ([-1, 1, 1, 0], 1, 3),
        1 => ([1, -1, 0, 1], 0, 2),
        2 => ([1, 0, -1, 1], 0, 1),
        _ => ([0, 1, 1, -1], 1, 0),
    };
    let src = format!(
        "begin push.5 mem_store.{} mem_load.{} end",
        8 + stored,
        8 + read
    );
    let mut f = forge(&src, &[], read_returns(5));
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    for (k, &x) in sel.iter().enumerate() {
        rows[1][m::SEL + k] = signed(x);
    }
    rows[1][m::U] = Felt::new(5);
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.rw_binary`: an element read of element 0 with the write flag 2 sends the tag `MEM +
/// 2`, a word read's: it answers a `mem_loadw` with the word `(v0, 0, 0, 0)` (an element
/// access's message carries no other elements), and as `1 - wr[0] = -1` its value is
/// still kept. The word stored was `(4, 3, 2, 1)`; the load returns `(4, 0, 0, 0)`.
fn read_flagged_two() -> Forgery {
    let mut f = forge(
        "begin mem_storew.8 mem_loadw.8 end",
        &[1, 2, 3, 4],
        after_first(Opcode::Mloadw, |st| {
            st.top[0] = Felt::ZERO;
            st.top[1] = Felt::ZERO;
            st.top[2] = Felt::ZERO;
        }),
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    let r = &mut rows[1];
    r[m::RW] = Felt::new(2);
    r[m::EW] = Felt::ZERO;
    for k in 0..4 {
        r[m::SEL + k] = Felt::from((k == 0) as u8);
        r[m::WR + k] = Felt::new(2 * (k == 0) as u64);
    }
    r[m::U] = r[m::V];
    put_mem_rows(&mut f, &rows);
    f
}

/// `chiplet.mem_binary`: a memory row of selector `m = 7/3`, right after the request
/// section, answers `m / fp(X)` with `X = m M + (1 - m) R` (its range selector is `1 - m`):
/// `M` its memory message, here an element read of element 3 of word 0 at clock 0 in
/// context `3 S / 7`, and `R` the range entry of its `rw`, 0. The tag is `3 m + 5 = 12`,
/// `HASH_IN`, and the values `m (ctx, addr, clk, u) = (S, 7, 0, 0)`: the input message of
/// the program's `HPERM` of the state with lane 0 at 7, answered by the cycle at `S`. That
/// cycle's input multiplicity is `1 - 7/3` (multiplicities are free field elements), so
/// the request is answered once in all. The phantom row is a new word (its values 0), whose
/// range cells (`rw`, `ew`, `sel[0..3]`) read a step of 0 to the table's first row, 0, and
/// whose five lookups of 0, each of weight 7/3, the table answers. (The permutation
/// answered is the true one: the weight must be made up by the cycle at `S`.)
fn selector_of_seven_thirds_answers_a_permutation_input() -> Forgery {
    use vm_air::chiplets::hasher::CYCLE_LEN;
    let mut f = honest_run(
        &assemble("begin push.7 padw padw push.0 push.0 push.0 hperm end"),
        &[],
    );
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let start = (0..last)
        .find(|&r| cols.get(HASH_REQ, r) == Felt::ONE)
        .expect("a request section");
    assert_eq!(
        cols.get(HASH_STATE, start + 1),
        Felt::new(7),
        "the input's lane 0"
    );
    let row = start + CYCLE_LEN + 1;
    assert_eq!(cols.get(HASH_REQ, row), Felt::ZERO, "the section's end");
    let third = Felt::ONE / Felt::new(3);
    let m_sel = Felt::new(7) * third;
    let mut cells = [Felt::ZERO; m::WIDTH];
    cells[m::SEL + 3] = Felt::ONE;
    cells[m::CTX] = Felt::new(start as u64) / m_sel;
    cells[m::CC] = Felt::ONE;
    cells[m::NW] = Felt::ONE;
    cols.set(MEM_ACTIVE, row, m_sel);
    for (c, v) in cells.iter().enumerate() {
        cols.set(shared(c), row, *v);
    }
    cols.set(HASH_REQ_IN, start, Felt::ONE - m_sel);
    let mut table = range_table(&[]);
    assert_eq!(table[0].0, 0);
    table[0].1 = (Felt::new(5) * m_sel).as_int();
    write_range(cols, row + 1, last, &table, |_| {});
    f
}

/// `mem.cc_binary`: with `cc = 2` (and `nw = 1`) on a row of the same context the delta
/// reads `2 (0 - 1) - (w' - w - 1)`, zero for `w' = w - 1`: the table steps back from word
/// 2 to word 1 and then starts word 2 afresh, so the read of word 2 after its store of 5
/// returns 0.
fn word_index_steps_back() -> Forgery {
    let src = "begin push.5 mem_store.8 mem_load.4 mem_load.8 end";
    let mut f = forge(src, &[], nth_read_returns(2, 0));
    // Execution order: the store of word 2, the read of word 1, the read of word 2.
    let acc = accesses_of(&f, src, &[]);
    let mut rows = rows_in_order(&acc);
    rows[1][m::CC] = Felt::new(2);
    rows[1][m::D0] = Felt::ZERO;
    rows[1][m::D1] = Felt::ZERO;
    put_mem_rows(&mut f, &rows);
    f
}

/// `mem.nw_binary`: with `nw = -1` on the read after a store of 5 the word's elements are
/// kept as `(1 - nw) v = 2 v` and the delta reads `(-1)(0 - 1) + 2 (clk' - clk - 1)`, in
/// range: the read returns 10.
fn kept_values_doubled() -> Forgery {
    let mut f = forge(
        "begin push.5 mem_store.8 mem_load.8 end",
        &[],
        read_returns(10),
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    rows[1][m::NW] = -Felt::ONE;
    for k in 0..4 {
        rows[1][m::V + k] = rows[0][m::V + k].double();
    }
    rows[1][m::U] = rows[1][m::V];
    let delta = 2 * (rows[1][m::CLK].as_int() - rows[0][m::CLK].as_int()) - 1;
    rows[1][m::D0] = Felt::new(delta % (1 << 16));
    rows[1][m::D1] = Felt::new(delta >> 16);
    put_mem_rows(&mut f, &rows);
    f
}

/// `chiplet.mem_contiguous`: the memory section stops after the store of 5, one range row
/// (value 0) follows, and a second section starts with the read as a fresh word: nothing
/// sorts the second section after the first, so the read returns 0.
fn memory_section_restarts() -> Forgery {
    let src = "begin push.5 mem_store.8 mem_load.8 end";
    let mut f = forge(src, &[], read_returns(0));
    let acc = accesses_of(&f, src, &[]);
    let store = rows_in_order(&acc[..1])[0];
    let read = rows_in_order(&acc[1..])[0];
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let (start, _) = mem_rows(cols, last);
    let gap = [Felt::ZERO; m::WIDTH];
    for (k, row) in [store, gap, read].iter().enumerate() {
        cols.set(MEM_ACTIVE, start + k, Felt::from((k != 1) as u8));
        for (c, v) in row.iter().enumerate() {
            cols.set(shared(c), start + k, *v);
        }
    }
    // The gap row is a range row: value 0, multiplicity 0, and the step to the read's
    // first cell (its write flag, 0) is 0, whose helpers are zeros.
    let table = range_table(&[store, read]);
    assert!(
        start + 3 + table.len() <= last + 1,
        "room for the range table"
    );
    write_range(cols, start + 3, last, &table, |_| {});
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

/// `overflow.callee_ptr`: a `call`ed procedure starts with its caller's overflow pointer
/// (the caller is at depth 17) instead of an empty view; its push and pop chain on from
/// there, and the `RET` restores the caller's pointer from the frame as before.
fn callee_sees_callers_pointer() -> Forgery {
    let mut f = honest_run(
        &assemble("proc.f push.1 drop end begin push.9 call.f drop end"),
        &[],
    );
    let call = op_rows(&mut f, Opcode::CallCtx)[0];
    let ret = op_rows(&mut f, Opcode::Ret)[0];
    let cols = f.trace.columns_mut_for_testing();
    let caller = cols.get(OVF_PTR, call);
    assert_ne!(caller, Felt::ZERO);
    for r in call + 1..=ret {
        if cols.get(OVF_PTR, r) == Felt::ZERO {
            cols.set(OVF_PTR, r, caller);
        }
    }
    f
}

/// `control.ctx_flag_on_push`: `CALLCTX` saves its frame with the flag `k = 0`, an `exec`
/// frame's, and the `RET` pops it as one: it then restores neither the caller's depth nor
/// its overflow pointer (here the same as the callee's, 16 and 0) and does not require
/// depth 16.
fn call_frame_saved_as_exec() -> Forgery {
    let mut f = honest_run(&assemble("proc.f push.1 drop end begin call.f end"), &[]);
    let call = op_rows(&mut f, Opcode::CallCtx)[0];
    let ret = op_rows(&mut f, Opcode::Ret)[0];
    let cols = f.trace.columns_mut_for_testing();
    cols.set(HELPER + 1, call, Felt::ZERO);
    cols.set(HELPER + 1, ret, Felt::ZERO);
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

// ---- the arithmetic of the redundant constraints' reasons ----------------------------------

/// `chiplet.mem_after_hasher`: on a row with `h = m = 1` the chiplet answer's denominator
/// does not depend on alpha; a word access's selectors, read as the range checker's step
/// helpers, admit no step.
#[test]
fn a_memory_row_on_a_hasher_row_answers_without_alpha_and_has_no_step() {
    use vm_air::bus::{chiplet_response, Challenges};
    use vm_air::chiplets::cols as c;
    let mut row = vec![Felt::ZERO; vm_air::layout::BASE_WIDTH];
    row[c::HASH_ACTIVE] = Felt::ONE;
    row[c::MEM_ACTIVE] = Felt::ONE;
    for (k, v) in [0u64, 0, 0, 0, 0, 1, 0, 0, 0, 0, 3, 5, 7, 9, 0, 0, 0, 9]
        .iter()
        .enumerate()
    {
        row[c::shared(k)] = Felt::new(*v);
    }
    // Inside the hasher's section (the next row is the hasher's too).
    let inside = row.clone();
    let beta = Felt::new(0x1234_5678);
    let (d1, n) = chiplet_response(&Challenges::new(&[Felt::new(11), beta]), &row, &inside);
    let (d2, _) = chiplet_response(
        &Challenges::new(&[Felt::new(0xdead_beef), beta]),
        &row,
        &inside,
    );
    assert_eq!(d1, d2, "the denominator depends on alpha");
    assert_eq!(n, Felt::ONE, "an element access answers 1 - ew = 1");
    // On the hasher's last row the digest's weight -1 is spent: an element access answers
    // nothing, so no digest message is sent.
    let below = vec![Felt::ZERO; vm_air::layout::BASE_WIDTH];
    let (_, n) = chiplet_response(&Challenges::new(&[Felt::new(11), beta]), &row, &below);
    assert_eq!(n, Felt::ZERO, "the digest's weight is left");
    // u3 = 1 leaves d = 729 or 2187 (range.step), where u1 != 1.
    for d in [729u64, 2187] {
        assert_ne!(range::helpers(Felt::new(d))[0], Felt::ONE);
    }
    // At beta = 0 the alpha-free terms are -1/2 or -1/3 (rw = 0 or 1): 3a + 2b = 0 has no
    // solution below p.
    for rw in [0u64, 1] {
        row[c::shared(m::RW)] = Felt::new(rw);
        let (d, _) = chiplet_response(
            &Challenges::new(&[Felt::new(11), Felt::ZERO]),
            &row,
            &inside,
        );
        assert_eq!(d, -Felt::new(2 + rw));
    }
    // A memory row on a row of the request section (q = 1, h = 0) answers the same way, on
    // its absorb rows and its round rows alike (no row of it ends the attestation).
    row[c::HASH_ACTIVE] = Felt::ZERO;
    row[c::HASH_REQ] = Felt::ONE;
    row[c::shared(m::RW)] = Felt::ZERO;
    for round in [Felt::ZERO, Felt::ONE] {
        row[c::HASH_ROUND] = round;
        let (d1, n) = chiplet_response(&Challenges::new(&[Felt::new(11), beta]), &row, &below);
        let (d2, _) = chiplet_response(
            &Challenges::new(&[Felt::new(0xdead_beef), beta]),
            &row,
            &below,
        );
        assert_eq!(d1, d2, "the denominator depends on alpha");
        assert_eq!(n, Felt::ONE);
        let (d, _) = chiplet_response(&Challenges::new(&[Felt::new(11), Felt::ZERO]), &row, &below);
        assert_eq!(d, -Felt::new(2));
    }
}

/// `mem.ew_binary`: the tags a non-binary word flag can give are none of the bus's.
#[test]
fn a_non_binary_word_flag_has_no_tag_of_the_bus() {
    let tags: Vec<Felt> = [1u64, 2, 3, 4, 5, 8, 9, 10, 11].map(Felt::new).to_vec();
    for count in [0u64, 2, 3] {
        let ew = (Felt::new(count) - Felt::ONE) / Felt::new(3);
        for rw in [0u64, 1] {
            let tag = Felt::new(8 + rw) + ew.double();
            assert!(!tags.contains(&tag), "count {count}, rw {rw}");
        }
    }
}

/// `chiplet.mem_binary` (needed: [`selector_of_seven_thirds_answers_a_permutation_input`]):
/// of the other tags `3 m + 5` a non-binary selector can give its row, the ROM fingerprint
/// a row with `m = -4/3` would match needs an opcode `-4 (4w + 3) / 3`, never a byte for `w < 2^30`, since `4 (4w + 3) + 3 op < p`.
#[test]
fn a_non_binary_memory_selector_matches_no_opcode() {
    let m = -Felt::new(4) / Felt::new(3);
    assert_eq!(Felt::new(3) * m + Felt::new(5), Felt::ONE, "the ROM tag");
    for w in [0u64, 1, 2, 1000, (1 << 30) - 1] {
        let op = m * Felt::new(4 * w + 3);
        assert!(op.as_int() >= 256, "w = {w}: opcode {op}");
    }
}

/// The forgery violates `target`, and with `target` switched off the bus's balance still
/// catches it (what the reason of a redundant constraint says of such a lie).
#[track_caller]
fn caught_by_the_bus_without(f: &Forgery, target: &str) {
    crate::common::forge::rejected(f, target);
    let none = |_: &mut winter_prover::matrix::ColMatrix<vm_prover::check::CheckField>,
                _: &[vm_prover::check::CheckField]| {};
    let v = vm_prover::check::check_tampered(
        &f.trace,
        &f.public,
        vm_air::preset::default_preset(),
        &[target],
        &none,
    )
    .expect_err("accepted with the target off");
    assert!(v.contains("bus.ends_at_program_hash"), "{target} off: {v}");
}

/// `overflow.callee_depth`: a callee started at depth 17 (its caller's depth, with an empty
/// view) pops a value at address 0 to return at 16, a removal nothing inserted.
#[test]
fn a_callee_started_at_depth_17_is_caught_by_the_bus() {
    let f = forge(
        "proc.f drop end begin push.9 call.f drop end",
        &[],
        after_first(Opcode::CallCtx, |st| {
            st.overflow.push(Felt::new(9));
            st.overflow_addrs.push(Felt::ZERO);
        }),
    );
    caught_by_the_bus_without(&f, "overflow.callee_depth");
}

/// `control.call_returns_at_depth_16`: a callee returning at depth 17 leaves its overflow
/// row in the table, as the `RET` restores the caller's pointer.
#[test]
fn a_callee_returning_at_depth_17_is_caught_by_the_bus() {
    let f = forge("proc.f push.1 end begin call.f end", &[], |_, _, _, _| {});
    caught_by_the_bus_without(&f, "control.call_returns_at_depth_16");
}

/// `control.ctx_flag_binary`: a `RET` popping a call frame with the flag 2 restores twice
/// the fields the push saved, which is no frame of the table.
#[test]
fn a_frame_flag_of_2_on_a_pop_is_caught_by_the_bus() {
    let mut f = honest_run(&assemble("proc.f push.1 drop end begin call.f end"), &[]);
    let ret = op_rows(&mut f, Opcode::Ret)[0];
    f.trace
        .columns_mut_for_testing()
        .set(HELPER + 1, ret, Felt::new(2));
    caught_by_the_bus_without(&f, "control.ctx_flag_binary");
}

/// `mem.ew_binary`: a read of element 1 that also selects element 0 with the word flag 1/3
/// (two elements selected, as mem.sel_count allows) answers with the tag `MEM + 2/3`.
#[test]
fn a_word_flag_of_a_third_is_caught_by_the_bus() {
    let mut f = forge(
        "begin push.5 mem_store.8 mem_load.9 end",
        &[],
        read_returns(5),
    );
    let last = f.trace.last_real;
    let (_, mut rows) = mem_rows(f.trace.columns_mut_for_testing(), last);
    let third = Felt::ONE / Felt::new(3);
    rows[1][m::EW] = third;
    rows[1][m::SEL] = Felt::ONE;
    // u = ew v0 + (1 - ew)(v0 + v1) = 5.
    rows[1][m::U] = Felt::new(5);
    put_mem_rows(&mut f, &rows);
    caught_by_the_bus_without(&f, "mem.ew_binary");
}

/// `chiplet.mem_binary`: a non-binary selector that meets a channel of integer weights, `m = -1` on a read
/// of element 3 (word 1, address 7) with context `-(c + 1)` and clock 0, answers
/// `+1 / fp(OVERFLOW, c + 1, -7, 0)`: an overflow row inserted beside the one `PUSH` at
/// clock `c` inserts. The `DROP` after it removes the phantom (it pops -7, a value nobody
/// pushed), and the run's count of pops and pushes leaves the push's own row in the table:
/// with the selector's constraint off, only the bus sees the lie.
#[test]
fn a_memory_selector_of_minus_one_is_a_phantom_overflow_row_the_bus_leaves_over() {
    let mut f = forge(
        "begin push.1 drop end",
        &[],
        after_first(Opcode::Push, |st| {
            st.overflow[0] = -Felt::new(7);
        }),
    );
    let push = op_rows(&mut f, Opcode::Push)[0];
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let start = (0..=last)
        .find(|&r| cols.get(HASH_ACTIVE, r) == Felt::ZERO)
        .expect("the hasher ends");
    let mut row = [Felt::ZERO; m::WIDTH];
    row[m::SEL + 3] = Felt::ONE;
    row[m::CTX] = -Felt::new(push as u64 + 1);
    row[m::WORD] = Felt::ONE;
    row[m::W0] = Felt::ONE;
    row[m::NW] = Felt::ONE;
    cols.set(MEM_ACTIVE, start, -Felt::ONE);
    for (c, v) in row.iter().enumerate() {
        cols.set(shared(c), start, *v);
    }
    // The row's lookups have weight m = -1: the range table's multiplicities follow.
    let table: Vec<(u64, u64)> = range_table(&[row])
        .into_iter()
        .map(|(v, n)| (v, (-Felt::new(n)).as_int()))
        .collect();
    assert!(
        start + 1 + table.len() <= last + 1,
        "room for the range table"
    );
    write_range(cols, start + 1, last, &table, |_| {});
    crate::common::forge::rejected(&f, "chiplet.mem_binary");
    // What the running sum ends on, less what the verifier expects, is the push's own row.
    use vm_prover::check::CheckField;
    let left_over = std::cell::Cell::new(false);
    let hash = f.public.program_hash;
    let read = |aux: &mut winter_prover::matrix::ColMatrix<CheckField>, rands: &[CheckField]| {
        let end = aux.get(AUX_SUM, last) - vm_air::bus::expected_end(rands, hash);
        let row: CheckField = vm_air::bus::fingerprint(
            &vm_air::bus::Challenges::new(rands),
            vm_air::bus::tag::OVERFLOW,
            [
                Felt::new(push as u64 + 1),
                Felt::ZERO,
                Felt::ZERO,
                Felt::ZERO,
            ],
        );
        left_over.set(end == row.inv());
    };
    let v = vm_prover::check::check_tampered(
        &f.trace,
        &f.public,
        vm_air::preset::default_preset(),
        &["chiplet.mem_binary"],
        &read,
    )
    .expect_err("accepted with the selector's constraint off");
    assert!(
        left_over.get(),
        "the bus is off by more than the push's row"
    );
    assert_eq!(
        v.names().into_iter().collect::<Vec<_>>(),
        vec!["bus.ends_at_program_hash"],
        "{v}"
    );
}

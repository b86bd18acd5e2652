//! The registers of the two last-in-first-out tables the CPU keeps on the bus: the operand
//! stack's overflow table (elements below `s15`) and the control stack (return addresses
//! and loop counters), and the memory context and frame pointer that the control stack
//! saves and restores.
//!
//! Each table row is `(addr, value(s), previous addr)` with `addr` the clock of the row that
//! inserted it, and the CPU holds a pointer to the top row, so that a pop can only remove
//! the row inserted last (a plain multiset would let a prover pop any earlier element). The
//! insertions and removals are bus messages (`crate::bus`).
//!
//! Every control frame also saves the context and the frame pointer of the row that pushed
//! it, and the pop restores them: a `call` (`CALLCTX`) switches to a fresh context
//! (`ctx' = clk + 1`, unique as the clock is) with `fmp' = 2^30` and an empty overflow
//! view (`depth' = 16`, `ovf_ptr' = 0`), and its `RET` returns to the caller's context,
//! frame pointer and overflow table, read back from the frame. Frames of `exec` calls and
//! loops restore the context and frame pointer they saved, which an honest run has not
//! changed by then (procedures' frame updates are balanced). A frame pushed by `CALLCTX`
//! carries the flag `k = 1` (the helper column `HELPER + 1` on push and pop rows), so the
//! `RET` that pops it knows to restore the depth and the overflow pointer and to require
//! depth 16.

use vm_core::{Felt, FieldElement, Opcode};

use crate::decoder::Flags;
use crate::layout::Cpu;
use crate::named::{Degree, Sink};
use crate::stack::StackTable;

/// The tables' register columns.
pub mod cols {
    /// Stack depth (16 plus the number of elements in the overflow table).
    pub const DEPTH: usize = crate::stack::cols::END;
    /// Address of the overflow table's top row (0 when the table is empty).
    pub const OVF_PTR: usize = DEPTH + 1;
    /// The value a pop removes from the overflow table (0 on rows that do not pop).
    pub const OVF_VAL: usize = OVF_PTR + 1;
    /// 1 on rows that push `s15` into the overflow table (right shifts).
    pub const OVF_PUSH: usize = OVF_VAL + 1;
    /// 1 on rows that pop the overflow table (left shifts and `HALT` drains above depth 16).
    pub const OVF_POP: usize = OVF_PUSH + 1;
    /// The top control-stack frame's value: a return address or a loop counter.
    pub const CTOP: usize = OVF_POP + 1;
    /// The top frame's kind: 1 for a call frame, 0 for a loop counter (or the empty stack).
    pub const CKIND: usize = CTOP + 1;
    /// Address of the control table row holding the frame below the top (0 if none).
    pub const CPTR: usize = CKIND + 1;
    /// 1 on rows that push a control frame (`CALL`, `REPEAT`).
    pub const CTL_PUSH: usize = CPTR + 1;
    /// 1 on rows that pop a control frame (`RET`, the last `NEXT` of a loop).
    pub const CTL_POP: usize = CTL_PUSH + 1;
    /// The memory context: 0 for the root, `clk + 1` of the `CALLCTX` that created it.
    pub const CTX: usize = CTL_POP + 1;
    /// The frame pointer (`fmp`): procedure locals lie below it.
    pub const FMP: usize = CTX + 1;
    /// One past the tables' last column.
    pub const END: usize = FMP + 1;
}

/// The overflow and control tables' register constraints on the transition `cur -> next`.
#[inline(always)]
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    table: &StackTable,
    f: &Flags<E>,
    cur: &Cpu<'_, E>,
    next: &Cpu<'_, E>,
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    use Opcode::*;
    let one = E::ONE;
    let binary = |x: E| x * (x - one);
    let (clk, depth, h, k) = (cur.clk(), cur.depth(), cur.helper(0), cur.helper(1));
    let (f_callctx, f_ret) = (f.of(CallCtx), f.of(Ret));
    // A RET that returns from a `call`: the frame it pops carries k = 1.
    let ret_ctx = f_ret * k;

    // ---- overflow table
    let sixteen = E::from(Felt::new(16));
    let (push, pop) = (cur.ovf_push(), cur.ovf_pop());
    let f_right = f.sum(table.right());
    let f_left_or_halt = f.sum(table.left()) + f.of(Halt);
    let (ptr, ptr_next) = (cur.ovf_ptr(), next.ovf_ptr());
    // CALLCTX gives the callee an empty overflow view; the RET from it restores the
    // caller's depth and pointer from the frame (the bus message).
    let switch = one - f_callctx - ret_ctx;
    out.emit(
        "overflow.depth",
        Plain(4),
        switch * (next.depth() - depth - push + pop),
    );
    out.emit(
        "overflow.callee_depth",
        Plain(3),
        f_callctx * (next.depth() - sixteen),
    );
    out.emit("overflow.callee_ptr", Plain(3), f_callctx * next.ovf_ptr());
    out.emit("overflow.push_on_right_shift", Plain(2), push - f_right);
    out.emit("overflow.pop_binary", Plain(2), binary(pop));
    out.emit(
        "overflow.pop_only_on_left_or_halt",
        Plain(3),
        pop * (one - f_left_or_halt),
    );
    // A left shift (or a HALT row) pops exactly when the depth exceeds 16; popping at depth
    // 16 would need a table row at address 0, which no row has.
    out.emit(
        "overflow.pop_when_deep",
        Plain(4),
        f_left_or_halt * (one - pop) * (depth - sixteen),
    );
    out.emit(
        "overflow.value_zero_off_pop",
        Plain(2),
        cur.ovf_val() * (one - pop),
    );
    out.emit(
        "overflow.ptr_kept",
        Plain(4),
        (switch - push - pop) * (ptr_next - ptr),
    );
    out.emit(
        "overflow.ptr_on_push",
        Plain(2),
        push * (ptr_next - clk - one),
    );

    // ---- control table
    let (f_call, f_repeat, f_next) = (f.of(Call), f.of(Repeat), f.of(Next));
    let (c_push, c_pop) = (cur.ctl_push(), cur.ctl_pop());
    let (ctop, ckind, cptr) = (cur.ctop(), cur.ckind(), cur.cptr());
    let (ctop_n, ckind_n, cptr_n) = (next.ctop(), next.ckind(), next.cptr());
    out.emit(
        "control.push_on_call_or_repeat",
        Plain(2),
        c_push - f_call - f_callctx - f_repeat,
    );
    out.emit("control.pop_binary", Plain(2), binary(c_pop));
    out.emit("control.ret_pops", Plain(3), f_ret * (one - c_pop));
    out.emit(
        "control.pop_only_on_ret_or_next",
        Plain(3),
        c_pop * (one - f_ret - f_next),
    );
    // NEXT pops exactly when the counter is 1 (h is the inverse of counter - 1 otherwise).
    out.emit(
        "control.next_pops_at_one",
        Plain(4),
        f_next * ((ctop - one) * h - one + c_pop),
    );
    out.emit(
        "control.next_pop_needs_one",
        Plain(4),
        f_next * c_pop * (ctop - one),
    );
    out.emit(
        "control.ret_needs_call_frame",
        Plain(3),
        f_ret * (one - ckind),
    );
    out.emit("control.next_needs_loop_frame", Plain(3), f_next * ckind);
    let keep = one - c_push - c_pop;
    out.emit("control.kind_kept", Plain(2), keep * (ckind_n - ckind));
    out.emit("control.ptr_kept", Plain(2), keep * (cptr_n - cptr));
    out.emit(
        "control.top_kept_or_decremented",
        Plain(3),
        keep * (ctop_n - ctop + f_next),
    );
    out.emit(
        "control.ptr_on_push",
        Plain(2),
        c_push * (cptr_n - clk - one),
    );
    out.emit(
        "control.top_on_push",
        Plain(3),
        (f_call + f_callctx) * (ctop_n - cur.pc() - one) + f_repeat * (ctop_n - cur.imm()),
    );
    out.emit(
        "control.kind_on_push",
        Plain(3),
        (f_call + f_callctx) * (ckind_n - one) + f_repeat * ckind_n,
    );
    // The frame flag: 1 exactly on CALLCTX's push, binary on pops (where the bus matches
    // it with the push's).
    out.emit(
        "control.ctx_flag_on_push",
        Plain(3),
        c_push * (k - f_callctx),
    );
    out.emit("control.ctx_flag_binary", Plain(3), c_pop * binary(k));
    out.emit(
        "control.call_returns_at_depth_16",
        Plain(4),
        ret_ctx * (depth - sixteen),
    );

    // ---- memory context and frame pointer
    let (ctx, fmp) = (cur.ctx(), cur.fmp());
    let f_update = f.of(Fmpupdate);
    out.emit(
        "system.ctx_kept",
        Plain(3),
        (one - f_callctx - f_ret) * (next.ctx() - ctx),
    );
    out.emit(
        "system.ctx_on_call",
        Plain(3),
        f_callctx * (next.ctx() - clk - one),
    );
    out.emit(
        "system.fmp_kept",
        Plain(3),
        (one - f_callctx - f_ret - f_update) * (next.fmp() - fmp),
    );
    out.emit(
        "system.fmp_update",
        Plain(3),
        f_update * (next.fmp() - fmp - cur.imm()),
    );
    out.emit(
        "system.fmp_on_call",
        Plain(3),
        f_callctx * (next.fmp() - E::from(Felt::new(vm_core::FMP_INIT))),
    );
}

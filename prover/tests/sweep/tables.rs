//! Forgeries for the mutation sweep (see `main.rs`): the clock, the program counter, the
//! stack positions and conditions, and the overflow and control table registers.
//!
//! Most forgeries run the malicious processor (`common::run`) so that the stack and the pc
//! follow the lie, then replay the overflow or control table over the built trace with the
//! liar's decisions ([`replay_overflow`], [`replay_control`]): the registers, the push and
//! pop flags and the helper are recomputed from the lie on, and every table row the liar
//! inserts is removed somewhere, so the bus (built from the trace) balances and only the
//! target constraint sees the lie.

use vm_air::layout::*;
use vm_core::{DebugInfo, Felt, FieldElement, Instruction, Opcode, Program};
use vm_prover::trace::TraceHooksForTesting;

use crate::common::forge::{after_first, assemble, forge, Forgery};
use crate::common::{Frame, Phase, State};
use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[
    (
        "control.pop_binary",
        "implied on every row by the other control constraints: ctl_pop (1 - f_RET - f_NEXT) \
         = 0 makes it 0 off RET and NEXT rows; on RET rows f_RET (1 - ctl_pop) = 0 makes it 1; \
         on NEXT rows next_pop_needs_one gives ctl_pop (ctop - 1) = 0, so ctl_pop != 0 forces \
         ctop = 1, and then next_pops_at_one, (ctop - 1) h - 1 + ctl_pop = 0, forces \
         ctl_pop = 1. No row can hold a non-binary ctl_pop with the others on.",
    ),
    (
        "overflow.pop_binary",
        "a pop flag p outside {0, 1} is nonzero only on a left-shift or HALT row \
         (pop_only_on_left_or_halt), where ovf_push = ctl_push = ctl_pop = 0 (they are pinned \
         to F_right, f_CALL + f_REPEAT and RET/NEXT rows); value_zero_off_pop forces ovf_val \
         = 0 and ptr_kept ptr' = ptr (1 - p != 0). The row's bus fraction is then -p / \
         (p fp(OVF, ptr, 0, ptr) + 1 - p) = -1 / (alpha - (2 - (1-p)/p + beta ptr + beta^3 \
         ptr)): a pole of residue -1 at a fingerprint with tag 2 - (1-p)/p. For the sum to \
         vanish at random alpha, beta a term of residue +1 must sit at the same fingerprint: \
         a table insertion (tag 2: p = 1; tag 3: (1-p)/p = -1, no solution) or a program-table \
         term of tag 1 (p = 1/2) with opcode 0 and imm = address = ptr. CPU lookups have \
         proven, nonzero opcodes; the chiplet's entries are the attested program's \
         instructions (nonzero opcodes) and padding (0, 0) at addresses >= its length >= 1, \
         while imm = address = ptr = 0 would be address 0, a real instruction. Other \
         non-binary pops add poles of residue -1 too, which never cancel each other.",
    ),
    (
        "control.next_pops_at_one",
        "with it off, the only new freedom is a NEXT at ctop = 1 that does not pop \
         (ctl_pop is binary by pop_binary, a pop still needs ctop = 1 by next_pop_needs_one, \
         and a NEXT at ctop != 1 that keeps its frame is honest, h being free on NEXT rows). \
         That NEXT decrements the counter to 0 (top_kept_or_decremented) and loops; the frame \
         REPEAT saved under it (row address a) must still be removed for the bus to balance, \
         by a pop at a row with cptr = a. With the clock and every pointer constraint on, \
         the table is last-in-first-out, so whenever cptr = a the top frame is this loop \
         frame (kind 0: no RET may pop it) with its counter lowered by one per NEXT at its \
         level: a NEXT may pop it only at counter 1 again, after p - 1 (about 2^64) more \
         NEXT rows, far beyond any trace length.",
    ),
];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(stack_cases());
    v.extend(overflow_cases());
    v.extend(control_cases());
    v
}

fn felt(v: u64) -> Felt {
    Felt::new(v)
}

/// Sixteen distinct stack inputs.
fn sixteen() -> Vec<u64> {
    (1..=16).collect()
}

/// The operation a trace row executes.
fn op_at(f: &mut Forgery, row: usize) -> Opcode {
    let cols = f.trace.columns_mut_for_testing();
    crate::common::executed_op(|c| cols.get(c, row)).expect("two flags of an opcode")
}

/// A program written instruction by instruction (one the assembler would never emit).
fn crafted(code: &[(Opcode, u64)]) -> Program {
    let code = code
        .iter()
        .map(|&(op, imm)| Instruction::with_imm(op, felt(imm)))
        .collect();
    Program::new(code, DebugInfo::default()).expect("a valid program")
}

/// A run of `program` (attested as itself) with the lie `lie`, whose control table is then
/// replayed with `ctl` ([`replay_control`]): the control registers and flags the processor
/// recorded are rewritten from the liar's decisions.
fn forge_ctl(
    program: &Program,
    stack: &[u64],
    lie: impl FnMut(Phase, usize, Instruction, &mut State),
    ctl: impl FnMut(usize, &mut CtlRegs) -> Option<Act>,
) -> Forgery {
    let mut f = crate::common::forge::forge_with(
        program,
        program,
        stack,
        &[],
        TraceHooksForTesting::default(),
        lie,
    );
    replay_control(&mut f, ctl);
    f
}

// ---- overflow and control table replays ---------------------------------------------------

/// What a row does to a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    /// Neither pushes nor pops (a `NEXT` that keeps its frame decrements the counter).
    Keep,
    /// Overflow: pushes `s15`. Control: saves the top frame, the new top is `(ctop, ckind)`.
    Push(Felt, Felt),
    /// Removes the table row at the address the pointer register names.
    Pop,
}

/// The overflow registers a liar may edit before a row is written.
struct OvfRegs {
    depth: u64,
    ptr: Felt,
}

/// Recomputes `depth`, `ovf_ptr`, `ovf_val` and the push and pop flags of every real row
/// from the operations, with row addresses `clk + 1` read from the trace's clock. `lie` may
/// edit the registers a row starts with and override what the row does (None: the honest
/// action). A pop removes the table row whose address is `ovf_ptr`.
fn replay_overflow(f: &mut Forgery, mut lie: impl FnMut(usize, &mut OvfRegs) -> Option<Act>) {
    let last = f.trace.last_real;
    let mut table: Vec<(Felt, Felt, Felt)> = Vec::new();
    let mut r = OvfRegs {
        depth: 16,
        ptr: Felt::ZERO,
    };
    for i in 0..=last {
        let op = op_at(f, i);
        let told = lie(i, &mut r);
        let shift = op.info().delta;
        let honest = if shift == 1 {
            Act::Push(Felt::ZERO, Felt::ZERO)
        } else if (shift == -1 || op == Opcode::Halt) && r.depth > 16 {
            Act::Pop
        } else {
            Act::Keep
        };
        let act = told.unwrap_or(honest);
        let cols = f.trace.columns_mut_for_testing();
        cols.set(DEPTH, i, felt(r.depth));
        cols.set(OVF_PTR, i, r.ptr);
        cols.set(OVF_PUSH, i, Felt::ZERO);
        cols.set(OVF_POP, i, Felt::ZERO);
        cols.set(OVF_VAL, i, Felt::ZERO);
        match act {
            Act::Keep => {}
            Act::Push(..) => {
                let addr = cols.get(CLK, i) + Felt::ONE;
                table.push((addr, cols.get(STACK + 15, i), r.ptr));
                cols.set(OVF_PUSH, i, Felt::ONE);
                r.ptr = addr;
                r.depth += 1;
            }
            Act::Pop => {
                let at = table
                    .iter()
                    .position(|row| row.0 == r.ptr)
                    .unwrap_or_else(|| panic!("row {i}: no overflow row at {}", r.ptr));
                let (_, value, prev) = table.remove(at);
                cols.set(OVF_POP, i, Felt::ONE);
                cols.set(OVF_VAL, i, value);
                r.ptr = prev;
                r.depth -= 1;
            }
        }
    }
    assert!(table.is_empty(), "overflow rows left: {table:?}");
}

/// The control registers a liar may edit before a row is written.
struct CtlRegs {
    top: Felt,
    kind: Felt,
    ptr: Felt,
}

/// Recomputes `ctop`, `ckind`, `cptr`, the push and pop flags and `NEXT`'s helper on every
/// real row from the operations, like [`replay_overflow`]: `CALL` saves the frame and sets
/// `(pc + 1, 1)`, `REPEAT` `(imm, 0)`, `RET` pops, `NEXT` pops at counter 1 and decrements
/// otherwise, unless `lie` says otherwise. A pop restores the row whose address is `cptr`.
fn replay_control(f: &mut Forgery, mut lie: impl FnMut(usize, &mut CtlRegs) -> Option<Act>) {
    let last = f.trace.last_real;
    let mut table: Vec<(Felt, Felt, Felt, Felt)> = Vec::new();
    let mut r = CtlRegs {
        top: Felt::ZERO,
        kind: Felt::ZERO,
        ptr: Felt::ZERO,
    };
    for i in 0..=last {
        let op = op_at(f, i);
        let told = lie(i, &mut r);
        let cols = f.trace.columns_mut_for_testing();
        let (pc, imm) = (cols.get(PC, i), cols.get(IMM, i));
        let honest = match op {
            Opcode::Call => Act::Push(pc + Felt::ONE, Felt::ONE),
            Opcode::Repeat => Act::Push(imm, Felt::ZERO),
            Opcode::Ret => Act::Pop,
            Opcode::Next if r.top == Felt::ONE => Act::Pop,
            _ => Act::Keep,
        };
        let act = told.unwrap_or(honest);
        cols.set(CTOP, i, r.top);
        cols.set(CKIND, i, r.kind);
        cols.set(CPTR, i, r.ptr);
        cols.set(CTL_PUSH, i, Felt::ZERO);
        cols.set(CTL_POP, i, Felt::ZERO);
        match act {
            Act::Keep => {
                if op == Opcode::Next {
                    let h = if r.top == Felt::ONE {
                        Felt::ZERO
                    } else {
                        (r.top - Felt::ONE).inv()
                    };
                    cols.set(HELPER, i, h);
                    r.top -= Felt::ONE;
                }
            }
            Act::Push(top, kind) => {
                let addr = cols.get(CLK, i) + Felt::ONE;
                table.push((addr, r.top, r.kind, r.ptr));
                cols.set(CTL_PUSH, i, Felt::ONE);
                r = CtlRegs {
                    top,
                    kind,
                    ptr: addr,
                };
            }
            Act::Pop => {
                let at = table
                    .iter()
                    .position(|row| row.0 == r.ptr)
                    .unwrap_or_else(|| panic!("row {i}: no control row at {}", r.ptr));
                let (_, top, kind, ptr) = table.remove(at);
                cols.set(CTL_POP, i, Felt::ONE);
                if op == Opcode::Next {
                    cols.set(HELPER, i, Felt::ZERO);
                }
                r = CtlRegs { top, kind, ptr };
            }
        }
    }
    assert!(table.is_empty(), "control rows left: {table:?}");
}

// ---- clock, pc, stack ---------------------------------------------------------------------

fn stack_cases() -> Vec<Case> {
    let mut v = Vec::new();
    // A wrong copy at each position: SWAP keeps s2..s15 and swaps s0, s1; the liar adds 1
    // to s_i (and claims the output that follows).
    for i in 0..16 {
        let f = forge(
            "begin swap end",
            &sixteen(),
            after_first(Opcode::Swap, move |st| st.top[i] += Felt::ONE),
        );
        v.push(Case::new(format!("stack.s[{i}]"), f));
    }
    // NOT on 2: s0' = 1 - 2 satisfies the result constraint; only binarity catches it.
    v.push(Case::new(
        "stack.condition_a",
        forge("begin push.2 not end", &[], |_, _, _, _| {}),
    ));
    // JMPZ on 2 (ADD at 0 makes it 1 + 1): its pc formula gives 2 (pc + 1) - imm = 0, a
    // valid address. The run goes back to ADD, which now adds 0 + 0, and the second JMPZ
    // (on 0) takes the `else` branch to HALT: ADD ran twice, every row consistent.
    v.push(Case::new(
        "stack.condition_a",
        forge(
            "begin add if.true nop else nop end end",
            &[1, 1],
            after_first(Opcode::Jmpz, |st| st.pc = 2 * st.pc - 4),
        ),
    ));
    // AND with a = 1, b = 2: s0' = a b = 2; only b's binarity catches it.
    v.push(Case::new(
        "stack.condition_b",
        forge("begin push.2 push.1 and end", &[], |_, _, _, _| {}),
    ));
    // JMPZ on 0 must jump to the else branch (PUSH.2 at 4); the liar lands on HALT at 5
    // and claims an empty output.
    v.push(Case::new(
        "cpu.pc",
        forge(
            "begin push.0 if.true push.1 else push.2 end end",
            &[],
            after_first(Opcode::Jmpz, |st| st.pc += 1),
        ),
    ));
    v.push(clock_case());
    v
}

/// The clock repeats: from row 2 on, `clk = row - 2`, so DUP15 on row 2 inserts its
/// overflow row at address 1, the address PUSH on row 0 used. The DROP on row 1 (which pops
/// address 1) then takes DUP15's row, a value pushed *later*: `s15` after the drop is any
/// value the liar likes (99), DUP15 copies it to the top, and the HALT drain removes PUSH's
/// row. The claimed output starts with 99 instead of the input s15.
fn clock_case() -> Case {
    let w = felt(99);
    let mut f = forge(
        "begin push.5 drop dup.15 end",
        &sixteen(),
        after_first(Opcode::Drop, move |st| st.top[15] = w),
    );
    assert_eq!(op_at(&mut f, 2), Opcode::Dup15);
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    for i in 2..=last {
        cols.set(CLK, i, felt(i as u64 - 2));
    }
    replay_overflow(&mut f, |_, _| None);
    // The pops took each other's rows: row 1 removes DUP15's (1, 99, 0), row 3 PUSH's.
    let cols = f.trace.columns_mut_for_testing();
    let x15 = cols.get(STACK + 15, 0);
    assert_eq!(cols.get(OVF_VAL, 1), x15);
    cols.set(OVF_VAL, 1, w);
    cols.set(OVF_VAL, 3, x15);
    Case::new("cpu.clock", f)
}

// ---- overflow table -----------------------------------------------------------------------

fn overflow_cases() -> Vec<Case> {
    let mut v = Vec::new();

    // The depth rises by one without a push before SDEPTH (which then claims 17) and
    // falls back without a pop after the DROP (which pops at the inflated depth 18).
    let mut f = forge(
        "begin nop sdepth swap drop nop end",
        &[],
        after_first(Opcode::Sdepth, |st| st.top[0] += Felt::ONE),
    );
    let cols = f.trace.columns_mut_for_testing();
    for i in 1..=4 {
        let d = cols.get(DEPTH, i);
        cols.set(DEPTH, i, d + Felt::ONE);
    }
    v.push(Case::new("overflow.depth", f));

    // PUSH does not push s15 into the overflow table: the depth stays 16 and the DROP
    // refills s15 with 0. The element is lost.
    let mut f = forge(
        "begin push.1 drop end",
        &sixteen(),
        after_first(Opcode::Push, |st| {
            st.overflow.pop();
        }),
    );
    replay_overflow(&mut f, |i, _| (i == 0).then_some(Act::Keep));
    v.push(Case::new("overflow.push_on_right_shift", f));

    // SWAP pops the overflow table (discarding the old s15): the DROP at depth 16 refills s15 with 0.
    let mut f = forge(
        "begin push.1 swap drop end",
        &sixteen(),
        after_first(Opcode::Swap, |st| {
            st.overflow.pop();
        }),
    );
    replay_overflow(&mut f, |i, _| (i == 1).then_some(Act::Pop));
    v.push(Case::new("overflow.pop_only_on_left_or_halt", f));

    // DROP at depth 17 does not pop: s15 becomes 0 (ovf_val off a pop), the old s15
    // stays in the table and the HALT drain discards it.
    let mut f = forge(
        "begin push.1 drop end",
        &sixteen(),
        after_first(Opcode::Drop, |st| {
            let x = st.top[15];
            st.top[15] = Felt::ZERO;
            st.overflow.push(x);
        }),
    );
    replay_overflow(&mut f, |i, _| (i == 1).then_some(Act::Keep));
    v.push(Case::new("overflow.pop_when_deep", f));

    // DROP at depth 16 refills s15 with ovf_val = 7 instead of 0 without popping.
    let mut f = forge(
        "begin drop end",
        &sixteen(),
        after_first(Opcode::Drop, |st| st.top[15] = felt(7)),
    );
    f.trace.columns_mut_for_testing().set(OVF_VAL, 0, felt(7));
    v.push(Case::new("overflow.value_zero_off_pop", f));

    // Two overflow rows (the input s15 at address 1, s14 at address 2); before each DROP a NOOP moves
    // the pointer: the first DROP pops the older row, the second the newer one. The last
    // two outputs come back swapped.
    let mut swapped = false;
    let mut f = forge(
        "begin push.1 push.2 nop drop nop drop end",
        &sixteen(),
        move |phase, _, ins, st: &mut State| {
            if phase == Phase::Before && ins.op == Opcode::Drop && !swapped {
                swapped = true;
                let n = st.overflow.len();
                st.overflow.swap(n - 1, n - 2);
            }
        },
    );
    assert_eq!(op_at(&mut f, 3), Opcode::Drop);
    assert_eq!(op_at(&mut f, 5), Opcode::Drop);
    replay_overflow(&mut f, |i, r| {
        match i {
            3 => r.ptr = felt(1),
            5 => r.ptr = felt(2),
            _ => {}
        }
        None
    });
    v.push(Case::new("overflow.ptr_kept", f));

    // Time travel by the pointer alone: PUSH (row 0) inserts (1, s15, 0) but points to
    // address 3, the row DUP15 (row 2) will insert; the DROP pops it, getting the value
    // DUP15 will push, any value the liar likes (99); DUP15 then points back to 1, which
    // the HALT drain pops. Output [99, ...], not the input s15.
    let w = felt(99);
    let mut f = forge(
        "begin push.5 drop dup.15 end",
        &sixteen(),
        after_first(Opcode::Drop, move |st| st.top[15] = w),
    );
    let cols = f.trace.columns_mut_for_testing();
    let x15 = cols.get(STACK + 15, 0);
    assert_eq!(
        [
            cols.get(OVF_PTR, 1),
            cols.get(OVF_PTR, 3),
            cols.get(OVF_VAL, 1)
        ],
        [felt(1), felt(3), x15]
    );
    cols.set(OVF_PTR, 1, felt(3));
    cols.set(OVF_VAL, 1, w);
    cols.set(OVF_PTR, 3, felt(1));
    cols.set(OVF_VAL, 3, x15);
    v.push(Case::new("overflow.ptr_on_push", f));
    v
}

// ---- control table ------------------------------------------------------------------------

/// `0 CALL.3, 1 PUSH.2, 2 HALT, 3 PUSH.1, 4 RET`.
const ONE_CALL: &str = "proc.f push.1 end begin exec.f push.2 end";
/// `0 CALL.2, 1 HALT, 2 CALL.5, 3 PUSH.2, 4 RET, 5 PUSH.1, 6 RET`.
const TWO_CALLS: &str = "proc.g push.1 end proc.f exec.g push.2 end begin exec.f end";
/// `0 REPEAT.3, 1 INCR, 2 NEXT.1, 3 HALT`.
const LOOP3: &str = "begin repeat.3 add.1 end end";

fn control_cases() -> Vec<Case> {
    use Opcode::*;
    let mut v = Vec::new();
    let none = |_: Phase, _: usize, _: Instruction, _: &mut State| {};

    // INCR inside f (`0 CALL.3, 1 PUSH.2, 2 HALT, 3 INCR, 4 RET`; not a right shift, whose
    // overflow push would share the row's bus fraction) also saves the call frame and
    // claims a fresh call frame returning to 3: f's RET goes back to INCR, and the second
    // RET returns to main. f ran twice: [2, 2], not [2, 1].
    let f = forge_ctl(
        &assemble("proc.f add.1 end begin exec.f push.2 end"),
        &[0],
        after_first(Incr, |st| st.control.push(Frame::Call(3))),
        |i, _| (i == 1).then_some(Act::Push(felt(3), Felt::ONE)),
    );
    v.push(Case::new("control.push_on_call_or_repeat", f));

    // g's RET returns to f without popping g's frame (return address 3 again): f's RET
    // then "returns" to 3 a second time, and PUSH.2 runs twice.
    let mut done = false;
    let f = forge_ctl(
        &assemble(TWO_CALLS),
        &[],
        move |phase, _, ins, st: &mut State| {
            if phase == Phase::Before && ins.op == Ret && !done {
                done = true;
                let top = *st.control.last().unwrap();
                st.control.push(top);
            }
        },
        |i, _| (i == 3).then_some(Act::Keep),
    );
    v.push(Case::new("control.ret_pops", f));

    // INCR in g (`0 CALL.2, 1 HALT, 2 CALL.5, 3 PUSH.2, 4 RET, 5 INCR, 6 RET`) pops g's
    // frame: g's RET then returns straight to main, skipping f's PUSH.2.
    let f = forge_ctl(
        &assemble("proc.g add.1 end proc.f exec.g push.2 end begin exec.f end"),
        &[0],
        after_first(Incr, |st| {
            st.control.pop();
        }),
        |i, _| (i == 2).then_some(Act::Pop),
    );
    v.push(Case::new("control.pop_only_on_ret_or_next", f));

    // NEXT with counter 3 pops (helper 0 satisfies `(ctop - 1) h - 1 + pop`) and leaves
    // the loop after one iteration: the output is 1, not 3.
    let exit_early = || {
        after_first(Next, |st| {
            st.control.pop();
            st.pc = 3;
        })
    };
    let f = forge_ctl(&assemble(LOOP3), &[0], exit_early(), |i, _| {
        (i == 2).then_some(Act::Pop)
    });
    v.push(Case::new("control.next_pop_needs_one", f));

    // The same early exit by a counter that jumps from 3 to 1 after INCR (a keep row): NEXT
    // then pops honestly at "1".
    let f = forge_ctl(&assemble(LOOP3), &[0], exit_early(), |i, r| {
        if i == 2 {
            r.top = Felt::ONE;
        }
        None
    });
    v.push(Case::new("control.top_kept_or_decremented", f));

    // CALL saves 2 (main's HALT) as f's return address instead of 1: main's PUSH.2 is
    // skipped.
    let f = forge_ctl(
        &assemble(ONE_CALL),
        &[],
        after_first(Call, |st| {
            st.control.pop();
            st.control.push(Frame::Call(2));
        }),
        |i, _| (i == 0).then_some(Act::Push(felt(2), Felt::ONE)),
    );
    v.push(Case::new("control.top_on_push", f));

    // `REPEAT.2; RET; HALT`: RET on a loop frame (the processor fails) pops it and jumps
    // to the counter, 2, the HALT.
    let repeat_ret = crafted(&[(Repeat, 2), (Ret, 0), (Halt, 0)]);
    let f = forge_ctl(&repeat_ret, &[5], none, |_, _| None);
    v.push(Case::new("control.ret_needs_call_frame", f));

    // The same program with REPEAT pushing a "call" frame (kind 1): RET accepts it.
    let f = forge_ctl(&repeat_ret, &[5], none, |i, _| {
        (i == 0).then_some(Act::Push(felt(2), Felt::ONE))
    });
    v.push(Case::new("control.kind_on_push", f));

    // `REPEAT.3; NOOP; RET; HALT`: the loop frame becomes a call frame on the NOOP, and
    // RET "returns" to 3.
    let p = crafted(&[(Repeat, 3), (Noop, 0), (Ret, 0), (Halt, 0)]);
    let f = forge_ctl(&p, &[5], none, |i, r| {
        if i == 2 {
            r.kind = Felt::ONE;
        }
        None
    });
    v.push(Case::new("control.kind_kept", f));

    // `CALL.2; HALT; NEXT.0; HALT`: NEXT on the call frame, whose return address 1 reads as
    // a counter of 1, pops it and falls through to the second HALT (the processor fails).
    let p = crafted(&[(Call, 2), (Halt, 0), (Next, 0), (Halt, 0)]);
    let lie = |phase, _, ins: Instruction, st: &mut State| {
        if phase == Phase::After && ins.op == Next {
            st.control.pop();
        }
    };
    let f = forge_ctl(&p, &[5], lie, |_, _| None);
    v.push(Case::new("control.next_needs_loop_frame", f));

    // The frame pointer is wrong for one row inside f (PUSH.2's), then right again: only
    // pushes and pops read it, and this row does neither.
    let p = assemble("proc.f push.1 push.2 end begin exec.f end");
    let f = forge_ctl(&p, &[], none, |i, r| {
        match i {
            2 => r.ptr += felt(5),
            3 => r.ptr -= felt(5),
            _ => {}
        }
        None
    });
    v.push(Case::new("control.ptr_kept", f));

    // Time travel by the frame pointer: the first CALL saves the empty frame at address 1
    // but points to 4, the row the second CALL (row 3) will insert; f's RET restores that
    // future frame, any frame the liar likes (ctop 7), which the second CALL then saves,
    // pointing back to 1; g's RET restores the empty frame from address 1.
    let p = assemble("proc.f nop end proc.g add.1 end begin exec.f exec.g end");
    let mut f = forge_ctl(&p, &[], none, |_, _| None);
    let ops: Vec<Opcode> = (0..6).map(|i| op_at(&mut f, i)).collect();
    assert_eq!(ops, [Call, Noop, Ret, Call, Incr, Ret]);
    let cols = f.trace.columns_mut_for_testing();
    let honest: Vec<Felt> = (1..=5).map(|i| cols.get(CPTR, i)).collect();
    assert_eq!(honest, [1, 1, 0, 4, 4].map(felt));
    cols.set(CPTR, 1, felt(4));
    cols.set(CPTR, 2, felt(4));
    cols.set(CTOP, 3, felt(7));
    cols.set(CPTR, 4, felt(1));
    cols.set(CPTR, 5, felt(1));
    v.push(Case::new("control.ptr_on_push", f));
    v
}

//! A malicious processor for the soundness tests: an interpreter of the proven operations
//! that can lie. A hook runs before and after every cycle and may change anything in the
//! state (a result, a helper-visible value, the pc, the tables); every later row is then
//! computed honestly from the lie, so the trace is consistent everywhere except at the
//! one constraint that must catch it.
//!
//! Its honest runs are checked against `vm_processor::execute_traced` row for row, so the
//! interpreter is not a second, unchecked definition of the semantics.
#![allow(dead_code)]

pub mod forge;

use vm_air::ops::{self, Source};
use vm_core::{Felt, FieldElement, Instruction, Opcode, Program, StackInputs, StackOutputs};
use vm_processor::trace::{CycleRow, ExecutionTrace};
use winter_math::fields::QuadExtension;

/// A control-stack frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A call frame with its return address.
    Call(u32),
    /// A loop counter.
    Loop(u64),
}

/// The interpreter's state.
#[derive(Clone, Debug)]
pub struct State {
    /// Program counter.
    pub pc: usize,
    /// The visible stack, `s0` first.
    pub top: [Felt; 16],
    /// The overflow table's values, oldest first.
    pub overflow: Vec<Felt>,
    /// The control stack, oldest first.
    pub control: Vec<Frame>,
    /// The advice stack, next value last.
    pub advice: Vec<Felt>,
}

/// When a hook runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the cycle's operation (after its row is recorded).
    Before,
    /// After the cycle's operation (before the next row is recorded).
    After,
}

/// The result of a (possibly malicious) run.
pub struct Run {
    /// The recorded rows, for `vm_prover::trace::build`.
    pub trace: ExecutionTrace,
    /// Depth at HALT.
    pub final_depth: usize,
    /// The top 16 at HALT.
    pub outputs: StackOutputs,
}

/// Runs `program` from `inputs` with `advice` (first value popped first), calling `hook`
/// around every cycle.
pub fn run(
    program: &Program,
    inputs: &StackInputs,
    advice: &[u64],
    mut hook: impl FnMut(Phase, usize, Instruction, &mut State),
) -> Run {
    let mut st = State {
        pc: 0,
        top: inputs.padded(),
        overflow: Vec::new(),
        control: Vec::new(),
        advice: advice.iter().rev().map(|v| Felt::new(*v)).collect(),
    };
    let mut rows = Vec::new();
    for clk in 0..1_000_000u64 {
        let ins = program.code()[st.pc];
        rows.push(record(&st, clk, ins));
        hook(Phase::Before, clk as usize, ins, &mut st);
        if ins.op == Opcode::Halt {
            return Run {
                final_depth: 16 + st.overflow.len(),
                outputs: StackOutputs::new(&st.top).unwrap(),
                trace: ExecutionTrace {
                    rows,
                    ..Default::default()
                },
            };
        }
        step(&mut st, ins);
        hook(Phase::After, clk as usize, ins, &mut st);
    }
    panic!("the malicious run did not halt");
}

/// Records the first `steps` rows of a run that may never halt (no hooks).
pub fn rows_of(program: &Program, inputs: &StackInputs, steps: usize) -> Vec<CycleRow> {
    let mut st = State {
        pc: 0,
        top: inputs.padded(),
        overflow: Vec::new(),
        control: Vec::new(),
        advice: Vec::new(),
    };
    let mut rows = Vec::with_capacity(steps);
    for clk in 0..steps as u64 {
        let ins = program.code()[st.pc];
        rows.push(record(&st, clk, ins));
        step(&mut st, ins);
    }
    rows
}

/// The row recorded at the start of cycle `clk`.
fn record(st: &State, clk: u64, ins: Instruction) -> CycleRow {
    CycleRow {
        clk,
        pc: st.pc as u32,
        instruction: ins,
        stack: st.top,
        depth: 16 + st.overflow.len(),
        ctx: 0,
        fmp: Felt::ZERO,
        control_depth: st.control.len(),
    }
}

/// One honest step (no checks: a liar does not fail its own assertions).
fn step(st: &mut State, ins: Instruction) {
    use Opcode::*;
    let s = st.top;
    let imm = ins.imm;
    let mut pc = st.pc + 1;
    match ins.op {
        Jmp => pc = imm.as_int() as usize,
        Jmpz if s[0] == Felt::ZERO => pc = imm.as_int() as usize,
        Jmpnz if s[0] == Felt::ONE => pc = imm.as_int() as usize,
        Call => {
            st.control.push(Frame::Call(st.pc as u32 + 1));
            pc = imm.as_int() as usize;
        }
        Ret => {
            if let Some(Frame::Call(r)) = st.control.pop() {
                pc = r as usize;
            }
        }
        Repeat => st.control.push(Frame::Loop(imm.as_int())),
        Next => {
            if let Some(Frame::Loop(c)) = st.control.last_mut() {
                *c -= 1;
                if *c != 0 {
                    pc = imm.as_int() as usize;
                } else {
                    st.control.pop();
                }
            }
        }
        _ => {}
    }
    st.pc = pc;

    // The stack: sources from the AIR's table, special results computed here.
    let depth = Felt::new(16 + st.overflow.len() as u64);
    let shift = ops::shift(ins.op);
    let popped = if shift == -1 {
        st.overflow.pop().unwrap_or(Felt::ZERO)
    } else {
        Felt::ZERO
    };
    if shift == 1 {
        st.overflow.push(s[15]);
    }
    let mut new = [Felt::ZERO; 16];
    let mut advice_slots = Vec::new();
    for (i, src) in ops::stack_sources(ins.op).into_iter().enumerate() {
        new[i] = match src {
            Source::Copy(j) => s[j],
            Source::Overflow => popped,
            Source::Imm => imm,
            Source::Zero => Felt::ZERO,
            Source::Depth => depth,
            Source::Special => special(ins.op, imm, &s, i),
            Source::Advice => {
                advice_slots.push(i);
                Felt::ZERO
            }
        };
    }
    // ADVPOP fills s0; ADVPOPW fills s3 first (the first value popped), s0 last.
    for &i in advice_slots.iter().rev() {
        new[i] = st.advice.pop().unwrap_or(Felt::ZERO);
    }
    st.top = new;
}

fn special(op: Opcode, imm: Felt, s: &[Felt; 16], i: usize) -> Felt {
    use Opcode::*;
    let b = |x: bool| if x { Felt::ONE } else { Felt::ZERO };
    let (a, c) = (s[0], s[1]);
    match (op, i) {
        (Add, 0) => a + c,
        (Mul, 0) => a * c,
        (Eq, 0) => b(a == c),
        (And, 0) => a * c,
        (Or, 0) => a + c - a * c,
        (Neg, 0) => -a,
        (Inv, 0) => a.inv(),
        (Incr, 0) => a + Felt::ONE,
        (Addi, 0) => a + imm,
        (Muli, 0) => a * imm,
        (Eqz, 0) => b(a == Felt::ZERO),
        (Not, 0) => Felt::ONE - a,
        (Expacc, 0) => Felt::new(s[3].as_int() & 1),
        (Expacc, 1) => c * c,
        (Expacc, 2) => {
            if s[3].as_int() & 1 == 1 {
                s[2] * c
            } else {
                s[2]
            }
        }
        (Expacc, 3) => Felt::new(s[3].as_int() >> 1),
        (Ext2mul, 2 | 3) => {
            let x = QuadExtension::new(s[3], s[2]) * QuadExtension::new(s[1], s[0]);
            let e = x.to_base_elements();
            if i == 2 {
                e[1]
            } else {
                e[0]
            }
        }
        (Cswap, 0) => {
            if a == Felt::ONE {
                s[2]
            } else {
                s[1]
            }
        }
        (Cswap, 1) => {
            if a == Felt::ONE {
                s[1]
            } else {
                s[2]
            }
        }
        (Cswapw, i) => {
            let swap = a == Felt::ONE;
            match (i < 4, swap) {
                (true, true) => s[i + 5],
                (true, false) => s[i + 1],
                (false, true) => s[i - 3],
                (false, false) => s[i + 1],
            }
        }
        _ => unreachable!("{op} has no special result at {i}"),
    }
}

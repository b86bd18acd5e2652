//! **Testing only** (feature `testing`): the processor one cycle at a time, with its whole
//! state open to hooks.
//!
//! A [`Process`] runs the same interpreter as [`crate::execute_traced`]: each
//! [`Process::step_with`] is one cycle of that loop (the row recorded, the decorators and the
//! instruction run, the table registers and chiplet requests recorded), with a hook called
//! before the instruction (after its row is recorded) and after it. A hook gets the
//! [`State`] and may change anything in it; the processor goes on honestly from there. That
//! is the malicious prover of the soundness tests: one lie, then every later row computed
//! from it. A process made with [`Process::ignoring_failed_checks`] also goes on past the
//! checks the operations' formulas do not need (a non-binary condition, a failed `ASSERT`, a
//! non-u32 operand, a Merkle node that is not the store's, a control frame of the wrong
//! kind), as a liar who does not fail its own assertions; it stops only where an operation
//! cannot go on (no Merkle path, an empty advice stack, division by zero, a bad address).
//!
//! Nothing here is for a real prover: a trace from a hooked run proves whatever the hook
//! made up.

use vm_core::{Felt, Instruction, Program, StackInputs, STACK_TOP_SIZE};

use crate::errors::{ErrorKind, ExecutionError};
use crate::exec::{Code, Vm, HALTED};
use crate::inputs::AdviceInputs;
use crate::trace::ExecutionTrace;
use crate::{ExecutionOptions, ExecutionOutput, Host};

pub use crate::exec::{AddrHasher, Frame, Memory};

/// When a hook runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the cycle's decorators and instruction (after its row is recorded).
    Before,
    /// After the cycle's instruction (before the next row is recorded). Not called for
    /// `HALT`.
    After,
}

/// The processor's state between two steps, as a hook sees and edits it.
///
/// The overflow and control tables' addresses are kept beside their values; a hook that
/// changes the length of `overflow` or `control` without changing the matching address list
/// gets the list cut, or extended with this cycle's address (`clk + 1`), to match.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct State {
    /// The cycle running (between cycles: the next one). Read only: changes are ignored.
    pub clk: u64,
    /// Program counter: the address the next cycle executes (after a `Before` hook: the
    /// address the cycle's instruction counts as executing at, e.g. for `CALL`'s return
    /// address; the instruction itself is already fetched).
    pub pc: usize,
    /// The visible stack, `s0` first.
    pub top: [Felt; STACK_TOP_SIZE],
    /// The current context's overflow table values (below `s15`), oldest first.
    pub overflow: Vec<Felt>,
    /// The overflow table address (`clk + 1` of the cycle that pushed it) of each of
    /// `overflow`.
    pub overflow_addrs: Vec<Felt>,
    /// The control stack, oldest first.
    pub control: Vec<Frame>,
    /// The control table address of each of `control`.
    pub control_addrs: Vec<Felt>,
    /// The advice stack, next value last.
    pub advice: Vec<Felt>,
    /// The advice map and Merkle store (its `stack` is unused: see `advice`).
    pub advice_inputs: AdviceInputs,
    /// The current context's memory.
    pub memory: Memory,
    /// The memory context (changes must name an existing context).
    pub ctx: u32,
    /// The frame pointer.
    pub fmp: Felt,
    /// Callers' stack elements below the current context (`CALLCTX`), and their addresses.
    callers: Vec<Felt>,
    callers_addrs: Vec<Felt>,
}

/// A processor run one cycle at a time (see the module documentation).
pub struct Process<'a, H: Host> {
    vm: Vm<'a, H, ExecutionTrace>,
    code: Code<'a>,
    pc: usize,
    halted: bool,
}

impl<'a, H: Host> Process<'a, H> {
    /// A process at cycle 0 of `program`, as [`crate::execute_traced`] starts it.
    pub fn new(
        program: &'a Program,
        stack: StackInputs,
        advice: AdviceInputs,
        host: &'a mut H,
        options: ExecutionOptions,
    ) -> Self {
        let vm = Vm::new(
            program,
            stack,
            advice,
            host,
            options,
            ExecutionTrace::default(),
        );
        Self {
            vm,
            code: Code::new(program, &options),
            pc: 0,
            halted: false,
        }
    }

    /// **Dangerous: a liar's processor.** Failed checks that the operations' formulas do not
    /// need are recorded in [`Process::ignored_failures`] instead of ending the run.
    pub fn ignoring_failed_checks(mut self) -> Self {
        self.vm.lenient = true;
        self
    }

    /// The checks a process made with [`Process::ignoring_failed_checks`] let pass.
    pub fn ignored_failures(&self) -> &[ExecutionError] {
        &self.vm.ignored
    }

    /// The address the next cycle executes.
    pub fn pc(&self) -> usize {
        self.pc
    }

    /// The next cycle's number (the cycles run so far).
    pub fn clk(&self) -> u64 {
        self.vm.clk
    }

    /// Whether `HALT` has run.
    pub fn halted(&self) -> bool {
        self.halted
    }

    /// What the run has recorded so far.
    pub fn trace(&self) -> &ExecutionTrace {
        &self.vm.tracer
    }

    /// The outputs of the current state (after `HALT`: the run's).
    pub fn output(&self) -> ExecutionOutput {
        self.vm.output()
    }

    /// The outputs and the recorded trace.
    pub fn finish(self) -> (ExecutionOutput, ExecutionTrace) {
        (self.vm.output(), self.vm.tracer)
    }

    /// Runs one cycle without hooks; returns whether it was `HALT`.
    pub fn step(&mut self) -> Result<bool, ExecutionError> {
        self.step_with(&mut |_, _, _, _| {})
    }

    /// Runs one cycle: records its row, calls `hook(Phase::Before, clk, instruction, state)`,
    /// runs the decorators and the instruction, and (unless it was `HALT`) calls
    /// `hook(Phase::After, ...)`. Returns whether it was `HALT`.
    pub fn step_with(
        &mut self,
        hook: &mut impl FnMut(Phase, usize, Instruction, &mut State),
    ) -> Result<bool, ExecutionError> {
        assert!(!self.halted, "the process has halted");
        if let Some(e) = self.vm.init_error.take() {
            return Err(e);
        }
        let clk = self.vm.clk;
        self.check_pc(clk)?;
        let ins = self.vm.program.code()[self.pc];
        self.vm.begin_cycle(&self.code, self.pc, ins)?;
        self.edit_cycle(clk, |st| hook(Phase::Before, clk as usize, ins, st));
        self.check_pc(clk)?;
        let next = self.vm.exec_cycle(&self.code, self.pc, ins)?;
        if next == HALTED {
            self.halted = true;
            return Ok(true);
        }
        self.pc = next;
        self.edit_cycle(clk, |st| hook(Phase::After, clk as usize, ins, st));
        Ok(false)
    }

    /// Steps with `hook` until `HALT`.
    pub fn run(
        &mut self,
        mut hook: impl FnMut(Phase, usize, Instruction, &mut State),
    ) -> Result<(), ExecutionError> {
        while !self.step_with(&mut hook)? {}
        Ok(())
    }

    /// A hook may have put the pc anywhere.
    fn check_pc(&self, clk: u64) -> Result<(), ExecutionError> {
        let len = self.vm.program.code().len();
        if self.pc < len {
            return Ok(());
        }
        let kind = ErrorKind::PcOutOfRange {
            next: self.pc as u64,
            len: len as u64,
        };
        Err(ExecutionError::new(kind, self.vm.program, 0, clk, []))
    }

    /// Calls `f` on the state between two cycles; the process goes on from what `f` leaves.
    pub fn edit_state<R>(&mut self, f: impl FnOnce(&mut State) -> R) -> R {
        self.edit_cycle(self.vm.clk, f)
    }

    /// [`Process::edit_state`] during cycle `clk`.
    fn edit_cycle<R>(&mut self, clk: u64, f: impl FnOnce(&mut State) -> R) -> R {
        let mut st = self.take_state(clk);
        let r = f(&mut st);
        self.put_state(st, clk);
        r
    }

    fn take_state(&mut self, clk: u64) -> State {
        let vm = &mut self.vm;
        let mut stack = std::mem::take(&mut vm.stack);
        let n = stack.len();
        let top = std::array::from_fn(|i| stack[n - 1 - i]);
        stack.truncate(n - STACK_TOP_SIZE);
        let mut addrs = std::mem::take(&mut vm.ovf_addrs);
        let floor = vm.floor;
        let (callers, overflow) = split(stack, floor);
        let at = floor.min(addrs.len());
        let (callers_addrs, overflow_addrs) = if at == 0 {
            (Vec::new(), addrs)
        } else {
            let rest = addrs.split_off(at);
            (addrs, rest)
        };
        State {
            clk,
            pc: self.pc,
            top,
            overflow,
            overflow_addrs,
            control: std::mem::take(&mut vm.cstack),
            control_addrs: std::mem::take(&mut vm.ctl_addrs),
            advice: std::mem::take(&mut vm.adv),
            advice_inputs: std::mem::take(&mut vm.advice),
            memory: std::mem::take(&mut vm.mems[vm.ctx as usize]),
            ctx: vm.ctx,
            fmp: vm.fmp,
            callers,
            callers_addrs,
        }
    }

    fn put_state(&mut self, st: State, clk: u64) {
        let State {
            clk: _,
            pc,
            top,
            overflow,
            mut overflow_addrs,
            control,
            mut control_addrs,
            advice,
            advice_inputs,
            memory,
            ctx,
            fmp,
            callers,
            callers_addrs,
        } = st;
        let vm = &mut self.vm;
        // Addresses of what a hook inserted: this cycle's.
        let addr = Felt::new(clk + 1);
        overflow_addrs.resize(overflow.len(), addr);
        control_addrs.resize(control.len(), addr);
        vm.floor = callers.len();
        let mut stack = join(callers, overflow);
        stack.extend(top.iter().rev());
        vm.stack = stack;
        vm.ovf_addrs = join(callers_addrs, overflow_addrs);
        vm.cstack = control;
        vm.ctl_addrs = control_addrs;
        vm.adv = advice;
        vm.advice = advice_inputs;
        vm.mems[vm.ctx as usize] = memory;
        vm.ctx = ctx;
        vm.fmp = fmp;
        self.pc = pc;
    }
}

/// `v[..at]` and `v[at..]`, without a copy when `at` is 0.
fn split(mut v: Vec<Felt>, at: usize) -> (Vec<Felt>, Vec<Felt>) {
    if at == 0 {
        (Vec::new(), v)
    } else {
        let rest = v.split_off(at);
        (v, rest)
    }
}

/// `a` followed by `b`, without a copy when `a` is empty.
fn join(mut a: Vec<Felt>, b: Vec<Felt>) -> Vec<Felt> {
    if a.is_empty() {
        b
    } else {
        a.extend(b);
        a
    }
}

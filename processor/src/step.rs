//! A steppable execution: the fast interpreter one cycle at a time, with its state open to
//! reading (never to changing), for debuggers and profilers.
//!
//! A [`Stepper`] runs exactly the interpreter of [`crate::execute`]: each
//! [`Stepper::step`] is one cycle of its loop (the cycle limit checked, the decorators and
//! the instruction run), so a run stepped to its end has the outputs, cycle count, trace
//! statistics and error of [`crate::execute`]. Between two steps the state can be read: the
//! address and instruction of the next cycle, the operand stack, the advice stack, the
//! current memory context, the frame pointer and the control stack (call frames and loop
//! counters).
//!
//! Execution is deterministic, so stepping backwards is re-executing:
//! [`Stepper::restart`] goes back to cycle 0 with the same inputs and host, and
//! [`Stepper::run_to`] steps forward to a given cycle.

use vm_core::{Felt, FieldElement, Instruction, Program, StackInputs, STACK_TOP_SIZE};

use crate::errors::{ErrorKind, ExecutionError};
use crate::exec::{Code, Frame, Vm, HALTED};
use crate::inputs::AdviceInputs;
use crate::trace::NoTrace;
use crate::{ExecutionOptions, ExecutionOutput, Host};

/// Where a [`Stepper`] stands.
#[derive(Clone, Debug, PartialEq, Eq)]
// One state per stepper: the failure's size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum StepState {
    /// The next cycle can run.
    Running,
    /// `HALT` has run: the state is the run's final state.
    Halted,
    /// The last cycle failed with this error; the state is what the failing cycle left
    /// (partly changed). [`Stepper::run_to`] the error's `clk` shows the state before it.
    Failed(ExecutionError),
}

/// A program's execution, one cycle at a time (see the module documentation).
pub struct Stepper<'a, H: Host> {
    /// Always `Some` between calls (taken only while [`Stepper::restart`] rebuilds it).
    vm: Option<Vm<'a, H, NoTrace>>,
    code: Code<'a>,
    pc: usize,
    state: StepState,
    /// The inputs, to start again from them.
    stack_inputs: StackInputs,
    advice_inputs: AdviceInputs,
}

impl<'a, H: Host> Stepper<'a, H> {
    /// An execution of `program` at cycle 0, as [`crate::execute`] starts it.
    pub fn new(
        program: &'a Program,
        stack: StackInputs,
        advice: AdviceInputs,
        host: &'a mut H,
        options: ExecutionOptions,
    ) -> Self {
        let vm = Vm::new(
            program,
            stack.clone(),
            advice.clone(),
            host,
            options,
            NoTrace,
        );
        let mut vm = vm;
        let state = match vm.init_error.take() {
            Some(e) => StepState::Failed(e),
            None => StepState::Running,
        };
        Self {
            vm: Some(vm),
            code: Code::new(program, &options),
            pc: 0,
            state,
            stack_inputs: stack,
            advice_inputs: advice,
        }
    }

    fn vm(&self) -> &Vm<'a, H, NoTrace> {
        self.vm.as_ref().expect("the stepper always has a state")
    }

    fn vm_mut(&mut self) -> &mut Vm<'a, H, NoTrace> {
        self.vm.as_mut().expect("the stepper always has a state")
    }

    /// The program being run.
    pub fn program(&self) -> &'a Program {
        self.vm().program
    }

    /// The host.
    pub fn host(&self) -> &H {
        self.vm().host
    }

    /// The host, to change its own settings (e.g. to silence its output while re-executing).
    pub fn host_mut(&mut self) -> &mut H {
        self.vm_mut().host
    }

    /// Whether the next cycle can run, the run halted, or a cycle failed.
    pub fn state(&self) -> &StepState {
        &self.state
    }

    /// Whether `HALT` has run.
    pub fn halted(&self) -> bool {
        self.state == StepState::Halted
    }

    /// The number of cycles run so far, which is the number of the next cycle. After a
    /// failure the failing cycle is the error's `clk`.
    pub fn clk(&self) -> u64 {
        self.vm().clk
    }

    /// The address of the next cycle's instruction (after `HALT`: the `HALT`; after a
    /// failure: the failing instruction).
    pub fn pc(&self) -> usize {
        self.pc
    }

    /// The next cycle's instruction (the `HALT` or failing instruction once stopped).
    pub fn instruction(&self) -> Option<Instruction> {
        self.vm().program.code().get(self.pc).copied()
    }

    /// Runs one cycle: the decorators at the pc, then the instruction. Returns whether it
    /// was `HALT`. Once halted or failed, does nothing: returns `Ok(true)` after `HALT`,
    /// the error again after a failure.
    pub fn step(&mut self) -> Result<bool, ExecutionError> {
        match &self.state {
            StepState::Running => {}
            StepState::Halted => return Ok(true),
            StepState::Failed(e) => return Err(e.clone()),
        }
        let pc = self.pc;
        let result = self.cycle(pc);
        match result {
            Ok(HALTED) => {
                self.state = StepState::Halted;
                Ok(true)
            }
            Ok(next) => {
                self.pc = next;
                Ok(false)
            }
            Err(e) => {
                self.state = StepState::Failed(e.clone());
                Err(e)
            }
        }
    }

    fn cycle(&mut self, pc: usize) -> Result<usize, ExecutionError> {
        let program = self.vm().program;
        let Some(&ins) = program.code().get(pc) else {
            // Unreachable for a program `Program::new` accepted (see `Vm::stop`).
            let kind = ErrorKind::PcOutOfRange {
                next: pc as u64,
                len: program.code().len() as u64,
            };
            let clk = self.clk();
            return Err(ExecutionError::new(kind, program, pc as u32, clk, []));
        };
        let code = &self.code;
        let vm = self.vm.as_mut().expect("the stepper always has a state");
        vm.begin_cycle(code, pc, ins)?;
        vm.exec_cycle(code, pc, ins)
    }

    /// Steps until `HALT` or a failure; returns the outputs.
    pub fn run(&mut self) -> Result<ExecutionOutput, ExecutionError> {
        while !self.step()? {}
        Ok(self.output())
    }

    /// Goes back to cycle 0: the inputs as given to [`Stepper::new`], the same host.
    pub fn restart(&mut self) {
        let vm = self.vm.take().expect("the stepper always has a state");
        let (program, options, host) = (vm.program, vm.options, vm.host);
        let mut vm = Vm::new(
            program,
            self.stack_inputs.clone(),
            self.advice_inputs.clone(),
            host,
            options,
            NoTrace,
        );
        self.state = match vm.init_error.take() {
            Some(e) => StepState::Failed(e),
            None => StepState::Running,
        };
        self.vm = Some(vm);
        self.pc = 0;
    }

    /// Goes to the state after `clk` cycles: restarts first when `clk` is behind, then
    /// steps forward until `clk` cycles have run, `HALT` has run or a cycle fails (whose
    /// error is returned).
    pub fn run_to(&mut self, clk: u64) -> Result<(), ExecutionError> {
        if clk < self.clk() || matches!(self.state, StepState::Failed(_)) {
            self.restart();
        }
        while self.clk() < clk {
            if self.step()? {
                break;
            }
        }
        Ok(())
    }

    /// The operand stack of the current context, top first (at least 16 elements).
    pub fn stack(&self) -> Vec<Felt> {
        let vm = self.vm();
        vm.stack[vm.floor..].iter().rev().copied().collect()
    }

    /// The stack depth of the current context.
    pub fn depth(&self) -> usize {
        let vm = self.vm();
        vm.stack.len() - vm.floor
    }

    /// The top 16 stack elements, top first.
    pub fn stack_top(&self) -> [Felt; STACK_TOP_SIZE] {
        let s = self.stack();
        std::array::from_fn(|i| s[i])
    }

    /// The advice stack, next value to pop first.
    pub fn advice_stack(&self) -> Vec<Felt> {
        self.vm().adv.iter().rev().copied().collect()
    }

    /// The advice map and Merkle store as the run has left them (their `stack` is empty:
    /// see [`Stepper::advice_stack`]).
    pub fn advice(&self) -> &AdviceInputs {
        &self.vm().advice
    }

    /// The current memory context.
    pub fn ctx(&self) -> u32 {
        self.vm().ctx
    }

    /// The frame pointer.
    pub fn fmp(&self) -> Felt {
        self.vm().fmp
    }

    /// The element at `addr` of the current memory context (zero when never written).
    pub fn memory(&self, addr: u32) -> Felt {
        let vm = self.vm();
        vm.mems[vm.ctx as usize]
            .get(&addr)
            .copied()
            .unwrap_or(Felt::ZERO)
    }

    /// The written elements of the current memory context, by address.
    pub fn memory_cells(&self) -> Vec<(u32, Felt)> {
        let vm = self.vm();
        let mut cells: Vec<(u32, Felt)> = vm.mems[vm.ctx as usize]
            .iter()
            .map(|(a, v)| (*a, *v))
            .collect();
        cells.sort_by_key(|c| c.0);
        cells
    }

    /// The control stack, oldest first: a frame per `CALL`/`CALLCTX` not yet returned from
    /// and per `REPEAT` loop not yet finished.
    pub fn frames(&self) -> &[Frame] {
        &self.vm().cstack
    }

    /// The return addresses of the calls not yet returned from, innermost first (the call
    /// site of each is the instruction before it).
    pub fn return_addresses(&self) -> Vec<u32> {
        self.frames()
            .iter()
            .rev()
            .filter_map(|f| match f {
                Frame::Call(ret) | Frame::CallCtx { ret, .. } => Some(*ret),
                Frame::Loop(_) => None,
            })
            .collect()
    }

    /// The outputs of the current state: the top 16 elements, the cycles so far and the
    /// trace statistics of the cycles run (after `HALT`: what [`crate::execute`] returns).
    pub fn output(&self) -> ExecutionOutput {
        self.vm().output()
    }
}

//! Execution traces: what the tracing executor records for the prover.
//!
//! The interpreter is generic over a [`Tracer`]. [`NoTrace`] records nothing and compiles
//! away (the fast executor); [`ExecutionTrace`] records one [`CycleRow`] per cycle (the state
//! *before* the cycle's instruction runs) plus the logs the proof system's components will
//! consume: memory accesses (for the memory table's sorted-access argument) and Rescue Prime
//! permutations (for the hash table). The layout is the processor's view; the AIR turns it
//! into columns.

use vm_core::{Felt, Instruction, STACK_TOP_SIZE};

/// Receives execution events. Implementations with `ENABLED = false` cost nothing.
pub trait Tracer {
    /// Whether the interpreter should call this tracer at all.
    const ENABLED: bool;
    /// Called at the start of every cycle with the state before the instruction runs.
    fn cycle(&mut self, row: CycleRow);
    /// Called for every memory element an operation reads or writes.
    fn memory(&mut self, access: MemoryAccess);
    /// Called for every Rescue Prime permutation `HPERM` applies (state order, not stack order).
    fn permutation(&mut self, input: [Felt; 12], output: [Felt; 12]);
}

/// The tracer of the fast executor: records nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    fn cycle(&mut self, _: CycleRow) {}
    fn memory(&mut self, _: MemoryAccess) {}
    fn permutation(&mut self, _: [Felt; 12], _: [Felt; 12]) {}
}

/// The VM state at the start of one cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CycleRow {
    /// Cycle number, from 0.
    pub clk: u64,
    /// Address of the instruction executed in this cycle.
    pub pc: u32,
    /// The instruction.
    pub instruction: Instruction,
    /// The top 16 stack elements, top first.
    pub stack: [Felt; STACK_TOP_SIZE],
    /// Stack depth (at least 16) in the current context.
    pub depth: usize,
    /// Memory context.
    pub ctx: u32,
    /// Frame pointer.
    pub fmp: Felt,
    /// Number of frames and loop counters on the control stack.
    pub control_depth: usize,
}

/// One memory element read or written by an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryAccess {
    /// Memory context.
    pub ctx: u32,
    /// Element address.
    pub addr: u32,
    /// Cycle of the access.
    pub clk: u64,
    /// Value read, or written.
    pub value: Felt,
    /// Whether it is a write.
    pub write: bool,
}

/// Everything the tracing executor records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutionTrace {
    /// One row per executed cycle, in order.
    pub rows: Vec<CycleRow>,
    /// Memory accesses in execution order.
    pub memory: Vec<MemoryAccess>,
    /// Permutations as (input, output) states.
    pub permutations: Vec<([Felt; 12], [Felt; 12])>,
}

impl Tracer for ExecutionTrace {
    const ENABLED: bool = true;
    fn cycle(&mut self, row: CycleRow) {
        self.rows.push(row);
    }
    fn memory(&mut self, access: MemoryAccess) {
        self.memory.push(access);
    }
    fn permutation(&mut self, input: [Felt; 12], output: [Felt; 12]) {
        self.permutations.push((input, output));
    }
}

//! The fast executor of the `vm` zkVM: runs a [`vm_core::Program`] without building a trace.
//!
//! - [`execute`] runs a program on stack inputs and advice inputs with a [`Host`] and returns
//!   the [`ExecutionOutput`] (stack outputs, cycle count, trace statistics).
//! - [`InputFile`] / [`OutputFile`] read and write Miden's JSON inputs/outputs files.
//! - [`ExecutionError`] says what failed, at which source location and in which procedures.
//! - [`execute_traced`] also records the [`ExecutionTrace`] the prover builds its columns
//!   from: one row per cycle with the overflow and control table registers, and the
//!   requests to the hasher, memory, range checker and bitwise chiplets ([`trace`]).
//! - [`Stepper`] runs the fast interpreter one cycle at a time and lets debuggers and
//!   profilers read the state between cycles (stack, memory, advice, call frames).
//! - `testing` (feature `testing`, for the soundness tests only): the same interpreter one
//!   cycle at a time, with hooks that may change its state (a malicious prover).
//!
//! See `docs/processor.md` for the semantics.

// The error path is cold; a rich error struct is worth its size.
#![allow(clippy::result_large_err)]

mod errors;
mod exec;
mod inputs;
mod secp256k1;
mod step;
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(test)]
mod tests;
pub mod trace;

pub use errors::{user_name, CallSite, ErrorKind, ErrorLocation, ExecutionError};
pub use exec::{execute, execute_traced, Frame};
pub use inputs::{
    empty_subtree_root, word_key, AdviceInputs, InputError, InputFile, MerkleDataError, OutputFile,
    WordKey, PMT_MAX_DEPTH, SMT_DEPTH,
};
pub use step::{StepState, Stepper};
pub use trace::ExecutionTrace;
use vm_core::{ChipletRows, Component};
pub use vm_core::{Felt, Program, StackInputs, StackOutputs, Word};

/// Options of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecutionOptions {
    /// Maximum number of cycles (executed instructions, HALT included).
    pub max_cycles: u64,
    /// Run `debug.*` decorators (printed through [`Host::on_debug`]).
    pub enable_debug: bool,
    /// Report `trace.N` decorators through [`Host::on_trace`].
    pub enable_tracing: bool,
}

impl Default for ExecutionOptions {
    fn default() -> Self {
        Self {
            max_cycles: 1 << 29,
            enable_debug: false,
            enable_tracing: false,
        }
    }
}

impl ExecutionOptions {
    /// Sets the cycle limit.
    pub fn with_max_cycles(mut self, max_cycles: u64) -> Self {
        self.max_cycles = max_cycles;
        self
    }

    /// Enables or disables debug decorators.
    pub fn with_debug(mut self, enable: bool) -> Self {
        self.enable_debug = enable;
        self
    }

    /// Enables or disables trace decorators.
    pub fn with_tracing(mut self, enable: bool) -> Self {
        self.enable_tracing = enable;
        self
    }
}

/// The environment a program runs in: receives events, debug output and trace markers.
pub trait Host {
    /// Called by `EMIT.id` with the top 16 stack elements (top first). An `Err` aborts
    /// execution with [`ErrorKind::EventError`].
    fn on_event(&mut self, _id: u32, _stack_top: &[Felt]) -> Result<(), String> {
        Ok(())
    }

    /// Called by `debug.*` decorators when debugging is enabled.
    fn on_debug(&mut self, text: &str) {
        println!("{text}")
    }

    /// Called by `trace.N` decorators when tracing is enabled.
    fn on_trace(&mut self, _id: u32) {}
}

/// A host that accepts every event and prints debug output to stdout.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultHost;

impl Host for DefaultHost {}

/// Rows each trace component would need to prove the run. The chiplet components' rows are
/// the sums, over the executed operations, of what the operation table says one execution
/// costs ([`vm_core::OpInfo::chiplet_rows`]; for the components not built yet, the planned
/// budget).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceStats {
    /// Stack/decoder rows: one per cycle.
    pub stack: u64,
    /// Program ROM rows: the code length.
    pub program: u64,
    /// Hasher rows: 8 per permutation (`HPERM` 8, `MPVERIFY` 8 per tree level, `MRUPDATE`
    /// 16 per level).
    pub hasher: u64,
    /// Memory rows: one per element or word access (`MSTREAM` and `PIPE` access 2 words).
    pub memory: u64,
    /// Range-checker lookups: one per 16-bit limb, two per u32 value a u32 operation reads
    /// or writes (4 to 10 per operation).
    pub range: u64,
    /// Bitwise rows: 2 per `U32AND` / `U32XOR`.
    pub bitwise: u64,
}

impl TraceStats {
    /// Adds the rows of `executions` executions of `op` to its component, `levels` being
    /// the Merkle-tree levels they walked in all (read for operations priced per level).
    fn add_executions(&mut self, op: vm_core::Opcode, executions: u64, levels: u64) {
        let rows = match op.chiplet_rows() {
            ChipletRows::Fixed(n) => n as u64 * executions,
            ChipletRows::PerLevel(n) => n as u64 * levels,
        };
        match op.component() {
            Component::Cpu => {}
            Component::Memory => self.memory += rows,
            Component::Range => self.range += rows,
            Component::Bitwise => self.bitwise += rows,
            Component::Hasher => self.hasher += rows,
        }
    }

    /// (component, rows) for every component.
    pub fn rows(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("stack", self.stack),
            ("program", self.program),
            ("hasher", self.hasher),
            ("memory", self.memory),
            ("range", self.range),
            ("bitwise", self.bitwise),
        ]
    }

    /// The trace length: the next power of two of the largest component, at least 64.
    pub fn padded_trace_len(&self) -> u64 {
        let max = self.rows().iter().map(|r| r.1).max().unwrap_or(0);
        max.max(64).next_power_of_two()
    }
}

/// What a successful run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionOutput {
    /// The top 16 stack elements at `HALT`, top first.
    pub stack: StackOutputs,
    /// Number of executed instructions, `HALT` included.
    pub cycles: u64,
    /// Stack depth at `HALT` (elements below the top 16 are not outputs).
    pub final_depth: usize,
    /// Rows per trace component.
    pub stats: TraceStats,
}

//! The malicious prover of the soundness tests: the processor itself
//! (`vm_processor::testing::Process`, the interpreter of `execute_traced` run one cycle at a
//! time), ignoring the checks a liar does not fail, with a hook before and after every
//! cycle that may change anything in its state (a result, the pc, the tables, the advice).
//! Every later row is computed honestly from the lie, so the trace is consistent everywhere
//! except at the one constraint that must catch it. There is no second definition of the
//! instructions' semantics here.
#![allow(dead_code)]

pub mod forge;
pub mod memtable;
pub mod u32lies;

use vm_core::{Felt, Instruction, Program, StackInputs, StackOutputs};
use vm_processor::testing::Process;
use vm_processor::trace::{CycleRow, ExecutionTrace};
use vm_processor::{AdviceInputs, DefaultHost, ExecutionOptions};

#[allow(unused_imports)]
pub use vm_processor::testing::{Frame, Phase, State};

/// The result of a (possibly malicious) run.
pub struct Run {
    /// What the processor recorded, for `vm_prover::trace::build`.
    pub trace: ExecutionTrace,
    /// Depth at HALT.
    pub final_depth: usize,
    /// The top 16 at HALT.
    pub outputs: StackOutputs,
}

/// The liar's processor on `program` from `inputs` with `advice` (first value popped first).
fn process<'a>(
    program: &'a Program,
    inputs: &StackInputs,
    advice: &[u64],
    host: &'a mut DefaultHost,
) -> Process<'a, DefaultHost> {
    let advice = AdviceInputs {
        stack: advice.iter().map(|v| Felt::new(*v)).collect(),
        ..Default::default()
    };
    let options = ExecutionOptions::default().with_max_cycles(1_000_000);
    Process::new(program, inputs.clone(), advice, host, options).ignoring_failed_checks()
}

/// Runs `program` from `inputs` with `advice` (first value popped first), calling `hook`
/// around every cycle.
pub fn run(
    program: &Program,
    inputs: &StackInputs,
    advice: &[u64],
    hook: impl FnMut(Phase, usize, Instruction, &mut State),
) -> Run {
    let mut host = DefaultHost;
    let mut p = process(program, inputs, advice, &mut host);
    p.run(hook)
        .unwrap_or_else(|e| panic!("the malicious run stopped: {e}"));
    let (out, trace) = p.finish();
    Run {
        trace,
        final_depth: out.final_depth,
        outputs: out.stack,
    }
}

/// Records the first `steps` rows of a run that may never halt (no hooks, no advice).
pub fn rows_of(program: &Program, inputs: &StackInputs, steps: usize) -> Vec<CycleRow> {
    let mut host = DefaultHost;
    let mut p = process(program, inputs, &[], &mut host);
    for _ in 0..steps {
        if p.step().unwrap_or_else(|e| panic!("the run stopped: {e}")) {
            break;
        }
    }
    p.finish().1.rows
}

/// Whether a row, read cell by cell through `get`, carries `op`'s two operation flags.
pub fn executes(get: impl Fn(usize) -> Felt, op: vm_core::Opcode) -> bool {
    use vm_core::FieldElement;
    vm_air::layout::flag_columns(op)
        .iter()
        .all(|&c| get(c) == Felt::ONE)
}

/// The operation whose two flags a row sets, if it sets exactly two to 1 and the rest to 0.
pub fn executed_op(get: impl Fn(usize) -> Felt) -> Option<vm_core::Opcode> {
    use vm_air::layout::{FLAGS, NUM_FLAGS};
    use vm_core::FieldElement;
    let set: Vec<usize> = (FLAGS..FLAGS + NUM_FLAGS)
        .filter(|&c| get(c) != Felt::ZERO)
        .collect();
    vm_core::OPCODES
        .iter()
        .map(|i| i.op)
        .find(|&op| set == vm_air::layout::flag_columns(op) && executes(&get, op))
}

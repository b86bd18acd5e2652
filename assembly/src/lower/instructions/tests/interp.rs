//! The machine the semantics tests run expansions on: a thin wrapper over the processor
//! (`vm_processor::testing::Process`, the interpreter `vm run` uses), so that an expansion's
//! meaning is checked against the one definition of the native operations. It runs an
//! expansion (its operations and decorators, then `HALT`) on a stack of any depth and keeps
//! the stack, advice, memory and Merkle store between runs.

use std::collections::HashMap;

use vm_core::{
    DebugInfo, Felt, FieldElement, Instruction, Opcode, Program, StackInputs, Word, STACK_TOP_SIZE,
};
use vm_processor::testing::Process;
use vm_processor::{AdviceInputs, ErrorKind, ExecutionOptions, Host};

use super::super::Emitted;

/// The machine's state between runs. Stacks keep their top at the end of the vector.
#[derive(Default)]
pub struct Machine {
    /// Operand stack (top last, at least 16 elements).
    pub stack: Vec<Felt>,
    /// Advice stack (top last).
    pub advice: Vec<Felt>,
    /// Memory (context 0).
    pub mem: HashMap<u64, Felt>,
    /// Frame pointer.
    pub fmp: u64,
    /// Emitted events.
    pub events: Vec<u32>,
    /// Nodes the runs added to the Merkle store (`mtree_merge`'s hint adds one).
    pub merges: usize,
    /// The advice map and Merkle store.
    store: AdviceInputs,
}

/// Records the events a run emits.
struct Events(Vec<u32>);

impl Host for Events {
    fn on_event(&mut self, id: u32, _: &[Felt]) -> Result<(), String> {
        self.0.push(id);
        Ok(())
    }
}

fn f(x: u64) -> Felt {
    Felt::new(x)
}

/// Quadratic-extension product as Miden documents EXT2MUL (x^2 = x - 2): the tests' expected
/// values, computed apart from the processor.
pub fn ext2_mul(a: (Felt, Felt), b: (Felt, Felt)) -> (Felt, Felt) {
    let (a0, a1) = a;
    let (b0, b1) = b;
    (b0 * a0 - f(2) * b1 * a1, (b0 + b1) * (a1 + a0) - b0 * a0)
}

impl Machine {
    /// A machine whose stack holds `values` (first value on top), above 16 zeros.
    pub fn with_stack(values: &[u64]) -> Self {
        let mut m = Machine {
            fmp: vm_core::FMP_INIT,
            ..Default::default()
        };
        m.stack = vec![Felt::ZERO; STACK_TOP_SIZE];
        m.stack.extend(values.iter().rev().map(|&v| f(v)));
        m
    }

    /// Adds a Merkle tree with these leaves to the store; returns its root.
    pub fn add_tree(&mut self, leaves: Vec<Word>) -> Word {
        self.store.add_merkle_tree(&leaves)
    }

    /// Element `i` from the top.
    pub fn s(&self, i: usize) -> Felt {
        self.stack[self.stack.len() - 1 - i]
    }

    /// The top `n` elements as integers, top first.
    pub fn top(&self, n: usize) -> Vec<u64> {
        (0..n).map(|i| self.s(i).as_int()).collect()
    }

    /// Runs an expansion on the processor; on failure, what the processor reported (the
    /// state is then the one before the run).
    pub fn run(&mut self, code: &[Emitted]) -> Result<(), ErrorKind> {
        let mut ops = Vec::new();
        let mut decorators = Vec::new();
        for e in code {
            match e {
                Emitted::Decorator(d) => decorators.push((ops.len() as u32, d.clone())),
                Emitted::Op { ins, .. } => ops.push(*ins),
                // The expansion starts at address 0, so its indices are addresses.
                Emitted::Jump { ins, target, .. } => {
                    ops.push(Instruction::with_imm(ins.op, Felt::new(*target as u64)))
                }
            }
        }
        ops.push(Instruction::new(Opcode::Halt));
        let debug = DebugInfo {
            decorators,
            ..Default::default()
        };
        let program = Program::new(ops, debug).unwrap_or_else(|e| panic!("{e}"));
        let mut events = Events(Vec::new());
        let mut p = Process::new(
            &program,
            StackInputs::default(),
            AdviceInputs::default(),
            &mut events,
            ExecutionOptions::default(),
        );
        let nodes = self.store.merkle_nodes.len();
        p.edit_state(|st| {
            let n = self.stack.len();
            assert!(n >= STACK_TOP_SIZE, "the stack is at least 16 deep");
            st.top = std::array::from_fn(|i| self.stack[n - 1 - i]);
            st.overflow = self.stack[..n - STACK_TOP_SIZE].to_vec();
            st.advice = self.advice.clone();
            st.memory = self.mem.iter().map(|(a, v)| (*a as u32, *v)).collect();
            st.fmp = f(self.fmp);
            st.advice_inputs = self.store.clone();
        });
        p.run(|_, _, _, _| {}).map_err(|e| e.kind)?;
        p.edit_state(|st| {
            self.stack = st.overflow.clone();
            self.stack.extend(st.top.iter().rev());
            self.advice = st.advice.clone();
            self.mem = st.memory.iter().map(|(a, v)| (*a as u64, *v)).collect();
            self.fmp = st.fmp.as_int();
            self.store = st.advice_inputs.clone();
        });
        drop(p);
        self.merges += self.store.merkle_nodes.len() - nodes;
        self.events.extend(events.0);
        Ok(())
    }
}

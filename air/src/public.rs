//! The public inputs of a proof: what the verifier knows and the proof is about.

use alloc::vec::Vec;

use vm_core::{Felt, StackInputs, StackOutputs, Word};
use winter_math::ToElements;

/// The statement a proof proves: the program with hash `program_hash`, started with
/// `stack_inputs` on the stack, halted with `stack_outputs` as its top 16 elements; under
/// the proof preset `preset` (bound into the statement so that a proof cannot be replayed
/// under other zero-knowledge parameters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicInputs {
    /// Identifier of the preset in `crate::preset::PRESETS`.
    pub preset: u8,
    /// The program hash.
    pub program_hash: Word,
    /// The initial stack.
    pub stack_inputs: StackInputs,
    /// The final top 16 stack elements.
    pub stack_outputs: StackOutputs,
}

impl PublicInputs {
    /// The initial visible stack, `s0` first (zero padded to 16).
    pub fn initial_stack(&self) -> [Felt; 16] {
        self.stack_inputs.padded()
    }

    /// The final visible stack, `s0` first.
    pub fn final_stack(&self) -> [Felt; 16] {
        *self.stack_outputs.top_first()
    }
}

impl ToElements<Felt> for PublicInputs {
    fn to_elements(&self) -> Vec<Felt> {
        let mut v = Vec::with_capacity(1 + 4 + 32);
        v.push(Felt::new(self.preset as u64));
        v.extend_from_slice(&self.program_hash);
        v.extend_from_slice(&self.initial_stack());
        v.extend_from_slice(&self.final_stack());
        v
    }
}

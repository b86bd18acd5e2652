//! What vm-air's tests and its constraint bench share: the AIR of a trace shape under a
//! preset (empty public inputs), and a small deterministic generator (vm-air has no `rand`).
#![allow(dead_code)]

use vm_air::{layout, preset::Preset, PublicInputs, VmAir};
use vm_core::{Felt, StackInputs, StackOutputs};
use winter_air::{Air, TraceInfo};

/// The AIR of an `n`-row trace under `preset`, with the default program hash and empty
/// stack inputs and outputs (constraint shapes and values do not depend on them).
pub fn air(preset: &Preset, n: usize) -> VmAir {
    let info = TraceInfo::new_multi_segment(
        preset.main_width(),
        layout::AUX_WIDTH,
        layout::AUX_RANDS,
        n,
        vec![],
    );
    let public = PublicInputs {
        preset: preset.id,
        program_hash: Default::default(),
        stack_inputs: StackInputs::default(),
        stack_outputs: StackOutputs::new(&[]).expect("empty outputs"),
    };
    VmAir::new(info, public, preset.options())
}

/// A xorshift64 generator.
pub struct Rng(pub u64);

impl Rng {
    /// The next field element.
    pub fn felt(&mut self) -> Felt {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Felt::new(self.0)
    }

    /// `width` field elements.
    pub fn row(&mut self, width: usize) -> Vec<Felt> {
        (0..width).map(|_| self.felt()).collect()
    }
}

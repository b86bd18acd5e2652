//! Trace layout, constraints, public inputs and proof presets of the VM.
//!
//! The AIR (`winter_air::Air`) is [`VmAir`]; the layout of its columns is in [`layout`], the
//! CPU's constraints in [`constraints`], the operations it proves in [`ops`], the Rescue
//! Prime hash chiplet that binds the executed code to the program hash in [`hash`], the
//! LogUp bus in [`bus`], and the proof presets (options, zero-knowledge parameters) in
//! [`preset`]. The prover, the verifier and `docs/air.md` all derive from these modules.
#![no_std]

extern crate alloc;

pub mod bus;
pub mod constraints;
pub mod hash;
pub mod layout;
pub mod ops;
pub mod preset;
pub mod proof;
pub mod public;

use alloc::vec::Vec;

use vm_core::{Felt, FieldElement};
use winter_air::{
    Air, AirContext, Assertion, AuxRandElements, EvaluationFrame, ProofOptions, TraceInfo,
};
use winter_math::ExtensionOf;

pub use preset::{CommitmentHash, Preset, PRESETS};
pub use proof::{ProofError, VmProof};
pub use public::PublicInputs;

use constraints::StackTable;
use layout::*;

/// The VM's algebraic intermediate representation.
pub struct VmAir {
    context: AirContext<Felt>,
    preset: &'static Preset,
    public: PublicInputs,
    last_real: usize,
    table: StackTable,
}

impl VmAir {
    /// The public inputs this instance checks.
    pub fn public_inputs(&self) -> &PublicInputs {
        &self.public
    }

    /// Row of the final state (the last row before the random rows).
    pub fn last_real_row(&self) -> usize {
        self.last_real
    }
}

/// Number of main-trace assertions (rows 0 and the last real row).
pub const NUM_MAIN_ASSERTIONS: usize = 36 + 24;
/// Number of auxiliary-trace assertions (the bus starts and ends at zero).
pub const NUM_AUX_ASSERTIONS: usize = 2;

impl Air for VmAir {
    type BaseField = Felt;
    type PublicInputs = PublicInputs;

    /// Callers must validate the trace shape against the preset first (the verifier does,
    /// see `vm_verifier`); an unknown preset falls back to the default one, whose checks
    /// then fail.
    fn new(trace_info: TraceInfo, public: PublicInputs, options: ProofOptions) -> Self {
        let preset = preset::by_id(public.preset).unwrap_or(preset::default_preset());
        let mut main = constraints::main_degrees();
        main.extend(hash::constraint_degrees());
        main.extend(
            (0..preset.mask_columns()).map(|_| winter_air::TransitionConstraintDegree::new(4)),
        );
        let context = AirContext::new_multi_segment(
            trace_info.clone(),
            main,
            bus::degrees(),
            NUM_MAIN_ASSERTIONS,
            NUM_AUX_ASSERTIONS,
            options,
        )
        .set_num_transition_exemptions(preset.exemptions());
        let last_real = preset.last_real_row(trace_info.length());
        Self {
            context,
            preset,
            public,
            last_real,
            table: StackTable::new(),
        }
    }

    fn context(&self) -> &AirContext<Felt> {
        &self.context
    }

    fn evaluate_transition<E: FieldElement<BaseField = Felt>>(
        &self,
        frame: &EvaluationFrame<E>,
        periodic: &[E],
        result: &mut [E],
    ) {
        let (cur, next) = (frame.current(), frame.next());
        let round = periodic[0];
        let p7 = periodic[hash::NUM_PERIODIC];
        let (cpu, rest) = result.split_at_mut(constraints::NUM_CPU_CONSTRAINTS);
        let (chiplet, masks) = rest.split_at_mut(hash::NUM_CONSTRAINTS);
        constraints::evaluate_main(&self.table, cur, next, p7, round, cpu);
        hash::evaluate(
            &cur[HASH..HASH + hash::HASH_WIDTH],
            &next[HASH..HASH + hash::HASH_WIDTH],
            cur[HASH_ACTIVE],
            &periodic[..hash::NUM_PERIODIC],
            chiplet,
        );
        // Composition masks: zero on real rows; on the exempt random rows they and the
        // randomizer make the quotient carry a random term.
        let first = self.preset.first_mask_column();
        for (i, m) in masks.iter_mut().enumerate() {
            *m = cur[first + i] * cur[RANDOMIZER].cube();
        }
    }

    fn get_periodic_column_values(&self) -> Vec<Vec<Felt>> {
        let mut columns = hash::periodic_columns();
        let mut p7 = alloc::vec![Felt::ZERO; hash::CYCLE_LEN];
        p7[hash::CYCLE_LEN - 1] = Felt::ONE;
        columns.push(p7);
        columns
    }

    fn get_assertions(&self) -> Vec<Assertion<Felt>> {
        let last = self.last_real;
        let mut a = Vec::with_capacity(NUM_MAIN_ASSERTIONS);
        let zero = Felt::ZERO;
        let sixteen = Felt::new(16);
        // Row 0: the initial state.
        for (col, v) in [(CLK, zero), (PC, zero), (DEPTH, sixteen), (OVF_PTR, zero)] {
            a.push(Assertion::single(col, 0, v));
        }
        for (i, v) in self.public.initial_stack().into_iter().enumerate() {
            a.push(Assertion::single(STACK + i, 0, v));
        }
        for col in [CTOP, CKIND, CPTR, HASH_ADDR] {
            a.push(Assertion::single(col, 0, zero));
        }
        a.push(Assertion::single(HASH_ACTIVE, 0, Felt::ONE));
        // The sponge starts empty except for the element count in capacity element 0.
        for i in 1..12 {
            a.push(Assertion::single(HASH_STATE + i, 0, zero));
        }
        // The last real row: halted, final stack, no overflow, program hash finished.
        for (i, v) in self.public.final_stack().into_iter().enumerate() {
            a.push(Assertion::single(STACK + i, last, v));
        }
        a.push(Assertion::single(DEPTH, last, sixteen));
        let halt = vm_core::Opcode::Halt;
        a.push(Assertion::single(
            GROUP + halt.group_index(),
            last,
            Felt::ONE,
        ));
        a.push(Assertion::single(LOW + halt.low_index(), last, Felt::ONE));
        a.push(Assertion::single(HASH_ACTIVE, last, zero));
        for (i, v) in self.public.program_hash.into_iter().enumerate() {
            a.push(Assertion::single(HASH_STATE + 4 + i, last, v));
        }
        debug_assert_eq!(a.len(), NUM_MAIN_ASSERTIONS);
        a
    }

    fn evaluate_aux_transition<F, E>(
        &self,
        main: &EvaluationFrame<F>,
        aux: &EvaluationFrame<E>,
        _periodic: &[F],
        rands: &AuxRandElements<E>,
        result: &mut [E],
    ) where
        F: FieldElement<BaseField = Felt>,
        E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
    {
        bus::evaluate(
            main.current(),
            main.next(),
            aux.current(),
            aux.next(),
            rands.rand_elements(),
            result,
        );
    }

    fn get_aux_assertions<E: FieldElement<BaseField = Felt>>(
        &self,
        _rands: &AuxRandElements<E>,
    ) -> Vec<Assertion<E>> {
        alloc::vec![
            Assertion::single(AUX_SUM, 0, E::ZERO),
            Assertion::single(AUX_SUM, self.last_real, E::ZERO),
        ]
    }
}

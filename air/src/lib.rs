//! Trace layout, constraints, public inputs and proof presets of the VM.
//!
//! The AIR (`winter_air::Air`) is [`VmAir`], composed of components, each with its columns
//! and its named constraints (degree declared where each value is emitted, [`named`]):
//! the [`decoder`] (clock, program counter, operation flags), the operand [`stack`], the
//! overflow and [`control`] tables' registers, the [`u32ops`] (u32 arithmetic proven by
//! 16-bit limbs in the CPU's helper cells), the [`chiplets`] region (the Rescue Prime
//! hash chiplet that binds the executed code to the program hash), and the LogUp [`bus`]
//! that connects them. [`layout`] gathers the column map, [`ops`] says which operations
//! are proven and where their stack results come from, and [`preset`] holds the proof
//! presets (options, zero-knowledge parameters). The prover, the verifier and
//! `docs/air.md` all derive from these modules.
#![no_std]

extern crate alloc;

pub mod arith;
pub mod bus;
pub mod chiplets;
pub mod control;
pub mod decoder;
pub mod layout;
pub mod named;
pub mod ops;
pub mod preset;
pub mod proof;
pub mod public;
pub mod stack;
pub mod u32ops;

use alloc::{format, string::String, vec::Vec};

use vm_core::{Felt, FieldElement};
use winter_air::{
    Air, AirContext, Assertion, AuxRandElements, EvaluationFrame, ProofOptions, TraceInfo,
};
use winter_math::ExtensionOf;

pub use preset::{CommitmentHash, Preset, PRESETS};
pub use proof::{ProofError, VmProof};
pub use public::PublicInputs;

use chiplets::hasher;
use layout::*;
use named::{Describer, Sink, Writer};
use stack::StackTable;

/// Length of the chiplets' periodic cycle (one hash permutation).
pub const PERIODIC_CYCLE: usize = hasher::CYCLE_LEN;

/// The VM's algebraic intermediate representation.
pub struct VmAir {
    context: AirContext<Felt>,
    preset: &'static Preset,
    public: PublicInputs,
    last_real: usize,
    table: StackTable,
    /// Constraints and assertions switched off by the mutation sweep (testing only).
    #[cfg(feature = "testing")]
    switched_off: SwitchedOff,
}

/// What the mutation sweep switched off: indices of main and auxiliary transition
/// constraints, and names of assertions.
#[cfg(feature = "testing")]
#[derive(Clone, Debug, Default)]
struct SwitchedOff {
    main: Vec<usize>,
    aux: Vec<usize>,
    assertions: Vec<alloc::string::String>,
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

    /// The names of the main transition constraints, in the order `evaluate_transition`
    /// writes them: the CPU's, the hash chiplet's, then the composition masks'.
    pub fn main_constraint_names(&self) -> Vec<String> {
        main_constraints(self.preset)
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    /// The names of the auxiliary transition constraints, in order.
    pub fn aux_constraint_names(&self) -> Vec<String> {
        bus::constraints().into_iter().map(|c| c.name).collect()
    }

    /// The main-trace boundary assertions with their names (the order of
    /// `get_assertions`).
    pub fn named_assertions(&self) -> Vec<(String, Assertion<Felt>)> {
        let last = self.last_real;
        let mut a: Vec<(String, Assertion<Felt>)> = Vec::with_capacity(NUM_MAIN_ASSERTIONS);
        let mut at = |name: String, col: usize, row: usize, v: Felt| {
            a.push((name, Assertion::single(col, row, v)));
        };
        let zero = Felt::ZERO;
        let sixteen = Felt::new(16);
        // Row 0: the initial state.
        at("init.clk".into(), CLK, 0, zero);
        at("init.pc".into(), PC, 0, zero);
        at("init.depth".into(), DEPTH, 0, sixteen);
        at("init.ovf_ptr".into(), OVF_PTR, 0, zero);
        for (i, v) in self.public.initial_stack().into_iter().enumerate() {
            at(format!("init.stack[{i}]"), STACK + i, 0, v);
        }
        at("init.ctop".into(), CTOP, 0, zero);
        at("init.ckind".into(), CKIND, 0, zero);
        at("init.cptr".into(), CPTR, 0, zero);
        at("init.ctx".into(), CTX, 0, zero);
        at("init.fmp".into(), FMP, 0, Felt::new(vm_core::FMP_INIT));
        at("init.hash_addr".into(), HASH_ADDR, 0, zero);
        at("init.hash_active".into(), HASH_ACTIVE, 0, Felt::ONE);
        // The sponge starts empty except for the element count in capacity element 0.
        for i in 1..12 {
            at(format!("init.hash_state[{i}]"), HASH_STATE + i, 0, zero);
        }
        // The row before the last real row executes a HALT. Its lookup is the last one the
        // bus sums, so the program really reached a HALT instruction there; HALT keeps the
        // state for the last row. (A HALT asserted on the last row itself would be looked
        // up nowhere: any run could be cut short and its state claimed as the output.)
        // Its two flags suffice: with binary flags and one proven operation, the row is
        // two-hot (`crate::decoder`), so exactly HALT's.
        let [first, second] = decoder::flag_columns(vm_core::Opcode::Halt);
        at("halt.flag_first".into(), first, last - 1, Felt::ONE);
        at("halt.flag_second".into(), second, last - 1, Felt::ONE);
        // The last real row: final stack, no overflow. (The program hash is checked on the
        // bus, see `get_aux_assertions`.)
        for (i, v) in self.public.final_stack().into_iter().enumerate() {
            at(format!("final.stack[{i}]"), STACK + i, last, v);
        }
        at("final.depth".into(), DEPTH, last, sixteen);
        // The range checker's table ends at 2^16 - 1 (it runs to the last real row).
        at(
            "range.ends_at_max".into(),
            shared(chiplets::range::cols::VALUE),
            last,
            Felt::new(chiplets::range::MAX),
        );
        debug_assert_eq!(a.len(), NUM_MAIN_ASSERTIONS);
        a
    }

    /// The names of the auxiliary assertions, in the order of `get_aux_assertions`.
    pub fn aux_assertion_names(&self) -> Vec<String> {
        alloc::vec![
            "bus.starts_at_zero".into(),
            "bus.ends_at_program_hash".into(),
        ]
    }

    /// Switches off the named constraints and assertions (main, auxiliary or boundary):
    /// they evaluate to zero or are dropped. For the mutation sweep, which checks that
    /// every constraint is needed by some forgery; a verifier never links this. Returns
    /// the names that matched nothing.
    #[cfg(feature = "testing")]
    pub fn switch_off_for_testing(&mut self, names: &[&str]) -> Vec<String> {
        let main = self.main_constraint_names();
        let aux = self.aux_constraint_names();
        let assertions: Vec<String> = self
            .named_assertions()
            .into_iter()
            .map(|(n, _)| n)
            .chain(self.aux_assertion_names())
            .collect();
        let mut unknown = Vec::new();
        for name in names {
            let mut found = false;
            if let Some(i) = main.iter().position(|n| n == name) {
                self.switched_off.main.push(i);
                found = true;
            }
            if let Some(i) = aux.iter().position(|n| n == name) {
                self.switched_off.aux.push(i);
                found = true;
            }
            if assertions.iter().any(|n| n == name) {
                self.switched_off.assertions.push((*name).into());
                found = true;
            }
            if !found {
                unknown.push((*name).into());
            }
        }
        unknown
    }

    #[cfg(feature = "testing")]
    fn assertion_is_on(&self, name: &str) -> bool {
        !self.switched_off.assertions.iter().any(|n| n == name)
    }

    #[cfg(not(feature = "testing"))]
    fn assertion_is_on(&self, _name: &str) -> bool {
        true
    }
}

/// Every main transition constraint of the AIR under `preset`, named, in evaluation order
/// (read from the evaluators themselves, on an all-zero frame).
pub fn main_constraints(preset: &Preset) -> Vec<named::NamedConstraint> {
    let zero = alloc::vec![Felt::ZERO; preset.main_width()];
    let periodic = [Felt::ZERO; chiplets::NUM_PERIODIC];
    let mut d = Describer::default();
    evaluate_main(&StackTable::new(), preset, &zero, &zero, &periodic, &mut d);
    d.0 .0
}

/// Evaluates every main transition constraint on `cur -> next`, component by component:
/// decoder, stack, control tables, chiplet region, then the composition masks. Always
/// inlined, down to every component's evaluation, so that the prover's vector kernels
/// compile all of it with their features.
#[inline(always)]
fn evaluate_main<E: FieldElement<BaseField = Felt>>(
    table: &StackTable,
    preset: &Preset,
    cur: &[E],
    next: &[E],
    periodic: &[E],
    out: &mut impl Sink<E>,
) {
    let (c, n) = (layout::Cpu(cur), layout::Cpu(next));
    let flags = decoder::Flags::new(table, &c);
    decoder::evaluate(table, &flags, &c, &n, out);
    stack::evaluate(table, &flags, &c, &n, out);
    u32ops::evaluate(&flags, &c, &n, out);
    control::evaluate(table, &flags, &c, &n, out);
    chiplets::evaluate(
        &chiplets::Chiplets(cur),
        &chiplets::Chiplets(next),
        periodic,
        out,
    );
    // Composition masks: zero on real rows; on the exempt random rows they and the
    // randomizer make the quotient carry a random term.
    let first = preset.first_mask_column();
    for i in 0..preset.mask_columns() {
        out.emit_at(
            "zk.mask",
            i,
            named::Degree::Plain(4),
            cur[first + i] * cur[RANDOMIZER].cube(),
        );
    }
}

/// Number of main-trace assertions (row 0, the `HALT` row before the last real row, and
/// the last real row with the range checker's last value).
pub const NUM_MAIN_ASSERTIONS: usize = 38 + 2 + 18;
/// Number of auxiliary-trace assertions (the bus starts at zero and ends at the verifier's
/// side of the program-digest message).
pub const NUM_AUX_ASSERTIONS: usize = 2;

impl Air for VmAir {
    type BaseField = Felt;
    type PublicInputs = PublicInputs;

    /// Callers must validate the trace shape against the preset first (the verifier does,
    /// see `vm_verifier`); an unknown preset falls back to the default one, whose checks
    /// then fail.
    fn new(trace_info: TraceInfo, public: PublicInputs, options: ProofOptions) -> Self {
        let preset = preset::by_id(public.preset).unwrap_or(preset::default_preset());
        let main = main_constraints(preset)
            .into_iter()
            .map(|c| c.degree)
            .collect();
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
            #[cfg(feature = "testing")]
            switched_off: SwitchedOff::default(),
        }
    }

    fn context(&self) -> &AirContext<Felt> {
        &self.context
    }

    #[inline(always)]
    fn evaluate_transition<E: FieldElement<BaseField = Felt>>(
        &self,
        frame: &EvaluationFrame<E>,
        periodic: &[E],
        result: &mut [E],
    ) {
        let mut out = Writer::new(result);
        evaluate_main(
            &self.table,
            self.preset,
            frame.current(),
            frame.next(),
            periodic,
            &mut out,
        );
        debug_assert_eq!(
            out.written(),
            self.context.num_main_transition_constraints()
        );
        #[cfg(feature = "testing")]
        for &i in &self.switched_off.main {
            result[i] = E::ZERO;
        }
    }

    /// Draws `alpha` and `beta` from the public coin, as the default does, and appends the
    /// powers of `beta` the bus's fingerprints use ([`bus::with_powers`]), once per proof
    /// instead of once per evaluated row. The transcript is the default's.
    fn get_aux_rand_elements<E, R>(
        &self,
        public_coin: &mut R,
    ) -> Result<AuxRandElements<E>, winter_crypto::RandomCoinError>
    where
        E: FieldElement<BaseField = Felt>,
        R: winter_crypto::RandomCoin<BaseField = Felt>,
    {
        let mut drawn = Vec::with_capacity(layout::AUX_RANDS);
        for _ in 0..self.trace_info().get_num_aux_segment_rand_elements() {
            drawn.push(public_coin.draw()?);
        }
        Ok(AuxRandElements::new(bus::with_powers(&drawn)))
    }

    fn get_periodic_column_values(&self) -> Vec<Vec<Felt>> {
        chiplets::periodic_columns()
    }

    fn get_assertions(&self) -> Vec<Assertion<Felt>> {
        self.named_assertions()
            .into_iter()
            .filter(|(name, _)| self.assertion_is_on(name))
            .map(|(_, a)| a)
            .collect()
    }

    #[inline(always)]
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
            &mut Writer::new(result),
        );
        #[cfg(feature = "testing")]
        for &i in &self.switched_off.aux {
            result[i] = E::ZERO;
        }
    }

    fn get_aux_assertions<E: FieldElement<BaseField = Felt>>(
        &self,
        rands: &AuxRandElements<E>,
    ) -> Vec<Assertion<E>> {
        let [start, end]: [String; 2] = self
            .aux_assertion_names()
            .try_into()
            .expect("two aux assertions");
        let mut a = Vec::new();
        if self.assertion_is_on(&start) {
            a.push(Assertion::single(AUX_SUM, 0, E::ZERO));
        }
        if self.assertion_is_on(&end) {
            let end = bus::expected_end(rands.rand_elements(), self.public.program_hash);
            a.push(Assertion::single(AUX_SUM, self.last_real, end));
        }
        a
    }
}

//! A direct check of a trace against the AIR, without proving: every transition constraint
//! on every non-exempt row, every assertion, and the bus. Much faster than a proof, and it
//! names the row and constraint that fail; the soundness tests run every forgery through it
//! before proving one per group.

use rand::Rng;
use vm_air::{
    bus, constraints::NUM_CPU_CONSTRAINTS, layout::AUX_RANDS, Preset, PublicInputs, VmAir,
};
use vm_core::{Felt, FieldElement};
use winter_air::{Air, EvaluationFrame};
use winter_math::fields::QuadExtension;
use winter_prover::Trace;

use crate::trace::VmTrace;

/// The first constraint a trace violates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// A main transition constraint (index into the AIR's list) on the transition from `row`.
    Main {
        /// Row of the transition.
        row: usize,
        /// Constraint index (CPU constraints first, then the hash chiplet's).
        constraint: usize,
    },
    /// An auxiliary (bus) constraint on the transition from `row`.
    Aux {
        /// Row of the transition.
        row: usize,
        /// Constraint index in `vm_air::bus`.
        constraint: usize,
    },
    /// A boundary assertion on a main column.
    Assertion {
        /// Column.
        column: usize,
        /// Row.
        row: usize,
    },
    /// The bus does not return to zero at the last real row.
    Unbalanced,
}

impl Violation {
    /// Whether a main constraint of the hash chiplet was violated.
    pub fn in_chiplet(&self) -> bool {
        matches!(self, Violation::Main { constraint, .. } if *constraint >= NUM_CPU_CONSTRAINTS)
    }
}

/// Checks `trace` against the AIR for `public` under `preset`, with random bus challenges.
pub fn check(trace: &VmTrace, public: &PublicInputs, preset: &Preset) -> Result<(), Violation> {
    type E = QuadExtension<Felt>;
    let air = VmAir::new(trace.info().clone(), public.clone(), preset.options());
    let main = trace.main_segment();
    let n = main.num_rows();
    let last = trace.last_real;
    let width = main.num_cols();

    let periodic = air.get_periodic_column_values();
    let mut frame = EvaluationFrame::<Felt>::new(width);
    let mut result = vec![Felt::ZERO; air.context().num_main_transition_constraints()];
    for row in 0..last {
        trace.read_main_frame(row, &mut frame);
        let p: Vec<Felt> = periodic.iter().map(|c| c[row % c.len()]).collect();
        air.evaluate_transition(&frame, &p, &mut result);
        if let Some(k) = result.iter().position(|v| *v != Felt::ZERO) {
            return Err(Violation::Main { row, constraint: k });
        }
    }

    let mut rng = rand::thread_rng();
    let mut rand_e = || {
        let base = [
            Felt::new(rng.gen_range(0..vm_core::MODULUS)),
            Felt::new(rng.gen_range(0..vm_core::MODULUS)),
        ];
        E::new(base[0], base[1])
    };
    let rands: Vec<E> = (0..AUX_RANDS).map(|_| rand_e()).collect();
    let aux = crate::aux::build::<E>(trace, &rands, &mut rand::thread_rng());
    let mut aux_cur = vec![E::ZERO; aux.num_cols()];
    let mut aux_next = vec![E::ZERO; aux.num_cols()];
    let mut cur = vec![Felt::ZERO; width];
    let mut next = vec![Felt::ZERO; width];
    let mut res = vec![E::ZERO; bus::NUM_CONSTRAINTS];
    for row in 0..last {
        main.read_row_into(row, &mut cur);
        main.read_row_into(row + 1, &mut next);
        aux.read_row_into(row, &mut aux_cur);
        aux.read_row_into(row + 1, &mut aux_next);
        bus::evaluate(&cur, &next, &aux_cur, &aux_next, &rands, &mut res);
        if let Some(k) = res.iter().position(|v| *v != E::ZERO) {
            return Err(Violation::Aux { row, constraint: k });
        }
    }
    for a in air.get_assertions() {
        let mut bad = None;
        a.apply(n, |row, value| {
            if bad.is_none() && main.get(a.column(), row) != value {
                bad = Some(row);
            }
        });
        if let Some(row) = bad {
            return Err(Violation::Assertion {
                column: a.column(),
                row,
            });
        }
    }

    if aux.get(vm_air::layout::AUX_SUM, last) != E::ZERO {
        return Err(Violation::Unbalanced);
    }
    Ok(())
}

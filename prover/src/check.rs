//! A direct check of a trace against the AIR, without proving: every transition constraint
//! on every non-exempt row, every assertion, and the bus. Much faster than a proof, and it
//! names every row and constraint that fails; the soundness tests run every forgery through
//! it (and prove some) and the mutation sweep uses it to find which constraints each forgery
//! needs.

use std::collections::BTreeSet;
use std::fmt;

use rand::Rng;
use vm_air::{layout::AUX_RANDS, Preset, PublicInputs, VmAir};
use vm_core::{Felt, FieldElement};
use winter_air::{Air, AuxRandElements, EvaluationFrame};
use winter_math::fields::QuadExtension;
use winter_prover::Trace;

use crate::trace::VmTrace;

/// What kind of constraint a violation is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A main-trace transition constraint (CPU, hash chiplet, composition masks).
    Main,
    /// An auxiliary-trace (bus) transition constraint.
    Aux,
    /// A boundary assertion on a main column.
    Assertion,
    /// A boundary assertion on the bus (it starts and ends at zero).
    AuxAssertion,
    /// The trace or the statement does not fit the preset (its id or the trace's width).
    Shape,
}

/// One constraint that does not hold on one row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Violation {
    /// The kind of constraint.
    pub kind: ViolationKind,
    /// The constraint's name (`VmAir::main_constraint_names` and the like).
    pub name: String,
    /// The row: the transition's current row, or the asserted row.
    pub row: usize,
}

/// Every violation of a trace, in the order found (transitions by row, then assertions).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    /// The distinct names of the violated constraints.
    pub fn names(&self) -> BTreeSet<&str> {
        self.0.iter().map(|v| v.name.as_str()).collect()
    }

    /// Whether the named constraint is violated on some row.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|v| v.name == name)
    }

    /// Whether nothing is violated.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return write!(f, "no violation");
        }
        let names = self.names();
        write!(f, "{} violations of ", self.0.len())?;
        for (i, name) in names.iter().enumerate() {
            let first = self.0.iter().find(|v| v.name == *name).expect("named");
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{name} (first at row {})", first.row)?;
        }
        Ok(())
    }
}

/// Checks `trace` against the AIR for `public` under `preset`, with random bus challenges;
/// returns every violation.
pub fn check(trace: &VmTrace, public: &PublicInputs, preset: &Preset) -> Result<(), Violations> {
    shape(trace, public, preset)?;
    let air = VmAir::new(trace.info().clone(), public.clone(), preset.options());
    check_air(&air, trace, None)
}

/// The statement must name `preset` and the trace must have its width: otherwise the AIR
/// would read columns the trace does not have.
fn shape(trace: &VmTrace, public: &PublicInputs, preset: &Preset) -> Result<(), Violations> {
    let width = trace.main_segment().num_cols();
    let name = if public.preset != preset.id {
        format!(
            "preset: the statement names preset {}, not {}",
            public.preset, preset.id
        )
    } else if width != preset.main_width() {
        format!(
            "width: {width} columns, preset {} has {}",
            preset.name,
            preset.main_width()
        )
    } else {
        return Ok(());
    };
    Err(Violations(vec![Violation {
        kind: ViolationKind::Shape,
        name,
        row: 0,
    }]))
}

/// The extension field the checker draws its bus challenges from.
pub type CheckField = QuadExtension<Felt>;

/// A malicious change to the auxiliary trace after it was built honestly (the bus
/// challenges are passed along): the soundness tests' way to lie in the bus columns.
#[cfg(feature = "testing")]
pub type AuxTamper<'a> =
    &'a dyn Fn(&mut winter_prover::matrix::ColMatrix<CheckField>, &[CheckField]);

/// [`check`] with the named constraints and assertions switched off in the AIR (the
/// mutation sweep). Panics on a name the AIR does not have.
#[cfg(feature = "testing")]
pub fn check_with_switched_off(
    trace: &VmTrace,
    public: &PublicInputs,
    preset: &Preset,
    off: &[&str],
) -> Result<(), Violations> {
    check_tampered(trace, public, preset, off, &|_, _| {})
}

/// [`check_with_switched_off`] with the auxiliary trace changed by `tamper` after it is
/// built (a liar controls the bus columns too).
#[cfg(feature = "testing")]
pub fn check_tampered(
    trace: &VmTrace,
    public: &PublicInputs,
    preset: &Preset,
    off: &[&str],
    tamper: AuxTamper<'_>,
) -> Result<(), Violations> {
    shape(trace, public, preset)?;
    let mut air = VmAir::new(trace.info().clone(), public.clone(), preset.options());
    let unknown = air.switch_off_for_testing(off);
    assert!(unknown.is_empty(), "unknown constraint names {unknown:?}");
    check_air(&air, trace, Some(tamper))
}

#[cfg(feature = "testing")]
type MaybeTamper<'a> = Option<AuxTamper<'a>>;
#[cfg(not(feature = "testing"))]
type MaybeTamper<'a> = Option<&'a ()>;

fn check_air(air: &VmAir, trace: &VmTrace, tamper: MaybeTamper<'_>) -> Result<(), Violations> {
    type E = CheckField;
    let main = trace.main_segment();
    let n = main.num_rows();
    let last = trace.last_real;
    let width = main.num_cols();
    let mut found = Vec::new();

    let main_names = air.main_constraint_names();
    let periodic = air.get_periodic_column_values();
    let mut frame = EvaluationFrame::<Felt>::new(width);
    let mut result = vec![Felt::ZERO; air.context().num_main_transition_constraints()];
    for row in 0..last {
        trace.read_main_frame(row, &mut frame);
        let p: Vec<Felt> = periodic.iter().map(|c| c[row % c.len()]).collect();
        air.evaluate_transition(&frame, &p, &mut result);
        for (k, v) in result.iter().enumerate() {
            if *v != Felt::ZERO {
                found.push(Violation {
                    kind: ViolationKind::Main,
                    name: main_names[k].clone(),
                    row,
                });
            }
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
    let rands = AuxRandElements::new((0..AUX_RANDS).map(|_| rand_e()).collect::<Vec<E>>());
    #[allow(unused_mut)]
    let mut aux = crate::aux::build::<E>(trace, rands.rand_elements(), &mut rand::thread_rng());
    #[cfg(feature = "testing")]
    if let Some(tamper) = tamper {
        tamper(&mut aux, rands.rand_elements());
    }
    #[cfg(not(feature = "testing"))]
    let _ = tamper;
    let aux_names = air.aux_constraint_names();
    let mut aux_frame = EvaluationFrame::<E>::new(aux.num_cols());
    let mut res = vec![E::ZERO; aux_names.len()];
    for row in 0..last {
        trace.read_main_frame(row, &mut frame);
        aux.read_row_into(row, aux_frame.current_mut());
        aux.read_row_into(row + 1, aux_frame.next_mut());
        air.evaluate_aux_transition(&frame, &aux_frame, &[], &rands, &mut res);
        for (k, v) in res.iter().enumerate() {
            if *v != E::ZERO {
                found.push(Violation {
                    kind: ViolationKind::Aux,
                    name: aux_names[k].clone(),
                    row,
                });
            }
        }
    }

    let enabled = air.get_assertions();
    for (name, a) in air.named_assertions() {
        if !enabled.contains(&a) {
            continue;
        }
        a.apply(n, |row, value| {
            if main.get(a.column(), row) != value {
                found.push(Violation {
                    kind: ViolationKind::Assertion,
                    name: name.clone(),
                    row,
                });
            }
        });
    }
    let aux_assertions = air.get_aux_assertions::<E>(&rands);
    let aux_names = air.aux_assertion_names();
    for (name, row) in aux_names.into_iter().zip([0, last]) {
        let Some(a) = aux_assertions.iter().find(|a| a.first_step() == row) else {
            continue;
        };
        let mut ok = true;
        a.apply(n, |r, value| ok &= aux.get(a.column(), r) == value);
        if !ok {
            found.push(Violation {
                kind: ViolationKind::AuxAssertion,
                name,
                row,
            });
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(Violations(found))
    }
}

//! Names of constraints and assertions. Every transition constraint, auxiliary constraint
//! and boundary assertion of the AIR has a unique name, so that the direct checker reports
//! what a trace violates by name, each forgery test states the constraint it targets, and
//! the mutation sweep can switch any one of them off.

use alloc::{string::String, vec::Vec};

use winter_air::TransitionConstraintDegree;

/// A transition constraint's name (unique within the AIR, used by the direct checker, the
/// mutation sweep and `docs/air.md`) and its declared degree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedConstraint {
    /// `component.constraint` or `component.constraint[i]` for a family.
    pub name: String,
    /// The degree winterfell checks the constraint against.
    pub degree: TransitionConstraintDegree,
}

/// Collects named constraints in the order their evaluator writes them.
#[derive(Default)]
pub struct ConstraintList(pub Vec<NamedConstraint>);

impl ConstraintList {
    /// Adds one constraint.
    pub fn add(&mut self, name: &str, degree: TransitionConstraintDegree) {
        self.0.push(NamedConstraint {
            name: name.into(),
            degree,
        });
    }

    /// Adds a family `name[0] .. name[n - 1]` of constraints of the same degree.
    pub fn family(&mut self, name: &str, n: usize, degree: TransitionConstraintDegree) {
        for i in 0..n {
            self.add(&alloc::format!("{name}[{i}]"), degree.clone());
        }
    }
}

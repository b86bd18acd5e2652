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

/// A constraint's declared degree, written where the constraint is emitted: its base degree
/// in the trace columns, and whether it carries one factor of the chiplets' 8-row periodic
/// columns (which winterfell counts as extra degree, see `chiplets::hasher`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Degree {
    /// Base degree with no periodic factor.
    Plain(usize),
    /// Base degree with one factor of an 8-row periodic column.
    Cyclic(usize),
}

impl Degree {
    /// Winterfell's form of the degree.
    pub fn to_winterfell(self) -> TransitionConstraintDegree {
        match self {
            Degree::Plain(d) => TransitionConstraintDegree::new(d),
            Degree::Cyclic(d) => {
                TransitionConstraintDegree::with_cycles(d, alloc::vec![crate::PERIODIC_CYCLE])
            }
        }
    }
}

/// Where a component's evaluator puts its constraints. Each value is emitted with its name
/// and declared degree, so the names and degrees the AIR declares come from the same code
/// that computes the values: [`Writer`] stores the values while proving and verifying,
/// [`Describer`] records names and degrees (evaluated once on an all-zero frame).
pub trait Sink<E> {
    /// Emits one constraint.
    fn emit(&mut self, name: &'static str, degree: Degree, value: E);
    /// Emits member `index` of the family `name` (`name[index]`).
    fn emit_at(&mut self, name: &'static str, index: usize, degree: Degree, value: E);
}

/// A [`Sink`] that writes the values in order into winterfell's result slice.
pub struct Writer<'a, E> {
    out: &'a mut [E],
    next: usize,
}

impl<'a, E> Writer<'a, E> {
    /// Writes from the start of `out`.
    pub fn new(out: &'a mut [E]) -> Self {
        Self { out, next: 0 }
    }

    /// How many values were written.
    pub fn written(&self) -> usize {
        self.next
    }
}

impl<E> Sink<E> for Writer<'_, E> {
    #[inline(always)]
    fn emit(&mut self, _name: &'static str, _degree: Degree, value: E) {
        self.out[self.next] = value;
        self.next += 1;
    }

    #[inline(always)]
    fn emit_at(&mut self, _name: &'static str, _index: usize, _degree: Degree, value: E) {
        self.out[self.next] = value;
        self.next += 1;
    }
}

/// A [`Sink`] that records each constraint's name and declared degree.
#[derive(Default)]
pub struct Describer(pub ConstraintList);

impl<E> Sink<E> for Describer {
    fn emit(&mut self, name: &'static str, degree: Degree, _value: E) {
        self.0.add(name, degree.to_winterfell());
    }

    fn emit_at(&mut self, name: &'static str, index: usize, degree: Degree, _value: E) {
        self.0
            .add(&alloc::format!("{name}[{index}]"), degree.to_winterfell());
    }
}

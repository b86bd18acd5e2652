//! The constraint-mutation sweep: every transition constraint and boundary assertion of the
//! AIR must be needed by at least one forgery, or be listed below as redundant with the
//! reason.
//!
//! A forgery *needs* a constraint when it violates that constraint and no other: switched
//! off (the AIR's testing hook), nothing would catch it. The catalogue lives in one module
//! per component; each forgery states the constraint it targets, and the sweep checks that
//! the target is among what the direct checker reports, that with the target switched off
//! the checker accepts the trace (the hook and the names agree), and that every name of the
//! AIR is covered.

#[path = "../common/mod.rs"]
mod common;

mod bitwise;
mod boundary;
mod chiplet;
mod decoder;
mod hash_requests;
mod memory;
mod tables;
mod u32ops;

use std::collections::BTreeSet;

use common::forge::Forgery;
use vm_air::{preset, VmAir};
use vm_prover::check::{check_tampered, CheckField, Violations};
use winter_air::Air;
use winter_prover::{matrix::ColMatrix, Trace};

/// A lie in the auxiliary trace, applied after it is built honestly.
pub type Tamper = std::sync::Arc<dyn Fn(&mut ColMatrix<CheckField>, &[CheckField]) + Send + Sync>;

/// A forgery and the constraint it is built to break.
pub struct Case {
    /// The constraint or assertion name the forgery targets.
    pub target: String,
    /// The forged trace and statement.
    pub forgery: Forgery,
    /// The liar's change to the bus columns, if any.
    pub tamper: Option<Tamper>,
}

impl Case {
    /// A case targeting `target`.
    pub fn new(target: impl Into<String>, forgery: Forgery) -> Self {
        Self {
            target: target.into(),
            forgery,
            tamper: None,
        }
    }

    /// A case whose liar also changes the auxiliary trace.
    pub fn with_tamper(
        target: impl Into<String>,
        forgery: Forgery,
        tamper: impl Fn(&mut ColMatrix<CheckField>, &[CheckField]) + Send + Sync + 'static,
    ) -> Self {
        Self {
            target: target.into(),
            forgery,
            tamper: Some(std::sync::Arc::new(tamper)),
        }
    }

    /// Every violation, with the named constraints switched off.
    fn violations(&self, off: &[&str]) -> Violations {
        let none = |_: &mut ColMatrix<CheckField>, _: &[CheckField]| {};
        let tamper: &dyn Fn(&mut ColMatrix<CheckField>, &[CheckField]) = match &self.tamper {
            Some(t) => t.as_ref(),
            None => &none,
        };
        let f = &self.forgery;
        check_tampered(&f.trace, &f.public, preset::default_preset(), off, tamper)
            .err()
            .unwrap_or_default()
    }
}

/// Every component's forgeries.
fn catalogue() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(decoder::cases());
    cases.extend(tables::cases());
    cases.extend(chiplet::cases());
    cases.extend(boundary::cases());
    cases.extend(memory::cases());
    cases.extend(bitwise::cases());
    cases.extend(u32ops::cases());
    cases.extend(hash_requests::cases());
    cases
}

/// Every component's constraints that no forgery can isolate, with the reason switching
/// one off alone cannot yield a false proof.
fn redundant() -> Vec<(&'static str, &'static str)> {
    [
        decoder::REDUNDANT,
        tables::REDUNDANT,
        chiplet::REDUNDANT,
        boundary::REDUNDANT,
        memory::REDUNDANT,
        u32ops::REDUNDANT,
        hash_requests::REDUNDANT,
    ]
    .concat()
}

/// Checks each case: its target is violated and nothing else is, and switched off in the
/// AIR the target no longer catches it. Returns the targets needed and the failures.
fn isolated(cases: &[Case]) -> (BTreeSet<String>, Vec<String>) {
    let mut needed = BTreeSet::new();
    let mut failures = Vec::new();
    for case in cases {
        let v = case.violations(&[]);
        if !v.contains(&case.target) {
            failures.push(format!(
                "forgery aimed at {} is caught by: {v}",
                case.target
            ));
            continue;
        }
        if v.names().len() != 1 {
            failures.push(format!(
                "forgery aimed at {} also violates other constraints: {v}",
                case.target
            ));
            continue;
        }
        let off = case.violations(&[&case.target]);
        if !off.is_empty() {
            failures.push(format!("{} switched off, still caught: {off}", case.target));
            continue;
        }
        needed.insert(case.target.clone());
    }
    (needed, failures)
}

/// Asserts that every case of one component is isolated on its target.
fn assert_isolated(cases: Vec<Case>) {
    let (_, failures) = isolated(&cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn decoder_forgeries_are_isolated() {
    assert_isolated(decoder::cases());
}

#[test]
fn table_forgeries_are_isolated() {
    assert_isolated(tables::cases());
}

#[test]
fn chiplet_forgeries_are_isolated() {
    assert_isolated(chiplet::cases());
}

#[test]
fn boundary_forgeries_are_isolated() {
    assert_isolated(boundary::cases());
}

#[test]
fn memory_forgeries_are_isolated() {
    assert_isolated(memory::cases());
}

#[test]
fn bitwise_forgeries_are_isolated() {
    assert_isolated(bitwise::cases());
}

#[test]
fn u32_forgeries_are_isolated() {
    assert_isolated(u32ops::cases());
}

#[test]
fn hash_request_forgeries_are_isolated() {
    assert_isolated(hash_requests::cases());
}

/// The components' constraints whose isolating forgeries are not written yet.
fn pending() -> Vec<(&'static str, &'static str)> {
    [memory::PENDING, bitwise::PENDING, hash_requests::PENDING].concat()
}

/// Every constraint and assertion name of the AIR under the default preset.
fn all_names(sample: &Forgery) -> Vec<String> {
    let preset = preset::default_preset();
    let air = VmAir::new(
        sample.trace.info().clone(),
        sample.public.clone(),
        preset.options(),
    );
    let mut names = air.main_constraint_names();
    names.extend(air.aux_constraint_names());
    names.extend(air.named_assertions().into_iter().map(|(n, _)| n));
    names.extend(air.aux_assertion_names());
    names
}

#[test]
fn every_constraint_is_needed_by_a_forgery_or_listed_as_redundant() {
    let cases = catalogue();
    let names = all_names(&common::forge::forge(
        "begin add end",
        &[1, 2],
        |_, _, _, _| {},
    ));
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "constraint names are not unique");
    for case in &cases {
        assert!(
            names.contains(&case.target),
            "unknown target {}",
            case.target
        );
    }
    let (needed, failures) = isolated(&cases);
    let redundant = redundant();
    for (name, reason) in &redundant {
        assert!(names.iter().any(|n| n == name), "unknown redundant {name}");
        assert!(!reason.is_empty());
        assert!(
            !needed.contains(*name),
            "{name} is listed as redundant but a forgery needs it"
        );
    }
    let pending = pending();
    for (name, reason) in &pending {
        assert!(names.iter().any(|n| n == name), "unknown pending {name}");
        assert!(!reason.is_empty());
        assert!(
            !needed.contains(*name),
            "{name} is listed as pending but a forgery needs it: remove it from PENDING"
        );
    }
    let uncovered: Vec<&String> = names
        .iter()
        .filter(|n| {
            !needed.contains(*n)
                && !redundant.iter().any(|(r, _)| r == n)
                && !pending.iter().any(|(p, _)| p == n)
        })
        .collect();
    assert!(
        failures.is_empty() && uncovered.is_empty(),
        "{} of {} constraints needed by no forgery: {uncovered:?}\n{}",
        uncovered.len(),
        names.len(),
        failures.join("\n")
    );
    // docs/air.md states the counts; keep it true.
    let sentence = format!(
        "Today {} of the {} names are needed by a forgery, {} are redundant and {} pending",
        needed.len(),
        names.len(),
        redundant.len(),
        pending.len()
    );
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/air.md"))
        .expect("docs/air.md");
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&sentence),
        "docs/air.md must say: \"{sentence}\""
    );
}

/// Every forgery whose lie is in the main trace is also rejected by the release-build
/// verifier after a real proof.
#[test]
fn the_verifier_rejects_every_main_trace_forgery() {
    for case in catalogue() {
        if case.tamper.is_none() {
            common::forge::rejected_by_verifier(case.forgery);
        }
    }
}

/// Every forgery that also lies in the bus columns is rejected by the release-build verifier
/// after a real proof: the prover applies the liar's change to the auxiliary trace it
/// builds, with the challenges the transcript drew (`VmTrace::tamper_aux_for_testing`).
#[test]
fn the_verifier_rejects_every_bus_forgery() {
    let mut proven = 0;
    for case in catalogue() {
        if let Some(tamper) = case.tamper {
            let mut forgery = case.forgery;
            forgery.trace.tamper_aux_for_testing(tamper);
            common::forge::rejected_by_verifier(forgery);
            proven += 1;
        }
    }
    assert!(proven > 0, "the catalogue has bus forgeries");
}

/// The tampering hook itself: an honest trace with a change that changes nothing proves and
/// verifies (the hook hands the liar the real columns and challenges and writes them back
/// faithfully), and one wrong cell of the running sum is rejected (the hook is applied).
#[test]
fn the_aux_tampering_hook_is_faithful_and_applied() {
    use rand::{rngs::StdRng, SeedableRng};
    use vm_air::layout::AUX_SUM;
    let prove_and_verify = |tamper: Tamper| {
        let mut f = common::forge::honest_run(
            &common::forge::assemble("begin push.3 push.4 u32wrapping_add mem_store.8 end"),
            &[1, 2],
        );
        f.trace.tamper_aux_for_testing(tamper);
        let proof = vm_prover::prove_trace_unchecked_for_testing(
            f.trace,
            f.public.clone(),
            preset::default_preset(),
            StdRng::seed_from_u64(1),
        )
        .expect("proves");
        vm_verifier::verify(
            f.public.program_hash,
            f.public.stack_inputs,
            f.public.stack_outputs,
            &proof,
            96,
        )
    };
    let unchanged = prove_and_verify(std::sync::Arc::new(|_, _| {}));
    assert!(unchanged.is_ok(), "{unchanged:?}");
    let wrong = prove_and_verify(std::sync::Arc::new(|aux, _| {
        aux.set(
            AUX_SUM,
            3,
            aux.get(AUX_SUM, 3) + <CheckField as vm_core::FieldElement>::ONE,
        );
    }));
    assert!(wrong.is_err(), "a wrong running sum was accepted");
}

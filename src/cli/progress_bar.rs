//! The progress display of `vm prove`: an indicatif spinner naming the phase the proof is
//! in, or, with `--progress`, one line per phase (for logs and for terminals indicatif does
//! not draw on).

use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vm::progress::{Progress, ProgressFn, PHASE_BUILD_TRACE, PHASE_DONE, PHASE_EXECUTE};

/// How `vm prove` shows its progress.
pub struct PhaseDisplay {
    /// The spinner, drawn on standard error when it is a terminal (indicatif draws nothing
    /// otherwise).
    bar: ProgressBar,
    /// Print one line per phase instead of the spinner.
    lines: bool,
    started: Instant,
}

impl PhaseDisplay {
    /// A display on standard error: a spinner when it is a terminal and `quiet` is false,
    /// one line per phase when `lines` is set, nothing otherwise.
    pub fn new(lines: bool, quiet: bool) -> Self {
        let target = if lines || quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed}] {msg}").expect("a valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Self {
            bar,
            lines,
            started: Instant::now(),
        }
    }

    /// When the proof started (the clock the phase events share).
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Shows that `phase` (one of [`vm::progress`]'s constants) started now.
    pub fn phase(&self, phase: &'static str) {
        show(&self.bar, self.lines, phase, 0, self.started.elapsed());
    }

    /// The callback for [`vm::progress::observe`]: winterfell's top-level phases.
    pub fn callback(&self) -> ProgressFn {
        let bar = self.bar.clone();
        let lines = self.lines;
        Arc::new(move |p: &Progress| show(&bar, lines, p.phase, p.depth, p.elapsed))
    }

    /// Removes the spinner (the summary follows on standard output).
    pub fn finish(&self) {
        self.phase(PHASE_DONE);
        self.bar.finish_and_clear();
    }
}

impl Drop for PhaseDisplay {
    // An error path leaves no spinner behind the error message.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

fn show(bar: &ProgressBar, lines: bool, phase: &'static str, depth: usize, elapsed: Duration) {
    // Nested spans (the LDE inside a commitment ...) would flicker: the top-level phase
    // says enough.
    if depth > 0 {
        return;
    }
    let label = label(phase);
    if lines {
        eprintln!("[{:>8.2} s] {label}", elapsed.as_secs_f64());
    } else {
        bar.set_message(label);
    }
}

/// What a phase is, in words: the facade's phases and winterfell 0.13's top-level spans.
fn label(phase: &'static str) -> &'static str {
    match phase {
        PHASE_EXECUTE => "executing the program",
        PHASE_BUILD_TRACE => "building the execution trace",
        "build_domain" => "building the evaluation domain",
        "commit_to_main_trace_segment" => "extending and committing to the main trace",
        "build_aux_trace" => "building the auxiliary (bus) trace",
        "commit_to_aux_trace_segment" => "extending and committing to the auxiliary trace",
        "evaluate_constraints" => "evaluating the constraints",
        "commit_to_constraint_evaluations" => "committing to the composition polynomial",
        "build_deep_composition_poly" => "building the DEEP composition polynomial",
        "evaluate_deep_composition_poly" => "evaluating the DEEP composition polynomial",
        "compute_fri_layers" => "computing the FRI layers",
        "determine_query_positions" => "grinding and choosing the query positions",
        "build_proof_object" => "assembling the proof",
        PHASE_DONE => "done",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every phase a proof goes through has a label of its own, in words.
    #[test]
    fn every_phase_has_a_label_of_its_own() {
        let phases = [
            PHASE_EXECUTE,
            PHASE_BUILD_TRACE,
            "build_domain",
            "commit_to_main_trace_segment",
            "commit_to_aux_trace_segment",
            "evaluate_constraints",
            "commit_to_constraint_evaluations",
            "build_deep_composition_poly",
            "evaluate_deep_composition_poly",
            "compute_fri_layers",
            "determine_query_positions",
            "build_proof_object",
        ];
        let labels: std::collections::HashSet<&str> = phases.iter().map(|p| label(p)).collect();
        assert_eq!(labels.len(), phases.len(), "two phases share a label");
        for p in phases {
            assert!(label(p).contains(' '), "{p} has no label in words");
        }
        assert_eq!(label(PHASE_DONE), "done");
        assert_eq!(label("some_new_span"), "some_new_span");
    }
}

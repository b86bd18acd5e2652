//! The zero-knowledge STARK prover of the VM.
//!
//! [`prove`] executes a program with the tracing executor, builds the trace of
//! `vm_air::layout` (randomized for zero knowledge when the preset says so, see
//! `docs/zk.md`), and proves it with winterfell under one of the presets of
//! `vm_air::preset`. Programs that use operations the AIR does not constrain yet are
//! refused before anything runs: no proof is ever made of a statement the verifier could
//! not check.
//!
//! [`execute_for_proof`] and [`prove_execution`] split [`prove`] in two, so that a node
//! executes once and proves later (or under several presets).
//!
//! Nothing public proves a trace that [`prove`] did not build from an execution: the
//! winterfell prover (`VmStark`) is private, and the entry points that prove, build or
//! change an arbitrary trace for the soundness tests exist only with the `testing` feature
//! and say so in their names (`prove_trace_unchecked_for_testing`,
//! `trace::build_with_hooks_for_testing`, `VmTrace::columns_mut_for_testing`).

mod aux;
pub mod check;
mod evaluate;
pub mod kernel;
mod lanes;
pub mod lde;
mod stark;
pub mod trace;

use std::time::{Duration, Instant};

use rand::{rngs::StdRng, SeedableRng};
use vm_air::{ops, preset::HashFunction, Preset, PublicInputs, VmProof};
use vm_core::{Component, Opcode, Program, StackInputs};
use vm_processor::{
    execute_traced, AdviceInputs, ExecutionError, ExecutionOptions, ExecutionOutput, Host,
};
use winter_crypto::hashers::{Blake3_192, Blake3_256, Rp64_256};
use winter_prover::Prover;

use stark::VmStark;
pub use vm_air::preset;
pub use winter_prover::ProverError;

/// Why a proof could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProveError {
    /// The program uses an operation whose constraints do not exist yet.
    #[error("`vm prove` cannot prove {op} yet (at {location}): {reason}")]
    Unsupported {
        /// The operation.
        op: Opcode,
        /// Where it is: `file:line:col` when the program has a source map, else its address.
        location: String,
        /// What it needs: the component of the proof system that is not built yet.
        reason: &'static str,
    },
    /// The program failed to run.
    #[error(transparent)]
    Execution(Box<ExecutionError>),
    /// The public inputs name another preset than the one the proof is asked for.
    #[error(
        "the public inputs name preset {public}, but the proof is to be made under preset \
         {preset} ({name}): they must be the same"
    )]
    PresetMismatch {
        /// The preset id in the public inputs.
        public: u8,
        /// The id of the preset the proof is to be made under.
        preset: u8,
        /// That preset's name.
        name: &'static str,
    },
    /// The trace does not have the shape the preset requires (it was built for another
    /// preset, or its columns were replaced).
    #[error(
        "the trace has {width} main columns and {rows} rows, but preset {name} needs {expected} \
         columns and {min_rows} to {max_rows} rows"
    )]
    TraceShape {
        /// Main columns of the trace.
        width: usize,
        /// Rows of the trace.
        rows: usize,
        /// Main columns the preset needs.
        expected: usize,
        /// The preset's smallest trace length.
        min_rows: usize,
        /// The preset's largest trace length.
        max_rows: usize,
        /// The preset's name.
        name: &'static str,
    },
    /// [`prove_execution`] was given another program than the one that ran.
    #[error(
        "the execution is of program {expected}, not of the program {found} given to prove it"
    )]
    ProgramMismatch {
        /// The hash of the program that ran.
        expected: String,
        /// The hash of the program given.
        found: String,
    },
    /// The STARK prover failed (a bug: an honest trace always proves); the cause is
    /// winterfell's.
    #[error("the STARK prover failed: {0}")]
    Stark(#[from] winter_prover::ProverError),
}

impl From<ExecutionError> for ProveError {
    fn from(e: ExecutionError) -> Self {
        Self::Execution(Box::new(e))
    }
}

/// What proving measured.
#[derive(Clone, Debug, Default)]
pub struct ProvingStats {
    /// Executed cycles.
    pub cycles: u64,
    /// Rows of the trace (a power of two).
    pub trace_len: usize,
    /// Main-trace columns.
    pub main_width: usize,
    /// Auxiliary-trace columns (extension field).
    pub aux_width: usize,
    /// Time to execute and build the main trace.
    pub trace_time: Duration,
    /// Time winterfell took (commitments, constraints, FRI).
    pub stark_time: Duration,
}

/// A proof with the execution it proves.
#[derive(Debug)]
pub struct Proved {
    /// The execution's outputs.
    pub output: ExecutionOutput,
    /// The statement proven.
    pub public: PublicInputs,
    /// The proof.
    pub proof: VmProof,
    /// Measurements.
    pub stats: ProvingStats,
}

/// Refuses programs that use operations this AIR does not constrain.
pub fn check_provable(program: &Program) -> Result<(), ProveError> {
    for (addr, ins) in program.code().iter().enumerate() {
        if !ops::is_proven(ins.op) {
            let location = match program.location_at(addr as u32) {
                Some((file, line, col)) => format!("{}:{line}:{col}", file.name),
                None => format!("address {addr}"),
            };
            return Err(ProveError::Unsupported {
                op: ins.op,
                location,
                reason: unsupported_reason(ins.op),
            });
        }
    }
    Ok(())
}

/// Why `op` is not proven: the component it needs (from the operation table), which this
/// AIR does not build yet, and the issue that brings it.
fn unsupported_reason(op: Opcode) -> &'static str {
    match op.component() {
        Component::Hasher => {
            "needs the hasher's Merkle path requests (its request section answers HPERM's \
             permutations only so far), which are not built yet (issue: hash proofs)"
        }
        // `is_proven` holds for every CPU, memory, range-checked (u32) and bitwise
        // operation; kept for a future refusal.
        Component::Cpu | Component::Memory | Component::Range | Component::Bitwise => {
            "is not constrained by this AIR"
        }
    }
}

/// Executes `program` and proves the execution under `preset`: [`execute_for_proof`]
/// followed by [`prove_execution`].
pub fn prove(
    program: &Program,
    stack_inputs: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: ExecutionOptions,
    preset: &'static Preset,
) -> Result<Proved, ProveError> {
    let execution = execute_for_proof(program, stack_inputs, advice, host, options)?;
    prove_execution(program, &execution, preset)
}

/// An execution recorded for proving: its outputs and its trace, made by
/// [`execute_for_proof`] only (the fields are private, so no one can hand the prover a
/// trace that is not an execution's). A node executes a batch once, checks or publishes
/// its outputs, and proves it later with [`prove_execution`], under any preset.
#[derive(Clone, Debug)]
pub struct Execution {
    program_hash: vm_core::Word,
    stack_inputs: StackInputs,
    output: ExecutionOutput,
    trace: vm_processor::ExecutionTrace,
    time: Duration,
}

impl Execution {
    /// The execution's outputs (stack outputs, cycles, rows per component).
    pub fn output(&self) -> &ExecutionOutput {
        &self.output
    }

    /// The hash of the program that ran.
    pub fn program_hash(&self) -> vm_core::Word {
        self.program_hash
    }

    /// The stack inputs the program started on.
    pub fn stack_inputs(&self) -> &StackInputs {
        &self.stack_inputs
    }
}

/// Executes `program` with the tracing executor and keeps what [`prove_execution`] needs.
/// Refuses, before running anything, a program that uses operations the AIR does not
/// constrain ([`ProveError::Unsupported`]).
pub fn execute_for_proof(
    program: &Program,
    stack_inputs: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: ExecutionOptions,
) -> Result<Execution, ProveError> {
    check_provable(program)?;
    let started = Instant::now();
    let (output, trace) = execute_traced(program, stack_inputs.clone(), advice, host, options)?;
    Ok(Execution {
        program_hash: program.hash(),
        stack_inputs,
        output,
        trace,
        time: started.elapsed(),
    })
}

/// Proves an execution [`execute_for_proof`] recorded, under `preset` or, where the trace
/// fits it, its short-trace sibling ([`fitted_preset`]). `program` must be the program that
/// ran ([`ProveError::ProgramMismatch`] otherwise).
pub fn prove_execution(
    program: &Program,
    execution: &Execution,
    preset: &'static Preset,
) -> Result<Proved, ProveError> {
    let program_hash = program.hash();
    if program_hash != execution.program_hash {
        return Err(ProveError::ProgramMismatch {
            expected: vm_core::hash::word_to_hex(&execution.program_hash),
            found: vm_core::hash::word_to_hex(&program_hash),
        });
    }
    let started = Instant::now();
    let output = execution.output.clone();
    let preset = fitted_preset(program, execution, preset);
    let mut rng = StdRng::from_entropy();
    let trace = trace::build(
        program,
        &execution.trace,
        output.final_depth,
        preset,
        &mut rng,
    );
    let public = PublicInputs {
        preset: preset.id,
        program_hash,
        stack_inputs: execution.stack_inputs.clone(),
        stack_outputs: output.stack,
    };
    let trace_time = execution.time + started.elapsed();
    let mut stats = ProvingStats {
        cycles: output.cycles,
        trace_len: winter_prover::Trace::info(&trace).length(),
        main_width: preset.main_width(),
        aux_width: vm_air::layout::AUX_WIDTH,
        trace_time,
        ..Default::default()
    };
    let started = Instant::now();
    let proof = prove_built(
        trace,
        public.clone(),
        preset,
        StdRng::from_rng(&mut rng).expect("seeded"),
    )?;
    stats.stark_time = started.elapsed();
    Ok(Proved {
        output,
        public,
        proof,
        stats,
    })
}

/// The preset a proof asked for under `preset` is made with: its short-trace sibling
/// ([`Preset::for_short_traces`]) where the execution's trace fits that one's length, else
/// `preset` itself. Both have the same security level, hash and zero-knowledge setting; the
/// short-trace one gives smaller proofs (`docs/performance.md`).
pub fn fitted_preset(
    program: &Program,
    execution: &Execution,
    preset: &'static Preset,
) -> &'static Preset {
    fit_preset(preset, execution.trace.rows.len(), |p| {
        trace::shape(program, &execution.trace, execution.output.final_depth, p)
    })
    .0
}

/// [`fitted_preset`] for a run of `executed_rows` rows whose trace has the shape
/// `shape_under(p)` under a preset `p`, with that shape: what `vm run` reports and
/// `vm prove` then builds.
pub fn fit_preset(
    preset: &'static Preset,
    executed_rows: usize,
    shape_under: impl Fn(&'static Preset) -> trace::TraceShape,
) -> (&'static Preset, trace::TraceShape) {
    // A run as long as the short trace needs no shape computed under it (its tables can
    // be long to build). A preset that is itself for short traces (or a row made from one)
    // is kept.
    if let Some(short) = preset
        .for_short_traces()
        .filter(|s| s.max_trace_len < preset.max_trace_len && executed_rows < s.max_trace_len)
    {
        let shape = shape_under(short);
        if short.allows_trace_len(shape.trace_len) {
            return (short, shape);
        }
    }
    (preset, shape_under(preset))
}

/// Checks what the AIR assumes of its inputs (it indexes the trace by the preset's layout):
/// the public inputs name `preset`, and the trace has the preset's width and a length the
/// preset allows.
fn check_trace_shape(
    trace: &trace::VmTrace,
    public: &PublicInputs,
    preset: &'static Preset,
) -> Result<(), ProveError> {
    use winter_prover::Trace;
    if public.preset != preset.id {
        return Err(ProveError::PresetMismatch {
            public: public.preset,
            preset: preset.id,
            name: preset.name,
        });
    }
    let info = trace.info();
    let main = trace.main_segment();
    let expected = preset.main_width();
    // The trace info and the columns may disagree when a test replaced the columns.
    let width = if info.main_trace_width() != expected {
        info.main_trace_width()
    } else {
        main.num_cols()
    };
    let rows = main.num_rows();
    if width != expected || rows != info.length() || !preset.allows_trace_len(rows) {
        return Err(ProveError::TraceShape {
            width,
            rows,
            expected,
            min_rows: preset.min_trace_len,
            max_rows: preset.max_trace_len,
            name: preset.name,
        });
    }
    Ok(())
}

/// **Dangerous: proves whatever trace it is given.** Proves an already built trace without
/// checking that it is the trace of an execution (the soundness tests hand it tampered
/// traces, to show that the verifier rejects them). Only the trace's shape is checked: the
/// public inputs must name `preset` and the trace must have been built for it
/// ([`ProveError::PresetMismatch`], [`ProveError::TraceShape`]). A real prover uses
/// [`prove`].
#[cfg(feature = "testing")]
#[doc(hidden)]
pub fn prove_trace_unchecked_for_testing(
    trace: trace::VmTrace,
    public: PublicInputs,
    preset: &'static Preset,
    rng: StdRng,
) -> Result<VmProof, ProveError> {
    prove_built(trace, public, preset, rng)
}

/// Proves a trace [`prove`] built from an execution (after checking its shape).
fn prove_built(
    trace: trace::VmTrace,
    public: PublicInputs,
    preset: &'static Preset,
    rng: StdRng,
) -> Result<VmProof, ProveError> {
    check_trace_shape(&trace, &public, preset)?;
    let options = preset.options();
    let proof = match preset.hash_function() {
        HashFunction::Blake3_192 => {
            VmStark::<Blake3_192<vm_core::Felt>>::new(options, public, rng).prove(trace)
        }
        HashFunction::Blake3_256 => {
            VmStark::<Blake3_256<vm_core::Felt>>::new(options, public, rng).prove(trace)
        }
        HashFunction::Rp64_256 => VmStark::<Rp64_256>::new(options, public, rng).prove(trace),
    }?;
    Ok(VmProof { preset, proof })
}

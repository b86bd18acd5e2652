//! `vm`: a zero-knowledge virtual machine for Miden-style stack assembly, as a library.
//!
//! This crate is the facade for integrators (rollup and bridge nodes): one dependency for
//! the whole pipeline, source --[`Assembler`]--> [`Program`] --[`execute`]--> outputs
//! --[`prove`]--> [`Proof`] --[`verify`]--> accepted or rejected. `docs/api.md` is the
//! guide; in short:
//!
//! ```no_run
//! use vm::{Acceptance, AdviceInputs, DefaultHost, ProvingOptions, StackInputs};
//! # fn main() -> Result<(), vm::Error> {
//! let program = vm::compile("fib", "begin push.1 push.2 add end")?;
//! let proven = vm::prove(
//!     &program,
//!     StackInputs::default(),
//!     AdviceInputs::default(),
//!     &mut DefaultHost,
//!     &ProvingOptions::default(),
//! )?;
//! let bytes = proven.proof.to_bytes(); // ship these
//! let bits = vm::verify_bytes(
//!     program.hash(),
//!     StackInputs::default(),
//!     proven.output.stack,
//!     &bytes,
//!     &Acceptance::min_security(96),
//! )?;
//! assert!(bits >= 96);
//! # Ok(()) }
//! ```
//!
//! What is where:
//! - compiling: [`Assembler`] (the standard library `std::...` is always available; add
//!   libraries with [`Assembler::with_library_dir`]), [`compile`] for one source text;
//! - running: [`execute`] with [`StackInputs`], [`AdviceInputs`] (the private inputs: advice
//!   stack, advice map, Merkle store) and a [`Host`] ([`DefaultHost`] or your own);
//! - proving: [`prove`], or [`execute_for_proof`] then [`prove_execution`] to execute once
//!   and prove later, under [`ProvingOptions`] (security [`preset`], thread count,
//!   [`progress`] callback);
//! - verifying: [`verify`] for a [`Proof`], [`verify_bytes`] for bytes off the wire, both
//!   under an [`Acceptance`] policy (minimum security, accepted presets); the verifier
//!   crate [`verifier`] is `no_std` and can be used alone;
//! - errors: [`Error`] for the whole pipeline, and each stage's own ([`CompileError`],
//!   [`ExecutionError`], [`ProveError`], [`ProofError`], [`VerifyError`]).
//!
//! The workspace crates stay reachable as modules ([`assembly`], [`core`], [`processor`],
//! [`prover`], [`verifier`], [`stdlib`], [`signature`]) for what the facade does not lift.

mod error;
pub mod progress;
mod proof;

use std::time::Instant;

pub use vm_assembly as assembly;
pub use vm_core as core;
pub use vm_processor as processor;
pub use vm_prover as prover;
pub use vm_signature as signature;
pub use vm_stdlib as stdlib;
pub use vm_verifier as verifier;

pub use error::{CompileError, Error};
pub use proof::Proof;
pub use vm_assembly::Assembler;
pub use vm_core::{Felt, Opcode, Program, StackError, StackInputs, StackOutputs, Word};
pub use vm_processor::{
    execute, AdviceInputs, DefaultHost, ErrorKind, ExecutionError, ExecutionOptions,
    ExecutionOutput, Host, InputError,
};
pub use vm_prover::{
    check_provable, execute_for_proof, preset, Execution, ProveError, ProvingStats,
};
pub use vm_verifier::{verify_bytes, Acceptance, ProofError, VerifyError};

use progress::{ProgressFn, ProgressLayer};

/// Assembles one program from source text with the standard library (`name` is the file
/// name its diagnostics show). For libraries or files, use [`Assembler`].
pub fn compile(name: &str, source: &str) -> Result<Program, CompileError> {
    Assembler::new()
        .assemble_source(name, source)
        .map_err(CompileError::from)
}

/// How to prove: the execution options, the security preset, the thread count and a
/// progress callback. The default is [`preset::default_preset`] (96-bit, BLAKE3, zero
/// knowledge), the default execution options, rayon's global pool and no progress.
#[derive(Clone)]
#[non_exhaustive]
pub struct ProvingOptions {
    /// Options of the execution (cycle limit, debug output).
    pub execution: ExecutionOptions,
    /// The preset: security level, commitment hash, zero knowledge.
    pub preset: &'static preset::Preset,
    /// Threads to prove on: `None` uses rayon's global pool (one thread per core, or
    /// `RAYON_NUM_THREADS`); `Some(n)` proves in a pool of its own with `n` threads.
    pub threads: Option<usize>,
    /// Called at the start of each phase of the proof.
    pub progress: Option<ProgressFn>,
}

impl Default for ProvingOptions {
    fn default() -> Self {
        Self {
            execution: ExecutionOptions::default(),
            preset: preset::default_preset(),
            threads: None,
            progress: None,
        }
    }
}

impl std::fmt::Debug for ProvingOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvingOptions")
            .field("execution", &self.execution)
            .field("preset", &self.preset.name)
            .field("threads", &self.threads)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl ProvingOptions {
    /// Options for `preset` (see [`preset::PRESETS`] and [`preset::by_name`]).
    pub fn with_preset(mut self, preset: &'static preset::Preset) -> Self {
        self.preset = preset;
        self
    }

    /// Sets the execution options.
    pub fn with_execution(mut self, execution: ExecutionOptions) -> Self {
        self.execution = execution;
        self
    }

    /// Proves on a pool of `threads` threads of its own (1 proves on one core).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// Calls `callback` at the start of each phase of the proof (see [`progress`]).
    pub fn with_progress(
        mut self,
        callback: impl Fn(&progress::Progress) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(std::sync::Arc::new(callback));
        self
    }
}

/// A proof with the execution it proves.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Proven {
    /// The execution's outputs: the stack outputs are part of the statement to verify.
    pub output: ExecutionOutput,
    /// The proof.
    pub proof: Proof,
    /// What proving measured (cycles, trace length, times).
    pub stats: ProvingStats,
}

/// Executes `program` and proves the execution under `options`.
pub fn prove(
    program: &Program,
    stack_inputs: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: &ProvingOptions,
) -> Result<Proven, Error> {
    let started = Instant::now();
    // Execution is sequential: it runs on the caller's thread, so the host need not be
    // `Send`.
    report(options, started, progress::PHASE_EXECUTE);
    let execution = execute_for_proof(program, stack_inputs, advice, host, options.execution)?;
    prove_timed(program, &execution, options, started)
}

/// Proves an execution [`execute_for_proof`] recorded (a node executes a batch once,
/// publishes its outputs, and proves later). `program` must be the program that ran.
/// `options.execution` is not read: the execution already happened.
pub fn prove_execution(
    program: &Program,
    execution: &Execution,
    options: &ProvingOptions,
) -> Result<Proven, Error> {
    prove_timed(program, execution, options, Instant::now())
}

fn prove_timed(
    program: &Program,
    execution: &Execution,
    options: &ProvingOptions,
    started: Instant,
) -> Result<Proven, Error> {
    let proved = in_pool(options, || {
        report(options, started, progress::PHASE_BUILD_TRACE);
        let proved = with_progress(options, started, || {
            vm_prover::prove_execution(program, execution, options.preset)
        });
        report(options, started, progress::PHASE_DONE);
        proved
    })??;
    Ok(Proven {
        output: proved.output,
        proof: Proof::from(proved.proof),
        stats: proved.stats,
    })
}

/// Runs `f` in a pool of `options.threads` threads (or on the caller's thread).
fn in_pool<T: Send>(options: &ProvingOptions, f: impl FnOnce() -> T + Send) -> Result<T, Error> {
    match options.threads {
        None => Ok(f()),
        Some(threads) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| Error::ThreadPool {
                    threads,
                    reason: e.to_string(),
                })?;
            Ok(pool.install(f))
        }
    }
}

/// Runs `f` with the progress layer as this thread's `tracing` subscriber (winterfell opens
/// its phase spans on the thread that calls it).
fn with_progress<T>(options: &ProvingOptions, started: Instant, f: impl FnOnce() -> T) -> T {
    match &options.progress {
        None => f(),
        Some(callback) => progress::observe(callback.clone(), started, f),
    }
}

fn report(options: &ProvingOptions, started: Instant, phase: &'static str) {
    if let Some(callback) = &options.progress {
        ProgressLayer::report(callback, started, phase);
    }
}

/// Verifies `proof` for the program with hash `program_hash`, started on `stack_inputs`,
/// halted with `stack_outputs` on top of its stack, under the caller's `acceptance`
/// (minimum security, accepted presets). Returns the proof's conjectured security in bits.
/// For bytes received from elsewhere, [`verify_bytes`] checks them as it parses them.
pub fn verify(
    program_hash: Word,
    stack_inputs: StackInputs,
    stack_outputs: StackOutputs,
    proof: &Proof,
    acceptance: &Acceptance,
) -> Result<u32, VerifyError> {
    vm_verifier::verify_with(
        program_hash,
        stack_inputs,
        stack_outputs,
        proof.as_vm_proof(),
        acceptance,
    )
}

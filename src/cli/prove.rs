//! `vm prove`: execute a program, prove the execution and write the proof, the outputs and
//! the public claim.

use std::path::{Path, PathBuf};
use std::time::Duration;

use miette::{miette, IntoDiagnostic, Report, WrapErr};
use vm::progress::{PHASE_BUILD_TRACE, PHASE_EXECUTE};
use vm_processor::{DefaultHost, ExecutionOptions, InputFile, OutputFile};
use vm_prover::preset::{self, CommitmentHash, Preset};
use vm_prover::Proved;

use super::progress_bar::PhaseDisplay;

use super::verify::Claim;
use super::{sibling, SourceArgs};

/// Conjectured security level of the proof.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// 96 bits (40 queries, quadratic extension).
    #[value(name = "96")]
    Bits96,
    /// 128 bits (56 queries, cubic extension).
    #[value(name = "128")]
    Bits128,
}

impl Security {
    pub(crate) fn bits(self) -> u32 {
        match self {
            Security::Bits96 => 96,
            Security::Bits128 => 128,
        }
    }
}

/// Hash function of the proof's commitments.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashArg {
    /// BLAKE3, 192-bit digests at 96 bits and 256-bit at 128 (fastest to prove and verify
    /// natively).
    Blake3,
    /// Rescue Prime `Rp64_256`, 256-bit digests (cheaper to verify inside another STARK).
    Rescue,
}

impl From<HashArg> for CommitmentHash {
    fn from(h: HashArg) -> Self {
        match h {
            HashArg::Blake3 => CommitmentHash::Blake3,
            HashArg::Rescue => CommitmentHash::Rescue,
        }
    }
}

/// The options that choose a proof preset, shared by `vm prove` and `vm bench`.
#[derive(clap::Args, Debug)]
pub(crate) struct PresetArgs {
    /// Conjectured security level in bits.
    #[arg(long, value_enum, default_value = "96")]
    security: Security,
    /// Commitment hash.
    #[arg(long, value_enum, default_value = "blake3")]
    hash: HashArg,
    /// Switch zero knowledge off (smaller, faster proofs that reveal information about the
    /// advice inputs).
    #[arg(long = "no-zk")]
    no_zk: bool,
}

impl PresetArgs {
    /// The preset these options name.
    pub(crate) fn select(&self) -> Result<&'static Preset, Report> {
        select_preset(self.security.bits(), self.hash.into(), !self.no_zk)
    }
}

/// Arguments of `vm prove`.
#[derive(clap::Args, Debug)]
pub struct ProveArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Inputs file (Miden's JSON shape); defaults to `<program>.inputs` when it exists.
    #[arg(short = 'i', long = "input")]
    input: Option<PathBuf>,
    /// Outputs file to write (`{"stack": [...]}`, top first); defaults to `<program>.outputs`.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Proof file to write; defaults to `<program>.proof`.
    #[arg(short = 'p', long = "proof")]
    proof: Option<PathBuf>,
    /// Public claim file to write (program hash, stack inputs and outputs, preset);
    /// defaults to `<program>.claim`.
    #[arg(long = "claim")]
    claim: Option<PathBuf>,
    #[command(flatten)]
    preset: PresetArgs,
    /// Stop with an error after this many cycles.
    #[arg(short = 'm', long = "max-cycles", default_value_t = 1 << 29)]
    max_cycles: u64,
    /// Print trace dimensions, time per phase, proof size and peak memory.
    #[arg(long)]
    stats: bool,
    /// Print machine-readable JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Print one line per proof phase on standard error (instead of the spinner shown when
    /// standard error is a terminal).
    #[arg(long)]
    progress: bool,
    /// Show no progress at all.
    #[arg(short = 'q', long, conflicts_with = "progress")]
    quiet: bool,
}

/// The paths `vm prove` reads and writes.
struct Files {
    inputs: Option<PathBuf>,
    outputs: PathBuf,
    proof: PathBuf,
    claim: PathBuf,
}

/// Proves a program's execution and writes the outputs, proof and claim files.
pub fn prove(args: ProveArgs) -> Result<(), Report> {
    let program_path = &args.source.program;
    let files = Files {
        inputs: args.input.clone().or_else(|| {
            let p = sibling(program_path, "inputs");
            p.exists().then_some(p)
        }),
        outputs: args
            .output
            .clone()
            .unwrap_or_else(|| sibling(program_path, "outputs")),
        proof: args
            .proof
            .clone()
            .unwrap_or_else(|| sibling(program_path, "proof")),
        claim: args
            .claim
            .clone()
            .unwrap_or_else(|| sibling(program_path, "claim")),
    };
    let preset = args.preset.select()?;
    if !preset.zk {
        eprintln!(
            "warning: --no-zk: zero knowledge is off; the proof reveals information about the \
             advice inputs (the private values of this run). Do not publish it if they are \
             secret."
        );
    }

    let program = args.source.load()?;
    let inputs = match &files.inputs {
        Some(path) => read_inputs(path)?,
        None => InputFile::default(),
    };
    let options = ExecutionOptions::default()
        .with_max_cycles(args.max_cycles)
        .with_debug(!args.source.release);
    let display = PhaseDisplay::new(args.progress, args.quiet);
    let started = display.started();
    let runtime_error = |e| match e {
        vm_prover::ProveError::Execution(e) => {
            super::diagnostic::RuntimeDiagnostic::report(&program, *e)
        }
        e => miette!("{e}"),
    };
    display.phase(PHASE_EXECUTE);
    let execution = vm_prover::execute_for_proof(
        &program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut DefaultHost,
        options,
    )
    .map_err(runtime_error)?;
    display.phase(PHASE_BUILD_TRACE);
    let proved = vm::progress::observe(display.callback(), started, || {
        vm_prover::prove_execution(&program, &execution, preset)
    })
    .map_err(runtime_error)?;
    display.finish();
    let prove_time = started.elapsed();

    let proof_bytes = proved.proof.to_bytes();
    let security_bits = proved.proof.security_bits();
    let claim = Claim::new(&proved, security_bits);
    write_file(
        &files.outputs,
        OutputFile::new(&proved.output.stack).to_json().as_bytes(),
    )?;
    write_file(&files.proof, &proof_bytes)?;
    write_file(&files.claim, claim.to_json().as_bytes())?;

    // The prover may have picked the preset's short-trace sibling (`fitted_preset`).
    let preset = preset::by_id(proved.public.preset).unwrap_or(preset);
    let report = Summary {
        proved: &proved,
        preset,
        security_bits,
        proof_size: proof_bytes.len(),
        prove_time,
        files: &files,
        program_hash: &claim.program_hash,
    };
    if args.json {
        println!("{}", report.json(args.stats));
    } else {
        report.print(args.stats);
    }
    Ok(())
}

/// The preset for the requested security, hash and zero knowledge.
fn select_preset(bits: u32, hash: CommitmentHash, zk: bool) -> Result<&'static Preset, Report> {
    preset::PRESETS
        .iter()
        .find(|p| p.security_bits == bits && p.hash == hash && p.zk == zk)
        .ok_or_else(|| miette!("no proof preset has {bits}-bit security with {hash:?}"))
}

fn read_inputs(path: &Path) -> Result<InputFile, Report> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read inputs file {}", path.display()))?;
    InputFile::parse(&text).map_err(|e| miette!("{}: {e}", path.display()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Report> {
    std::fs::write(path, bytes)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}

/// The description of the security level printed after proving.
pub fn security_line(bits: u32, zk: bool) -> String {
    if zk {
        format!(
            "{bits}-bit conjectured security, zero knowledge on (trace and DEEP/FRI openings \
             hidden; composition-chunk openings not masked, see docs/zk.md)"
        )
    } else {
        format!("{bits}-bit conjectured security, zero knowledge OFF (--no-zk)")
    }
}

/// What `vm prove` reports.
struct Summary<'a> {
    proved: &'a Proved,
    preset: &'static Preset,
    security_bits: u32,
    proof_size: usize,
    prove_time: Duration,
    files: &'a Files,
    program_hash: &'a str,
}

impl Summary<'_> {
    fn print(&self, stats: bool) {
        let out = &self.proved.output;
        let s = &self.proved.stats;
        let stack: Vec<String> = out.stack.as_ints().iter().map(|x| x.to_string()).collect();
        println!("stack: [{}]", stack.join(", "));
        println!("cycles: {}", s.cycles);
        println!("trace length: {}", s.trace_len);
        println!("program hash: {}", self.program_hash);
        println!(
            "security: {}",
            security_line(self.security_bits, self.preset.zk)
        );
        println!(
            "preset: {} ({} commitments)",
            self.preset.name,
            self.preset.hash_function().name()
        );
        println!(
            "proof size: {} bytes ({:.1} KiB)",
            self.proof_size,
            self.proof_size as f64 / 1024.0
        );
        println!("prove time: {}", fmt_duration(self.prove_time));
        println!("wrote: {}", self.written().join(", "));
        if stats {
            println!("stats:");
            println!("  cycles          {}", s.cycles);
            println!("  trace length    {}", s.trace_len);
            println!(
                "  trace width     {} main + {} aux (extension field) = {} columns",
                s.main_width,
                s.aux_width,
                s.main_width + s.aux_width
            );
            println!("  trace building  {}", fmt_duration(s.trace_time));
            println!("  STARK           {}", fmt_duration(s.stark_time));
            println!("  proof size      {} bytes", self.proof_size);
            match peak_memory_kib() {
                Some(kib) => println!("  peak memory     {:.1} MiB", kib as f64 / 1024.0),
                None => println!("  peak memory     unavailable"),
            }
        }
    }

    fn written(&self) -> Vec<String> {
        [&self.files.outputs, &self.files.proof, &self.files.claim]
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    fn json(&self, stats: bool) -> String {
        let out = &self.proved.output;
        let s = &self.proved.stats;
        let mut v = serde_json::json!({
            "program_hash": self.program_hash,
            "stack": out.stack.as_ints().iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            "cycles": s.cycles,
            "trace_length": s.trace_len,
            "preset": self.preset.name,
            "security_bits": self.security_bits,
            "zero_knowledge": self.preset.zk,
            "proof_size": self.proof_size,
            "prove_time_ms": self.prove_time.as_secs_f64() * 1e3,
            "inputs": self.files.inputs.as_ref().map(|p| p.display().to_string()),
            "outputs": self.files.outputs.display().to_string(),
            "proof": self.files.proof.display().to_string(),
            "claim": self.files.claim.display().to_string(),
        });
        if stats {
            v["stats"] = serde_json::json!({
                "main_width": s.main_width,
                "aux_width": s.aux_width,
                "trace_time_ms": s.trace_time.as_secs_f64() * 1e3,
                "stark_time_ms": s.stark_time.as_secs_f64() * 1e3,
                "peak_memory_kib": peak_memory_kib(),
            });
        }
        v.to_string()
    }
}

fn fmt_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// The process's peak resident memory in KiB (`VmHWM`), where the platform reports it.
pub(crate) fn peak_memory_kib() -> Option<u64> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

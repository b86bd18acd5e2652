//! `vm bench`: prove and verify the benchmark suite (`benches/suite/`) or given programs,
//! and report per program the cycles, the trace shape, the time of each proving phase, the
//! proof size, the verify time, the peak memory, the security level, the thread count and
//! the build flags. `docs/performance.md` records the figures; `docs/cli.md` the options.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miette::{miette, Report};
use vm::progress::{Progress, PHASE_BUILD_TRACE, PHASE_DONE, PHASE_EXECUTE};
use vm::{Acceptance, DefaultHost, ExecutionOptions, ProvingOptions};

use super::devtools::load_inputs;
use super::prove::PresetArgs;
use super::SourceArgs;

/// Which programs of the suite a run includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Size {
    /// Proves in about a second: `--quick` runs only these.
    Quick,
    /// The default suite.
    Standard,
    /// 2^19 and 2^20 cycles (several GiB, minutes on 2 cores): only with `--all`.
    Large,
}

/// The suite: program names in `benches/suite/` (each `<name>.masm` with `<name>.inputs`).
/// ECDSA (`examples/ecdsa`, about 8.9 M cycles) is left out: its trace (2^24 rows) does not
/// prove in the memory of a small machine.
const SUITE: &[(&str, Size)] = &[
    ("fib-12", Size::Quick),
    ("fib-13", Size::Standard),
    ("fib-14", Size::Standard),
    ("fib-15", Size::Standard),
    ("fib-16", Size::Standard),
    ("fib-17", Size::Standard),
    ("fib-18", Size::Standard),
    ("fib-19", Size::Large),
    ("fib-20", Size::Large),
    ("u32-loop", Size::Standard),
    ("memory", Size::Standard),
    ("sha256-compress", Size::Standard),
    ("sha256-1k", Size::Standard),
    ("blake3-1k", Size::Standard),
    ("merkle", Size::Quick),
    ("hbs", Size::Standard),
];

/// Arguments of `vm bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Programs to benchmark (`.masm` or `.vmb`, inputs from `<program>.inputs` when it
    /// exists); without any, the suite in `--suite`.
    programs: Vec<PathBuf>,
    /// Directory of the suite.
    #[arg(long, default_value = "benches/suite")]
    suite: PathBuf,
    /// Only the suite's small programs (fib 2^12 and the Merkle paths).
    #[arg(long, conflicts_with = "all")]
    quick: bool,
    /// Also the suite's large programs (fib 2^19 and 2^20).
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    preset: PresetArgs,
    /// Prove on this many threads (default: rayon's global pool, one per core or
    /// `RAYON_NUM_THREADS`).
    #[arg(long)]
    threads: Option<usize>,
    /// Print one JSON object (the environment and one entry per program) instead of text.
    #[arg(long)]
    json: bool,
}

/// One program's measurements.
struct Measured {
    name: String,
    cycles: u64,
    trace_len: usize,
    main_width: usize,
    aux_width: usize,
    rows: vm_prover::trace::TraceShape,
    /// Top-level phases in order: name and duration (until the next phase started).
    phases: Vec<(&'static str, Duration)>,
    prove_time: Duration,
    proof_size: usize,
    verify_time: Duration,
    security_bits: u32,
    /// The preset the proof was made under (the requested one or its short-trace sibling).
    preset: &'static str,
    peak_rss_kib: Option<u64>,
}

/// Runs the benchmark and prints the report.
pub fn bench(args: BenchArgs) -> Result<(), Report> {
    let preset = args.preset.select()?;
    let programs = if args.programs.is_empty() {
        suite_programs(&args.suite, args.quick, args.all)?
    } else {
        args.programs.clone()
    };
    let threads = match args.threads {
        Some(0) => return Err(miette!("--threads must be at least 1")),
        Some(n) => n,
        None => rayon::current_num_threads(),
    };
    let env = Environment {
        preset: preset.name,
        zk: preset.zk,
        threads,
        build: build_flags(),
        vector_kernel: vm_prover::kernel::Kernel::best().name(),
    };
    if !args.json {
        println!(
            "vm bench: preset {} ({}), zero knowledge {}, {} thread(s), {} build, vector kernel {}",
            env.preset,
            preset.hash_function().name(),
            if env.zk { "on" } else { "off" },
            env.threads,
            env.build,
            env.vector_kernel
        );
    }
    let mut results = Vec::new();
    for path in &programs {
        let m = measure(path, preset, args.threads)?;
        if !args.json {
            print_text(&m);
        }
        results.push(m);
    }
    if args.json {
        println!("{}", json(&env, &results));
    }
    Ok(())
}

/// The suite's program paths in `dir`, in the suite's order.
fn suite_programs(dir: &Path, quick: bool, all: bool) -> Result<Vec<PathBuf>, Report> {
    let largest = if quick {
        Size::Quick
    } else if all {
        Size::Large
    } else {
        Size::Standard
    };
    let paths: Vec<PathBuf> = SUITE
        .iter()
        .filter(|(_, size)| *size <= largest)
        .map(|(name, _)| dir.join(format!("{name}.masm")))
        .collect();
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        return Err(miette!(
            "suite program {} not found (run from the repository root or pass --suite DIR)",
            missing.display()
        ));
    }
    Ok(paths)
}

/// Proves and verifies one program.
fn measure(
    path: &Path,
    preset: &'static vm::preset::Preset,
    threads: Option<usize>,
) -> Result<Measured, Report> {
    let source = SourceArgs {
        program: path.to_path_buf(),
        libs: Vec::new(),
        release: true,
    };
    let program = source.load()?;
    let inputs = load_inputs(path, None)?;
    let execution = ExecutionOptions::default().with_debug(false);
    let events: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = events.clone();
    let mut options = ProvingOptions::default()
        .with_preset(preset)
        .with_execution(execution)
        .with_progress(move |p: &Progress| {
            if p.depth == 0 {
                sink.lock().expect("progress lock").push(p.clone());
            }
        });
    if let Some(n) = threads {
        options = options.with_threads(n);
    }
    let started = Instant::now();
    let proven = vm::prove(
        &program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut DefaultHost,
        &options,
    )
    .map_err(|e| miette!("{}: {e}", path.display()))?;
    let prove_time = started.elapsed();
    let bytes = proven.proof.to_bytes();

    let started = Instant::now();
    let security_bits = vm::verify_bytes(
        program.hash(),
        inputs.stack_inputs(),
        proven.output.stack,
        &bytes,
        &Acceptance::min_security(preset.security_bits.min(proven.proof.security_bits())),
    )
    .map_err(|e| miette!("{}: the proof does not verify: {e}", path.display()))?;
    let verify_time = started.elapsed();

    let rows = super::proving_shape(&program, &proven.output, &inputs, execution);
    let events = events.lock().expect("progress lock").clone();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(Measured {
        name,
        cycles: proven.stats.cycles,
        trace_len: proven.stats.trace_len,
        main_width: proven.stats.main_width,
        aux_width: proven.stats.aux_width,
        rows,
        phases: phases(&events, prove_time),
        prove_time,
        proof_size: bytes.len(),
        verify_time,
        security_bits,
        preset: proven.proof.preset().name,
        peak_rss_kib: super::prove::peak_memory_kib(),
    })
}

/// Durations of the top-level phases: each lasts until the next one starts (the last one
/// until `total`); the facade's closing [`PHASE_DONE`] event is not a phase.
fn phases(events: &[Progress], total: Duration) -> Vec<(&'static str, Duration)> {
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.phase != PHASE_DONE)
        .map(|(i, e)| {
            let end = events.get(i + 1).map_or(total, |n| n.elapsed);
            (e.phase, end.saturating_sub(e.elapsed))
        })
        .collect()
}

/// The group a phase is reported under in the text report.
fn group(phase: &str) -> &'static str {
    match phase {
        PHASE_EXECUTE => "execute",
        PHASE_BUILD_TRACE => "trace",
        "build_domain" | "commit_to_main_trace_segment" => "main LDE+commit",
        "build_aux_trace" => "aux trace",
        "commit_to_aux_trace_segment" => "aux LDE+commit",
        "evaluate_constraints" => "constraints",
        "commit_to_constraint_evaluations" => "composition LDE+commit",
        "build_deep_composition_poly" | "evaluate_deep_composition_poly" => "DEEP",
        _ => "FRI+queries+proof",
    }
}

/// The phase groups in report order, with their summed durations.
fn grouped(phases: &[(&'static str, Duration)]) -> Vec<(&'static str, Duration)> {
    let mut out: Vec<(&'static str, Duration)> = Vec::new();
    for (phase, d) in phases {
        let g = group(phase);
        match out.iter_mut().find(|(name, _)| *name == g) {
            Some((_, sum)) => *sum += *d,
            None => out.push((g, *d)),
        }
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn print_text(m: &Measured) {
    println!("{}", m.name);
    println!(
        "  cycles {}  trace 2^{} = {} rows  width {} main + {} aux",
        m.cycles,
        m.trace_len.trailing_zeros(),
        m.trace_len,
        m.main_width,
        m.aux_width
    );
    println!(
        "  rows: cpu {}, attestation {}, hash requests {}, memory {}, bitwise {}, range {}",
        m.rows.cpu_rows,
        m.rows.attestation_rows,
        m.rows.request_rows,
        m.rows.memory_rows,
        m.rows.bitwise_rows,
        m.rows.range_rows
    );
    let phases: Vec<String> = grouped(&m.phases)
        .iter()
        .map(|(g, d)| format!("{g} {:.0}", ms(*d)))
        .collect();
    println!("  phases (ms): {}", phases.join(", "));
    println!(
        "  prove {:.0} ms  proof {} bytes ({:.1} KiB)  verify {:.2} ms  security {} bits  \
         preset {}",
        ms(m.prove_time),
        m.proof_size,
        m.proof_size as f64 / 1024.0,
        ms(m.verify_time),
        m.security_bits,
        m.preset
    );
    match m.peak_rss_kib {
        Some(kib) => println!(
            "  peak RSS so far {:.0} MiB (process-wide)",
            kib as f64 / 1024.0
        ),
        None => println!("  peak RSS unavailable"),
    }
}

/// What every program of a run shares.
struct Environment {
    preset: &'static str,
    zk: bool,
    threads: usize,
    build: String,
    /// The vector kernel this CPU runs the FFT and the constraint evaluation with (picked at
    /// run time, whatever the build flags).
    vector_kernel: &'static str,
}

fn json(env: &Environment, results: &[Measured]) -> String {
    let programs: Vec<serde_json::Value> = results
        .iter()
        .map(|m| {
            serde_json::json!({
                "name": m.name,
                "cycles": m.cycles,
                "trace_length": m.trace_len,
                "main_width": m.main_width,
                "aux_width": m.aux_width,
                "rows": {
                    "cpu": m.rows.cpu_rows,
                    "chiplets": m.rows.chiplet_rows,
                    "attestation": m.rows.attestation_rows,
                    "hash_requests": m.rows.request_rows,
                    "memory": m.rows.memory_rows,
                    "bitwise": m.rows.bitwise_rows,
                    "range": m.rows.range_rows,
                },
                "phases": m
                    .phases
                    .iter()
                    .map(|(p, d)| serde_json::json!({"phase": p, "ms": ms(*d)}))
                    .collect::<Vec<_>>(),
                "prove_time_ms": ms(m.prove_time),
                "proof_size": m.proof_size,
                "verify_time_ms": ms(m.verify_time),
                "verified": true,
                "security_bits": m.security_bits,
                "preset": m.preset,
                "peak_rss_kib": m.peak_rss_kib,
            })
        })
        .collect();
    serde_json::json!({
        "preset": env.preset,
        "zero_knowledge": env.zk,
        "threads": env.threads,
        "build": env.build,
        "vector_kernel": env.vector_kernel,
        "peak_rss_note": "getrusage maximum RSS of the whole process so far",
        "programs": programs,
    })
    .to_string()
}

/// `release` or `debug`, with the CPU features this binary was compiled for beyond the
/// x86-64 baseline (`-C target-cpu=native` turns them on).
fn build_flags() -> String {
    let mut flags = vec![if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }];
    if cfg!(target_feature = "avx2") {
        flags.push("avx2");
    }
    if cfg!(target_feature = "bmi2") {
        flags.push("bmi2");
    }
    if cfg!(target_feature = "avx512f") {
        flags.push("avx512f");
    }
    if cfg!(target_arch = "x86_64") && !cfg!(target_feature = "avx2") {
        flags.push("portable x86-64");
    }
    flags.join(" ")
}

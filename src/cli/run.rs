//! `vm run`: execute a program and report its outputs.

use std::path::PathBuf;

use miette::{miette, IntoDiagnostic, Report, WrapErr};
use vm_processor::{
    execute, DefaultHost, ExecutionOptions, ExecutionOutput, InputFile, OutputFile,
};

use super::diagnostic::RuntimeDiagnostic;
use super::{sibling, SourceArgs};
use vm_prover::trace::TraceShape;

/// Arguments of `vm run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Inputs file (Miden's JSON shape); defaults to `<program>.inputs` when it exists.
    #[arg(short = 'i', long = "input")]
    input: Option<PathBuf>,
    /// Write the outputs file (`{"stack": [...]}`, top first) here.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Stop with an error after this many cycles.
    #[arg(short = 'm', long = "max-cycles", default_value_t = 1 << 29)]
    max_cycles: u64,
    /// Report `trace.N` events.
    #[arg(short = 't', long = "trace")]
    trace: bool,
    /// Print rows per trace component.
    #[arg(long)]
    stats: bool,
    /// Print machine-readable JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs a program with the fast executor and prints what it produced.
pub fn run(args: RunArgs) -> Result<(), Report> {
    let program = args.source.load()?;
    let input_path = args.input.clone().or_else(|| {
        let p = sibling(&args.source.program, "inputs");
        p.exists().then_some(p)
    });
    let inputs = match &input_path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot read inputs file {}", path.display()))?;
            InputFile::parse(&text).map_err(|e| miette!("{}: {e}", path.display()))?
        }
        None => InputFile::default(),
    };
    let options = ExecutionOptions::default()
        .with_max_cycles(args.max_cycles)
        .with_debug(!args.source.release)
        .with_tracing(args.trace);
    let mut host = DefaultHost;
    let out = execute(
        &program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut host,
        options,
    )
    .map_err(|e| RuntimeDiagnostic::report(&program, e))?;
    let shape = super::proving_shape(&program, &out, &inputs, options);
    if let Some(path) = &args.output {
        std::fs::write(path, OutputFile::new(&out.stack).to_json())
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        println!("{}", json_report(&program, &out, &shape, args.stats));
    } else {
        print_report(&program, &out, &shape, args.stats);
    }
    Ok(())
}

fn json_report(
    program: &vm_core::Program,
    out: &ExecutionOutput,
    shape: &TraceShape,
    stats: bool,
) -> String {
    let mut v = serde_json::json!({
        "program_hash": program.hash_hex(),
        "stack": out.stack.as_ints().iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        "cycles": out.cycles,
        "final_depth": out.final_depth,
        "trace_length": shape.trace_len,
    });
    if stats {
        v["stats"] = serde_json::to_value(out.stats.rows()).unwrap_or_default();
        v["chiplet_region"] = serde_json::to_value(chiplet_region(shape)).unwrap_or_default();
    }
    v.to_string()
}

/// The rows of the prover's chiplet region by section.
fn chiplet_region(shape: &TraceShape) -> Vec<(&'static str, usize)> {
    vec![
        ("attestation", shape.attestation_rows),
        ("memory", shape.memory_rows),
        ("bitwise", shape.bitwise_rows),
        ("range table", shape.range_rows),
    ]
}

fn print_report(
    program: &vm_core::Program,
    out: &ExecutionOutput,
    shape: &TraceShape,
    stats: bool,
) {
    let stack: Vec<String> = out.stack.as_ints().iter().map(|x| x.to_string()).collect();
    println!("stack: [{}]", stack.join(", "));
    println!("cycles: {}", out.cycles);
    println!("trace length: {}", shape.trace_len);
    if out.final_depth > 16 {
        println!(
            "final depth: {} (only the top 16 are outputs)",
            out.final_depth
        );
    }
    println!("program hash: {}", program.hash_hex());
    if stats {
        println!("rows per trace component:");
        for (name, rows) in out.stats.rows() {
            println!("  {name:<12} {rows}");
        }
        println!("chiplet region of the proof (rows):");
        for (name, rows) in chiplet_region(shape) {
            println!("  {name:<12} {rows}");
        }
    }
}

//! Command-line interface: argument definitions and dispatch to one module per command.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use miette::{miette, IntoDiagnostic, Report, WrapErr};
use vm_assembly::Assembler;
use vm_core::Program;

mod bench;
mod compile;
mod debug;
mod devtools;
mod diagnostic;
mod profile;
mod progress_bar;
mod prove;
mod run;
mod verify;

/// A zero-knowledge virtual machine for Miden-style stack assembly.
#[derive(Parser, Debug)]
#[command(name = "vm", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compile a program, print its hash and optionally write the compiled program.
    Compile(compile::CompileArgs),
    /// Check a program for errors without producing anything.
    Check(compile::CheckArgs),
    /// Run a program and print its outputs, cycle count and padded trace length.
    Run(run::RunArgs),
    /// Run a program and prove the run: writes the outputs, the proof and the public claim.
    Prove(prove::ProveArgs),
    /// Verify a proof against a program hash, public stack inputs and claimed outputs.
    Verify(verify::VerifyArgs),
    /// Run a program and report its cycles per procedure, source line and instruction, and
    /// its trace rows per component (table, folded stacks, flame graph or JSON).
    Profile(profile::ProfileArgs),
    /// Step through a program's execution, forwards and backwards, against its source
    /// (commands from the terminal or, one a line, from standard input).
    Debug(debug::DebugArgs),
    /// Prove and verify the benchmark suite (or given programs) and report cycles, trace
    /// shape, time per proving phase, proof size, verify time and peak memory.
    Bench(bench::BenchArgs),
}

/// Runs the chosen command.
pub fn dispatch(cli: Cli) -> Result<(), Report> {
    match cli.command {
        Command::Compile(args) => compile::compile(args),
        Command::Check(args) => compile::check(args),
        Command::Run(args) => run::run(args),
        Command::Prove(args) => prove::prove(args),
        Command::Verify(args) => verify::verify(args),
        Command::Profile(args) => profile::profile(args),
        Command::Debug(args) => debug::debug(args),
        Command::Bench(args) => bench::bench(args),
    }
}

/// Options shared by every command that assembles a program.
#[derive(clap::Args, Debug)]
pub struct SourceArgs {
    /// The program: a `.masm` source file or a compiled `.vmb` program.
    pub program: PathBuf,
    /// Library directories; the directory name is the namespace (repeatable).
    #[arg(short = 'l', long = "lib")]
    pub libs: Vec<PathBuf>,
    /// Drop `debug.*` decorators (they never change the program hash).
    #[arg(long)]
    pub release: bool,
}

impl SourceArgs {
    /// Builds the assembler with the standard library and the requested user libraries.
    pub fn assembler(&self) -> Result<Assembler, Report> {
        let mut asm = Assembler::new().with_debug_mode(!self.release);
        for dir in &self.libs {
            asm = asm.with_library_dir(dir)?;
        }
        Ok(asm)
    }

    /// Loads the program: assembles source, or reads a compiled `.vmb` file.
    pub fn load(&self) -> Result<Program, Report> {
        if self.program.extension().is_some_and(|e| e == "vmb") {
            return read_compiled(&self.program);
        }
        self.assembler()?.assemble_file(&self.program)
    }
}

fn read_compiled(path: &Path) -> Result<Program, Report> {
    let bytes = std::fs::read(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    Program::from_bytes(&bytes).map_err(|e| miette!("{}: {e}", path.display()))
}

/// `path` with its extension replaced by `ext`.
pub fn sibling(path: &Path, ext: &str) -> PathBuf {
    path.with_extension(ext)
}

/// The shape of the trace `vm prove` would build for this run under the default preset or
/// its short-trace sibling (`vm_prover::fit_preset`; the zero-knowledge random rows, the
/// program's attestation rows, its memory and range checker rows and the minimum length
/// included), so that `vm run` and `vm prove` report the same number. A run that touched
/// memory or ran u32 operations is executed again with the tracing executor, which records
/// the accesses and stack values the memory table and the range checker's table are built
/// from.
pub(crate) fn proving_shape(
    program: &vm_core::Program,
    out: &vm_processor::ExecutionOutput,
    inputs: &vm_processor::InputFile,
    options: vm_processor::ExecutionOptions,
) -> vm_prover::trace::TraceShape {
    let preset = vm_prover::preset::default_preset();
    // Memory accesses and u32 operations' limbs add rows to the range checker's table, hash
    // requests a section of their own.
    if out.stats.memory > 0 || out.stats.range > 0 || out.stats.bitwise > 0 || out.stats.hasher > 0
    {
        let traced = vm_processor::execute_traced(
            program,
            inputs.stack_inputs(),
            inputs.advice_inputs(),
            &mut vm_processor::DefaultHost,
            options,
        );
        if let Ok((output, exec)) = traced {
            return vm_prover::fit_preset(preset, exec.rows.len(), |p| {
                vm_prover::trace::shape(program, &exec, output.final_depth, p)
            })
            .1;
        }
    }
    vm_prover::fit_preset(preset, out.cycles as usize, |p| {
        vm_prover::trace::shape_without_memory(
            out.cycles as usize,
            out.final_depth,
            program.code().len(),
            p,
        )
    })
    .1
}

//! `vm compile` and `vm check`.

use std::path::PathBuf;

use miette::{IntoDiagnostic, Report, WrapErr};

use super::SourceArgs;

/// Arguments of `vm compile`.
#[derive(clap::Args, Debug)]
pub struct CompileArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Write the compiled program (versioned binary format) to this file.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Print the native code listing.
    #[arg(long)]
    disasm: bool,
}

/// Arguments of `vm check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    source: SourceArgs,
}

/// Compiles a program and prints its hash.
pub fn compile(args: CompileArgs) -> Result<(), Report> {
    let program = args.source.load()?;
    if args.disasm {
        print!("{}", program.disassemble());
    }
    if let Some(out) = &args.output {
        std::fs::write(out, program.to_bytes())
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    eprintln!("instructions: {}", program.code().len());
    println!("{}", program.hash_hex());
    Ok(())
}

/// Reports diagnostics only.
pub fn check(args: CheckArgs) -> Result<(), Report> {
    let asm = args.source.assembler()?;
    asm.check_file(&args.source.program)?;
    println!("{}: ok", args.source.program.display());
    Ok(())
}

//! The `vm` command-line tool: compile, check and run Miden-style assembly programs.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    restore_sigpipe();
    let args = cli::Cli::parse();
    match cli::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::FAILURE
        }
    }
}

/// Rust starts programs with `SIGPIPE` ignored, so writing to a closed pipe (`vm run ... |
/// head`) fails, and `println!` panics on the failure. A command-line tool should simply
/// stop, as `cat` does: restore the default action.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; `SIG_DFL` is a valid
    // action for `SIGPIPE`.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

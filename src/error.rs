//! The facade's error types: [`CompileError`] for the assembler's diagnostics and [`Error`],
//! one enum for every stage, each implementing [`std::error::Error`].

use miette::Diagnostic;
use vm_processor::ExecutionError;
use vm_prover::ProveError;
use vm_verifier::{ProofError, VerifyError};

/// A program that did not assemble: the assembler's diagnostics (file, line, column, the
/// source line with labels, help), as a [`miette::Diagnostic`] and a [`std::error::Error`].
///
/// Print it with `{:?}` through a miette report handler for the full rendering, or with
/// `{}` for the first diagnostic's one-line message.
pub struct CompileError(miette::Report);

impl CompileError {
    /// The underlying miette report.
    pub fn report(&self) -> &miette::Report {
        &self.0
    }

    /// The underlying miette report, by value.
    pub fn into_report(self) -> miette::Report {
        self.0
    }
}

impl From<miette::Report> for CompileError {
    fn from(report: miette::Report) -> Self {
        Self(report)
    }
}

impl std::fmt::Debug for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for CompileError {}

// Every method forwards to the assembler's diagnostic, so a miette handler renders the
// source snippet and labels as `vm compile` does.
impl Diagnostic for CompileError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.0.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.help()
    }
    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.url()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.0.labels()
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.0.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.0.diagnostic_source()
    }
}

/// Any failure of the pipeline, by stage.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The program did not assemble.
    #[error("compilation failed: {0}")]
    Compile(#[from] CompileError),
    /// The program failed to run (an assertion, missing advice, too many cycles ...); the
    /// error names the instruction, its source location and the advice that was missing.
    #[error("execution failed: {0}")]
    Execution(Box<ExecutionError>),
    /// No proof could be made (an operation without constraints yet, a preset mismatch).
    #[error("proving failed: {0}")]
    Prove(ProveError),
    /// Proof bytes that are not a well-formed proof.
    #[error("malformed proof: {0}")]
    Proof(#[from] ProofError),
    /// The proof was rejected.
    #[error("not verified: {0}")]
    Verify(#[from] VerifyError),
    /// Stack inputs or outputs of the wrong size (more than 16 values).
    #[error("invalid stack: {0}")]
    Stack(#[from] vm_core::StackError),
    /// The prover's thread pool could not be started.
    #[error("cannot start a thread pool of {threads} threads: {reason}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// Why rayon refused.
        reason: String,
    },
}

impl From<ExecutionError> for Error {
    fn from(e: ExecutionError) -> Self {
        Self::Execution(Box::new(e))
    }
}

impl From<ProveError> for Error {
    fn from(e: ProveError) -> Self {
        // An execution failure is an execution failure, whoever ran the program.
        match e {
            ProveError::Execution(e) => Self::Execution(e),
            e => Self::Prove(e),
        }
    }
}

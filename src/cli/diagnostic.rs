//! Run-time failures as miette diagnostics on the source: the failing instruction (or
//! advice hint) labelled in its line, each call on the chain with its call site, the cycle
//! and, where one helps, a hint at the usual cause.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, Report, Severity, SourceCode};
use vm_core::Program;
use vm_processor::{ErrorKind, ErrorLocation, ExecutionError};

/// An execution error with the program whose sources it points into.
#[derive(Debug)]
pub struct RuntimeDiagnostic {
    error: ExecutionError,
    source: Option<NamedSource<String>>,
    label: Option<LabeledSpan>,
    help: String,
    calls: Vec<CallDiagnostic>,
}

/// One call of the chain: the `exec`/`call` in its caller.
#[derive(Debug)]
struct CallDiagnostic {
    message: String,
    source: Option<NamedSource<String>>,
    label: Option<LabeledSpan>,
}

/// The source file of a location and the label on its span.
fn snippet(
    program: &Program,
    loc: &ErrorLocation,
    label: String,
) -> (Option<NamedSource<String>>, Option<LabeledSpan>) {
    let Some(file) = program.debug().files.get(loc.file_index as usize) else {
        return (None, None);
    };
    let source = NamedSource::new(&file.name, file.text.clone());
    let (start, end) = (loc.span.0 as usize, loc.span.1 as usize);
    let label = LabeledSpan::new_with_span(Some(label), (start, end.saturating_sub(start)));
    (Some(source), Some(label))
}

/// A hint at the usual cause of an error, where there is one.
fn advice(kind: &ErrorKind, in_hint: bool) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::AdviceStackEmpty => {
            "the program reads more advice than it was given: pass it in the inputs file's \
             \"advice_stack\" (-i prog.inputs)"
        }
        ErrorKind::CycleLimitExceeded { .. } => {
            "raise the limit with -m/--max-cycles, or look for a loop that never ends"
        }
        ErrorKind::NotU32 { .. } => "u32 operations need inputs below 2^32 (check with u32assert)",
        ErrorKind::DivideByZero if in_hint => {
            "the hint computes the quotient and remainder for the division that follows it, \
             and its divisor is zero"
        }
        ErrorKind::MapKeyNotFound { .. } => {
            "add the key to the inputs file's \"advice_map\" (-i prog.inputs)"
        }
        _ => return None,
    })
}

impl RuntimeDiagnostic {
    /// Renders `error`, which `program` raised.
    pub fn new(program: &Program, error: ExecutionError) -> Self {
        let what = if matches!(error.kind, ErrorKind::CycleLimitExceeded { .. }) {
            "the limit was reached before this instruction".to_string()
        } else if error.in_hint {
            "this advice hint failed".to_string()
        } else {
            match error.op {
                Some(op) => format!("{} failed here", op.mnemonic()),
                None => "failed here".to_string(),
            }
        };
        let (source, label) = match &error.location {
            Some(loc) => snippet(program, loc, format!("{what}, cycle {}", error.clk)),
            None => (None, None),
        };
        let mut help = String::new();
        if let Some(a) = advice(&error.kind, error.in_hint) {
            help.push_str(a);
            help.push('\n');
        }
        let at = |l: &Option<ErrorLocation>, pc: u32| match l {
            Some(l) => l.to_string(),
            None => format!("pc {pc}"),
        };
        help.push_str(&format!(
            "failed at cycle {}\ncall chain, innermost first:",
            error.clk
        ));
        for (i, name) in error.call_chain.iter().enumerate() {
            let here = match i.checked_sub(1).and_then(|j| error.call_sites.get(j)) {
                Some(site) => format!("call at {}", at(&site.location, site.pc)),
                None => at(&error.location, error.pc),
            };
            help.push_str(&format!("\n  in {name} ({here})"));
        }
        let calls = (error.call_sites.iter().enumerate())
            .map(|(i, site)| {
                let callee = error.call_chain.get(i).map(String::as_str).unwrap_or("?");
                let message = format!(
                    "called from {} at {}",
                    site.caller,
                    at(&site.location, site.pc)
                );
                let (source, label) = match &site.location {
                    Some(loc) => snippet(program, loc, format!("calls {callee}")),
                    None => (None, None),
                };
                CallDiagnostic {
                    message,
                    source,
                    label,
                }
            })
            .collect();
        Self {
            error,
            source,
            label,
            help,
            calls,
        }
    }

    /// The error as a report.
    pub fn report(program: &Program, error: ExecutionError) -> Report {
        Report::new(Self::new(program, error))
    }
}

impl fmt::Display for RuntimeDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error.location {
            Some(l) => write!(f, "{} (at {l})", self.error.kind),
            None => write!(f, "{} (at pc {})", self.error.kind, self.error.pc),
        }
    }
}

impl std::error::Error for RuntimeDiagnostic {}

impl Diagnostic for RuntimeDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("vm::execution"))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.label.clone()?;
        Some(Box::new(std::iter::once(label)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.calls.is_empty() {
            return None;
        }
        Some(Box::new(self.calls.iter().map(|c| c as &dyn Diagnostic)))
    }
}

impl fmt::Display for CallDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CallDiagnostic {}

impl Diagnostic for CallDiagnostic {
    fn severity(&self) -> Option<Severity> {
        Some(Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.label.clone()?;
        Some(Box::new(std::iter::once(label)))
    }
}

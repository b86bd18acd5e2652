//! Diagnostics: every assembly error is a miette diagnostic with the file, the line and
//! column, the source line with a label under the culprit, and a help line where one helps.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// One located error in a source file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(vm::assembly))]
pub struct SourceError {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

impl SourceError {
    /// An error in `file` (name, text) at byte range `span`.
    pub fn new(
        file: (&str, &str),
        span: (usize, usize),
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        let (start, end) = (span.0.min(file.1.len()), span.1.min(file.1.len()));
        Self {
            message: message.into(),
            src: NamedSource::new(file.0, file.1.to_string()),
            span: (start, end.saturating_sub(start)).into(),
            label: label.into(),
            help,
        }
    }

    /// The error message (without location).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Several errors found in one run; rendered one after the other.
#[derive(Debug, Error, Diagnostic)]
#[error("{} errors found", errors.len())]
pub struct AssemblyErrors {
    #[related]
    errors: Vec<SourceError>,
}

/// Turns collected errors into one report (the single error itself when there is one).
pub fn into_report(mut errors: Vec<SourceError>) -> miette::Report {
    if errors.len() == 1 {
        miette::Report::new(errors.pop().expect("one error"))
    } else {
        miette::Report::new(AssemblyErrors { errors })
    }
}

/// An error that is not tied to a source location (e.g. an unreadable file).
#[derive(Debug, Error, Diagnostic)]
#[error("{0}")]
#[diagnostic(code(vm::assembly::io))]
pub struct PlainError(pub String);

/// The known name closest to `name` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.filter(|(d, c)| *d <= (name.len().max(c.len()) / 3).max(1))
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("u32wraping_add", ["u32wrapping_add", "add"]),
            Some("u32wrapping_add".into())
        );
        assert_eq!(closest("zzzzzz", ["add"]), None);
    }
}

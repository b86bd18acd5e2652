//! Parsing: runs the LALRPOP grammar over the logos tokens and turns failures into
//! diagnostics that say what was expected.

use lalrpop_util::ParseError;

use crate::ast::Form;
use crate::error::SourceError;
use crate::lexer::{tokens, LexError, Tok};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused, missing_docs)]
    grammar
);

/// Parses a module's source into top-level forms.
pub fn parse_module(file_name: &str, text: &str) -> Result<Vec<Form>, Vec<SourceError>> {
    grammar::FormsParser::new()
        .parse(tokens(text))
        .map_err(|e| vec![to_error((file_name, text), e)])
}

fn expected_list(expected: &[String]) -> Option<String> {
    if expected.is_empty() {
        return None;
    }
    let names: Vec<String> = expected.iter().map(|e| describe_terminal(e)).collect();
    Some(format!("expected one of: {}", names.join(", ")))
}

fn describe_terminal(t: &str) -> String {
    match t {
        "DEC" | "HEX" | "BIN" => "a number".into(),
        "IDENT" => "a name".into(),
        "STR" => "a string".into(),
        other => format!("`{}`", other.trim_matches('"')),
    }
}

fn to_error(file: (&str, &str), e: ParseError<usize, Tok<'_>, LexError>) -> SourceError {
    match e {
        ParseError::User { error } => {
            let bad = file.1.get(error.start..error.end).unwrap_or("");
            let (msg, help) = if bad.starts_with('"') {
                (
                    "unterminated string".to_string(),
                    Some("close the string with `\"` on the same line".to_string()),
                )
            } else {
                (format!("unexpected character `{bad}`"), None)
            };
            SourceError::new(file, (error.start, error.end), msg, "not valid here", help)
        }
        ParseError::InvalidToken { location } => SourceError::new(
            file,
            (location, location + 1),
            "invalid token",
            "here",
            None,
        ),
        ParseError::UnrecognizedEof { location, expected } => SourceError::new(
            file,
            (location, location),
            "unexpected end of file",
            "the file ends here",
            expected_list(&expected).map(|s| format!("{s} (is an `end` missing?)")),
        ),
        ParseError::UnrecognizedToken {
            token: (l, t, r),
            expected,
        } => SourceError::new(
            file,
            (l, r),
            format!("unexpected {}", token_name(&t)),
            "unexpected here",
            expected_list(&expected),
        ),
        ParseError::ExtraToken { token: (l, t, r) } => SourceError::new(
            file,
            (l, r),
            format!("unexpected {}", token_name(&t)),
            "extra token",
            None,
        ),
    }
}

fn token_name(t: &Tok<'_>) -> String {
    match t {
        Tok::Ident(s) => format!("name `{s}`"),
        Tok::Dec(s) | Tok::Hex(s) | Tok::Bin(s) => format!("number `{s}`"),
        Tok::Str(s) => format!("string \"{s}\""),
        other => format!("`{}`", format!("{other:?}").to_lowercase()),
    }
}

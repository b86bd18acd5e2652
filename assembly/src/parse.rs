//! Parsing: runs the LALRPOP grammar over the logos tokens. The grammar recovers from a
//! syntax error at the next statement or top-level form, so one run reports every syntax
//! error of a file, each saying what was expected.

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::Form;
use crate::error::{at, AssemblyError, Source};
use crate::lexer::{tokens, LexError, LexErrorKind, Tok};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused, missing_docs)]
    grammar
);

/// At most this many syntax errors are reported per file: past that they are mostly echoes
/// of the first ones.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Deepest nesting of blocks and parentheses accepted. The tree is walked recursively, so
/// absurd nesting would overflow the stack; real programs stay far below this.
pub const MAX_NESTING: usize = 200;

/// Parses a module's source into top-level forms, or returns every lexical and syntax error.
pub fn parse_module(src: &Source) -> Result<Vec<Form>, Vec<AssemblyError>> {
    let text: &str = src.inner();
    let (toks, lex_errors) = tokens(text);
    if let Some((l, r)) = too_deep(&toks) {
        return Err(vec![AssemblyError::TooDeep {
            limit: MAX_NESTING,
            src: src.clone(),
            span: at((l, r)),
        }]);
    }
    let mut errors: Vec<(usize, AssemblyError)> = lex_errors
        .iter()
        .map(|e| (e.start, lex_error(src, e)))
        .collect();
    let mut recovered = Vec::new();
    let result = grammar::FormsParser::new().parse(&mut recovered, toks.into_iter().map(Ok));
    let mut syntax: Vec<ParseError<usize, Tok<'_>, LexError>> = recovered
        .into_iter()
        .map(|r: ErrorRecovery<_, _, _>| r.error)
        .collect();
    let forms = match result {
        Ok(forms) => Some(forms),
        Err(e) => {
            syntax.push(e);
            None
        }
    };
    for e in syntax {
        if let Some(err) = syntax_error(src, e) {
            // Several recoveries can start at one place; one error there is enough.
            if !errors.iter().any(|(pos, _)| *pos == err.0) {
                errors.push(err);
            }
        }
    }
    match forms {
        Some(forms) if errors.is_empty() => Ok(forms),
        _ => {
            errors.sort_by_key(|(pos, _)| *pos);
            errors.truncate(MAX_SYNTAX_ERRORS);
            Err(errors.into_iter().map(|(_, e)| e).collect())
        }
    }
}

/// The first token at which blocks or parentheses nest deeper than [`MAX_NESTING`], or a
/// constant expression has more operators than that (its tree nests as deep).
fn too_deep(toks: &[(usize, Tok<'_>, usize)]) -> Option<(usize, usize)> {
    let mut depth: usize = 0;
    let mut operators: usize = 0;
    for (i, (l, t, r)) in toks.iter().enumerate() {
        match t {
            Tok::Const => operators = 0,
            Tok::Plus | Tok::Minus | Tok::Star | Tok::Slash | Tok::SlashSlash => {
                operators += 1;
                if operators > MAX_NESTING {
                    return Some((*l, *r));
                }
            }
            _ => {}
        }
        let opens = match t {
            Tok::Begin | Tok::Proc | Tok::If | Tok::While | Tok::Repeat => true,
            // `export.a::b` (a re-export) has no block; `export.name ... end` has one.
            Tok::Export => {
                let rest = toks[i + 1..].iter().map(|(_, t, _)| t);
                let mut rest = rest.skip_while(|t| **t == Tok::Dot);
                !matches!(
                    (rest.next(), rest.next()),
                    (Some(Tok::ColonColon), _) | (Some(Tok::Ident(_)), Some(Tok::ColonColon))
                )
            }
            Tok::LParen | Tok::LBracket => true,
            Tok::End | Tok::RParen | Tok::RBracket => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => false,
        };
        if opens {
            depth += 1;
            if depth > MAX_NESTING {
                return Some((*l, *r));
            }
        }
    }
    None
}

fn lex_error(src: &Source, e: &LexError) -> AssemblyError {
    let span = at((e.start, e.end));
    match e.kind {
        LexErrorKind::BadCharacter => AssemblyError::BadCharacter {
            found: src.inner().get(e.start..e.end).unwrap_or("?").to_string(),
            src: src.clone(),
            span,
        },
        LexErrorKind::UnterminatedString => AssemblyError::UnterminatedString {
            src: src.clone(),
            span: at((e.start, e.start + 1)),
        },
    }
}

/// Converts a parser error into a diagnostic and the offset it is reported at; `None` for
/// errors at a [`Tok::Bad`] token, which the lexer has already reported.
fn syntax_error(
    src: &Source,
    e: ParseError<usize, Tok<'_>, LexError>,
) -> Option<(usize, AssemblyError)> {
    let src = src.clone();
    Some(match e {
        ParseError::User { error } => (error.start, lex_error(&src, &error)),
        ParseError::InvalidToken { location } => (
            location,
            AssemblyError::UnexpectedToken {
                found: "token".into(),
                src,
                span: at((location, location + 1)),
                expected: None,
            },
        ),
        ParseError::UnrecognizedEof { location, expected } => (
            location,
            AssemblyError::UnexpectedEof {
                src,
                span: at((location, location)),
                expected: expected_list(&expected).map(|s| format!("{s} (is an `end` missing?)")),
            },
        ),
        ParseError::UnrecognizedToken {
            token: (_, Tok::Bad | Tok::UnterminatedStr, _),
            ..
        } => return None,
        ParseError::UnrecognizedToken {
            token: (l, t, r),
            expected,
        } => (
            l,
            AssemblyError::UnexpectedToken {
                found: token_name(&t),
                src,
                span: at((l, r)),
                expected: expected_list(&expected),
            },
        ),
        ParseError::ExtraToken { token: (l, t, r) } => (
            l,
            AssemblyError::UnexpectedToken {
                found: token_name(&t),
                src,
                span: at((l, r)),
                expected: None,
            },
        ),
    })
}

fn expected_list(expected: &[String]) -> Option<String> {
    let mut names: Vec<String> = expected
        .iter()
        .filter(|e| !matches!(e.as_str(), "BAD" | "UNTERMINATED"))
        .map(|e| describe_terminal(e))
        .collect();
    names.dedup();
    if names.is_empty() {
        return None;
    }
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

fn token_name(t: &Tok<'_>) -> String {
    match t {
        Tok::Ident(s) => format!("name `{s}`"),
        Tok::Dec(s) | Tok::Hex(s) | Tok::Bin(s) => format!("number `{s}`"),
        Tok::Str(s) => format!("string \"{s}\""),
        other => format!("`{}`", keyword(other)),
    }
}

/// The source spelling of a keyword or punctuation token.
fn keyword(t: &Tok<'_>) -> &'static str {
    match t {
        Tok::Begin => "begin",
        Tok::End => "end",
        Tok::Proc => "proc",
        Tok::Export => "export",
        Tok::Pub => "pub",
        Tok::Use => "use",
        Tok::Const => "const",
        Tok::If => "if",
        Tok::Else => "else",
        Tok::While => "while",
        Tok::Repeat => "repeat",
        Tok::Exec => "exec",
        Tok::Call => "call",
        Tok::Syscall => "syscall",
        Tok::Procref => "procref",
        Tok::AdvMap => "adv_map",
        Tok::Dot => ".",
        Tok::ColonColon => "::",
        Tok::Arrow => "->",
        Tok::Equals => "=",
        Tok::Plus => "+",
        Tok::Minus => "-",
        Tok::Star => "*",
        Tok::Slash => "/",
        Tok::SlashSlash => "//",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::LBracket => "[",
        Tok::RBracket => "]",
        Tok::Comma => ",",
        Tok::Dec(_) | Tok::Hex(_) | Tok::Bin(_) => "number",
        Tok::Ident(_) => "name",
        Tok::Str(_) | Tok::UnterminatedStr => "string",
        Tok::Bad => "invalid text",
    }
}

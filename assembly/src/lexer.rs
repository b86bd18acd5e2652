//! The lexer: turns source text into tokens with byte spans (logos).

use logos::Logos;

/// A token of the assembly language. Literals keep their text; values are checked later so
/// that an out-of-range literal gets a located diagnostic.
#[derive(Logos, Clone, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip r"#[^\n]*")]
pub enum Tok<'a> {
    /// `begin`
    #[token("begin")]
    Begin,
    /// `end`
    #[token("end")]
    End,
    /// `proc`
    #[token("proc")]
    Proc,
    /// `export`
    #[token("export")]
    Export,
    /// `pub`
    #[token("pub")]
    Pub,
    /// `use`
    #[token("use")]
    Use,
    /// `const`
    #[token("const")]
    Const,
    /// `if`
    #[token("if")]
    If,
    /// `else`
    #[token("else")]
    Else,
    /// `while`
    #[token("while")]
    While,
    /// `repeat`
    #[token("repeat")]
    Repeat,
    /// `exec`
    #[token("exec")]
    Exec,
    /// `call`
    #[token("call")]
    Call,
    /// `syscall`
    #[token("syscall")]
    Syscall,
    /// `procref`
    #[token("procref")]
    Procref,
    /// `adv_map` (an advice-map declaration)
    #[token("adv_map")]
    AdvMap,
    /// `.`
    #[token(".")]
    Dot,
    /// `::`
    #[token("::")]
    ColonColon,
    /// `->`
    #[token("->")]
    Arrow,
    /// `=`
    #[token("=")]
    Equals,
    /// `+`
    #[token("+")]
    Plus,
    /// `-`
    #[token("-")]
    Minus,
    /// `*`
    #[token("*")]
    Star,
    /// `/`
    #[token("/")]
    Slash,
    /// `//`
    #[token("//")]
    SlashSlash,
    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `,`
    #[token(",")]
    Comma,
    /// A decimal literal.
    #[regex(r"[0-9]+", |lex| lex.slice())]
    Dec(&'a str),
    /// A hex literal with its `0x` prefix.
    #[regex(r"0x[0-9a-fA-F]+", |lex| lex.slice())]
    Hex(&'a str),
    /// A binary literal with its `0b` prefix.
    #[regex(r"0b[01]+", |lex| lex.slice())]
    Bin(&'a str),
    /// An identifier (instruction, procedure, constant or module name).
    #[regex(r"[A-Za-z_][A-Za-z0-9_$]*", |lex| lex.slice())]
    Ident(&'a str),
    /// A double-quoted string, without its quotes.
    #[regex(r#""[^"\n]*""#, |lex| { let s = lex.slice(); &s[1..s.len() - 1] })]
    Str(&'a str),
    /// A string that is not closed on its line (always an error; kept as a token so that the
    /// diagnostic can say so).
    #[regex(r#""[^"\n]*"#)]
    UnterminatedStr,
    /// Stands in for text that formed no token; the lexer has already reported it. The
    /// grammar accepts it nowhere, so the parser recovers around it.
    Bad,
}

/// What was wrong with a piece of source that formed no token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LexErrorKind {
    /// A character that starts no token.
    BadCharacter,
    /// A string without its closing quote.
    UnterminatedString,
}

/// A lexing failure at a byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
}

/// Splits `src` into `(start, token, end)` triples, the shape LALRPOP expects, and the lexing
/// errors. Each error also appears in the tokens as [`Tok::Bad`], so that parsing can go on
/// and report later errors too.
pub fn tokens(src: &str) -> (Vec<(usize, Tok<'_>, usize)>, Vec<LexError>) {
    let mut toks = Vec::new();
    let mut errors = Vec::new();
    for (t, span) in Tok::lexer(src).spanned() {
        let kind = match t {
            Ok(Tok::UnterminatedStr) => LexErrorKind::UnterminatedString,
            Ok(t) => {
                toks.push((span.start, t, span.end));
                continue;
            }
            Err(()) => LexErrorKind::BadCharacter,
        };
        // Consecutive bad characters are one error (e.g. a run of non-ASCII bytes).
        match (errors.last_mut(), kind) {
            (
                Some(LexError {
                    kind: LexErrorKind::BadCharacter,
                    end,
                    ..
                }),
                LexErrorKind::BadCharacter,
            ) if *end == span.start => {
                *end = span.end;
                if let Some(last) = toks.last_mut() {
                    last.2 = span.end;
                }
            }
            _ => {
                errors.push(LexError {
                    kind,
                    start: span.start,
                    end: span.end,
                });
                toks.push((span.start, Tok::Bad, span.end));
            }
        }
    }
    (toks, errors)
}

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
}

/// A lexing failure: an unexpected character at a byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
}

/// Tokens as `(start, token, end)` triples, the shape LALRPOP expects.
pub fn tokens(src: &str) -> impl Iterator<Item = Result<(usize, Tok<'_>, usize), LexError>> + '_ {
    Tok::lexer(src).spanned().map(|(t, span)| match t {
        Ok(t) => Ok((span.start, t, span.end)),
        Err(()) => Err(LexError {
            start: span.start,
            end: span.end,
        }),
    })
}

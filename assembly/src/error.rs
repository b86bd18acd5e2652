//! Diagnostics: every assembly error is a variant of [`AssemblyError`], a miette diagnostic
//! that carries its file (name and text), a label under the culprit and, where one helps, a
//! help line. Several errors found in one run are wrapped in [`AssemblyErrors`].

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::ast::Span;

/// A source file as diagnostics show it: its name and its whole text (shared, not copied).
pub type Source = NamedSource<Arc<str>>;

/// Makes a [`Source`] from a file name and its text.
pub fn source(name: &str, text: &str) -> Source {
    NamedSource::new(name, Arc::from(text))
}

/// Converts a byte range of the AST into miette's (offset, length) form.
pub fn at((start, end): Span) -> SourceSpan {
    (start, end.saturating_sub(start)).into()
}

/// Everything that can go wrong while assembling. Each variant names the values involved;
/// variants tied to a source location render with file, line, column and the source line.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum AssemblyError {
    // ---- lexer and parser ----
    /// A character that starts no token.
    #[error("unexpected character `{found}`")]
    #[diagnostic(code(assembly::bad_character))]
    BadCharacter {
        /// The character(s) as written.
        found: String,
        /// The file.
        #[source_code]
        src: Source,
        /// Where.
        #[label("not valid here")]
        span: SourceSpan,
    },
    /// A string literal without its closing quote on the same line.
    #[error("unterminated string")]
    #[diagnostic(
        code(assembly::unterminated_string),
        help("close the string with `\"` on the same line")
    )]
    UnterminatedString {
        /// The file.
        #[source_code]
        src: Source,
        /// Where the string starts.
        #[label("this string is never closed")]
        span: SourceSpan,
    },
    /// A token the grammar does not allow here.
    #[error("unexpected {found}")]
    #[diagnostic(code(assembly::syntax))]
    UnexpectedToken {
        /// The token, described.
        found: String,
        /// The file.
        #[source_code]
        src: Source,
        /// Where.
        #[label("unexpected here")]
        span: SourceSpan,
        /// What the grammar expected.
        #[help]
        expected: Option<String>,
    },
    /// The file ends inside a construct.
    #[error("unexpected end of file")]
    #[diagnostic(code(assembly::unexpected_eof))]
    UnexpectedEof {
        /// The file.
        #[source_code]
        src: Source,
        /// The end of the file.
        #[label("the file ends here")]
        span: SourceSpan,
        /// What the grammar expected.
        #[help]
        expected: Option<String>,
    },

    /// Blocks or parentheses nested beyond the limit.
    #[error("nesting deeper than {limit} levels (blocks, parentheses or constant operators)")]
    #[diagnostic(
        code(assembly::too_deep),
        help("split the code into procedures, or the constant into several constants")
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// The file.
        #[source_code]
        src: Source,
        /// Where the limit is passed.
        #[label("too deep")]
        span: SourceSpan,
    },

    // ---- module structure ----
    /// An executable program without `begin ... end`.
    #[error("the program has no `begin ... end` body")]
    #[diagnostic(
        code(assembly::no_body),
        help("an executable program needs `begin ... end`; a library module has only procedures")
    )]
    NoBody {
        /// The file.
        #[source_code]
        src: Source,
        /// The end of the file.
        #[label("expected a program body")]
        span: SourceSpan,
    },
    /// A second `begin ... end`.
    #[error("a program has only one `begin ... end` body")]
    #[diagnostic(code(assembly::second_body))]
    SecondBody {
        /// The file.
        #[source_code]
        src: Source,
        /// The second `begin`.
        #[label("second body")]
        span: SourceSpan,
    },
    /// `begin ... end` in a library module.
    #[error("library module `{module}` cannot have a `begin ... end` body")]
    #[diagnostic(
        code(assembly::body_in_library),
        help("a library module only declares procedures; move the body to a program")
    )]
    BodyInLibrary {
        /// The module path.
        module: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The `begin`.
        #[label("body here")]
        span: SourceSpan,
    },
    /// `export` in a file with `begin`.
    #[error("`export` in an executable program: `{name}`")]
    #[diagnostic(
        code(assembly::export_in_program),
        help("a program cannot export procedures; declare it with `proc.` instead")
    )]
    ExportInProgram {
        /// The procedure name.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The exported name.
        #[label("exported here")]
        span: SourceSpan,
    },
    /// Two procedures (or re-exports) with the same name in one module.
    #[error("duplicate procedure `{name}`")]
    #[diagnostic(code(assembly::duplicate_procedure))]
    DuplicateProcedure {
        /// The name.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The first definition.
        #[label("first defined here")]
        first: SourceSpan,
        /// The second definition.
        #[label("defined again here")]
        span: SourceSpan,
    },
    /// Two constants with the same name in one module.
    #[error("duplicate constant `{name}`")]
    #[diagnostic(code(assembly::duplicate_constant))]
    DuplicateConstant {
        /// The name.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The first definition.
        #[label("first defined here")]
        first: SourceSpan,
        /// The second definition.
        #[label("defined again here")]
        span: SourceSpan,
    },
    /// Two imports under the same alias.
    #[error("duplicate import alias `{alias}`")]
    #[diagnostic(
        code(assembly::duplicate_import),
        help("give one of them another name with `use.a::b->other`")
    )]
    DuplicateImport {
        /// The alias.
        alias: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The second import.
        #[label("imported again here")]
        span: SourceSpan,
    },
    /// `use.name` without a namespace.
    #[error("import path `{path}` needs a namespace and a module")]
    #[diagnostic(code(assembly::import_path))]
    ImportPath {
        /// The path as written.
        path: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The path.
        #[label("only one component")]
        span: SourceSpan,
        /// An example of a full path.
        #[help]
        help: Option<String>,
    },

    // ---- constants and literals ----
    /// A constant whose name is not upper-case.
    #[error("constant name `{name}` must be upper-case")]
    #[diagnostic(code(assembly::constant_name))]
    ConstantName {
        /// The name.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The name.
        #[label("not upper-case")]
        span: SourceSpan,
        /// The upper-case spelling.
        #[help]
        help: Option<String>,
    },
    /// A constant, or an element of a word constant, not below the field modulus.
    #[error("constant value `{value}` is out of range")]
    #[diagnostic(
        code(assembly::constant_range),
        help("constants are field elements: below 2^64 - 2^32 + 1 = 18446744069414584321")
    )]
    ConstantOutOfRange {
        /// The literal as written.
        value: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The literal.
        #[label("not a field element")]
        span: SourceSpan,
    },
    /// A value of an `adv_map` declaration that is not a field element.
    #[error("advice-map values are field elements; `{value}` is not one")]
    #[diagnostic(
        code(assembly::adv_map_value),
        help("values are numbers below 2^64 - 2^32 + 1 = 18446744069414584321 (a word is four values)")
    )]
    AdvMapValue {
        /// The literal as written.
        value: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The literal.
        #[label("not a field element")]
        span: SourceSpan,
    },
    /// The key of an `adv_map` declaration that is not a word of field elements.
    #[error("invalid advice-map key: {reason}")]
    #[diagnostic(
        code(assembly::adv_map_key),
        help("a key is a word: `0x` and 64 hex digits (4 elements, 8 little-endian bytes each), or `[a, b, c, d]`; without a key, the key is the hash of the values")
    )]
    AdvMapKey {
        /// What is wrong.
        reason: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The key.
        #[label("not a valid key")]
        span: SourceSpan,
    },
    /// Two `adv_map` declarations of one module with the same key.
    #[error("advice-map key {key} is already defined")]
    #[diagnostic(
        code(assembly::adv_map_duplicate),
        help("two entries without a written key and with the same values have the same key")
    )]
    AdvMapDuplicateKey {
        /// The key, as hex.
        key: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The first declaration.
        #[label("first defined here")]
        first: SourceSpan,
        /// The second declaration.
        #[label("defined again here")]
        span: SourceSpan,
    },
    /// An `adv_map` entry whose key an entry of another module maps to other values.
    #[error("advice-map key {key} is defined by `{first}` with other values")]
    #[diagnostic(
        code(assembly::adv_map_conflict),
        help("the program's advice map holds the entries of every module it uses; one key has one list of values")
    )]
    AdvMapConflict {
        /// The key, as hex.
        key: String,
        /// The other entry, `module::NAME`.
        first: String,
        /// The file.
        #[source_code]
        src: Source,
        /// This declaration.
        #[label("conflicting entry")]
        span: SourceSpan,
    },
    /// A word constant without exactly four elements.
    #[error("a word constant has exactly 4 elements, this one has {count}")]
    #[diagnostic(code(assembly::word_constant))]
    WordConstantLength {
        /// How many elements were written.
        count: usize,
        /// The file.
        #[source_code]
        src: Source,
        /// The word.
        #[label("{count} elements")]
        span: SourceSpan,
    },
    /// Arithmetic on a word or a string constant.
    #[error("arithmetic in constant expressions is only defined on numbers")]
    #[diagnostic(code(assembly::constant_type))]
    ConstantNotANumber {
        /// The file.
        #[source_code]
        src: Source,
        /// The expression.
        #[label("an operand is a word or a string")]
        span: SourceSpan,
    },
    /// `/` or `//` by zero in a constant expression.
    #[error("division by zero in a constant expression")]
    #[diagnostic(code(assembly::division_by_zero))]
    DivisionByZero {
        /// The file.
        #[source_code]
        src: Source,
        /// The expression.
        #[label("divides by zero")]
        span: SourceSpan,
    },
    /// A constant name that is not defined (before this point).
    #[error("unknown constant `{name}`")]
    #[diagnostic(code(assembly::unknown_constant))]
    UnknownConstant {
        /// The name.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The name.
        #[label("not defined before this point")]
        span: SourceSpan,
        /// The closest defined constant.
        #[help]
        help: Option<String>,
    },
    /// A constant used where its kind does not fit (a string as a number, ...).
    #[error("constant `{name}` is {found}, expected {expected}")]
    #[diagnostic(code(assembly::constant_kind))]
    ConstantKind {
        /// The name.
        name: String,
        /// What it is.
        found: &'static str,
        /// What fits here.
        expected: &'static str,
        /// The file.
        #[source_code]
        src: Source,
        /// The use.
        #[label("used here")]
        span: SourceSpan,
    },
    /// A literal that does not fit in 64 bits (or a hex literal between 17 and 63 digits).
    #[error("invalid literal `{text}`")]
    #[diagnostic(
        code(assembly::literal),
        help("numbers are at most 64 bits; a hex word has exactly 64 hex digits")
    )]
    BadLiteral {
        /// The literal as written.
        text: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The literal.
        #[label("out of range")]
        span: SourceSpan,
    },
    /// A named immediate other than `err=`.
    #[error("unknown named argument `{key}=`")]
    #[diagnostic(
        code(assembly::named_argument),
        help("the only named argument is `.err=\"message\"` (or `.err=CONST`) on assertions")
    )]
    UnknownNamedArgument {
        /// The key as written.
        key: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The argument.
        #[label("not `err`")]
        span: SourceSpan,
    },

    // ---- procedures, flow control, resolution ----
    /// A number of locals outside 0..=65536.
    #[error("invalid number of locals `{text}`")]
    #[diagnostic(
        code(assembly::locals),
        help("a procedure can have at most 65536 locals")
    )]
    BadLocals {
        /// The count as written.
        text: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The count.
        #[label("out of range")]
        span: SourceSpan,
    },
    /// `if.x` / `while.x` with x not `true`/`false`.
    #[error("unknown condition `{cond}`")]
    #[diagnostic(code(assembly::condition))]
    BadCondition {
        /// The condition as written.
        cond: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The condition.
        #[label("expected {expected}")]
        span: SourceSpan,
        /// What is allowed (`while` only has `true`).
        expected: &'static str,
    },
    /// `repeat.N` with N outside 1..=2^32-1.
    #[error("repeat count {value} is out of range")]
    #[diagnostic(
        code(assembly::repeat_count),
        help("`repeat.N` takes 1 <= N <= 2^32 - 1; `repeat.0` would never run its body, remove the block instead")
    )]
    RepeatCount {
        /// The count.
        value: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The count.
        #[label("must be between 1 and 4294967295")]
        span: SourceSpan,
    },
    /// A module path that no library provides.
    #[error("unknown module `{path}`")]
    #[diagnostic(code(assembly::unknown_module))]
    UnknownModule {
        /// The module path.
        path: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The import or invocation.
        #[label("module not found")]
        span: SourceSpan,
        /// The closest known module, or where modules come from.
        #[help]
        help: Option<String>,
    },
    /// `alias::proc` with an alias that is not imported.
    #[error("unknown module alias `{alias}`")]
    #[diagnostic(code(assembly::unknown_alias))]
    UnknownAlias {
        /// The alias.
        alias: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The invocation.
        #[label("not imported")]
        span: SourceSpan,
        /// The closest import, or how to import.
        #[help]
        help: Option<String>,
    },
    /// A procedure name that the target module does not define.
    #[error("unknown procedure `{name}` in `{module}`")]
    #[diagnostic(code(assembly::unknown_procedure))]
    UnknownProcedure {
        /// The procedure name.
        name: String,
        /// The module searched.
        module: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The invocation.
        #[label("not found")]
        span: SourceSpan,
        /// The closest procedure name.
        #[help]
        help: Option<String>,
    },
    /// A procedure of another module that is not exported.
    #[error("procedure `{name}` of `{module}` is not exported")]
    #[diagnostic(
        code(assembly::private_procedure),
        help("only `export`ed procedures can be used from another module")
    )]
    PrivateProcedure {
        /// The procedure name.
        name: String,
        /// Its module.
        module: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The invocation.
        #[label("private procedure")]
        span: SourceSpan,
    },
    /// A chain of re-exports that never reaches a procedure.
    #[error("re-export of `{name}` loops back on itself")]
    #[diagnostic(code(assembly::reexport_cycle))]
    ReExportCycle {
        /// The name.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The invocation.
        #[label("this name never reaches a procedure")]
        span: SourceSpan,
    },
    /// A procedure that calls itself, directly or through others.
    #[error("recursive procedure call: {cycle}")]
    #[diagnostic(
        code(assembly::recursion),
        help("recursion is not allowed (procedures are inlined into one call graph); use a loop")
    )]
    Recursion {
        /// The cycle, `a -> b -> a`.
        cycle: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The call that closes the cycle.
        #[label("this call closes the cycle")]
        span: SourceSpan,
    },
    /// A Miden instruction this VM refuses (`syscall`, `procref`, `clk`, ...).
    #[error("`{name}` is not supported: {reason}")]
    #[diagnostic(
        code(assembly::refused),
        help("see \"Refused instructions\" in docs/language.md")
    )]
    Refused {
        /// The instruction.
        name: String,
        /// Why.
        reason: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The instruction.
        #[label("refused")]
        span: SourceSpan,
    },

    // ---- plain instructions (from the instruction lowering) ----
    /// No instruction has this name.
    #[error("unknown instruction `{name}`")]
    #[diagnostic(code(assembly::unknown_instruction))]
    UnknownInstruction {
        /// The name.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The name.
        #[label("not an instruction")]
        span: SourceSpan,
        /// The closest instruction name.
        #[help]
        help: Option<String>,
    },
    /// The wrong number of immediates.
    #[error("`{name}` takes {expected} immediate(s), {found} given")]
    #[diagnostic(code(assembly::immediate_count))]
    WrongArgCount {
        /// The instruction.
        name: String,
        /// What it accepts.
        expected: String,
        /// How many were given.
        found: usize,
        /// The file.
        #[source_code]
        src: Source,
        /// The instruction.
        #[label("wrong number of immediates")]
        span: SourceSpan,
    },
    /// An immediate outside the allowed range.
    #[error("immediate `{value}` of `{name}` is out of range")]
    #[diagnostic(code(assembly::immediate_range))]
    ImmOutOfRange {
        /// The instruction.
        name: String,
        /// The immediate.
        value: String,
        /// The allowed range.
        range: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The immediate.
        #[label("must be in {range}")]
        span: SourceSpan,
    },
    /// An immediate of the wrong kind.
    #[error("bad immediate for `{name}`: expected {expected}")]
    #[diagnostic(code(assembly::immediate_kind))]
    BadImm {
        /// The instruction.
        name: String,
        /// What was expected.
        expected: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The immediate.
        #[label("unexpected immediate")]
        span: SourceSpan,
        /// A close constant name, if any.
        #[help]
        help: Option<String>,
    },
    /// A local used where there are none.
    #[error("`{name}` uses a local, but the enclosing procedure declares none")]
    #[diagnostic(
        code(assembly::no_locals),
        help("declare locals with `proc.name.N`; the program body has none")
    )]
    NoLocals {
        /// The instruction.
        name: String,
        /// The file.
        #[source_code]
        src: Source,
        /// The instruction.
        #[label("no locals here")]
        span: SourceSpan,
    },
    /// A local index beyond the declared locals.
    #[error("local {local} is out of range: the procedure has {num_locals} locals")]
    #[diagnostic(code(assembly::local_range))]
    LocalOutOfRange {
        /// The index used.
        local: u64,
        /// Locals available.
        num_locals: u32,
        /// The file.
        #[source_code]
        src: Source,
        /// The index.
        #[label("beyond the declared locals")]
        span: SourceSpan,
    },

    // ---- without a source location ----
    /// A file or directory that cannot be read.
    #[error("cannot read {path}: {reason}")]
    #[diagnostic(code(assembly::io))]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// A library directory that cannot be used.
    #[error("cannot use library directory {path}: {reason}")]
    #[diagnostic(code(assembly::library))]
    Library {
        /// The directory.
        path: String,
        /// Why.
        reason: String,
    },
    /// A bug in the assembler (the produced program failed its own validation).
    #[error("internal assembler error: {0}")]
    #[diagnostic(code(assembly::internal))]
    Internal(String),
}

/// Several errors found in one run, rendered one after the other.
#[derive(Debug, Error, Diagnostic)]
#[error("{} errors found", errors.len())]
#[diagnostic(code(assembly::errors))]
pub struct AssemblyErrors {
    /// The errors, in the order found.
    #[related]
    pub errors: Vec<AssemblyError>,
}

/// Turns collected errors into one report (the error itself when there is just one).
pub fn into_report(mut errors: Vec<AssemblyError>) -> miette::Report {
    if errors.len() == 1 {
        if let Some(e) = errors.pop() {
            return miette::Report::new(e);
        }
    }
    miette::Report::new(AssemblyErrors { errors })
}

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

/// `did you mean `x`?` for the closest candidate, if any is close.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
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

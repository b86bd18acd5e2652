//! The abstract syntax tree of a module, with byte spans into its source.

/// A byte range in the module's source.
pub type Span = (usize, usize);

/// A name with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The text.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A parsed module (a library module or an executable program).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    /// `use.` imports.
    pub imports: Vec<Import>,
    /// `const.` declarations, in order.
    pub consts: Vec<ConstDecl>,
    /// Procedures, in order.
    pub procs: Vec<Proc>,
    /// Re-exported procedures of other modules (`export.alias::name[->new]`).
    pub reexports: Vec<ReExport>,
    /// The `begin ... end` body of a program, with the span of `begin`.
    pub body: Option<(Vec<Op>, Span)>,
    /// `adv_map.NAME[(KEY)]=[...]` declarations, in order.
    pub adv_maps: Vec<AdvMapDecl>,
}

/// One top-level form, as produced by the grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// `use.a::b[->alias]`
    Import(Import),
    /// `const.NAME=expr`
    Const(ConstDecl),
    /// `proc`/`export`
    Proc(Proc),
    /// `export.alias::name[->new]`
    ReExport(ReExport),
    /// `begin ... end`
    Body(Vec<Op>, Span),
    /// `adv_map.NAME[(KEY)]=[v, ...]`
    AdvMap(AdvMapDecl),
    /// Text that did not parse (already reported).
    Error,
}

/// `export.alias::name[->new]`: makes a procedure of another module available under a name
/// of this module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReExport {
    /// The procedure re-exported.
    pub target: Target,
    /// The name in this module (the target's last component unless renamed).
    pub name: Name,
}

/// `adv_map.NAME[(KEY)]=[v, ...]`: an entry of the program's advice map, and a constant
/// `NAME` whose value is its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdvMapDecl {
    /// The name (of the constant holding the key).
    pub name: Name,
    /// The key as written; without one, the key is the native hash of the values.
    pub key: Option<AdvKey>,
    /// The values, as written.
    pub values: Vec<Lit>,
    /// The whole declaration.
    pub span: Span,
}

/// The key of an `adv_map` declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdvKey {
    /// A literal (valid when it is a 64-hex-digit word).
    Lit(Lit),
    /// `[a, b, c, d]` (valid with four field elements).
    Word(Vec<Lit>, Span),
}

/// `use.path[->alias]`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Module path components.
    pub path: Vec<String>,
    /// Alias (defaults to the last component).
    pub alias: Option<String>,
    /// Span of the path.
    pub span: Span,
}

/// `const.NAME=expr`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDecl {
    /// The name.
    pub name: Name,
    /// The value expression.
    pub value: ConstExpr,
}

/// A constant expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstExpr {
    /// A literal, as written.
    Lit(Lit),
    /// A reference to an earlier constant.
    Ref(Name),
    /// A word `[a, b, c, d]`.
    Word(Vec<Lit>, Span),
    /// A string (for `.err=CONST`).
    Str(String),
    /// A binary operation.
    Bin(Box<ConstExpr>, BinOp, Box<ConstExpr>, Span),
}

/// Operators of constant expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+` (field)
    Add,
    /// `-` (field)
    Sub,
    /// `*` (field)
    Mul,
    /// `/` (field division)
    Div,
    /// `//` (integer division)
    IntDiv,
}

/// A numeric literal as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lit {
    /// Text including any `0x`/`0b` prefix.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A procedure declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proc {
    /// The name.
    pub name: Name,
    /// Declared number of locals (as written).
    pub locals: Option<Lit>,
    /// Whether it is exported.
    pub exported: bool,
    /// Its body.
    pub body: Vec<Op>,
}

/// An immediate argument after a dot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A numeric literal.
    Lit(Lit),
    /// An identifier (a constant, or a word like `u64` in `exp.u64`).
    Ident(Name),
    /// `err="message"` or `err=CONST` (the key is checked to be `err` later).
    Err {
        /// The key as written.
        key: Name,
        /// The message.
        value: ErrArg,
        /// The whole argument.
        span: Span,
    },
}

/// The message of an `.err=` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrArg {
    /// A string literal.
    Str(String),
    /// A constant name.
    Const(Name),
}

/// An invocation target: a local name, `alias::name`, or an absolute `::a::b::name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Path components; the last is the procedure name.
    pub path: Vec<String>,
    /// Whether it starts with `::`.
    pub absolute: bool,
    /// Where it is written.
    pub span: Span,
}

/// How a procedure is invoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvokeKind {
    /// `exec`
    Exec,
    /// `call`
    Call,
    /// `syscall`
    Syscall,
    /// `procref`
    Procref,
}

/// A statement of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// A plain instruction.
    Inst {
        /// Instruction name.
        name: Name,
        /// Dot-separated arguments.
        args: Vec<Arg>,
        /// The whole instruction.
        span: Span,
    },
    /// `if.true`/`if.false`
    If {
        /// The condition word (`true` or `false`).
        cond: Name,
        /// The `then` block.
        then: Vec<Op>,
        /// The `else` block.
        els: Vec<Op>,
        /// The span of `if.cond`.
        span: Span,
    },
    /// `while.true`
    While {
        /// The condition word.
        cond: Name,
        /// The body.
        body: Vec<Op>,
        /// The span of `while.true`.
        span: Span,
    },
    /// `repeat.N`
    Repeat {
        /// The count.
        count: Arg,
        /// The body.
        body: Vec<Op>,
        /// The span of `repeat.N`.
        span: Span,
    },
    /// `exec`/`call`/`syscall`/`procref`
    Invoke {
        /// Which invocation.
        kind: InvokeKind,
        /// The target.
        target: Target,
        /// The whole instruction.
        span: Span,
    },
    /// A statement that did not parse (already reported).
    Error,
}

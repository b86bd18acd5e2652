//! Execution errors and their rendering.

use std::fmt;

use vm_core::{Felt, Opcode, Program};

/// What went wrong during execution.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `ASSERT` popped a value other than 1.
    #[error("assertion failed: {}", match message { Some(m) => m.clone(), None => format!("expected 1, found {}", value.as_int()) })]
    FailedAssertion {
        /// The message attached with `assert.err=...`, if any.
        message: Option<String>,
        /// The value that was popped.
        value: Felt,
    },
    /// Division (u32 or u64 hint) by zero.
    #[error("division by zero")]
    DivideByZero,
    /// `INV` (or an inverse hint) of zero.
    #[error("inverse of zero")]
    InverseOfZero,
    /// A u32 operation got a value >= 2^32.
    #[error("{}", with_message(message, format!("value {} is not a u32", value.as_int())))]
    NotU32 {
        /// The offending value.
        value: Felt,
        /// The message attached with `u32assert.err=...` (and the other u32 assertions), if
        /// any.
        message: Option<String>,
    },
    /// A boolean operation or condition got a value other than 0 or 1.
    #[error("value {} is not binary (0 or 1)", value.as_int())]
    NotBinary {
        /// The offending value.
        value: Felt,
    },
    /// The advice stack ran out of values.
    #[error("the advice stack is empty")]
    AdviceStackEmpty,
    /// A Merkle path could not be found in the Merkle store.
    #[error("no Merkle path for the requested node in the tree with root {root}")]
    MerkleNodeNotFound {
        /// The tree root, as hex.
        root: String,
    },
    /// The node at the requested position does not have the expected value.
    #[error("{}", with_message(message, format!("the node at depth {depth}, index {index} of the tree with root {root} does not have the given value")))]
    MerkleNodeMismatch {
        /// The tree root, as hex.
        root: String,
        /// Depth of the node.
        depth: u64,
        /// Index of the node.
        index: u64,
        /// The message attached with `mtree_verify.err=...`, if any.
        message: Option<String>,
    },
    /// `adv.push_smtpeek` found a non-empty leaf whose preimage is not in the advice map.
    #[error("the advice map has no preimage for the sparse Merkle tree leaf {node}")]
    SmtLeafNotFound {
        /// The leaf digest, as hex.
        node: String,
    },
    /// `adv.push_smtpeek` found a leaf preimage that is not a list of (key, value) words.
    #[error("the preimage of the sparse Merkle tree leaf {node} has {len} elements; expected a non-zero multiple of 8 (key, value pairs)")]
    SmtLeafPreimageInvalid {
        /// The leaf digest, as hex.
        node: String,
        /// Number of elements found.
        len: usize,
    },
    /// `adv.insert_mem` with a start address above the end address.
    #[error("invalid memory range: start address {start} is greater than end address {end}")]
    InvalidMemoryRange {
        /// Start address.
        start: u64,
        /// End address.
        end: u64,
    },
    /// An `adv_map` entry of the program has a key that the advice inputs map to other
    /// values (checked before the first cycle).
    #[error("the program's advice-map entry {name} (key {key}, {program} values) conflicts with the advice inputs, which map that key to other values ({inputs} values)")]
    AdviceMapConflict {
        /// The entry, `module::NAME`.
        name: String,
        /// The key, as hex.
        key: String,
        /// Number of values the program declares.
        program: usize,
        /// Number of values the inputs give.
        inputs: usize,
    },
    /// The advice map has no entry under the key.
    #[error("the advice map has no key {key}")]
    MapKeyNotFound {
        /// The key, as hex.
        key: String,
    },
    /// A word access at an address that is not a multiple of 4.
    #[error("word access at unaligned address {addr}")]
    UnalignedWordAccess {
        /// The address.
        addr: u64,
    },
    /// A memory address >= 2^32.
    #[error("memory address {addr} is out of range (must be below 2^32)")]
    AddressOutOfRange {
        /// The address.
        addr: u64,
    },
    /// The program ran for more than the allowed number of cycles.
    #[error("exceeded the cycle limit of {limit}")]
    CycleLimitExceeded {
        /// The limit.
        limit: u64,
    },
    /// Returning from a `CALLCTX` with a stack depth other than 16.
    #[error("returning from a call with stack depth {depth}; it must be exactly 16")]
    InvalidReturnDepth {
        /// The depth at the `RET`.
        depth: usize,
    },
    /// The instruction would continue outside the program. `Program::new` rejects code that
    /// can do this, so this is a defensive stop, not an expected outcome.
    #[error("the program counter left the program: the next address is {next}, but the program has {len} instructions")]
    PcOutOfRange {
        /// The address execution would continue at.
        next: u64,
        /// The number of instructions.
        len: u64,
    },
    /// `RET` or `NEXT` without a matching control-stack frame (malformed program).
    #[error("control stack mismatch: {0}")]
    ControlStackMismatch(&'static str),
    /// The logarithm of zero was requested.
    #[error("logarithm of zero")]
    LogOfZero,
    /// The host rejected an event, or a decorator is not supported.
    #[error("event {id} failed: {message}")]
    EventError {
        /// Event id (0 for unsupported decorators).
        id: u32,
        /// What the host said.
        message: String,
    },
}

/// `what`, or `assertion failed: message (what)` when the failing instruction carries an
/// assertion message.
fn with_message(message: &Option<String>, what: String) -> String {
    match message {
        Some(m) => format!("assertion failed: {m} ({what})"),
        None => what,
    }
}

/// Source location of an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorLocation {
    /// Source file name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// Text of the line.
    pub text: String,
    /// Index of the file in the program's debug information ([`vm_core::DebugInfo::files`]).
    pub file_index: u32,
    /// Byte range of the instruction in the file.
    pub span: (u32, u32),
}

impl ErrorLocation {
    /// The source location of the instruction at `pc`, when the program knows it.
    pub fn of(program: &Program, pc: u32) -> Option<Self> {
        let span = program.span_at(pc)?;
        Self::of_span(program, span)
    }

    /// The source location of a span of the program's sources.
    pub fn of_span(program: &Program, span: vm_core::SourceSpan) -> Option<Self> {
        let file = program.debug().files.get(span.file as usize)?;
        let (line, col) = file.line_col(span.start as usize);
        Some(Self {
            file: file.name.clone(),
            line,
            col,
            text: file.line_text(line).to_string(),
            file_index: span.file,
            span: (span.start, span.end),
        })
    }
}

impl fmt::Display for ErrorLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// One call on the chain of a failure: the procedure that called and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSite {
    /// The calling procedure, as the user wrote it (see [`user_name`]).
    pub caller: String,
    /// Address of the calling instruction (`exec`, `call`, `syscall`, `dynexec`, ...).
    pub pc: u32,
    /// Source location of the call, when known.
    pub location: Option<ErrorLocation>,
}

/// A procedure's name as the user wrote it: the program's own procedures without the
/// program module's internal path (`#exec::check` reads `check`), the body as `#main`,
/// library procedures by their full path (`std::math::u64::div`).
pub fn user_name(name: &str) -> &str {
    name.strip_prefix("#exec::").unwrap_or(name)
}

/// An execution failure: what happened, where, and through which calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Address of the failing instruction.
    pub pc: u32,
    /// Clock cycle of the failing instruction (0-based).
    pub clk: u64,
    /// The failing operation.
    pub op: Option<Opcode>,
    /// Source location of what failed, when known: the instruction, or the advice hint
    /// (`adv.push_u64div`, ...) for a hint's failure.
    pub location: Option<ErrorLocation>,
    /// Names of the procedures on the call chain, innermost first, as the user wrote them.
    pub call_chain: Vec<String>,
    /// The calls on the chain, innermost first: `call_sites[i]` is the call made by
    /// `call_chain[i + 1]` (into `call_chain[i]`).
    pub call_sites: Vec<CallSite>,
    /// Whether an advice hint (a decorator of the instruction at `pc`) failed rather than
    /// the instruction.
    pub in_hint: bool,
}

impl ExecutionError {
    /// Builds an error and renders its location from the program's debug information.
    /// `return_addrs` are the return addresses on the control stack, innermost first.
    pub fn new(
        kind: ErrorKind,
        program: &Program,
        pc: u32,
        clk: u64,
        return_addrs: impl IntoIterator<Item = u32>,
    ) -> Self {
        let op = program.code().get(pc as usize).map(|i| i.op);
        let location = ErrorLocation::of(program, pc);
        let name = |addr: u32| {
            program
                .procedure_at(addr)
                .map(|p| user_name(&p.name).to_string())
        };
        let mut call_chain: Vec<String> = name(pc).into_iter().collect();
        let mut call_sites = Vec::new();
        for ret in return_addrs {
            // The call site is the instruction before the return address.
            let site = ret.saturating_sub(1);
            if let Some(n) = name(site) {
                call_chain.push(n.clone());
                call_sites.push(CallSite {
                    caller: n,
                    pc: site,
                    location: ErrorLocation::of(program, site),
                });
            }
        }
        Self {
            kind,
            pc,
            clk,
            op,
            location,
            call_chain,
            call_sites,
            in_hint: false,
        }
    }

    /// The same error, failed in the advice hint with source span `span` (a decorator of
    /// the instruction at `pc`) rather than in the instruction.
    pub fn in_hint(mut self, program: &Program, span: Option<vm_core::SourceSpan>) -> Self {
        self.in_hint = true;
        if let Some(loc) = span.and_then(|s| ErrorLocation::of_span(program, s)) {
            self.location = Some(loc);
        }
        self
    }

    /// What failed, for the location line: the native operation, or `advice hint` when a
    /// hint did.
    pub fn what_failed(&self) -> &'static str {
        if self.in_hint {
            "advice hint"
        } else {
            self.op.map(|o| o.mnemonic()).unwrap_or("?")
        }
    }
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        let what = self.what_failed();
        match &self.location {
            Some(l) => {
                write!(f, "\n  at {l} ({what}), cycle {}", self.clk)?;
                write!(f, "\n{:>4} | {}", l.line, l.text)?;
            }
            None => write!(f, "\n  at pc {} ({what}), cycle {}", self.pc, self.clk)?,
        }
        for (i, name) in self.call_chain.iter().enumerate() {
            write!(f, "\n  in {name}")?;
            // The call made by this procedure (the innermost one holds the failure).
            if let Some(site) = i.checked_sub(1).and_then(|j| self.call_sites.get(j)) {
                match &site.location {
                    Some(l) => write!(f, ", call at {l}")?,
                    None => write!(f, ", call at pc {}", site.pc)?,
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for ExecutionError {}

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

/// Source location of the failing instruction.
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
    /// Source location of the failing instruction, when known.
    pub location: Option<ErrorLocation>,
    /// Names of the procedures on the call chain, innermost first.
    pub call_chain: Vec<String>,
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
        let location = program.location_at(pc).map(|(f, line, col)| ErrorLocation {
            file: f.name.clone(),
            line,
            col,
            text: f.line_text(line).to_string(),
        });
        let name = |addr: u32| program.procedure_at(addr).map(|p| p.name.clone());
        let mut call_chain: Vec<String> = name(pc).into_iter().collect();
        for ret in return_addrs {
            // The call site is the instruction before the return address.
            if let Some(n) = name(ret.saturating_sub(1)) {
                call_chain.push(n);
            }
        }
        Self {
            kind,
            pc,
            clk,
            op,
            location,
            call_chain,
        }
    }
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        let op = self.op.map(|o| o.mnemonic()).unwrap_or("?");
        match &self.location {
            Some(l) => {
                write!(f, "\n  at {}:{}:{} ({op})", l.file, l.line, l.col)?;
                write!(f, "\n{:>4} | {}", l.line, l.text)?;
            }
            None => write!(f, "\n  at pc {} ({op})", self.pc)?,
        }
        for name in &self.call_chain {
            write!(f, "\n  in {name}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExecutionError {}

//! Execution traces: what the tracing executor records for the prover.
//!
//! The interpreter is generic over a [`Tracer`]. [`NoTrace`] records nothing and compiles
//! away (the fast executor); [`ExecutionTrace`] records one [`CycleRow`] per cycle (the state
//! *before* the cycle's instruction runs, with the registers of the overflow and control
//! tables, and what the cycle did to those tables) plus what the cycle asked of each chiplet:
//!
//! | chiplet       | request              | from                                                  |
//! |---------------|----------------------|-------------------------------------------------------|
//! | hasher        | [`HasherRequest`]    | `HPERM` (a permutation), `MPVERIFY` and `MRUPDATE` (Merkle paths) |
//! | memory        | [`MemoryAccess`]     | every element an operation reads or writes            |
//! | range checker | [`RangeCheck`]       | the u32 operations: four 16-bit limbs each            |
//! | bitwise       | [`BitwiseRequest`]   | `U32AND`, `U32XOR`                                    |
//!
//! The layout is the processor's view; the prover turns it into columns. The trace builders
//! read these records instead of recomputing them, so the trace follows what the processor
//! did (including, in the soundness tests, a processor that was made to lie).

use vm_core::{Felt, Instruction, Word, STACK_TOP_SIZE};

/// Receives execution events. Implementations with `ENABLED = false` cost nothing: the
/// interpreter calls them only under `if T::ENABLED`.
pub trait Tracer {
    /// Whether the interpreter should call this tracer at all.
    const ENABLED: bool;
    /// Called at the start of every cycle with the state before the instruction runs.
    fn cycle(&mut self, row: CycleRow);
    /// Called after the cycle's operation with what it did to the overflow and control
    /// tables (not called for `HALT` or a failed cycle).
    fn tables(&mut self, tables: TableOps);
    /// Called by `HALT` with the overflow table left (address, value), oldest first.
    fn halt(&mut self, overflow: &[(Felt, Felt)]);
    /// Called for every memory element an operation reads or writes.
    fn memory(&mut self, access: MemoryAccess);
    /// Called for every permutation or Merkle path an operation asks of the hasher.
    fn hasher(&mut self, request: HasherRequest);
    /// Called for every range check a u32 operation asks for.
    fn range(&mut self, check: RangeCheck);
    /// Called for every `U32AND` / `U32XOR`.
    fn bitwise(&mut self, request: BitwiseRequest);
}

/// The tracer of the fast executor: records nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    fn cycle(&mut self, _: CycleRow) {}
    fn tables(&mut self, _: TableOps) {}
    fn halt(&mut self, _: &[(Felt, Felt)]) {}
    fn memory(&mut self, _: MemoryAccess) {}
    fn hasher(&mut self, _: HasherRequest) {}
    fn range(&mut self, _: RangeCheck) {}
    fn bitwise(&mut self, _: BitwiseRequest) {}
}

/// What a cycle did to one of the CPU's last-in-first-out tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TableOp {
    /// Nothing.
    #[default]
    Keep,
    /// Inserted a row at address `clk + 1`.
    Push,
    /// Removed the newest row.
    Pop,
}

/// What one cycle did to the overflow and control tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableOps {
    /// The overflow table: a push saves the old `s15`, a pop refills `s15`.
    pub overflow: TableOp,
    /// The value a pop of the overflow table moved into `s15` (zero otherwise).
    pub overflow_value: Felt,
    /// The control table: a push saves the frame below the new one, a pop restores it.
    pub control: TableOp,
}

/// The VM state at the start of one cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CycleRow {
    /// Cycle number, from 0.
    pub clk: u64,
    /// Address of the instruction executed in this cycle.
    pub pc: u32,
    /// The instruction.
    pub instruction: Instruction,
    /// The top 16 stack elements, top first.
    pub stack: [Felt; STACK_TOP_SIZE],
    /// Stack depth (at least 16) in the current context.
    pub depth: usize,
    /// Memory context.
    pub ctx: u32,
    /// Frame pointer.
    pub fmp: Felt,
    /// Number of frames and loop counters on the control stack.
    pub control_depth: usize,
    /// The overflow table's pointer: the address (`clk + 1` of the cycle that pushed it) of
    /// the newest element below the top 16 in this context, zero at depth 16.
    pub ovf_ptr: Felt,
    /// The top control frame: the return address of a call, the remaining iterations of a
    /// loop; zero with no frame.
    pub ctop: Felt,
    /// The top frame's kind: 1 for a call, 0 for a loop (or no frame).
    pub ckind: Felt,
    /// The top frame's address (`clk + 1` of the cycle that pushed it); zero with no frame.
    pub cptr: Felt,
    /// What the cycle did to the tables (filled in after its operation).
    pub tables: TableOps,
}

/// One memory element read or written by an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryAccess {
    /// Memory context.
    pub ctx: u32,
    /// Element address.
    pub addr: u32,
    /// Cycle of the access.
    pub clk: u64,
    /// Value read, or written.
    pub value: Felt,
    /// Whether it is a write.
    pub write: bool,
}

/// Which Merkle path computation a hasher request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MerkleOp {
    /// `MPVERIFY`: the node's path must hash to the root.
    Verify,
    /// `MRUPDATE`, first path: the old node's path must hash to the old root.
    UpdateOld,
    /// `MRUPDATE`, second path: the new node's path (the same siblings) gives the new root.
    UpdateNew,
}

/// What an operation asks of the hasher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HasherRequest {
    /// One Rescue Prime permutation (state order, not stack order).
    Permutation {
        /// Cycle of the request.
        clk: u64,
        /// The state permuted.
        input: [Felt; 12],
        /// The result.
        output: [Felt; 12],
    },
    /// `node` at (`depth`, `index`), hashed with its siblings `path` (bottom up) into `root`.
    MerklePath {
        /// Cycle of the request.
        clk: u64,
        /// Which path computation.
        op: MerkleOp,
        /// Depth of the node.
        depth: u64,
        /// Index of the node at that depth.
        index: u64,
        /// The node (the stack's word; for a lying processor, not necessarily the store's).
        node: Word,
        /// The siblings from the node's level up to the root's children.
        path: Vec<Word>,
        /// The root (for [`MerkleOp::UpdateNew`], the new root the path gives).
        root: Word,
    },
}

/// A range check: four 16-bit limbs, the low and high halves of two 32-bit values a u32
/// operation produced or asserted (lo of the first, hi of the first, lo of the second, hi of
/// the second). The values per operation: `U32SPLIT`, `U32ADD`, `U32ADD3`, `U32MUL`,
/// `U32MADD` the result's low and high words; `U32SUB` the difference and 0; `U32DIV`
/// `a - q` and `b - r - 1`; `U32ASSERT2` `s0` and `s1`. (Values a processor that ignores
/// failed checks let through keep their low 32 bits.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeCheck {
    /// Cycle of the request.
    pub clk: u64,
    /// The limbs.
    pub limbs: [u16; 4],
}

impl RangeCheck {
    /// The check of the two 32-bit values `a` and `b` at cycle `clk`.
    pub fn of(clk: u64, a: u64, b: u64) -> Self {
        let (a, b) = (a as u32, b as u32);
        Self {
            clk,
            limbs: [a as u16, (a >> 16) as u16, b as u16, (b >> 16) as u16],
        }
    }
}

/// A bitwise operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitwiseOp {
    /// `U32AND`.
    And,
    /// `U32XOR`.
    Xor,
}

/// What `U32AND` / `U32XOR` asks of the bitwise chiplet: `result = a op b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitwiseRequest {
    /// Cycle of the request.
    pub clk: u64,
    /// The operation.
    pub op: BitwiseOp,
    /// First operand (`s1`).
    pub a: u32,
    /// Second operand (`s0`).
    pub b: u32,
    /// The result.
    pub result: u32,
}

/// Everything the tracing executor records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutionTrace {
    /// One row per executed cycle, in order.
    pub rows: Vec<CycleRow>,
    /// The overflow table at `HALT` (address, value), oldest first: what the `HALT` rows
    /// drain. Empty if the run did not halt.
    pub overflow_at_halt: Vec<(Felt, Felt)>,
    /// Memory accesses in execution order.
    pub memory: Vec<MemoryAccess>,
    /// Hasher requests in execution order.
    pub hasher: Vec<HasherRequest>,
    /// Range checks in execution order.
    pub range: Vec<RangeCheck>,
    /// Bitwise requests in execution order.
    pub bitwise: Vec<BitwiseRequest>,
}

impl Tracer for ExecutionTrace {
    const ENABLED: bool = true;
    fn cycle(&mut self, row: CycleRow) {
        self.rows.push(row);
    }
    fn tables(&mut self, tables: TableOps) {
        if let Some(row) = self.rows.last_mut() {
            row.tables = tables;
        }
    }
    fn halt(&mut self, overflow: &[(Felt, Felt)]) {
        self.overflow_at_halt = overflow.to_vec();
    }
    fn memory(&mut self, access: MemoryAccess) {
        self.memory.push(access);
    }
    fn hasher(&mut self, request: HasherRequest) {
        self.hasher.push(request);
    }
    fn range(&mut self, check: RangeCheck) {
        self.range.push(check);
    }
    fn bitwise(&mut self, request: BitwiseRequest) {
        self.bitwise.push(request);
    }
}

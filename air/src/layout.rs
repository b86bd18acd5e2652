//! Column map of the execution trace: every index the AIR, the prover and `docs/air.md`
//! use, gathered from the components that own them, and the typed view [`Cpu`] through
//! which constraints read a row.
//!
//! The main trace has three parts side by side: the CPU (decoder, operand stack, the
//! overflow and control tables' registers, a block of helper columns), the chiplet region
//! (`crate::chiplets`: today the hash chiplet that recomputes the program hash from the
//! program's instructions), and the zero-knowledge randomizer and mask columns. The CPU runs
//! from row 0 (the initial state) to the last real row (a `HALT`).

pub use crate::chiplets::cols::{
    shared, BIT_ACTIVE, HASH, HASH_ACTIVE, HASH_ADDR, HASH_MULT, HASH_REQ, HASH_REQ_IN,
    HASH_REQ_OUT, HASH_ROUND, HASH_STATE, INSTRUCTIONS_PER_CYCLE, MEM_ACTIVE, SHARED_WIDTH,
};
pub use crate::control::cols::{
    CKIND, CPTR, CTL_POP, CTL_PUSH, CTOP, CTX, DEPTH, FMP, OVF_POP, OVF_PTR, OVF_PUSH, OVF_VAL,
};
pub use crate::decoder::cols::{CLK, FLAGS, IMM, NUM_FLAGS, PC};
pub use crate::decoder::flag_columns;
pub use crate::stack::cols::{STACK, STACK_WIDTH};

// ---- CPU: helper block --------------------------------------------------------------------

/// First of the CPU's nondeterministic helper columns: an inverse (`EQ`, `EQZ`, `NEXT`) or
/// `EXPACC`'s multiplier in the first; the control frame's `call` flag in the second
/// (`crate::control`); on the rows of u32 operations, all six hold the 16-bit limbs and the
/// canonicity quotient of `crate::u32ops`.
pub const HELPER: usize = crate::control::cols::END;
/// Number of helper columns.
pub const NUM_HELPERS: usize = 6;
/// Number of CPU columns.
pub const CPU_WIDTH: usize = HELPER + NUM_HELPERS;

/// Number of main columns before the zero-knowledge randomizer columns.
pub const BASE_WIDTH: usize = crate::chiplets::cols::END;

/// First randomizer column (uniformly random in every row, no constraints); a preset has
/// as many as its extension degree when zero knowledge is on, none otherwise.
pub const RANDOMIZER: usize = BASE_WIDTH;

// ---- auxiliary trace (extension field), allocated from the bus registry -----------------

pub use crate::bus::{
    tag, AUX_CHIPLET, AUX_HASH, AUX_LOOKUPS, AUX_MEMORY, AUX_RANDS, AUX_RANGE, AUX_ROM_ENTRY,
    AUX_SUM, AUX_TABLE, AUX_U32_RANGE, AUX_WIDTH,
};

/// A row of the CPU's columns, read by name.
#[derive(Clone, Copy)]
pub struct Cpu<'a, E>(pub &'a [E]);

macro_rules! cells {
    ($( $(#[$doc:meta])* $name:ident = $col:expr; )*) => {
        $( $(#[$doc])* #[inline(always)] pub fn $name(&self) -> E { self.0[$col] } )*
    };
}

impl<E: Copy> Cpu<'_, E> {
    cells! {
        /// The clock.
        clk = CLK;
        /// The program counter.
        pc = PC;
        /// The immediate.
        imm = IMM;
        /// The stack depth.
        depth = DEPTH;
        /// The overflow table's top pointer.
        ovf_ptr = OVF_PTR;
        /// The value an overflow pop removes.
        ovf_val = OVF_VAL;
        /// The overflow push flag.
        ovf_push = OVF_PUSH;
        /// The overflow pop flag.
        ovf_pop = OVF_POP;
        /// The top control frame's value.
        ctop = CTOP;
        /// The top control frame's kind.
        ckind = CKIND;
        /// The control table's top pointer.
        cptr = CPTR;
        /// The control push flag.
        ctl_push = CTL_PUSH;
        /// The control pop flag.
        ctl_pop = CTL_POP;
        /// The memory context.
        ctx = CTX;
        /// The frame pointer.
        fmp = FMP;
    }

    /// Operation flag column `F_i` (two-hot: an operation's flag is `F_a F_b`).
    #[inline(always)]
    pub fn flag(&self, i: usize) -> E {
        self.0[FLAGS + i]
    }

    /// Stack element `s_i`.
    #[inline(always)]
    pub fn s(&self, i: usize) -> E {
        self.0[STACK + i]
    }

    /// The 16 visible stack elements, `s0` first.
    #[inline(always)]
    pub fn stack(&self) -> &[E] {
        &self.0[STACK..STACK + STACK_WIDTH]
    }

    /// Helper column `i`.
    #[inline(always)]
    pub fn helper(&self, i: usize) -> E {
        self.0[HELPER + i]
    }
}

/// A group of consecutive main columns, for `docs/air.md`'s column table (checked by a
/// test: the groups tile the main trace without gaps).
#[derive(Clone, Copy, Debug)]
pub struct ColumnGroup {
    /// First column.
    pub first: usize,
    /// Number of columns.
    pub len: usize,
    /// The component that owns it.
    pub component: &'static str,
    /// Name in the docs.
    pub name: &'static str,
    /// What it holds.
    pub meaning: &'static str,
}

/// The main columns under `preset`, in order.
pub fn main_columns(preset: &crate::Preset) -> alloc::vec::Vec<ColumnGroup> {
    let g = |first, len, component, name, meaning| ColumnGroup {
        first,
        len,
        component,
        name,
        meaning,
    };
    use crate::chiplets::hasher::{HASH_WIDTH, STATE_WIDTH};
    let mut v = alloc::vec![
        g(
            CLK,
            1,
            "decoder",
            "clk",
            "row number: `clk[0] = 0`, `clk' = clk + 1`"
        ),
        g(
            PC,
            1,
            "decoder",
            "pc",
            "address of the instruction executed on this row"
        ),
        g(
            IMM,
            1,
            "decoder",
            "imm",
            "its immediate (0 when it has none)"
        ),
        g(
            FLAGS,
            NUM_FLAGS,
            "decoder",
            "F0..F14",
            "two-hot operation flags: `F_a = F_b = 1` for the opcode's pair `(a, b)`"
        ),
        g(
            STACK,
            STACK_WIDTH,
            "stack",
            "s0..s15",
            "visible operand stack, `s0` the top"
        ),
        g(
            DEPTH,
            1,
            "control",
            "depth",
            "stack depth, 16 + overflow rows"
        ),
        g(
            OVF_PTR,
            1,
            "control",
            "ovf_ptr",
            "address of the overflow table's newest row (0: empty)"
        ),
        g(
            OVF_VAL,
            1,
            "control",
            "ovf_val",
            "value removed from the overflow table on this row (0 if none)"
        ),
        g(
            OVF_PUSH,
            1,
            "control",
            "ovf_push",
            "1 when this row pushes `s15` into the overflow table"
        ),
        g(
            OVF_POP,
            1,
            "control",
            "ovf_pop",
            "1 when this row pops the overflow table"
        ),
        g(
            CTOP,
            1,
            "control",
            "ctop",
            "top control frame's value: return address or loop counter"
        ),
        g(
            CKIND,
            1,
            "control",
            "ckind",
            "top frame's kind: 1 call, 0 loop (or empty)"
        ),
        g(
            CPTR,
            1,
            "control",
            "cptr",
            "address of the control table's newest row (0: empty)"
        ),
        g(
            CTL_PUSH,
            1,
            "control",
            "ctl_push",
            "1 when this row saves the top frame (`CALL`, `REPEAT`)"
        ),
        g(
            CTL_POP,
            1,
            "control",
            "ctl_pop",
            "1 when this row restores a frame (`RET`, last `NEXT`)"
        ),
        g(
            CTX,
            1,
            "control",
            "ctx",
            "memory context: 0 for the root, `clk + 1` of the `CALLCTX` that made it"
        ),
        g(
            FMP,
            1,
            "control",
            "fmp",
            "frame pointer: procedure locals lie below it (`2^30` at start and on `call`)"
        ),
        g(
            HELPER,
            NUM_HELPERS,
            "helpers",
            "h0..h5",
            "CPU helpers: an inverse (`EQ`, `EQZ`, `NEXT`) or `EXPACC`'s multiplier in `h0`; \
             the frame's `call` flag in `h1` on control pushes and pops; u32 operations' low \
             limbs and canonicity quotient (`h0..h5`)"
        ),
        g(
            HASH_ACTIVE,
            1,
            "chiplets",
            "hasher",
            "the hasher's selector: 1 on its rows (whole cycles from row 0), then 0"
        ),
        g(
            HASH_ROUND,
            1,
            "chiplets",
            "round",
            "the hasher's round flag `(hasher + requests) * R`, on the round rows of both its sections"
        ),
        g(
            HASH_ADDR,
            1,
            "chiplets",
            "addr",
            "address of the first instruction of the block the cycle absorbs"
        ),
        g(
            MEM_ACTIVE,
            1,
            "chiplets",
            "memory",
            "the memory chiplet's selector: 1 on its rows, right after the hasher's"
        ),
        g(
            BIT_ACTIVE,
            1,
            "chiplets",
            "bitwise",
            "the bitwise chiplet's selector: 1 on its rows, right after the memory chiplet's"
        ),
        g(
            HASH_REQ,
            1,
            "chiplets",
            "requests",
            "the hash requests' selector: 1 on the hasher's request section (a cycle per \
             `HPERM`, then a closing row), right after the attestation"
        ),
        g(
            HASH_STATE,
            STATE_WIDTH,
            "chiplets",
            "x0..x11",
            "Rescue Prime state; on bitwise rows `x0..x9` hold the bits `b[6..16]`"
        ),
        g(
            HASH + STATE_WIDTH,
            STATE_WIDTH,
            "chiplets",
            "a0..a11",
            "S-box cubes; `a0..a3` the multiplicities on the attestation's absorb rows, `a0`, \
             `a1` those of a request's input and output on the request section's; memory, bitwise and range \
             rows share `a0..a11, b0..b11`"
        ),
        g(
            HASH + 2 * STATE_WIDTH,
            HASH_WIDTH - 2 * STATE_WIDTH,
            "chiplets",
            "b0..b11",
            "inverse S-box helpers"
        ),
    ];
    if preset.randomizer_columns() > 0 {
        v.push(g(
            RANDOMIZER,
            preset.randomizer_columns(),
            "zk",
            "R0..",
            "randomizers: random on every row, unconstrained",
        ));
    }
    if preset.mask_columns() > 0 {
        v.push(g(
            preset.first_mask_column(),
            preset.mask_columns(),
            "zk",
            "U0..",
            "composition masks: 0 on real rows, random on the random rows",
        ));
    }
    v
}

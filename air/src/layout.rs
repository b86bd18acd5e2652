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
    HASH, HASH_ACTIVE, HASH_ADDR, HASH_MULT, HASH_ROUND, HASH_STATE, INSTRUCTIONS_PER_CYCLE,
};
pub use crate::control::cols::{
    CKIND, CPTR, CTL_POP, CTL_PUSH, CTOP, DEPTH, OVF_POP, OVF_PTR, OVF_PUSH, OVF_VAL,
};
pub use crate::decoder::cols::{CLK, GROUP, IMM, LOW, NUM_GROUPS, NUM_LOWS, PC};
pub use crate::stack::cols::{STACK, STACK_WIDTH};

// ---- CPU: helper block --------------------------------------------------------------------

/// First of the CPU's nondeterministic helper columns: an inverse (`EQ`, `EQZ`, `NEXT`) or
/// `EXPACC`'s multiplier in the first.
pub const HELPER: usize = crate::control::cols::END;
/// Number of helper columns.
pub const NUM_HELPERS: usize = 1;
/// Number of CPU columns.
pub const CPU_WIDTH: usize = HELPER + NUM_HELPERS;

/// Number of main columns before the zero-knowledge randomizer columns.
pub const BASE_WIDTH: usize = crate::chiplets::cols::END;

/// First randomizer column (uniformly random in every row, no constraints); a preset has
/// as many as its extension degree when zero knowledge is on, none otherwise.
pub const RANDOMIZER: usize = BASE_WIDTH;

// ---- auxiliary trace (extension field), allocated from the bus registry -----------------

pub use crate::bus::{
    tag, AUX_PROGRAM, AUX_RANDS, AUX_ROM_ENTRY, AUX_ROM_LOOKUP, AUX_SUM, AUX_TABLE, AUX_WIDTH,
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
    }

    /// Group flag `G_g`.
    #[inline(always)]
    pub fn group(&self, g: usize) -> E {
        self.0[GROUP + g]
    }

    /// Low flag `L_l`.
    #[inline(always)]
    pub fn low(&self, l: usize) -> E {
        self.0[LOW + l]
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

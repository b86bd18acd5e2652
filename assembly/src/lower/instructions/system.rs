//! Advice injectors (decorators, zero cycles), events, tracing, debugging, `nop`, and the
//! Miden instructions this VM refuses.

use std::string::ToString;

use vm_core::{Decorator, Felt, Opcode::*};

use super::builder::{entry, Entry, Lower, LowerResult};
use super::stack::fixed;
use super::LowerError;

/// Largest stack offset of a key word (s[i..i + 4] must lie in the top 16 elements).
const MAX_KEY_OFFSET: u64 = 12;

/// Advice, event, debug and refused instructions.
pub(super) const TABLE: &[Entry] = &[
    entry("adv.push_mapval", |l| {
        let i = l.opt_int(0, MAX_KEY_OFFSET, 0)?;
        l.decorator(Decorator::AdvPushMapval(i as u8));
        Ok(())
    }),
    entry("adv.push_mapvaln", |l| {
        let i = l.opt_int(0, MAX_KEY_OFFSET, 0)?;
        l.decorator(Decorator::AdvPushMapvalN(i as u8));
        Ok(())
    }),
    entry("adv.has_mapkey", |l| injector(l, Decorator::AdvHasMapKey)),
    entry("adv.push_mtnode", |l| injector(l, Decorator::AdvPushMtnode)),
    entry("adv.push_u64div", |l| injector(l, Decorator::AdvPushU64Div)),
    entry("adv.push_secp256k1_base_inv", |l| {
        injector(l, Decorator::AdvPushSecp256k1BaseInv)
    }),
    entry("adv.push_secp256k1_scalar_inv", |l| {
        injector(l, Decorator::AdvPushSecp256k1ScalarInv)
    }),
    entry("adv.push_smtpeek", |l| {
        injector(l, Decorator::AdvPushSmtPeek)
    }),
    entry("adv.push_falcon_div", |l| {
        injector(l, Decorator::AdvPushFalconDiv)
    }),
    entry("adv.insert_mem", |l| injector(l, Decorator::AdvInsertMem)),
    entry("adv.insert_hdword", |l| {
        injector(l, Decorator::AdvInsertHdword)
    }),
    entry("adv.insert_hdword_d", |l| {
        injector(l, Decorator::AdvInsertHdwordD)
    }),
    entry("adv.insert_hperm", |l| {
        injector(l, Decorator::AdvInsertHperm)
    }),
    entry("emit", |l| {
        l.arity(1, 1, "1")?;
        let id = l.u32_imm(0)?;
        l.op_imm(Emit, Felt::new(id as u64));
        Ok(())
    }),
    entry("trace", |l| {
        l.arity(1, 1, "1")?;
        let id = l.u32_imm(0)?;
        l.decorator(Decorator::Trace(id));
        Ok(())
    }),
    entry("debug.stack", |l| {
        l.arity(0, 1, "0 or 1")?;
        let n = optional(l, 0, u8::MAX as u64)?;
        debug(l, Decorator::DebugStack(n.map(|n| n as u16)));
        Ok(())
    }),
    entry("debug.mem", |l| {
        l.arity(0, 2, "0 to 2")?;
        let a = optional(l, 0, u32::MAX as u64)?;
        let b = interval_end(l, a, u32::MAX as u64)?;
        debug(
            l,
            Decorator::DebugMem(a.map(|v| v as u32), b.map(|v| v as u32)),
        );
        Ok(())
    }),
    entry("debug.local", |l| {
        l.arity(0, 2, "0 to 2")?;
        let a = optional(l, 0, u16::MAX as u64)?;
        let b = interval_end(l, a, u16::MAX as u64)?;
        debug(
            l,
            Decorator::DebugLocal(a.map(|v| v as u16), b.map(|v| v as u16)),
        );
        Ok(())
    }),
    entry("debug.adv_stack", |l| {
        l.arity(0, 1, "0 or 1")?;
        let n = optional(l, 0, u16::MAX as u64)?;
        debug(l, Decorator::DebugAdvStack(n.map(|n| n as u16)));
        Ok(())
    }),
    entry("nop", |l| fixed(l, &[Noop])),
    entry("breakpoint", |l| {
        l.no_args()?;
        debug(l, Decorator::Comment("breakpoint".to_string()));
        Ok(())
    }),
    entry("dynexec", |_| refused(DYNAMIC)),
    entry("dyncall", |_| refused(DYNAMIC)),
    entry("fri_ext2fold4", |_| refused(NO_NATIVE)),
    entry("horner_eval_base", |_| refused(NO_NATIVE)),
    entry("horner_eval_ext", |_| refused(NO_NATIVE)),
    entry("arithmetic_circuit_eval", |_| refused(NO_NATIVE)),
    entry("eval_circuit", |_| refused(NO_NATIVE)),
];

/// Why dynamic invocation is refused.
const DYNAMIC: &str = "dynamic calls take a procedure's MAST root from the stack; this VM \
                       has no MAST and procedures are not identified by Miden's digests";

/// Why recursive-verifier instructions are refused.
const NO_NATIVE: &str = "this STARK-verification helper has no native operation in this VM";

/// An advice injector without immediates.
fn injector(l: &mut Lower<'_>, d: Decorator) -> LowerResult {
    l.no_args()?;
    l.decorator(d);
    Ok(())
}

/// A debug decorator, kept only in debug mode (arguments are checked either way).
fn debug(l: &mut Lower<'_>, d: Decorator) {
    if l.ctx.debug_mode {
        l.decorator(d);
    }
}

/// Immediate `i` in `0..=max` if given.
fn optional(l: &Lower<'_>, i: usize, max: u64) -> Result<Option<u64>, LowerError> {
    (i < l.argc()).then(|| l.int(i, 0, max)).transpose()
}

/// The end of a `[start, end]` interval (immediate 1), which must not precede the start.
fn interval_end(l: &Lower<'_>, start: Option<u64>, max: u64) -> Result<Option<u64>, LowerError> {
    match start {
        Some(a) => (l.argc() > 1).then(|| l.int(1, a, max)).transpose(),
        None => Ok(None),
    }
}

/// The error for a refused instruction.
fn refused(reason: &'static str) -> LowerResult {
    Err(LowerError::Refused { reason })
}

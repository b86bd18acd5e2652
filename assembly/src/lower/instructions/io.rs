//! Input/output: constants, environment, advice-stack reads, memory and procedure locals.

use std::format;

use vm_core::{Felt, Opcode, Opcode::*, MODULUS};

use super::builder::{bad_imm, entry, felt_range, Entry, Lower, LowerResult};
use super::stack::fixed;
use super::{Imm, LowerError};

/// Most values `adv_push` may read at once (as in Miden).
const ADVICE_READ_LIMIT: u64 = 16;

/// Most immediates `push` takes (as in Miden).
const PUSH_LIMIT: usize = 16;

/// I/O instructions.
pub(super) const TABLE: &[Entry] = &[
    entry("push", push),
    entry("sdepth", |l| fixed(l, &[Sdepth])),
    entry("locaddr", |l| {
        let off = l.local_offset(false)?;
        l.op_imm(Fmpadd, off);
        Ok(())
    }),
    entry("adv_push", |l| {
        let n = l.one_int(1, ADVICE_READ_LIMIT)?;
        l.repeat(Advpop, n as usize);
        Ok(())
    }),
    entry("adv_loadw", |l| fixed(l, &[Advpopw])),
    entry("adv_pipe", |l| fixed(l, &[Pipe])),
    entry("mem_stream", |l| fixed(l, &[Mstream])),
    entry("mem_load", |l| memory(l, &[Mload])),
    entry("mem_loadw", |l| memory(l, &[Mloadw])),
    entry("mem_store", |l| memory(l, &[Mstore, Drop])),
    entry("mem_storew", |l| memory(l, &[Mstorew])),
    entry("loc_load", |l| local(l, false, &[Mload])),
    entry("loc_loadw", |l| local(l, true, &[Mloadw])),
    entry("loc_store", |l| local(l, false, &[Mstore, Drop])),
    entry("loc_storew", |l| local(l, true, &[Mstorew])),
    // The names Miden VM 0.23 gives the four word instructions above (its `_be` variants
    // keep their element order; its `_le` ones are not accepted here), so that the same
    // source also runs there.
    entry("mem_loadw_be", |l| memory(l, &[Mloadw])),
    entry("mem_storew_be", |l| memory(l, &[Mstorew])),
    entry("loc_loadw_be", |l| local(l, true, &[Mloadw])),
    entry("loc_storew_be", |l| local(l, true, &[Mstorew])),
    entry("clk", |_| {
        Err(LowerError::Refused {
            reason: "the cycle count differs from Miden's (other expansions, flat ROM control \
                     flow), so a program reading it would not behave as under Miden",
        })
    }),
    entry("caller", |_| {
        Err(LowerError::Refused {
            reason: "there are no kernels or syscalls, and procedure identities are not \
                     Miden's MAST roots",
        })
    }),
];

/// `push.a.b...`: up to 16 immediates, each a field element or a word (four elements,
/// pushed in order so that the last one ends on top).
fn push(l: &mut Lower<'_>) -> LowerResult {
    l.arity(1, PUSH_LIMIT, "1 to 16")?;
    // Check every immediate before emitting anything.
    for i in 0..l.argc() {
        match l.arg(i) {
            Some(Imm::Int(_)) => {
                l.felt(i)?;
            }
            Some(Imm::Word(w)) => {
                if let Some((k, v)) = w.iter().enumerate().find(|(_, v)| **v >= MODULUS) {
                    return Err(LowerError::ImmOutOfRange {
                        index: i,
                        value: format!("{v} (element {k} of the word)"),
                        range: felt_range(),
                    });
                }
            }
            Some(other) => return Err(bad_imm(i, other, "a field element or a word")),
            None => {}
        }
    }
    for i in 0..l.argc() {
        match l.arg(i) {
            Some(Imm::Int(v)) => l.push(Felt::new(*v)),
            Some(Imm::Word(w)) => {
                for v in w {
                    l.push(Felt::new(*v));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Absolute memory access: the address is on the stack, or an immediate u32 pushed first.
fn memory(l: &mut Lower<'_>, ops: &[Opcode]) -> LowerResult {
    if let Some(a) = l.opt_u32()? {
        l.push_u64(a as u64);
    }
    l.ops(ops);
    Ok(())
}

/// Local memory access: FMPADD(i - N) computes the local's address.
fn local(l: &mut Lower<'_>, word: bool, ops: &[Opcode]) -> LowerResult {
    let off = l.local_offset(word)?;
    l.op_imm(Fmpadd, off);
    l.ops(ops);
    Ok(())
}

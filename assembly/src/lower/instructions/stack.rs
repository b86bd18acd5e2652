//! Stack manipulation. DUPn (n < 16) and MOVUPn/MOVDNn (2 <= n < 16) are single native
//! operations here, so most instructions are one cycle.

use vm_core::{Opcode, Opcode::*};

use super::builder::{entry, Entry, Lower, LowerResult};

/// Stack instructions.
pub(super) const TABLE: &[Entry] = &[
    entry("drop", |l| fixed(l, &[Drop])),
    entry("dropw", |l| fixed(l, &[Drop; 4])),
    entry("padw", |l| fixed(l, &[Pad; 4])),
    entry("dup", |l| {
        let n = l.opt_int(0, 15, 0)?;
        l.op(dup(n));
        Ok(())
    }),
    entry("dupw", |l| {
        let n = l.opt_int(0, 3, 0)?;
        // Copying the deepest element of word n four times copies the word in order.
        l.repeat(dup(4 * n + 3), 4);
        Ok(())
    }),
    entry("swap", |l| {
        match l.opt_int(1, 15, 1)? {
            1 => l.op(Swap),
            2 => l.ops(&[Swap, Movup2]),
            // Park s0 just above sn, then lift sn over everything.
            n => l.ops(&[movdn(n - 1), movup(n)]),
        }
        Ok(())
    }),
    entry("swapw", |l| {
        let op = match l.opt_int(1, 3, 1)? {
            1 => Swapw,
            2 => Swapw2,
            _ => Swapw3,
        };
        l.op(op);
        Ok(())
    }),
    entry("swapdw", |l| fixed(l, &[Swapdw])),
    entry("movup", |l| {
        let n = l.one_int(2, 15)?;
        l.op(movup(n));
        Ok(())
    }),
    entry("movdn", |l| {
        let n = l.one_int(2, 15)?;
        l.op(movdn(n));
        Ok(())
    }),
    entry("movupw", |l| {
        match l.one_int(2, 3)? {
            2 => l.ops(&[Swapw, Swapw2]),
            _ => l.ops(&[Swapw, Swapw2, Swapw3]),
        }
        Ok(())
    }),
    entry("movdnw", |l| {
        match l.one_int(2, 3)? {
            2 => l.ops(&[Swapw2, Swapw]),
            _ => l.ops(&[Swapw3, Swapw2, Swapw]),
        }
        Ok(())
    }),
    entry("cswap", |l| fixed(l, &[Cswap])),
    entry("cswapw", |l| fixed(l, &[Cswapw])),
    entry("cdrop", |l| fixed(l, &[Cswap, Drop])),
    entry("cdropw", |l| fixed(l, &[Cswapw, Drop, Drop, Drop, Drop])),
];

/// An instruction without immediates and a fixed expansion.
pub(super) fn fixed(l: &mut Lower<'_>, ops: &[Opcode]) -> LowerResult {
    l.no_args()?;
    l.ops(ops);
    Ok(())
}

/// DUPn; `n` is range-checked by the caller.
fn dup(n: u64) -> Opcode {
    Opcode::dup(n as usize).unwrap_or(Dup0)
}

/// MOVUPn; `n` is range-checked by the caller.
fn movup(n: u64) -> Opcode {
    Opcode::movup(n as usize).unwrap_or(Movup2)
}

/// MOVDNn; `n` is range-checked by the caller.
fn movdn(n: u64) -> Opcode {
    Opcode::movdn(n as usize).unwrap_or(Movdn2)
}

//! What the AIR knows about each operation: whether this version of the proof system
//! constrains it, and where each of its new stack elements comes from.
//!
//! The stack constraints are generated from [`stack_sources`]: for every operation and
//! every visible position `i`, the new `s_i` is a copy of an old stack element, the value
//! popped from the overflow table, the immediate, zero, the depth, a value fixed by the
//! operation's own constraint (`Special`) or an unconstrained advice value (`Advice`).

use vm_core::Opcode;

/// Where a new stack element comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The old `s_j`.
    Copy(usize),
    /// The value popped from the overflow table (`s15` after a left shift).
    Overflow,
    /// The instruction's immediate.
    Imm,
    /// Zero.
    Zero,
    /// The stack depth before the operation.
    Depth,
    /// Fixed by a constraint of the operation itself (arithmetic results).
    Special,
    /// A value read from the advice provider: private and unconstrained.
    Advice,
    /// A value read from memory: bound by the operation's memory request on the bus.
    Memory,
    /// A result of the bitwise chiplet: bound by the operation's request on the bus.
    Bitwise,
    /// A lane of a permutation's output: bound by `HPERM`'s requests to the hasher's
    /// request section on the bus.
    Hasher,
}

/// Whether this AIR constrains every effect of `op`: it does when every component the
/// operation needs (`vm_core::Component`, from the operation table) is built: the CPU, the
/// memory chiplet, the range checker (which also proves the u32 arithmetic's limbs,
/// `crate::u32ops`) and the bitwise chiplet (`U32AND`, `U32XOR`); of the hasher's
/// operations, `HPERM` (the request section, `crate::chiplets::hasher`), on which `hperm`,
/// `hmerge`, `hash` and `mtree_merge` are built. The Merkle path operations (`MPVERIFY`,
/// `MRUPDATE`) are refused by the prover; the AIR forbids them too, so no proof of a run
/// using them can exist.
pub fn is_proven(op: Opcode) -> bool {
    /// The components whose constraints this AIR has.
    const BUILT: &[vm_core::Component] = &[
        vm_core::Component::Cpu,
        vm_core::Component::Memory,
        vm_core::Component::Bitwise,
        vm_core::Component::Range,
    ];
    BUILT.contains(&op.component()) || op == Opcode::Hperm
}

/// Every operation the AIR constrains, in opcode order.
pub fn proven_ops() -> impl Iterator<Item = Opcode> {
    vm_core::OPCODES
        .iter()
        .map(|i| i.op)
        .filter(|op| is_proven(*op))
}

/// The stack shift of an operation: -1 (left: an element leaves the visible top and the
/// overflow table refills `s15`), 0 or +1 (right: `s15` moves into the overflow table).
pub fn shift(op: Opcode) -> i8 {
    op.info().delta
}

/// Where each of the 16 new visible stack elements comes from, for a proven operation.
pub fn stack_sources(op: Opcode) -> [Source; 16] {
    use Opcode::*;
    use Source::*;
    let keep = core::array::from_fn(Copy);
    let left: [Source; 16] = core::array::from_fn(|i| if i < 15 { Copy(i + 1) } else { Overflow });
    let right: [Source; 16] = core::array::from_fn(|i| if i == 0 { Special } else { Copy(i - 1) });
    let with = |mut base: [Source; 16], changes: &[(usize, Source)]| {
        for &(i, s) in changes {
            base[i] = s;
        }
        base
    };
    let swap_ranges = |a: usize, b: usize, len: usize| {
        let mut s = keep;
        for k in 0..len {
            s[a + k] = Copy(b + k);
            s[b + k] = Copy(a + k);
        }
        s
    };
    match op {
        Noop | Halt | Jmp | Call | Ret | Repeat | Next | Emit => keep,
        Jmpz | Jmpnz | Assert | Drop => left,
        Add | Mul | Eq | And | Or => with(left, &[(0, Special)]),
        Neg | Inv | Incr | Addi | Muli | Eqz | Not => with(keep, &[(0, Special)]),
        Expacc => with(
            keep,
            &[(0, Special), (1, Special), (2, Special), (3, Special)],
        ),
        Ext2mul => with(keep, &[(2, Special), (3, Special)]),
        Sdepth => with(right, &[(0, Depth)]),
        Pad => with(right, &[(0, Zero)]),
        Push => with(right, &[(0, Imm)]),
        Advpop => with(right, &[(0, Advice)]),
        Advpopw => with(keep, &[(0, Advice), (1, Advice), (2, Advice), (3, Advice)]),
        Swap => swap_ranges(0, 1, 1),
        Swapw => swap_ranges(0, 4, 4),
        Swapw2 => swap_ranges(0, 8, 4),
        Swapw3 => swap_ranges(0, 12, 4),
        Swapdw => swap_ranges(0, 8, 8),
        Cswap => with(left, &[(0, Special), (1, Special)]),
        Cswapw => core::array::from_fn(|i| if i < 8 { Special } else { left[i] }),
        CallCtx | Fmpupdate => keep,
        Fmpadd => with(right, &[(0, Special)]),
        Mload => with(keep, &[(0, Memory)]),
        Mloadw => with(left, &[(0, Memory), (1, Memory), (2, Memory), (3, Memory)]),
        Mstore | Mstorew => left,
        U32and | U32xor => with(left, &[(0, Bitwise)]),
        Mstream => core::array::from_fn(|i| match i {
            0..8 => Memory,
            12 => Special,
            i => Copy(i),
        }),
        Pipe => core::array::from_fn(|i| match i {
            0..8 => Advice,
            12 => Special,
            i => Copy(i),
        }),
        // u32 results: `s0'`, `s1'` fixed by `crate::u32ops`.
        U32split => with(right, &[(1, Special)]),
        U32add | U32sub | U32mul | U32div => with(keep, &[(0, Special), (1, Special)]),
        U32add3 | U32madd => with(left, &[(0, Special), (1, Special)]),
        U32assert2 => keep,
        Hperm => core::array::from_fn(|i| if i < 12 { Hasher } else { Copy(i) }),
        // The indexed families: `n` is the operation's offset in its family.
        _ => {
            let code = op.code();
            let from =
                |first: Opcode, n0: u8| code.checked_sub(first as u8).map(|k| (k + n0) as usize);
            match (from(Dup0, 0), from(Movup2, 2), from(Movdn2, 2)) {
                (Some(l), _, _) if l < 16 => with(right, &[(0, Copy(l))]),
                (_, Some(l), _) if l < 16 => core::array::from_fn(|i| match i {
                    0 => Copy(l),
                    i if i <= l => Copy(i - 1),
                    i => Copy(i),
                }),
                (_, _, Some(l)) if l < 16 => core::array::from_fn(|i| match i {
                    i if i == l => Copy(0),
                    i if i < l => Copy(i + 1),
                    i => Copy(i),
                }),
                _ => unreachable!("{op} is not a proven stack operation"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_agree_with_shift() {
        for op in proven_ops() {
            let s = stack_sources(op);
            match shift(op) {
                -1 => assert_eq!(s[15], Source::Overflow, "{op}"),
                // (U32SPLIT's s1' is its low half.)
                1 => assert!(
                    (1..16)
                        .all(|i| s[i] == Source::Copy(i - 1) || (op == Opcode::U32split && i == 1)),
                    "{op}"
                ),
                _ => assert!(!s.contains(&Source::Overflow), "{op}"),
            }
        }
    }

    #[test]
    fn families() {
        assert_eq!(stack_sources(Opcode::Dup0)[0], Source::Copy(0));
        assert_eq!(stack_sources(Opcode::Dup15)[0], Source::Copy(15));
        let m = stack_sources(Opcode::Movup3);
        assert_eq!(
            &m[..5],
            &[
                Source::Copy(3),
                Source::Copy(0),
                Source::Copy(1),
                Source::Copy(2),
                Source::Copy(4)
            ]
        );
        let d = stack_sources(Opcode::Movdn3);
        assert_eq!(
            &d[..5],
            &[
                Source::Copy(1),
                Source::Copy(2),
                Source::Copy(3),
                Source::Copy(0),
                Source::Copy(4)
            ]
        );
    }
}

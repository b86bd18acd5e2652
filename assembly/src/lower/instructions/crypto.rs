//! Hashing and Merkle trees. HPERM permutes s0..s11 as Miden's HPERM does: the state
//! element j is s(11 - j), so the capacity is the third word (s8..s11, its first element
//! deepest) and the digest is the middle word (s4..s7). Rp64_256's layout is the same
//! (capacity 0..4, rate 4..12, digest 4..8), so `hmerge` equals `vm_core::hash::merge`
//! and `hash` equals `vm_core::hash::hash_elements` of the word.

use vm_core::{Decorator, Opcode::*};

use super::builder::{assertion, entry, Entry, Lower};
use super::stack::fixed;

/// Crypto instructions.
pub(super) const TABLE: &[Entry] = &[
    entry("hperm", |l| fixed(l, &[Hperm])),
    entry("hmerge", |l| {
        l.no_args()?;
        hmerge(l);
        Ok(())
    }),
    entry("hash", |l| {
        l.no_args()?;
        // Capacity [4, 0, 0, 0] (4 elements hashed), rate [A, 0, 0, 0, 0]:
        // Rp64_256::hash_elements of a 4-element input.
        l.push_u64(4);
        l.ops(&[Pad, Pad, Pad, Swapw, Pad, Pad, Pad, Pad, Hperm]);
        drop_to_digest(l);
        Ok(())
    }),
    entry("mtree_get", |l| {
        l.no_args()?;
        // [d, i, R] -> [V, d, i, R] (node from the advice provider), verify, drop d and i.
        l.decorator(Decorator::AdvPushMtnode);
        l.repeat(Advpop, 4);
        l.ops(&[Mpverify, Movup4, Drop, Movup4, Drop]);
        Ok(())
    }),
    entry("mtree_set", |l| {
        l.no_args()?;
        // [d, i, R, V'] -> [V, R'] where V is the old node. MRUPDATE overwrites V, so the
        // old node is fetched twice: one copy is parked below V' first.
        l.decorator(Decorator::AdvPushMtnode);
        l.repeat(Advpop, 4); // [V, d, i, R, V']
        l.repeat(Movdn13, 4); // [d, i, R, V', V]
        l.decorator(Decorator::AdvPushMtnode);
        l.repeat(Advpop, 4); // [V, d, i, R, V', V]
        l.op(Mrupdate); // [R', d, i, R, V', V]
        l.ops(&[Movup4, Drop, Movup4, Drop]); // [R', R, V', V]
        l.op(Swapw);
        l.repeat(Drop, 4); // [R', V', V]
        l.op(Swapw);
        l.repeat(Drop, 4); // [R', V]
        l.op(Swapw);
        Ok(())
    }),
    entry("mtree_merge", |l| {
        l.no_args()?;
        // [R, L] -> [hmerge(L, R)], and the advice provider learns the merged tree.
        l.decorator(Decorator::AdvMerkleMerge);
        hmerge(l);
        Ok(())
    }),
    assertion("mtree_verify", |l| fixed(l, &[Mpverify])),
];

/// `[B, A] -> [merge(A, B)]`: capacity [8, 0, 0, 0] (as Rp64_256::merge) below the rate
/// [A, B], permute, keep the digest (16 cycles).
fn hmerge(l: &mut Lower<'_>) {
    l.push_u64(8);
    l.ops(&[Pad, Pad, Pad, Swapw2, Swapw, Hperm]);
    drop_to_digest(l);
}

/// `[F, E, D] -> [E]` after HPERM (9 cycles).
fn drop_to_digest(l: &mut Lower<'_>) {
    l.repeat(Drop, 4);
    l.op(Swapw);
    l.repeat(Drop, 4);
}

//! Hashing and Merkle trees. HPERM permutes s0..s11 as Miden's HPERM does: the state
//! element j is s(11 - j), so the capacity is the third word (s8..s11, its first element
//! deepest) and the digest is the middle word (s4..s7). Rp64_256's layout is the same
//! (capacity 0..4, rate 4..12, digest 4..8), so `hmerge` equals `vm_core::hash::merge`
//! and `hash` equals `vm_core::hash::hash_elements` of the word.

use vm_core::{Decorator, Felt, FieldElement, Opcode, Opcode::*};

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
        // [d, i, R] -> [V, R]: V from the hint, then proven by hashing its path up to R.
        l.decorator(Decorator::AdvMtreeGet);
        l.repeat(Dup5, 4); // [R, d, i, R] (a copy that the root check consumes)
        l.repeat(Advpop, 4); // [V, R, d, i, R]
        l.ops(&[Movup9, Movup9]); // [d, i, V, R, R]
        open_path(l); // [V, R]
        Ok(())
    }),
    entry("mtree_set", |l| {
        l.no_args()?;
        // [d, i, R, V'] -> [V, R'] where V is the old node: one loop hashes the old and the
        // new node up the same path (same bits, same siblings), the old one to R.
        l.decorator(Decorator::AdvMtreeSet);
        l.repeat(Advpop, 4); // [V, d, i, R, V']
        l.ops(&[Movup5, Movup5]); // [d, i, V, R, V']
        update_path(l);
        Ok(())
    }),
    entry("mtree_merge", |l| {
        l.no_args()?;
        // [R, L] -> [hmerge(L, R)], and the advice provider learns the merged tree.
        l.decorator(Decorator::AdvMerkleMerge);
        hmerge(l);
        Ok(())
    }),
    assertion("mtree_verify", |l| {
        l.no_args()?;
        // [V, d, i, R] unchanged: the hint checks V (`.err=` message on a mismatch); the
        // loop proves it.
        l.decorator(Decorator::AdvMtreeVerify(l.err_msg().map(str::to_string)));
        l.repeat(Dup9, 4); // [R, V, d, i, R]
        l.repeat(Dup7, 4); // [V, R, V, d, i, R]
        l.ops(&[Dup13, Dup13]); // [d, i, V, R, V, d, i, R]
        open_path(l); // [V, V, d, i, R]
        l.repeat(Drop, 4);
        Ok(())
    }),
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

// ---------------------------------------------------------------- Merkle paths
//
// `mtree_get`, `mtree_verify` and `mtree_set` are proven by recomputing the root in the VM:
// their hint (`Decorator::AdvMtree*`) pushes, per level from the node up, the sibling word
// and the index bit; a loop pops them, orders (node, sibling) by the bit with CSWAPW (whose
// constraint forces the bit to be binary), hashes with the `hmerge` permutation, and
// divides the index: x' = (x - b) / 2 in the field. The loop ends with the computed root
// asserted equal to R and the index used up.
//
// Index canonicity: with 64 levels, the bits of i and of i + p both satisfy
// "x reaches 0" in the field, so a prover could open leaf i + p. The index is therefore
// split by U32SPLIT (canonical) into hi and lo, and the loop runs in two phases: min(d, 32)
// levels dividing lo, then d - min(d, 32) levels dividing hi, each phase's remainder
// asserted zero. A phase has at most 32 levels, so its bits sum to less than 2^32 < p:
// the only bits that reach 0 are lo's (hi's) binary digits.
//
// The loop state K = [x, c, y, c2] (one word): x the half being divided, c the levels left
// in this phase, y the other half, c2 the levels of the next phase (0 once it runs).

/// 1/2 in the field.
fn half() -> Felt {
    Felt::new(2).inv()
}

/// `[d, i] -> [K]` with K = [lo, min(d, 32), hi, d - min(d, 32)] (hi, lo: U32SPLIT of i),
/// asserting d <= 64 (d is a u32 by U32SUB's range check, and d - 32 <= 32 after).
fn path_state(l: &mut Lower<'_>) {
    l.ops(&[Swap, U32split, Movup2]); // [d, hi, lo]
    l.op(Dup0);
    l.push_u64(32);
    l.op(U32sub); // [d < 32, (d - 32) mod 2^32, d, hi, lo]
    l.ops(&[Not, Mul]); // [c2, d, hi, lo]: c2 = d - 32 if d >= 32, else 0
    l.ops(&[Dup0, Movup2, Swap, Neg, Add]); // [a, c2, hi, lo] with a = d - c2
    l.push_u64(32);
    l.ops(&[Dup2, U32sub, Eqz, Assert, Drop]); // c2 <= 32
    l.ops(&[Movup3, Movup3, Movdn2]); // [lo, a, hi, c2]
}

/// The two-phase loop over the levels, with K at s`k`..s`k+3` and `body` one level (which
/// keeps K's place, divides x by the popped bit, and leaves c alone). Ends with K's place
/// holding [0, y, 0] (three elements, the asserted-zero x popped) for `end`.
fn path_loop(l: &mut Lower<'_>, k: usize, body: fn(&mut Lower<'_>)) {
    let (dup_c, dup_c2) = (dup(k + 1), dup(k + 2));
    // Head: a phase of 0 levels (d = 0) goes straight to the check.
    l.ops(&[dup_c, Eqz]);
    let to_check = l.jump_forward(Jmpnz);
    let level = l.here();
    body(l);
    // c -= 1; another level while c != 0.
    l.ops(&[movup(k + 1)]);
    l.op_imm(Addi, -Felt::ONE);
    l.ops(&[Dup0, movdn(k + 2), Eqz]);
    l.jump(Jmpz, level);
    // Check: this phase used up its half; then either done (c2 = 0) or the next phase.
    l.land(to_check);
    l.ops(&[movup(k), Eqz, Assert]); // [.., c = 0, y, c2]
    l.ops(&[dup_c2, Eqz]);
    let to_end = l.jump_forward(Jmpnz);
    // Next phase: K = [y, c2, 0, 0] (c2 != 0, so no head check is needed).
    l.ops(&[movup(k), movdn(k + 2), Pad, movdn(k + 3)]);
    l.jump(Jmp, level);
    l.land(to_end);
}

/// `[..., c = 0, y, c2 = 0]` at s`k`.. -> asserts y = 0 (hi used up when d <= 32) and
/// drops the three.
fn path_end(l: &mut Lower<'_>, k: usize) {
    l.ops(&[movup(k), Drop, movup(k), Eqz, Assert, movup(k), Drop]);
}

/// `[d, i, V, R] -> [V]`: asserts that V is the node at depth d, index i of the tree with
/// root R, by hashing the hinted path (26 cycles per level).
fn open_path(l: &mut Lower<'_>) {
    path_state(l); // [K, V, R]
    l.ops(&[Swapw, Swapw2, Swapw]); // [K, R, V]
    l.repeat(Dup11, 4); // [C, K, R, V]: C the node being hashed up
    l.repeat(Pad, 4);
    l.op(Swapw);
    l.repeat(Pad, 4); // [F, C, D, K, R, V]: F, D placeholders for the sponge's other words
    path_loop(l, 12, open_level);
    // [F, C, D, 0, y, 0, R, V]
    l.repeat(Drop, 4);
    l.op(Swapw);
    l.repeat(Drop, 4); // [C, 0, y, 0, R, V]
    path_end(l, 4); // [C, R, V]
    assert_eqw(l); // [V]
}

/// One level of `open_path`: `[F, C, D, K] -> [F', C', D', K']` with C' the parent of C
/// (F', D' the permutation's other output words, reused as placeholders).
fn open_level(l: &mut Lower<'_>) {
    l.op(Advpopw); // [S, C, D, K]: the sibling overwrites F
    l.op(Swapw2);
    l.repeat(Drop, 4); // [C, S, K]
    l.push_u64(8);
    l.ops(&[Pad, Pad, Pad, Swapw2]); // [S, C, cap, K] with cap as in `hmerge`
    l.op(Advpop); // [b, S, C, cap, x, c, y, c2]
    divide_index(l, 14);
    l.ops(&[Cswapw, Hperm]); // (C, S) ordered by b, hashed: [F', C', D', K']
}

/// `[b, ..., x (at s`x`), ...]` -> `[b, ..., x', ...]` with x' = (x - b) / 2 in place.
fn divide_index(l: &mut Lower<'_>, x: usize) {
    l.ops(&[Dup0, Neg, movup(x), Add]);
    l.op_imm(Muli, half());
    l.op(movdn(x - 1));
}

/// `[d, i, V, R, V'] -> [V, R']`: asserts that V is the node at (d, i) of the tree with root
/// R, and computes the root R' of the tree with V' in its place, from the same bits and
/// siblings in the same loop (69 cycles per level).
fn update_path(l: &mut Lower<'_>) {
    path_state(l); // [K, V, R, V']
    l.ops(&[Swapw, Swapw3]); // [V', K, R, V]
    l.repeat(Dup15, 4); // [Co, Cn, K, R, V]: the old and new nodes being hashed up
    path_loop(l, 8, update_level);
    // [Co, Cn, 0, y, 0, R, V]
    path_end(l, 8); // [Co, Cn, R, V]
    l.ops(&[Swapw, Swapw2]); // [R, Co, Cn, V]
    assert_eqw(l); // [Cn, V]
    l.op(Swapw);
}

/// One level of `update_path`: `[Co, Cn, K] -> [Co', Cn', K']`.
fn update_level(l: &mut Lower<'_>) {
    l.repeat(Advpop, 4); // [S, Co, Cn, K]
    l.op(Advpop); // [b, S, Co, Cn, x, c, y, c2]
    l.op(Dup0); // [b, b', S, Co, Cn, x, ...]
    divide_index(l, 15); // [b, b', S, Co, Cn, x', c, y, c2]
    l.ops(&[Swap, Movdn13]); // [b, S, Co, Cn, b', K]
                             // A copy S' of the sibling between Cn and b'.
    for i in (1..=4).rev() {
        l.ops(&[dup(i), Movdn13]);
    }
    // [b, S, Co, Cn, S', b', K]: the old node's parent.
    l.ops(&[Movdn8, Swapw]); // [Co, S, b, Cn, S', b', K]
    l.push_u64(8);
    l.ops(&[Pad, Pad, Pad, Swapw2, Movup12]); // [b, S, Co, cap, Cn, S', b', K]
    l.ops(&[Cswapw, Hperm]);
    drop_to_digest(l); // [Co', Cn, S', b', K]
                       // The new node's parent, with the same bit and sibling.
    l.repeat(Movdn12, 4); // [Cn, S', b', Co', K]
    l.push_u64(8);
    l.ops(&[Pad, Pad, Pad, Swapw2, Movup12]); // [b', S', Cn, cap, Co', K]
    l.ops(&[Cswapw, Hperm]);
    drop_to_digest(l); // [Cn', Co', K]
    l.op(Swapw);
}

/// `[A, B] -> []`, asserting A = B (as `assert_eqw`; its `.err=` message goes on the
/// ASSERTs).
fn assert_eqw(l: &mut Lower<'_>) {
    l.ops(&[
        Movup4, Eq, Assert, Movup3, Eq, Assert, Movup2, Eq, Assert, Eq, Assert,
    ]);
}

/// `DUPn`.
fn dup(n: usize) -> Opcode {
    const OPS: [Opcode; 16] = [
        Dup0, Dup1, Dup2, Dup3, Dup4, Dup5, Dup6, Dup7, Dup8, Dup9, Dup10, Dup11, Dup12, Dup13,
        Dup14, Dup15,
    ];
    OPS[n]
}

/// `MOVUPn` (n in 2..=15).
fn movup(n: usize) -> Opcode {
    const OPS: [Opcode; 14] = [
        Movup2, Movup3, Movup4, Movup5, Movup6, Movup7, Movup8, Movup9, Movup10, Movup11, Movup12,
        Movup13, Movup14, Movup15,
    ];
    OPS[n - 2]
}

/// `MOVDNn` (n in 2..=15).
fn movdn(n: usize) -> Opcode {
    const OPS: [Opcode; 14] = [
        Movdn2, Movdn3, Movdn4, Movdn5, Movdn6, Movdn7, Movdn8, Movdn9, Movdn10, Movdn11, Movdn12,
        Movdn13, Movdn14, Movdn15,
    ];
    OPS[n - 2]
}

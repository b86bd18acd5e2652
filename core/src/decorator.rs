//! Decorators: zero-cycle actions attached to an instruction address.
//!
//! A decorator runs just before the instruction at its address executes, every time that
//! instruction executes. Decorators only touch the advice provider (which is unconstrained
//! and private anyway) or print debugging output, so they are not part of the program hash
//! and cost no cycles: a malicious prover could skip them and gain nothing.

use alloc::string::String;

/// A zero-cycle action run before the instruction it is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decorator {
    // ---- advice injectors (Miden's `adv.*`) ----
    /// `adv.push_mapval[.i]`: pushes the advice-map values under the key word at s[i..i+4]
    /// onto the advice stack.
    AdvPushMapval(u8),
    /// `adv.push_mapvaln[.i]`: like `AdvPushMapval` but first pushes the number of values.
    AdvPushMapvalN(u8),
    /// `adv.push_mtnode`: pushes the node at depth s0, index s1 of the tree with root
    /// s2..s5 onto the advice stack.
    AdvPushMtnode,
    /// `adv.push_u64div`: pushes the quotient and remainder of the u64 division of the
    /// values on the stack (Miden's layout).
    AdvPushU64Div,
    /// `adv.push_smtpeek`: pushes the value of a sparse-Merkle-tree key (Miden's layout).
    AdvPushSmtPeek,
    /// `adv.insert_mem`: maps the key word s0..s3 to memory range [s4, s5).
    AdvInsertMem,
    /// `adv.insert_hdword`: maps hmerge(s0..s3, s4..s7) to the 8 elements.
    AdvInsertHdword,
    /// `adv.insert_hdword_d`: like `AdvInsertHdword` with domain s8.
    AdvInsertHdwordD,
    /// `adv.insert_hperm`: maps the digest of a permutation of the top 12 elements to the
    /// rate elements (Miden's layout).
    AdvInsertHperm,
    /// `adv.push_falcon_div`: pushes the quotient and remainder of a u64 by the Falcon
    /// prime (Miden's layout).
    AdvPushFalconDiv,
    /// Pushes the inverse of the quadratic-extension element on the stack (hint used by
    /// `ext2inv`).
    AdvPushExt2Inv,
    /// Pushes the number of leading zeros of the u32 s0 (hint used by `u32clz`).
    AdvPushU32Clz,
    /// Pushes the number of trailing zeros of the u32 s0 (hint used by `u32ctz`).
    AdvPushU32Ctz,
    /// Pushes the number of leading ones of the u32 s0 (hint used by `u32clo`).
    AdvPushU32Clo,
    /// Pushes the number of trailing ones of the u32 s0 (hint used by `u32cto`).
    AdvPushU32Cto,
    /// Pushes floor(log2(s0)) of the field element s0 (hint used by `ilog2`).
    AdvPushIlog2,
    /// `mtree_merge` hint: adds to the Merkle store the tree whose root is the merge of the
    /// trees with roots L (s4..s7, left) and R (s0..s3, right), i.e. `hash::merge(L, R)`.
    AdvMerkleMerge,
    /// `adv.has_mapkey`: pushes 1 onto the advice stack if the key word s0..s3 is in the
    /// advice map, else 0.
    AdvHasMapKey,
    /// `mtree_get` hint on `[d, i, R]`: pushes the node at depth d, index i of the tree with
    /// root R, then for each level from the node up its sibling word and the index bit (the
    /// word popped first), which the instruction's in-VM loop hashes back up to R.
    AdvMtreeGet,
    /// `mtree_verify` hint on `[V, d, i, R]`: fails with `MerkleNodeMismatch` (carrying the
    /// instruction's `.err=` message) unless V is the node at (d, i) of the tree with root R,
    /// then pushes the siblings and index bits as `AdvMtreeGet` does (without the node).
    AdvMtreeVerify(Option<String>),
    /// `mtree_set` hint on `[d, i, R, V']`: pushes what `AdvMtreeGet` pushes for the old
    /// node, and adds the path of V' (same siblings) to the Merkle store, so that the new
    /// root's tree is known to later instructions.
    AdvMtreeSet,
    /// `adv.push_secp256k1_base_inv`: on `[a0, ..., a7]` (eight u32 limbs, limb 0 on top, a
    /// secp256k1 base field element in Montgomery form), pushes its Montgomery-form inverse
    /// c = 2^512 a^-1 mod p (0 when a = 0 mod p), so that eight ADVPOPs (`adv_push.8`) give
    /// `[c0, ..., c7]`. `std::math::secp256k1::base_field::inv` checks it with one
    /// multiplication.
    AdvPushSecp256k1BaseInv,
    /// `adv.push_secp256k1_scalar_inv`: the same modulo the group order n (hint of
    /// `std::math::secp256k1::scalar_field::inv`).
    AdvPushSecp256k1ScalarInv,
    // ---- debugging ----
    /// `debug.stack[.n]`: prints the top n (default all) stack elements.
    DebugStack(Option<u16>),
    /// `debug.mem[.a[.b]]`: prints memory, a cell or the range [a, b].
    DebugMem(Option<u32>, Option<u32>),
    /// `debug.local[.i[.j]]`: prints the current procedure's locals.
    DebugLocal(Option<u16>, Option<u16>),
    /// `debug.adv_stack[.n]`: prints the top n (default all) advice-stack elements.
    DebugAdvStack(Option<u16>),
    /// `trace.N`: reports the trace event N to the host when tracing is enabled.
    Trace(u32),
    /// A text message (used by the assembler for `breakpoint`-like markers).
    Comment(String),
}

#!/usr/bin/env python3
"""Generates stdlib/asm/crypto/hashes/sha256.masm and blake3.masm from the
round code of sha256.py / blake3.py and the hand-written parts below.

Run from anywhere: `python3 -B stdlib/gen/gen_hashes.py` (`--check` only compares, as
tests/stdlib_sha256.rs does). It runs the generated code on random inputs
(stack.Sim) against Python's hashlib and the reference functions before writing.
"""

import hashlib
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))

import blake3 as b3  # noqa: E402
import sha256 as sh  # noqa: E402
from stack import Emitter, Sim, straight_cycles  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "asm", "crypto", "hashes")
FMP = 2  # cycles of the two FMPUPDATEs of a procedure with locals


def be_words(data):
    return [int.from_bytes(data[i : i + 4], "big") for i in range(0, len(data), 4)]


def le_words(data):
    return [int.from_bytes(data[i : i + 4], "little") for i in range(0, len(data), 4)]


def store_words(em, n):
    """Stores the top `n` words (4n elements, first element on top) into locals 0..4n-1,
    the first two elements u32-checked (the rounds check the others)."""
    em.ins("u32assert2")
    names = em.s[: 4 * n]
    for j in range(n):
        em.ins(f"loc_storew.{4 * j}")
        em.ins("dropw")
        del em.s[:4]
    return names


def store_words_kept(em, n):
    """Stores the top `n` words into locals 0..4n-1 as `store_words` does, but leaves them on
    the stack (word `j` brought up by `swapw.j`) for `drop_under_state`: Miden's SHA-256
    procedures end 8 elements shallower than storing and dropping first would leave them on
    a stack at its 16-element floor (the depth never falls below 16, so the dropped message
    frees nothing there and the pushed initial value adds 8)."""
    em.ins("u32assert2")
    for j in range(n):
        if j:
            s = em.s
            em.raw("swapw" if j == 1 else f"swapw.{j}", 4 * (j + 1),
                   s[4 * j : 4 * j + 4] + s[4:4 * j] + s[0:4])
        em.ins(f"loc_storew.{4 * j}")


def drop_under_state(em, n):
    """Drops the `n` words (n even) that lie under the 8-element state on top."""
    for _ in range(n // 2):
        em.raw("swapdw", 16, em.s[8:16] + em.s[0:8])
        for _ in range(2):
            em.ins("dropw")
            del em.s[:4]


# ---- SHA-256 ----------------------------------------------------------------------------


def sha_push_iv(em):
    names = [f"h{i}" for i in range(8)]
    for i in reversed(range(8)):
        em.push(sh.IV[i], names[i])
    return names


def sha_hash_2to1():
    em = Emitter([f"m{i}" for i in range(16)])
    em.comment("store the message: word t in local t ^ 3")
    store_words_kept(em, 4)
    em.flush()
    em.comment("first block: the message, from the initial hash value")
    state = sha_push_iv(em)
    drop_under_state(em, 4)
    w = sh.emit_schedule(em, [("loc", None)] * 16)
    sh.emit_rounds(em, state, w, h_const=sh.IV)
    em.comment("second block: the padding (a constant message, so a constant schedule)")
    pad = [0x80000000] + [0] * 14 + [512]
    w2 = sh.emit_schedule(em, [("const", v) for v in pad])
    assert all(k == "const" for k, _ in w2)
    h1 = em.s[:8]
    state = []
    for i in reversed(range(8)):
        state.insert(0, em.dup(h1[i]))
    sh.emit_rounds(em, state, w2, h_names=h1)
    return em


def sha_hash_1to1():
    em = Emitter([f"m{i}" for i in range(8)])
    em.comment("store the message: word t in local t ^ 3")
    store_words_kept(em, 2)
    em.comment("first (only) block: the message and its padding, from the initial hash value")
    state = sha_push_iv(em)
    drop_under_state(em, 2)
    pad = [0x80000000] + [0] * 6 + [256]
    w = sh.emit_schedule(em, [("loc", None)] * 8 + [("const", v) for v in pad])
    sh.emit_rounds(em, state, w, h_const=sh.IV)
    return em


def sha_compress():
    h = [f"H{i}" for i in range(8)]
    em = Emitter(h + [f"m{i}" for i in range(16)])
    em.comment("store the message block: word t in local t ^ 3")
    em.raw("swapdw", 24, [f"m{i}" for i in range(8)] + h + [f"m{i}" for i in range(8, 16)])
    em.ins("u32assert2")
    for j, k in [(0, 0), (4, 0), (8, 2), (12, 2)]:
        if k:
            em.raw("movupw.2", 12, em.s[8:12] + em.s[0:8])
        em.ins(f"loc_storew.{j}")
        em.ins("dropw")
        del em.s[:4]
    assert em.s == h, em.s
    em.comment("working state: a copy of H")
    state = []
    for i in reversed(range(8)):
        state.insert(0, em.dup(h[i]))
    w = sh.emit_schedule(em, [("loc", None)] * 16)
    sh.emit_rounds(em, state, w, h_names=h)
    return em


def check_sha(em_2to1, em_1to1, em_comp):
    rnd = random.Random(1)
    for _ in range(3):
        msg = bytes(rnd.randrange(256) for _ in range(64))
        out = Sim(be_words(msg) + [7, 8]).run(em_2to1.code())
        assert out == be_words(hashlib.sha256(msg).digest()) + [7, 8], "hash_2to1"
        msg = msg[:32]
        out = Sim(be_words(msg) + [7, 8]).run(em_1to1.code())
        assert out == be_words(hashlib.sha256(msg).digest()) + [7, 8], "hash_1to1"
        h = [rnd.randrange(1 << 32) for _ in range(8)]
        m = [rnd.randrange(1 << 32) for _ in range(16)]
        out = Sim(h + m + [9]).run(em_comp.code())
        assert out == sh.compress_ref(h, m) + [9], "compress"


SHA_HEADER = """\
#! SHA-256 (FIPS 180-4), Miden 0.16/0.17's `std::crypto::hashes::sha256`: `hash_1to1`,
#! `hash_2to1` and `hash_memory` with Miden's stack conventions.
#!
#! Byte order: SHA-256 reads its message as big-endian 32-bit words. A message word is one
#! u32 element holding four bytes, the first of them most significant
#! (`u32::from_be_bytes`), and a digest is eight such elements. On the stack the first word
#! is on top: `[m0, m1, ...]`; the digest is `[dig0, ..., dig7, ...]` (`dig0` = bytes 0..4).
#! A message word that is not a u32 fails with `NotU32`.
#!
#! Memory layout (`hash_memory`): the message is a sequence of words of four elements each,
#! in increasing addresses from `addr` (word-aligned); word `j` holds message words
#! 4j..4j+3 the way `mem_storew` stores `[m4j, m4j+1, m4j+2, m4j+3, ...]` (first on top), so
#! element `addr + i` holds message word `i ^ 3` (within each memory word the message words
#! run from the highest address down), and `mem_loadw` of word `j` gives them back first on
#! top. This is Miden's layout.
#!
#! This file is generated by `stdlib/gen/gen_hashes.py` (a straight-line message schedule
#! with its constant parts folded, the rounds as a loop of 4 rounds over W + K in locals);
#! edit the generator, not this file.
#! Cycle figures count the procedure's own instructions (including its frame-pointer
#! updates and the `exec` of what it calls), not the caller's `exec`.
"""


HASH_MEMORY = """\
#! Hashes the `len` bytes of memory at `addr` (Miden's `hash_memory`, same stack effect and
#! memory layout; see the module doc).
#!
#! Bytes are packed four per element, big-endian: byte `4i + b` is bits 31 - 8b .. 24 - 8b of
#! message word `i`, which lies at element address `addr + (i ^ 3)`. `addr` must be
#! word-aligned (as Miden's, which loads words there; `UnalignedWordAccess` otherwise) and
#! `len` a u32 (`NotU32`). The message is read and not changed: the padding is built in
#! locals, so memory after the message needs no room and no zeros (Miden's writes the
#! padding after the message and needs that space zeroed), and the bytes of the last word
#! past `len` are ignored. Any length works, 0 included.
#!
#! Inputs:  [addr, len, ...]
#! Outputs: [dig0, dig1, dig2, dig3, dig4, dig5, dig6, dig7, ...]
#!
#! Cycles: {cycles}
export.hash_memory.36
    # locals: 0 read pointer, 1 blocks left (then: two final blocks?), 2 len, 3 len mod 64,
    # 4..35 the last two blocks (element k at local 4 + (k ^ 3), the memory layout)
    padw dup.4 mem_loadw dropw
    loc_store.0
    dup loc_store.2
    u32divmod.64
    loc_store.3 loc_store.1
    push.{iv}

    # whole 64-byte blocks, straight from memory
    loc_load.1 neq.0
    while.true
        padw loc_load.0 add.12 mem_loadw movdnw.2
        padw loc_load.0 add.8 mem_loadw movdnw.2
        padw loc_load.0 add.4 mem_loadw movdnw.2
        padw loc_load.0 mem_loadw movdnw.2
        exec.compress
        loc_load.0 add.16 loc_store.0
        loc_load.1 sub.1 dup loc_store.1 neq.0
    end

    # the rest (len mod 64 bytes) and the padding, in locals 4..35 cleared first
    padw
    loc_storew.4 loc_storew.8 loc_storew.12 loc_storew.16
    loc_storew.20 loc_storew.24 loc_storew.28 loc_storew.32
    dropw
    # copy the e = (len mod 64) / 4 whole message words left
    loc_load.3 u32div.4 push.0
    dup.1 dup.1 neq
    while.true
        # [k, e]
        dup u32xor.3
        dup loc_load.0 add mem_load
        swap locaddr.4 add mem_store
        add.1 dup.1 dup.1 neq
    end
    drop
    # word e: its message bytes, then the byte 0x80: (x & keep) + pad with
    # pad = 0x80000000 >> (8 * (len mod 4)) and keep = 2^32 - 2 * pad (the bytes above pad)
    u32xor.3
    loc_load.3 u32and.3 mul.8 push.0x80000000 swap u32shr
    dup.1 loc_load.0 add mem_load
    dup.1 mul.2 neg add.4294967296 u32and
    add
    swap locaddr.4 add mem_store
    # the length in bits, a big-endian u64, in the last two words of the last block (the
    # second block when len mod 64 > 55)
    loc_load.3 u32gt.55 dup loc_store.1
    mul.16 locaddr.4 add
    loc_load.2 push.8 u32overflowing_mul
    dup.2 add.13 mem_store
    swap add.12 mem_store

    padw loc_loadw.16 movdnw.2
    padw loc_loadw.12 movdnw.2
    padw loc_loadw.8 movdnw.2
    padw loc_loadw.4 movdnw.2
    exec.compress
    loc_load.1
    if.true
        padw loc_loadw.32 movdnw.2
        padw loc_loadw.28 movdnw.2
        padw loc_loadw.24 movdnw.2
        padw loc_loadw.20 movdnw.2
        exec.compress
    end
end
"""


def proc(doc, decl, em):
    return f"{doc}{decl}\n{em.code()}\nend\n"


def gen_sha(cycles_memory):
    e2, e1, ec = sha_hash_2to1(), sha_hash_1to1(), sha_compress()
    check_sha(e2, e1, ec)
    parts = [SHA_HEADER]
    parts.append(proc(f"""
#! SHA-256 compression of one 64-byte block into the hash value H (no padding).
#!
#! Inputs:  [H0, H1, H2, H3, H4, H5, H6, H7, m0, m1, ..., m15, ...]
#! Outputs: [H0', H1', H2', H3', H4', H5', H6', H7', ...]
#!
#! Cycles: {ec.cycles + FMP}
""", "proc.compress.64", ec))
    parts.append(proc(f"""
#! SHA-256 of a 64-byte message (16 big-endian words, two blocks with the padding).
#!
#! Inputs:  [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, ...]
#! Outputs: [dig0, dig1, dig2, dig3, dig4, dig5, dig6, dig7, ...]
#!
#! Cycles: {e2.cycles + FMP}
""", "export.hash_2to1.64", e2))
    parts.append(proc(f"""
#! SHA-256 of a 32-byte message (8 big-endian words, one block with the padding).
#!
#! Inputs:  [m0, m1, m2, m3, m4, m5, m6, m7, ...]
#! Outputs: [dig0, dig1, dig2, dig3, dig4, dig5, dig6, dig7, ...]
#!
#! Cycles: {e1.cycles + FMP}
""", "export.hash_1to1.64", e1))
    iv = ".".join(hex(v) for v in reversed(sh.IV))
    parts.append("\n" + HASH_MEMORY.replace("{iv}", iv).replace("{cycles}", cycles_memory))
    return "".join(parts), {"compress": ec.cycles + FMP, "hash_2to1": e2.cycles + FMP,
                            "hash_1to1": e1.cycles + FMP}



# ---- BLAKE3 -----------------------------------------------------------------------------


def b3_store(em, n):
    """Stores the top `n` words (first element on top) into locals 0..4n-1: message word i
    in local i ^ 3. The rounds' U32ADD3 checks each word."""
    for j in range(n):
        em.ins(f"loc_storew.{4 * j}")
        em.ins("dropw")
        del em.s[:4]


def b3_push_state(em, block_len, flags):
    v = [f"v{i}" for i in range(16)]
    consts = b3.IV + b3.IV[:4] + [0, 0, block_len, flags]
    for i in reversed(range(16)):
        em.push(consts[i], v[i])
    return v


def b3_hash_2to1():
    em = Emitter([f"m{i}" for i in range(16)])
    em.comment("store the message: word i in local i ^ 3")
    b3_store(em, 4)
    em.flush()
    em.comment("state: IV, IV[0..4], counter 0, block length 64, CHUNK_START | CHUNK_END | ROOT")
    v = b3_push_state(em, 64, 11)
    b3.emit_compress(em, v, [i ^ 3 for i in range(16)])
    return em


def b3_hash_1to1():
    em = Emitter([f"m{i}" for i in range(8)])
    em.comment("store the message: word i in local i ^ 3 (words 8..16 are zero)")
    b3_store(em, 2)
    em.flush()
    em.comment("state: IV, IV[0..4], counter 0, block length 32, CHUNK_START | CHUNK_END | ROOT")
    v = b3_push_state(em, 32, 11)
    b3.emit_compress(em, v, [i ^ 3 for i in range(8)] + [None] * 8)
    return em


def b3_compress():
    params = ["ctr_lo", "ctr_hi", "blen", "flags"]
    cv = [f"cv{i}" for i in range(8)]
    em = Emitter([f"m{i}" for i in range(16)] + params + cv)
    em.comment("store the message block: word i in local i ^ 3")
    b3_store(em, 4)
    em.comment("state: cv, IV[0..4], counter, block length, flags")
    iv = [f"iv{i}" for i in range(4)]
    for i in reversed(range(4)):
        em.push(b3.IV[i], iv[i])
    b3.emit_compress(em, cv + iv + params, [i ^ 3 for i in range(16)])
    return em


def check_b3(e2, e1, ec):
    rnd = random.Random(2)
    for _ in range(3):
        m = [rnd.randrange(1 << 32) for _ in range(16)]
        out = Sim(m + [5]).run(e2.code())
        assert out == b3.compress_ref(b3.IV, m, 0, 64, 11) + [5], "blake3 hash_2to1"
        data = b"".join(w.to_bytes(4, "little") for w in m)
        assert out[:8] == le_words(b3.hash_ref(data))
        out = Sim(m[:8] + [5]).run(e1.code())
        assert out == b3.compress_ref(b3.IV, m[:8] + [0] * 8, 0, 32, 11) + [5], "hash_1to1"
        assert out[:8] == le_words(b3.hash_ref(data[:32]))
        cv = [rnd.randrange(1 << 32) for _ in range(8)]
        ctr, blen, flags = rnd.randrange(1 << 22), rnd.randrange(65), rnd.randrange(16)
        out = Sim(m + [ctr, 0, blen, flags] + cv + [6]).run(ec.code())
        assert out == b3.compress_ref(cv, m, ctr, blen, flags) + [6], "blake3 compress"


B3_HEADER = """\
#! BLAKE3 (the BLAKE3 paper and reference implementation), Miden 0.16/0.17's
#! `std::crypto::hashes::blake3`: `hash_1to1` and `hash_2to1` with Miden's stack conventions,
#! and `hash_memory` (not in Miden) for any number of bytes in memory.
#!
#! Byte order: BLAKE3 reads its message as little-endian 32-bit words. A message word is one
#! u32 element holding four bytes, the first of them least significant
#! (`u32::from_le_bytes`), and a digest (BLAKE3's default 32-byte output) is eight such
#! elements. On the stack the first word is on top: `[m0, m1, ...]`; the digest is
#! `[dig0, ..., dig7, ...]` (`dig0` = bytes 0..4). A message word that is not a u32 fails
#! with `NotU32`.
#!
#! Memory layout (`hash_memory`): the one of `std::crypto::hashes::sha256::hash_memory`
#! (Miden's): from the word-aligned `addr` up, memory word `j` holds message words
#! 4j..4j+3 as `mem_storew` stores `[m4j, m4j+1, m4j+2, m4j+3, ...]` (first on top), so
#! element `addr + (i ^ 3)` holds message word `i`; here the bytes in a word are
#! little-endian.
#!
#! This file is generated by `stdlib/gen/gen_hashes.py` (straight-line rounds; the 16 state
#! words stay on the stack); edit the generator, not this file. Cycle figures count the
#! procedure's own instructions (including its frame-pointer updates and the `exec` of what
#! it calls), not the caller's `exec`.
"""

B3_PARENT = """\
#! Chaining value of a parent node: the compression of `left || right` from the key (IV)
#! with block length 64, counter 0 and `flags` (PARENT, or PARENT | ROOT for the root).
#!
#! Inputs:  [flags, left_addr, r0, r1, ..., r7, ...]   (left: 2 words at left_addr)
#! Outputs: [cv0, cv1, ..., cv7, ...]
#!
#! Cycles: {cycles}
proc.parent.12
    loc_store.8 loc_store.9
    loc_storew.0 dropw loc_storew.4 dropw
    push.{iv}
    loc_load.8 push.64 push.0 push.0
    padw loc_loadw.4 padw loc_loadw.0
    padw loc_load.9 add.4 mem_loadw
    padw loc_load.9 mem_loadw
    exec.compress
end
"""

B3_HASH_MEMORY = """\
#! Hashes the `len` bytes of memory at `addr` with BLAKE3 (32-byte output); not in Miden.
#!
#! Bytes are packed four per element, little-endian: byte `4i + b` is bits 8b .. 8b + 7 of
#! message word `i`, which lies at element address `addr + (i ^ 3)` (the module doc's
#! layout). `addr` must be word-aligned (`UnalignedWordAccess`) and `len` a u32 (`NotU32`).
#! Memory is only read; bytes of the last word past `len` are ignored. Any length works, 0
#! included: 1024-byte chunks of 64-byte blocks, their chaining values merged in BLAKE3's
#! binary tree (a stack of at most 22 of them in locals).
#!
#! Inputs:  [addr, len, ...]
#! Outputs: [dig0, dig1, dig2, dig3, dig4, dig5, dig6, dig7, ...]
#!
#! Cycles: {cycles}
export.hash_memory.216
    # locals: 0 read pointer, 1 bytes not yet hashed, 2 chunk counter, 3 chaining values on
    # the stack, 4 block counter (then: chunks done), 5 whole blocks before the chunk's last
    # one, 6 bytes in the chunk's last block, 7 last chunk?, 16..31 the last block (word i
    # at local 16 + (i ^ 3)), 32.. the stack of chaining values (8 elements each)
    padw dup.4 mem_loadw dropw
    loc_store.0 loc_store.1
    push.0 loc_store.2 push.0 loc_store.3
    push.1
    while.true
        # this chunk: min(remaining, 1024) bytes, in 1 + (max(bytes, 1) - 1) / 64 blocks
        loc_load.1 u32lte.1024 dup loc_store.7
        if.true loc_load.1 else push.1024 end
        dup dup eq.0 add sub.1 u32div.64
        dup loc_store.5
        mul.64 neg add loc_store.6
        push.{iv}
        push.0 loc_store.4
        loc_load.5 neq.0
        while.true
            # a whole block from memory: CHUNK_START on the chunk's first
            loc_load.4 eq.0 push.64 push.0 loc_load.2
            padw loc_load.0 add.12 mem_loadw
            padw loc_load.0 add.8 mem_loadw
            padw loc_load.0 add.4 mem_loadw
            padw loc_load.0 mem_loadw
            exec.compress
            loc_load.0 add.16 loc_store.0
            loc_load.4 add.1 dup loc_store.4 loc_load.5 neq
        end
        # the chunk's last block (1 to 64 bytes; 0 for the empty message), zero-padded
        padw loc_storew.16 loc_storew.20 loc_storew.24 loc_storew.28 dropw
        loc_load.6 u32div.4 push.0
        dup.1 dup.1 neq
        while.true
            # [k, e]: copy whole word k
            dup u32xor.3
            dup loc_load.0 add mem_load
            swap locaddr.16 add mem_store
            add.1 dup.1 dup.1 neq
        end
        drop
        # [e]: the last word's bytes below len mod 4 when that is not 0
        loc_load.6 u32and.3 dup neq.0
        if.true
            mul.8 push.1 swap u32shl sub.1
            dup.1 u32xor.3 loc_load.0 add mem_load u32and
            swap u32xor.3 locaddr.16 add mem_store
        else
            drop drop
        end
        # flags: CHUNK_END, CHUNK_START if first block, ROOT if the only node left
        push.2 loc_load.4 eq.0 add loc_load.7 loc_load.3 eq.0 and mul.8 add
        loc_load.6 push.0 loc_load.2
        padw loc_loadw.28 padw loc_loadw.24 padw loc_loadw.20 padw loc_loadw.16
        exec.compress
        loc_load.0 add.16 loc_store.0
        loc_load.7
        if.true
            push.0
        else
            # a whole chunk that is not the last: merge while the number of chunks done
            # is even (the tree's complete subtrees), then push the chaining value
            loc_load.1 sub.1024 loc_store.1
            loc_load.2 add.1 dup loc_store.2 loc_store.4
            loc_load.4 u32and.1 eq.0
            while.true
                loc_load.3 sub.1 dup loc_store.3 mul.8 locaddr.32 add push.4
                exec.parent
                loc_load.4 u32shr.1 dup loc_store.4 u32and.1 eq.0
            end
            loc_load.3 mul.8 locaddr.32 add
            dup movdn.5 mem_storew dropw
            add.4 mem_storew dropw
            loc_load.3 add.1 loc_store.3
            push.1
        end
    end
    # the parents left on the stack, the last one the root
    loc_load.3 neq.0
    while.true
        loc_load.3 sub.1 dup loc_store.3
        dup mul.8 locaddr.32 add
        swap eq.0 mul.8 add.4
        exec.parent
        loc_load.3 neq.0
    end
end
"""


def gen_b3(cycles_memory):
    e2, e1, ec = b3_hash_2to1(), b3_hash_1to1(), b3_compress()
    check_b3(e2, e1, ec)
    iv = ".".join(hex(v) for v in reversed(b3.IV))
    parts = [B3_HEADER]
    parts.append(proc(f"""
#! BLAKE3's compression function, the first 8 words of its output (a chaining value, or the
#! 32-byte digest under ROOT).
#!
#! Inputs:  [m0, ..., m15, counter_lo, counter_hi, block_len, flags, cv0, ..., cv7, ...]
#! Outputs: [out0, ..., out7, ...]
#!
#! Cycles: {ec.cycles + FMP}
""", "proc.compress.16", ec))
    parent = B3_PARENT.replace("{iv}", iv)
    body = parent[parent.index("proc.parent.12") :].split("\n", 1)[1]
    body = body.replace("exec.compress", "").replace("end", "")
    # the body, its frame-pointer updates, and compress with its CALL and RET
    parent_cycles = straight_cycles(body) + FMP + ec.cycles + FMP + 2
    parts.append("\n" + parent.replace("{cycles}", str(parent_cycles)))
    parts.append(proc(f"""
#! BLAKE3 of a 64-byte message (16 little-endian words: one chunk of one block).
#!
#! Inputs:  [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, ...]
#! Outputs: [dig0, dig1, dig2, dig3, dig4, dig5, dig6, dig7, ...]
#!
#! Cycles: {e2.cycles + FMP}
""", "export.hash_2to1.16", e2))
    parts.append(proc(f"""
#! BLAKE3 of a 32-byte message (8 little-endian words: one block of length 32).
#!
#! Inputs:  [m0, m1, m2, m3, m4, m5, m6, m7, ...]
#! Outputs: [dig0, dig1, dig2, dig3, dig4, dig5, dig6, dig7, ...]
#!
#! Cycles: {e1.cycles + FMP}
""", "export.hash_1to1.8", e1))
    parts.append("\n" + B3_HASH_MEMORY.replace("{iv}", iv).replace("{cycles}", cycles_memory))
    return "".join(parts), {"compress": ec.cycles + FMP, "hash_2to1": e2.cycles + FMP,
                            "hash_1to1": e1.cycles + FMP}


B3_MEMORY_CYCLES = (
    "2694 + 44254 * (c - 1) - 4 * popcount(c - 1) + 2576 * b + 19 * (r / 4) + 33 * (r mod 4 != 0)"
    "\n#! for c = max(1, ceil(len / 1024)) chunks, the last of n = len - 1024 (c - 1) bytes in"
    "\n#! b = (max(n, 1) - 1) / 64 whole blocks and a last block of r = n - 64 b bytes"
    "\n#! (about 43 cycles a byte)"
)


def main():
    """Writes the modules, or with `--check` fails if the files differ from the output."""
    check = "--check" in sys.argv[1:]
    stale = []
    for name, (src, cycles) in [
        ("sha256.masm", gen_sha(SHA_MEMORY_CYCLES)),
        ("blake3.masm", gen_b3(B3_MEMORY_CYCLES)),
    ]:
        path = os.path.join(OUT, name)
        if check:
            with open(path) as f:
                if f.read() != src:
                    stale.append(name)
        else:
            os.makedirs(OUT, exist_ok=True)
            with open(path, "w") as f:
                f.write(src)
            print(name, cycles)
    if stale:
        sys.exit(f"not what stdlib/gen/gen_hashes.py generates: {', '.join(stale)}")


SHA_MEMORY_CYCLES = (
    "6829 + 6707 * (len / 64) + 19 * ((len mod 64) / 4),\n#! plus 6684 when len mod 64 > 55"
)

if __name__ == "__main__":
    main()

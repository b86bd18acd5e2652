"""BLAKE3 compression (7 rounds of the G function) as straight-line .masm.

Used by gen_hashes.py. The 16 state words stay on the stack, where the emitter tracks them,
so G never moves values it does not touch; message word i of a block lies in local i ^ 3
(where `loc_storew` puts it when the block's words are stored first on top), or is a known
zero.
"""

from stack import M32, rotr

IV = [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB,
      0x5BE0CD19]
PERM = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8]
CHUNK_START, CHUNK_END, PARENT, ROOT = 1, 2, 4, 8


def g_ref(v, a, b, c, d, mx, my):
    v[a] = (v[a] + v[b] + mx) & M32
    v[d] = rotr(v[d] ^ v[a], 16)
    v[c] = (v[c] + v[d]) & M32
    v[b] = rotr(v[b] ^ v[c], 12)
    v[a] = (v[a] + v[b] + my) & M32
    v[d] = rotr(v[d] ^ v[a], 8)
    v[c] = (v[c] + v[d]) & M32
    v[b] = rotr(v[b] ^ v[c], 7)


COLUMNS = [(0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15)]
DIAGONALS = [(0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)]


def compress_ref(cv, m, counter, block_len, flags):
    """The first 8 output words of BLAKE3's compression function."""
    v = list(cv) + IV[:4] + [counter & M32, counter >> 32, block_len, flags]
    m = list(m)
    for r in range(7):
        for i, (a, b, c, d) in enumerate(COLUMNS + DIAGONALS):
            g_ref(v, a, b, c, d, m[2 * i], m[2 * i + 1])
        m = [m[p] for p in PERM]
    return [v[i] ^ v[i + 8] for i in range(8)]


def hash_ref(data):
    """BLAKE3 of `data` (reference tree hash, for the generator's self-check)."""
    def words(b):
        b = b + bytes(64 - len(b))
        return [int.from_bytes(b[i : i + 4], "little") for i in range(0, 64, 4)]

    chunks = [data[i : i + 1024] for i in range(0, len(data), 1024)] or [b""]

    def chunk_cv(ci, chunk, root):
        blocks = [chunk[i : i + 64] for i in range(0, len(chunk), 64)] or [b""]
        cv = IV
        for bi, blk in enumerate(blocks):
            flags = (CHUNK_START if bi == 0 else 0) | (CHUNK_END if bi == len(blocks) - 1 else 0)
            if root and bi == len(blocks) - 1:
                flags |= ROOT
            cv = compress_ref(cv, words(blk), ci, len(blk), flags)
        return cv

    def tree(lo, hi, root):
        if hi - lo == 1:
            return chunk_cv(lo, chunks[lo], root)
        n = 1
        while 2 * n < hi - lo:
            n *= 2
        left, right = tree(lo, lo + n, False), tree(lo + n, hi, False)
        return compress_ref(IV, left + right, 0, 64, PARENT | (ROOT if root else 0))

    out = tree(0, len(chunks), True)
    return b"".join(w.to_bytes(4, "little") for w in out)


def emit_g(em, v, a, b, c, d, mx, my):
    """One G on the state names v[a], v[b], v[c], v[d]; mx/my are a local index or None
    (a zero word)."""
    def add3(x, y, m):
        if m is None:
            return em.op("u32wrapping_add", [(x, False), (y, True)])
        em.fetch_all([(x, False), (y, True)])
        w = em.loc_load(m)
        return em.op("u32wrapping_add3", [(w, False)] + [(n, False) for n in em.s[1:3]])

    def xr(x, y, k):
        t = em.op("u32xor", [(x, False), (y, True)])
        return em.un(f"u32rotr.{k}", t)

    def addc(x, y):
        return em.op("u32wrapping_add", [(x, False), (y, True)])

    v[a] = add3(v[a], v[b], mx)
    v[d] = xr(v[d], v[a], 16)
    v[c] = addc(v[c], v[d])
    v[b] = xr(v[b], v[c], 12)
    v[a] = add3(v[a], v[b], my)
    v[d] = xr(v[d], v[a], 8)
    v[c] = addc(v[c], v[d])
    v[b] = xr(v[b], v[c], 7)


def emit_compress(em, v, m):
    """7 rounds on the 16 state names `v` with message sources `m` (local index or None),
    then [out0, ..., out7] = v[i] ^ v[i + 8] on top."""
    v = list(v)
    m = list(m)
    for r in range(7):
        em.comment(f"round {r}: G on the columns, then on the diagonals (a line each)")
        for i, (a, b, c, d) in enumerate(COLUMNS + DIAGONALS):
            emit_g(em, v, a, b, c, d, m[2 * i], m[2 * i + 1])
            em.flush()
        m = [m[p] for p in PERM]
    em.comment("output: v[i] ^ v[i + 8]")
    for i in reversed(range(8)):
        em.op("u32xor", [(v[i], False), (v[i + 8], False)])

"""SHA-256 compression rounds and message schedule as straight-line .masm (FIPS 180-4).

Used by gen_hashes.py. Message word t < 16 of a block lies in local `t ^ 3` (the slot
`loc_storew` gives it when the block's words are stored top first, four at a time); word
t >= 16 of the schedule in local t. The rounds then read W[t] + K[t] from local t
(`emit_round_constants`) in a loop of 16 iterations of 4 rounds.
"""

from stack import M32, Emitter, fresh, rotr


def _root_frac(p, n, bits=32):
    """floor(frac(p^(1/n)) * 2^bits), exactly (integer n-th root)."""
    x = p << (n * bits)
    lo, hi = 0, 1 << (bits + 8)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid**n <= x:
            lo = mid
        else:
            hi = mid - 1
    return lo & M32


def _primes(n):
    ps, c = [], 2
    while len(ps) < n:
        if all(c % p for p in ps):
            ps.append(c)
        c += 1
    return ps


K = [_root_frac(p, 3) for p in _primes(64)]
IV = [_root_frac(p, 2) for p in _primes(8)]
assert K[0] == 0x428A2F98 and K[63] == 0xC67178F2
assert IV[0] == 0x6A09E667 and IV[7] == 0x5BE0CD19


def slot(t):
    return t ^ 3 if t < 16 else t


def small_sigma0(x):
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)


def small_sigma1(x):
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10)


def big_sigma0(x):
    return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22)


def big_sigma1(x):
    return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25)


def compress_ref(h, w16):
    """Reference compression function (for the generator's self-check)."""
    w = list(w16)
    for t in range(16, 64):
        w.append((small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16]) & M32)
    a, b, c, d, e, f, g, hh = h
    for t in range(64):
        ch = (e & f) ^ (~e & g & M32)
        maj = (a & b) ^ (a & c) ^ (b & c)
        t1 = (hh + big_sigma1(e) + ch + K[t] + w[t]) & M32
        t2 = (big_sigma0(a) + maj) & M32
        a, b, c, d, e, f, g, hh = (t1 + t2) & M32, a, b, c, (d + t1) & M32, e, f, g
    return [(x + y) & M32 for x, y in zip(h, [a, b, c, d, e, f, g, hh])]


def emit_schedule(em, w):
    """Extends the 16 sources `w` to 64, emitting the code that computes and stores the
    non-constant ones."""
    w = list(w)
    for t in range(16, 64):
        parts = [(w[t - 2], small_sigma1, (17, 2, 10)), (w[t - 15], small_sigma0, (7, 11, 3)),
                 (w[t - 7], None, None), (w[t - 16], None, None)]
        const = 0
        dyn = []
        for (kind, v), f, rot in parts:
            if kind == "const":
                const += f(v) if f else v
            else:
                dyn.append((t, kind, v, f, rot))
        const &= M32
        if not dyn:
            w.append(("const", const))
            continue
        em.comment(f"W[{t}] = sigma1(W[{t - 2}]) + W[{t - 7}] + sigma0(W[{t - 15}]) + W[{t - 16}]")
        vals = []
        src_t = {0: t - 2, 1: t - 15, 2: t - 7, 3: t - 16}
        for i, ((kind, v), f, rot) in enumerate(parts):
            if kind == "const":
                continue
            x = em.loc_load(slot(src_t[i]))
            if f:
                r1, r2, sh = rot
                # sigma(x) = rotr(x ^ rotr(x, r2), r1) ^ (x >> sh)
                y = em.un(f"u32rotr.{r2}", x, keep=True)
                y = em.op("u32xor", [(y, False), (x, True)])
                y = em.un(f"u32rotr.{r1}", y)
                z = em.un(f"u32shr.{sh}", x)
                x = em.op("u32xor", [(y, False), (z, False)])
            vals.append(x)
            em.flush()
            if len(vals) == 2:
                vals = [em.op("add", [(vals[0], False), (vals[1], False)])]
        acc = vals[0]
        if const:
            em.ins(f"add.{const}")
        if const or len(dyn) > 1:
            acc = em.un("u32cast", acc)
        em.loc_store(t, acc)
        w.append(("loc", None))
    return w


ROUNDS_PER_ITERATION = 4


def emit_round_constants(em, w):
    """Stores W[t] + K[t] of every round t in local t, over the schedule's words (the rounds
    read them in order through one pointer, so that they can run as a loop). Word t >= 16
    lies in local t already; the block's words (local t ^ 3) are loaded four at a time before
    any of their locals is overwritten; a constant word is folded into one push."""
    for g in range(0, 64, 4):
        loaded = {t: em.loc_load(slot(t)) for t in range(g, g + 4) if w[t][0] != "const"}
        for t in range(g, g + 4):
            kind, v = w[t]
            if kind == "const":
                x = em.push((K[t] + v) & M32)
            else:
                x = em.up(loaded[t])
                em.ins(f"add.{K[t]}")
            em.loc_store(t, x)
        em.flush()


def emit_big_sigma(em, v, r1, r2, r3):
    """rotr(v ^ rotr(v, r1) ^ rotr(v, r2), r3) of a copy of `v` (the big sigmas, with the
    outer rotation taken out: S1 = (5, 19, 6), S0 = (11, 20, 2))."""
    x = em.dup(v)
    y = em.un(f"u32rotr.{r1}", x, keep=True)
    z = em.un(f"u32rotr.{r2}", x, keep=True)
    y = em.op("u32xor", [(y, False), (z, False)])
    y = em.op("u32xor", [(y, False), (x, False)])
    return em.un(f"u32rotr.{r3}", y)


def emit_round(em, state, cache, p, i):
    """Round `i` of a loop iteration on the 8 state names (a..h): reads W + K at `p + i`, and
    takes b ^ c from `cache` (the a ^ b of the round before). Returns the new state and the
    new cache."""
    a, b, c, d, e, f, g, h = state
    em.comment(f"round {i} of {ROUNDS_PER_ITERATION}: T1 = h + S1(e) + Ch(e, f, g) + K + W; e' = d + T1; a' = T1 + S0(a) + Maj(a, b, c)")
    # S1 = rotr(e ^ rotr(e, 5) ^ rotr(e, 19), 6)
    s1 = emit_big_sigma(em, e, 5, 19, 6)
    # Ch = g ^ (e & (f ^ g))
    fg = em.op("u32xor", [(f, True), (g, True)])
    fg = em.op("u32and", [(fg, False), (e, True)])
    ch = em.op("u32xor", [(fg, False), (g, True)])
    t1 = em.op("add", [(ch, False), (s1, False)])
    t1 = em.op("add", [(t1, False), (h, False)])
    addr = em.dup(p)
    if i:
        em.ins(f"add.{i}")
    wk = em.un("mem_load", addr)
    t1 = em.op("add", [(t1, False), (wk, False)])
    em.flush()
    # e' = d + T1
    en = em.op("add", [(t1, True), (d, False)])
    en = em.un("u32cast", en)
    em.flush()
    # Maj = b ^ ((a ^ b) & (b ^ c))
    ab = em.op("u32xor", [(a, True), (b, True)])
    m = em.op("u32and", [(ab, True), (cache, False)])
    maj = em.op("u32xor", [(m, False), (b, True)])
    # S0 = rotr(a ^ rotr(a, 11) ^ rotr(a, 20), 2)
    s0 = emit_big_sigma(em, a, 11, 20, 2)
    t2 = em.op("add", [(s0, False), (maj, False)])
    an = em.op("add", [(t2, False), (t1, False)])
    an = em.un("u32cast", an)
    return [an, a, b, c, en, e, f, g], ab


def emit_rounds(em, state, w, h_const=None, h_names=None):
    """64 rounds on the 8 state names `state` (a..h) with message sources `w` (64 of them),
    then the final addition of the initial state: the constants `h_const`, or the values
    `h_names` deeper on the stack. Leaves [H'0, ..., H'7] on top.

    The rounds run as a loop of 16 iterations of 4 rounds over W + K in locals 0..63
    (`emit_round_constants`): the code is about a tenth of 64 rounds written out, which
    matters more than the loop's cycles because the prover attests every instruction of
    the program at 2 trace rows each (docs/performance.md, "Program attestation")."""
    emit_round_constants(em, w)
    em.comment("the rounds, 4 per iteration: [a, b, c, d, e, f, g, h, b ^ c, address of W + K, ...]")
    cache = em.op("u32xor", [(state[1], True), (state[2], True)])
    p = fresh("p")
    em.raw("locaddr.0", 0, [p])
    em.arrange(list(state) + [cache, p])
    below = em.s[10:]
    loop = {"state": list(state), "cache": cache}

    def iteration(em):
        st, ca = loop["state"], loop["cache"]
        for i in range(ROUNDS_PER_ITERATION):
            st, ca = emit_round(em, st, ca, p, i)
        em.up(p)
        em.ins(f"add.{ROUNDS_PER_ITERATION}")
        em.flush()
        em.arrange(st + [ca, p])
        assert em.s[10:] == below
        # The next iteration's code is the same: it finds its values where this one's were.
        em.s[:10] = loop["state"] + [loop["cache"], p]

    em.repeat(64 // ROUNDS_PER_ITERATION, iteration)
    a, b, c, d, e, f, g, h = state
    em.drop(p)
    em.drop(cache)
    state = [a, b, c, d, e, f, g, h]
    em.comment("add the initial state")
    for i in reversed(range(8)):
        if h_const is not None:
            em.up(state[i])
            em.ins(f"add.{h_const[i]}")
            em.un("u32cast", state[i])
        else:
            em.op("u32wrapping_add", [(state[i], False), (h_names[i], False)])

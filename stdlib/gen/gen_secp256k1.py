#!/usr/bin/env python3
"""Generates the secp256k1 modules: stdlib/asm/math/secp256k1/{base_field, scalar_field,
group}.masm and stdlib/asm/crypto/dsa/ecdsa/secp256k1.masm.

Run from anywhere: `python3 -B stdlib/gen/gen_secp256k1.py` (`--check` only compares, as
tests/stdlib_secp256k1.rs does). The straight-line field code is run on random inputs
(a `stack.Sim` extended with the u32 operations used here) against Python's integers
before anything is written.

Conventions (Miden 0.16/0.17's): a 256-bit value is eight u32 limbs, least significant on
top (`[a0, a1, ..., a7, ...]`); field elements are in Montgomery form with R = 2^256.
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))

import stack  # noqa: E402
from stack import Emitter, Sim  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "asm")
M32 = (1 << 32) - 1
R = 1 << 256

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
GX = 0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798
GY = 0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8
FMP = 2  # cycles of the two FMPUPDATEs of a procedure with locals
EXEC = 2  # cycles of an `exec` (CALL and RET)

stack.COST.update(
    {
        "u32overflowing_mul": 1, "u32overflowing_madd": 1, "u32overflowing_add": 1,
        "u32overflowing_add3": 1, "u32overflowing_sub": 1, "u32wrapping_mul": 2,
        "mul": 1, "sub": 2, "cdrop": 2, "dupw.1": 4,
    }
)


def limbs(x):
    return [(x >> (32 * i)) & M32 for i in range(8)]


def from_limbs(ls):
    return sum(v << (32 * i) for i, v in enumerate(ls))


def push_limbs(x):
    """`push` of the eight limbs of x, limb 0 ending on top."""
    return "push." + ".".join(str(v) for v in reversed(limbs(x)))


def loc_of(k, base=0):
    """Local holding limb k of an element stored by `loc_storew.base dropw
    loc_storew.base+4 dropw` (s0 goes to the highest address of a word)."""
    return base + 4 * (k // 4) + 3 - k % 4


class FieldSim(Sim):
    def step(self, tok):
        s = self.s
        name, _, imm = tok.partition(".")

        def u32(x):
            assert 0 <= x <= M32, f"{tok}: {x} is not a u32"
            return x

        if name == "u32overflowing_mul":
            b, a = u32(s.pop(0)), u32(s.pop(0))
            s[0:0] = [(a * b) >> 32, (a * b) & M32]
        elif name == "u32wrapping_mul":
            b, a = u32(s.pop(0)), u32(s.pop(0))
            s.insert(0, (a * b) & M32)
        elif name == "u32overflowing_madd":
            b, a, c = u32(s.pop(0)), u32(s.pop(0)), u32(s.pop(0))
            v = a * b + c
            s[0:0] = [v >> 32, v & M32]
        elif name == "u32overflowing_add":
            b, a = u32(s.pop(0)), u32(s.pop(0))
            s[0:0] = [(a + b) >> 32, (a + b) & M32]
        elif name == "u32overflowing_add3":
            c, b, a = u32(s.pop(0)), u32(s.pop(0)), u32(s.pop(0))
            v = a + b + c
            s[0:0] = [v >> 32, v & M32]
        elif name == "u32overflowing_sub":
            b, a = u32(s.pop(0)), u32(s.pop(0))
            s[0:0] = [1 if a < b else 0, (a - b) & M32]
        elif name == "mul":
            b = s.pop(0)
            s[0] = s[0] * b
        elif name == "sub":
            b = s.pop(0)
            s[0] = s[0] - b
        elif name == "cdrop":
            c, b, a = s.pop(0), s.pop(0), s.pop(0)
            assert c in (0, 1)
            s.insert(0, b if c else a)
        else:
            super().step(tok)


# ---- field code (straight line, on a tracked stack) ---------------------------------------


def two(em, instr, outs):
    """`instr` on the values already on top, pushing two results (top first)."""
    em.ins(instr)
    n = {"u32overflowing_madd": 3, "u32overflowing_add3": 3}.get(instr, 2)
    del em.s[:n]
    em.s[0:0] = list(outs)


def add_carry(em, x, c):
    """(x + c) as (carry, sum) for u32 x, c; returns (carry, sum) names."""
    em.fetch_all([(x, False), (c, False)])
    carry, s = stack.fresh("k"), stack.fresh("s")
    two(em, "u32overflowing_add", [carry, s])
    return carry, s


def madd(em, c, a, a_keep, b_src, b_keep=False):
    """(hi, lo) of a * b + c, with b either ("loc", i), ("const", v) or ("val", name)."""
    em.fetch(c, False)
    em.fetch(a, a_keep)
    kind, v = b_src
    if kind == "loc":
        em.loc_load(v)
    elif kind == "const":
        em.push(v)
    else:
        em.fetch(v, b_keep)
    hi, lo = stack.fresh("h"), stack.fresh("l")
    two(em, "u32overflowing_madd", [hi, lo])
    return hi, lo


def reduce_once(em, t, t8, m):
    """Replaces t (t0..t7 names, t8 in {0, 1}) by t - m when t >= m; returns eight names."""
    ml = limbs(m)
    em.comment("t >= m?  (the borrow of t - m)")
    borrow = None
    for j in range(8):
        em.dup(t[j])
        em.push(ml[j])
        b1, d = stack.fresh("b"), stack.fresh("d")
        two(em, "u32overflowing_sub", [b1, d])
        if borrow is None:
            em.drop(d)
            borrow = b1
        else:
            em.fetch(d, False)
            em.fetch(borrow, False)
            b2, d2 = stack.fresh("b"), stack.fresh("d")
            two(em, "u32overflowing_sub", [b2, d2])
            em.drop(d2)
            borrow = em.op("add", [(b1, False), (b2, False)])
    # subtract m when t8 = 1 or there was no borrow: flag = 1 - borrow + t8
    em.fetch(t8, False)
    em.fetch(borrow, False)
    em.ins("sub")
    del em.s[:2]
    f = stack.fresh("f")
    em.s.insert(0, f)
    em.ins("add.1")
    em.comment("t - flag * m")
    out = []
    borrow = None
    for j in range(8):
        em.fetch(t[j], False)
        em.push(ml[j])
        em.dup(f)
        prod = em.op("mul", [(em.s[0], False), (em.s[1], False)])
        assert em.s[1] == t[j]
        b1, d = stack.fresh("b"), stack.fresh("d")
        two(em, "u32overflowing_sub", [b1, d])
        if borrow is None:
            borrow, cur = b1, d
        else:
            em.fetch(d, False)
            em.fetch(borrow, False)
            b2, d2 = stack.fresh("b"), stack.fresh("d")
            two(em, "u32overflowing_sub", [b2, d2])
            borrow = em.op("add", [(b1, False), (b2, False)])
            cur = d2
        _ = prod
        out.append(cur)
    em.drop(borrow)
    em.drop(f)
    return out


def arrange(em, out):
    """Brings out[7], ..., out[0] up so that out[0] ends on top."""
    for v in reversed(out):
        em.up(v)
    assert em.s == out, em.s


def field_mul(m):
    """Montgomery multiplication (CIOS): a * b / 2^256 mod m, fully reduced."""
    n_prime = (-pow(m, -1, 1 << 32)) % (1 << 32)
    ml = limbs(m)
    em = Emitter([f"a{i}" for i in range(8)] + [f"b{i}" for i in range(8)])
    em.comment("a in locals 0..7, b in locals 8..15")
    for w in range(4):
        em.ins(f"loc_storew.{4 * w}")
        em.ins("dropw")
        del em.s[:4]
    assert em.s == []
    t = [None] * 10
    for i in range(8):
        em.comment(f"t += a{i} * b")
        ai = em.loc_load(loc_of(i), f"A{i}")
        c = None
        for j in range(8):
            bj = ("loc", loc_of(j, 8))
            if i == 0:
                if j == 0:
                    em.dup(ai)
                    em.loc_load(bj[1])
                    hi, lo = stack.fresh("h"), stack.fresh("l")
                    two(em, "u32overflowing_mul", [hi, lo])
                else:
                    hi, lo = madd(em, c, ai, j < 7, bj)
                c, t[j] = hi, lo
            else:
                hi, lo = madd(em, t[j], ai, j < 7, bj)
                if j == 0:
                    c, t[j] = hi, lo
                else:
                    k, s = add_carry(em, lo, c)
                    c = em.op("add", [(k, False), (hi, False)])
                    t[j] = s
        if i == 0:
            t[8], t[9] = c, None
        else:
            k, s = add_carry(em, t[8], c)
            t[8], t[9] = s, k
        em.comment(f"t = (t + q * m) / 2^32 with q = t0 * {n_prime} mod 2^32")
        em.dup(t[0])
        em.push(n_prime)
        q = em.op("u32wrapping_mul", [(em.s[0], False), (em.s[1], False)])
        hi, lo = madd(em, t[0], q, True, ("const", ml[0]))
        em.drop(lo)
        c = hi
        for j in range(1, 8):
            hi, lo = madd(em, t[j], q, j < 7, ("const", ml[j]))
            k, s = add_carry(em, lo, c)
            c = em.op("add", [(k, False), (hi, False)])
            t[j - 1] = s
        k, s = add_carry(em, t[8], c)
        t[7] = s
        if t[9] is None:
            t[8] = k
        else:
            t[8] = em.op("add", [(k, False), (t[9], False)])
        t[9] = None
    em.comment("t < 2m: subtract m once if needed")
    out = reduce_once(em, t[:8], t[8], m)
    arrange(em, out)
    return em


def field_add(m):
    em = Emitter([f"a{i}" for i in range(8)] + [f"b{i}" for i in range(8)])
    em.comment("t = a + b (257 bits)")
    s = []
    carry = None
    for j in range(8):
        if carry is None:
            em.fetch_all([(f"a{j}", False), (f"b{j}", False)])
            k, v = stack.fresh("k"), stack.fresh("s")
            two(em, "u32overflowing_add", [k, v])
        else:
            em.fetch_all([(f"a{j}", False), (f"b{j}", False), (carry, False)])
            k, v = stack.fresh("k"), stack.fresh("s")
            two(em, "u32overflowing_add3", [k, v])
        carry = k
        s.append(v)
    em.comment("t < 2m: subtract m once if needed")
    out = reduce_once(em, s, carry, m)
    arrange(em, out)
    return em


def field_sub(m):
    """a - b mod m: the 256-bit difference, plus m when it borrows."""
    ml = limbs(m)
    em = Emitter([f"a{i}" for i in range(8)] + [f"b{i}" for i in range(8)])
    em.comment("d = a - b mod 2^256 and its borrow")
    d = []
    borrow = None
    for j in range(8):
        em.fetch(f"a{j}", False)
        em.fetch(f"b{j}", False)
        b1, v = stack.fresh("b"), stack.fresh("d")
        two(em, "u32overflowing_sub", [b1, v])
        if borrow is None:
            borrow = b1
        else:
            em.fetch(v, False)
            em.fetch(borrow, False)
            b2, v2 = stack.fresh("b"), stack.fresh("d")
            two(em, "u32overflowing_sub", [b2, v2])
            borrow = em.op("add", [(b1, False), (b2, False)])
            v = v2
        d.append(v)
    em.comment("d + borrow * m mod 2^256")
    out = []
    carry = None
    for j in range(8):
        em.fetch(d[j], False)
        em.push(ml[j])
        em.dup(borrow)
        em.op("mul", [(em.s[0], False), (em.s[1], False)])
        if carry is None:
            k, v = stack.fresh("k"), stack.fresh("s")
            two(em, "u32overflowing_add", [k, v])
        else:
            em.fetch(carry, False)
            k, v = stack.fresh("k"), stack.fresh("s")
            two(em, "u32overflowing_add3", [k, v])
        carry = k
        out.append(v)
    em.drop(carry)
    em.drop(borrow)
    arrange(em, out)
    return em


def check_field(m, em_mul, em_add, em_sub):
    rnd = random.Random(7)
    rinv = pow(R, -1, m)
    cases = [(0, 0), (m - 1, m - 1), (1, m - 1), (m - 1, 1), (0, m - 1)]
    cases += [(rnd.randrange(m), rnd.randrange(m)) for _ in range(200)]
    for a, b in cases:
        below = [11, 12]
        out = FieldSim(limbs(a) + limbs(b) + below).run(em_mul.code())
        assert out == limbs(a * b * rinv % m) + below, ("mul", a, b)
        out = FieldSim(limbs(a) + limbs(b) + below).run(em_add.code())
        assert out == limbs((a + b) % m) + below, ("add", a, b)
        out = FieldSim(limbs(a) + limbs(b) + below).run(em_sub.code())
        assert out == limbs((a - b) % m) + below, ("sub", a, b)


# ---- module text ----------------------------------------------------------------------------


def doc(text):
    return "\n".join(("#! " + line).rstrip() for line in text.strip("\n").splitlines())


def proc(kind, name, n_locals, docs, body, cycles):
    head = f"{kind}.{name}" + (f".{n_locals}" if n_locals else "")
    text = doc(docs.format(cycles=cycles)) + "\n" + head + "\n" + body.rstrip() + "\nend\n"
    return text


def inv_body(m, mul_cycles, sqr_cycles):
    """a^(m - 2) by left-to-right square-and-multiply over the constant exponent: the base in
    locals 0..7, the accumulator on the stack (starting at a for the leading 1 bit)."""
    e = m - 2
    bits = bin(e)[3:]  # after the leading 1
    lines = [
        "    # the base in locals 0..7; the accumulator starts at a (the exponent's top bit)",
        "    loc_storew.0 swapw loc_storew.4 swapw",
    ]
    load = "padw loc_loadw.4 padw loc_loadw.0 exec.mul"
    cycles = FMP + 6
    # runs of equal bits
    i = 0
    while i < len(bits):
        j = i
        while j < len(bits) and bits[j] == bits[i]:
            j += 1
        run = j - i
        if bits[i] == "1":
            step, step_cycles = f"exec.sqr {load}", sqr_cycles + EXEC + 12 + mul_cycles + EXEC
        else:
            step, step_cycles = "exec.sqr", sqr_cycles + EXEC
        # written out (a `repeat` would add its loop's cycles)
        for k in range(0, run, 4):
            lines.append("    " + " ".join([step] * min(4, run - k)))
        cycles += run * step_cycles
        i = j
    return "\n".join(lines), cycles


def gen_field(name, m, full):
    em_mul, em_add, em_sub = field_mul(m), field_add(m), field_sub(m)
    check_field(m, em_mul, em_add, em_sub)
    what = "base field (p = 2^256 - 2^32 - 977)" if name == "base" else "scalar field (the group order n)"
    sym = "p" if name == "base" else "n"
    mul_cycles = em_mul.cycles + FMP
    sqr_cycles = 8 + mul_cycles + EXEC
    parts = []
    header = f"""\
#! secp256k1 {what}, Miden 0.16/0.17's `std::math::secp256k1::{name}_field`, with Miden's
#! stack conventions: an element is eight u32 limbs, least significant on top
#! (`[a0, a1, ..., a7, ...]`, value = sum of a_i * 2^(32 i)), in Montgomery form (a stands for
#! a * 2^-256 mod {sym}; `to_mont`/`from_mont` convert).
#!
#! Results are fully reduced (in [0, {sym})) when the inputs are; any u32 limbs give a
#! result congruent to the right one. A limb that is not a u32 fails with `NotU32`.
#!
#! This file is generated by `stdlib/gen/gen_secp256k1.py`; edit the generator, not this
#! file. Cycle figures count the procedure's own instructions (including its frame-pointer
#! updates and the `exec` of what it calls), not the caller's `exec`.
"""
    parts.append(header)
    parts.append(
        proc(
            "export", "mul", 16,
            f"""
Montgomery multiplication: c = a * b * 2^-256 mod {sym} (the product of the two elements
in Montgomery form), by word-by-word Montgomery reduction (CIOS).

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {{cycles}}
""",
            em_mul.code(), mul_cycles,
        )
    )
    parts.append(
        proc(
            "proc", "sqr", 0,
            """
c = a * a (Montgomery form).

Inputs:  [a0, ..., a7, ...]
Outputs: [c0, ..., c7, ...]

Cycles: {cycles}
""",
            "    dupw.1 dupw.1 exec.mul", sqr_cycles,
        )
    )
    if full:
        parts.append(
            proc(
                "export", "add", 0,
                """
c = a + b mod p.

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {cycles}
""",
                em_add.code(), em_add.cycles,
            )
        )
        parts.append(
            proc(
                "export", "neg", 0,
                """
c = -a mod p (0 for 0).

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {cycles}
""",
                "    push.0.0.0.0.0.0.0.0 exec.sub", 8 + em_sub.cycles + EXEC,
            )
        )
        parts.append(
            proc(
                "export", "sub", 0,
                """
c = a - b mod p.

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {cycles}
""",
                em_sub.code(), em_sub.cycles,
            )
        )
        parts.append(
            proc(
                "export", "to_mont", 0,
                """
Converts a (a plain 256-bit integer below p) to Montgomery form: c = a * 2^256 mod p
(a Montgomery multiplication by 2^512 mod p).

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {cycles}
""",
                "    " + push_limbs(R * R % m) + " exec.mul", 8 + mul_cycles + EXEC,
            )
        )
    parts.append(
        proc(
            "export", "from_mont", 0,
            f"""
Converts a Montgomery-form element back to a plain integer: c = a * 2^-256 mod {sym}
(a Montgomery multiplication by 1).

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {{cycles}}
""",
            "    push.0.0.0.0.0.0.0.1 exec.mul", 8 + mul_cycles + EXEC,
        )
    )
    body, inv_cycles = inv_body(m, mul_cycles, sqr_cycles)
    parts.append(
        proc(
            "export", "inv", 8,
            f"""
Multiplicative inverse, both in Montgomery form: c = a^({sym} - 2) (Fermat), so that
a * c = 1; the inverse of 0 is 0 (as in Miden). A fixed sequence of 255 squarings and one
multiplication per set bit of {sym} - 2 (no advice).

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {{cycles}}
""",
            body, inv_cycles,
        )
    )
    cycles = {
        "mul": mul_cycles, "sqr": sqr_cycles, "add": em_add.cycles,
        "sub": em_sub.cycles, "neg": 8 + em_sub.cycles + EXEC,
        "to_mont": 8 + mul_cycles + EXEC, "from_mont": 8 + mul_cycles + EXEC,
        "inv": inv_cycles,
    }
    return "\n".join(parts), cycles


def main():
    check = "--check" in sys.argv[1:]
    base, base_cycles = gen_field("base", P, True)
    scalar, scalar_cycles = gen_field("scalar", N, False)
    files = [
        ("math/secp256k1/base_field.masm", base),
        ("math/secp256k1/scalar_field.masm", scalar),
    ]
    if "--cycles" in sys.argv[1:]:
        print("base", base_cycles)
        print("scalar", scalar_cycles)
    stale = []
    for rel, src in files:
        path = os.path.join(ROOT, rel)
        if check:
            with open(path) as f:
                if f.read() != src:
                    stale.append(rel)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(src)
    if stale:
        sys.exit(f"stale (run stdlib/gen/gen_secp256k1.py): {', '.join(stale)}")


if __name__ == "__main__":
    main()

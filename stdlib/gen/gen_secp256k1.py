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
    if sorted((em.s.index(x), em.s.index(c))) == [1, 2]:
        # [h, x, c] or [h, c, x]: sink the top instead of raising both
        em.ins("movdn.2")
        em.s.insert(2, em.s.pop(0))
    else:
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


INV_LOCALS = 16

# Cycles of `inv` besides its multiplication and borrow chain, measured by
# tests/stdlib_secp256k1.rs (which checks every figure): the hint, loads and stores, the two
# limb checks and the branch (the comparison with one is `eq_cycles`); for a = 0 mod m the
# other branch's.
INV_OWN_CYCLES = 51
INV_ZERO_EXTRA_CYCLES = 80


def eq_const(x):
    """[v0..v7] (consumed) -> [v == x] for the constant x."""
    ls = limbs(x)
    return f"eq.{ls[0]} " + " ".join(f"swap eq.{ls[i]} and" for i in range(1, 8))


def eq_cycles(x):
    """Cycles of `eq_const(x)`: `eq.0` is one operation (EQZ), another `eq.c` two (PUSH, EQ),
    and each `swap ... and` two more."""
    return sum(1 if v == 0 else 2 for v in limbs(x)) + 7 * 2


def inv_body(m, name, mul_cycles):
    """The inverse taken as advice (`adv.push_secp256k1_{name}_inv`) and checked: c is
    eight u32 limbs below m, and a * c (Montgomery product) is one (R mod m), or, for a = 0
    mod m (a is 0 or m itself), c is 0. R mod m = 2^256 - m, so a product congruent to one
    is one: no other representative fits in 256 bits."""
    sym = "p" if name == "base" else "n"
    below = below_emitter(m)
    lines = [
        f"    adv.push_secp256k1_{name}_inv",
        "    # a in locals 0..7 (kept on the stack), then c = the hint, u32 limbs below " + sym,
        "    loc_storew.0 swapw loc_storew.4 swapw",
        "    adv_push.8 u32assertw swapw u32assertw swapw",
        below.code() + f' assert.err="secp256k1 inverse hint is not below {sym}"',
        "    loc_storew.8 swapw loc_storew.12 swapw",
        "    # a * c == 1 (Montgomery form: R mod " + sym + ")",
        "    exec.mul",
        "    " + eq_const(R % m),
        "    if.true",
        "        padw loc_loadw.12 padw loc_loadw.8",
        "    else",
        f"        # no inverse: a must be 0 or {sym} itself, and c 0",
        "        padw loc_loadw.12 padw loc_loadw.8 add add add add add add add",
        '        assertz.err="secp256k1 inverse hint is wrong"',
        "        padw loc_loadw.4 padw loc_loadw.0 add add add add add add add eq.0",
        "        padw loc_loadw.4 padw loc_loadw.0 " + eq_const(m) + " or",
        '        assert.err="secp256k1 inverse hint is wrong"',
        "        push.0.0.0.0.0.0.0.0",
        "    end",
    ]
    cycles = INV_OWN_CYCLES + eq_cycles(R % m) + below.cycles + mul_cycles + EXEC
    return "\n".join(lines), cycles, cycles + INV_ZERO_EXTRA_CYCLES


def gen_field(name, m, full):
    em_mul, em_add, em_sub = field_mul(m), field_add(m), field_sub(m)
    check_field(m, em_mul, em_add, em_sub)
    what = "base field (p = 2^256 - 2^32 - 977)" if name == "base" else "scalar field (the group order n)"
    sym = "p" if name == "base" else "n"
    mul_cycles = em_mul.cycles + FMP
    parts = []
    header = f"""\
#! secp256k1 {what},
#! Miden 0.16/0.17's `std::math::secp256k1::{name}_field`, with Miden's stack
#! conventions: an element is eight u32 limbs, least significant on top
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
    body, inv_cycles, inv_zero_cycles = inv_body(m, name, mul_cycles)
    parts.append(
        proc(
            "export", "inv", INV_LOCALS,
            f"""
Multiplicative inverse, both in Montgomery form: c = R^2 a^-1 mod {sym}, so that
a * c = 1; the inverse of 0 (or of {sym}) is 0, as in Miden. The inverse is advice
(`adv.push_secp256k1_{name}_inv`) checked with one multiplication: a wrong hint fails with
"secp256k1 inverse hint is wrong" (or "... is not below {sym}"), so the result is the
exponentiation a^({sym} - 2) that Miden computes.

For a = 0 mod {sym} (no inverse): {inv_zero_cycles} cycles.

Inputs:  [a0, a1, a2, a3, a4, a5, a6, a7, ...]
Outputs: [c0, c1, c2, c3, c4, c5, c6, c7, ...]

Cycles: {{cycles}}
""",
            body, inv_cycles,
        )
    )
    cycles = {
        "mul": mul_cycles, "add": em_add.cycles,
        "sub": em_sub.cycles, "neg": 8 + em_sub.cycles + EXEC,
        "to_mont": 8 + mul_cycles + EXEC, "from_mont": 8 + mul_cycles + EXEC,
        "inv": inv_cycles,
    }
    return "\n".join(parts), cycles


# ---- group ----------------------------------------------------------------------------------

B3 = 21  # 3 * b for y^2 = x^3 + 7
COORD = 24 + 2  # cycles of loading an element from two word locals and of storing it back


def mont(x, m=P):
    return x * R % m


class Prog:
    """Field code over elements kept in word locals (8 limbs, two words each)."""

    def __init__(self, names, first=0):
        self.slot = {}
        self.lines = []
        self.cycles = 0
        self.next = first
        for v in names:
            self.alloc(v)

    def alloc(self, v):
        if v not in self.slot:
            self.slot[v] = self.next
            self.next += 8
        return self.slot[v]

    def load(self, v):
        k = self.slot[v]
        self.lines.append(f"padw loc_loadw.{k + 4} padw loc_loadw.{k}")
        self.cycles += 12

    def store(self, v):
        k = self.alloc(v)
        self.lines.append(f"loc_storew.{k} dropw loc_storew.{k + 4} dropw")
        self.cycles += 12

    def op(self, dst, name, x, y=None):
        """dst = x (op) y; `mul21` multiplies by 3b = 21."""
        if name == "mul21":
            self.load(x)
            self.lines.append(push_limbs(mont(B3)))
            self.cycles += 8
            name = "mul"
        else:
            self.load(y)
            self.load(x)
        self.lines.append(f"exec.base_field::{name}  # {dst} = {x} {name} {y or 21}")
        self.cycles += EXEC + FIELD_CYCLES[name]
        self.store(dst)


FIELD_CYCLES = {}
SCALAR_CYCLES = {}


def run_formula(prog, text):
    """Runs the `dst = x op y` lines of an algorithm of https://eprint.iacr.org/2015/1060."""
    for line in text.strip().splitlines():
        for stmt in line.split(";"):
            stmt = stmt.strip()
            if not stmt:
                continue
            dst, expr = [t.strip() for t in stmt.split("=")]
            toks = expr.split()
            if toks[0] == "b3":
                prog.op(dst, "mul21", toks[2])
            else:
                x, o, y = toks
                prog.op(dst, {"*": "mul", "+": "add", "-": "sub"}[o], x, y)


ADD_FORMULA = """
t0 = X1 * X2; t1 = Y1 * Y2; t2 = Z1 * Z2
t3 = X1 + Y1; t4 = X2 + Y2; t3 = t3 * t4
t4 = t0 + t1; t3 = t3 - t4; t4 = Y1 + Z1
X3 = Y2 + Z2; t4 = t4 * X3; X3 = t1 + t2
t4 = t4 - X3; X3 = X1 + Z1; Y3 = X2 + Z2
X3 = X3 * Y3; Y3 = t0 + t2; Y3 = X3 - Y3
X3 = t0 + t0; t0 = X3 + t0; t2 = b3 * t2
Z3 = t1 + t2; t1 = t1 - t2; Y3 = b3 * Y3
X3 = t4 * Y3; t2 = t3 * t1; X3 = t2 - X3
Y3 = Y3 * t0; t1 = t1 * Z3; Y3 = t1 + Y3
t0 = t0 * t3; Z3 = Z3 * t4; Z3 = Z3 + t0
"""

DOUBLE_FORMULA = """
t0 = Y * Y; Z3 = t0 + t0; Z3 = Z3 + Z3
Z3 = Z3 + Z3; t1 = Y * Z; t2 = Z * Z
t2 = b3 * t2; X3 = t2 * Z3; Y3 = t0 + t2
Z3 = t1 * Z3; t1 = t2 + t2; t2 = t1 + t2
t0 = t0 - t2; Y3 = t0 * Y3; Y3 = X3 + Y3
t1 = X * Y; X3 = t0 * t1; X3 = X3 + X3
"""


def point_proc(inputs, formula, outputs):
    """Loads the input coordinates from the memory words whose addresses are on the stack,
    runs the formula in locals, writes the outputs to the next addresses."""
    prog = Prog(inputs)
    lines = ["    # input coordinates into locals (element v in locals slot(v)..slot(v)+7)"]
    for v in inputs:
        k = prog.slot[v]
        lines.append(
            f"    padw movup.4 mem_loadw loc_storew.{k} dropw"
            f" padw movup.4 mem_loadw loc_storew.{k + 4} dropw"
        )
    cycles = FMP + 24 * len(inputs)
    run_formula(prog, formula)
    lines += ["    " + l for l in prog.lines]
    lines.append("    # the result to the output addresses, which stay on the stack")
    j = 0
    for v in outputs:
        k = prog.slot[v]
        for half in (0, 4):
            lines.append(f"    padw loc_loadw.{k + half} dup.{4 + j} mem_storew dropw")
            j += 1
    cycles += prog.cycles + 12 * 2 * len(outputs)
    return "\n".join(lines), cycles, prog.next


def addrs(base, count=3):
    """`locaddr`s of `count` elements at locals base.. (two words each), pushed so that the
    first address ends on top."""
    return " ".join(f"locaddr.{base + 4 * i}" for i in reversed(range(2 * count)))


def point_to_locals(x, y, z, base):
    """Stores the Montgomery-form constants x, y, z in locals base..base+23."""
    out = []
    for i, v in enumerate((x, y, z)):
        ls = limbs(v)
        for h in (0, 1):
            w = ls[4 * h: 4 * h + 4]
            out.append(f"push.{'.'.join(str(t) for t in reversed(w))} loc_storew.{base + 8 * i + 4 * h} dropw")
    return out


def mul_body():
    """Double-and-add, least significant bit first: base in locals 0..23, res in 24..47."""
    lines = ["    # base = the input point (locals 0..23)"]
    lines.append("    " + " ".join(f"padw movup.4 mem_loadw loc_storew.{4 * i} dropw" for i in range(3)))
    lines.append("    " + " ".join(f"padw movup.4 mem_loadw loc_storew.{4 * i} dropw" for i in range(3, 6)))
    lines.append("    # res = the identity (0, 1, 0) (locals 24..47)")
    lines += ["    " + l for l in point_to_locals(0, mont(1), 0, 24)]
    lines += [
        "    # for each scalar limb, least significant first, and each of its bits",
        "    repeat.8",
        "        repeat.32",
        "            u32divmod.2",
        "            if.true",
        f"                {addrs(24)} {addrs(0)} {addrs(24)}",
        "                exec.add dropw drop drop",
        "            end",
        f"            {addrs(0)} {addrs(0)}",
        "            exec.double dropw drop drop",
        "        end",
        "        drop",
        "    end",
        "    # res to the output addresses",
    ]
    for j in range(6):
        lines.append(f"    padw loc_loadw.{24 + 4 * j} dup.{4 + j} mem_storew dropw")
    return "\n".join(lines)


def eval_formula(text, env):
    """Evaluates a point formula (DOUBLE_FORMULA, ADD_FORMULA) on plain integers mod P."""
    env = dict(env)
    for line in text.strip().splitlines():
        for stmt in line.split(";"):
            stmt = stmt.strip()
            if not stmt:
                continue
            dst, expr = [t.strip() for t in stmt.split("=")]
            toks = expr.split()
            if toks[0] == "b3":
                env[dst] = B3 * env[toks[2]] % P
            else:
                x, o, y = env[toks[0]], toks[1], env[toks[2]]
                env[dst] = (x * y if o == "*" else x + y if o == "+" else x - y) % P
    return env


def projective_double(q):
    """`double`'s formula on (X, Y, Z), not normalized: the projective 2 q that `double`
    itself returns (Montgomery form commutes with the formula)."""
    e = eval_formula(DOUBLE_FORMULA, {"X": q[0], "Y": q[1], "Z": q[2]})
    return (e["X3"], e["Y3"], e["Z3"])


def gen_mul_body():
    """Adds 2^i G for each set bit i: res in locals 0..23, the table point in locals 24..47.
    The table is G (Z = 1) and its repeated doublings by `double`'s formula, not normalized
    (the coordinates Miden's table holds), so that results are Miden's limb for limb."""
    lines = ["    # res = the identity (0, 1, 0)"]
    lines += ["    " + l for l in point_to_locals(0, mont(1), 0, 0)]
    q = (GX, GY, 1)
    for limb in range(8):
        lines.append(f"    # scalar limb {limb}")
        for bit in range(32):
            i = 32 * limb + bit
            lines.append(f"    u32divmod.2 if.true  # bit {i}: res += 2^{i} G")
            lines += ["        " + l for l in point_to_locals(mont(q[0]), mont(q[1]), mont(q[2]), 24)]
            lines.append(f"        {addrs(0)} {addrs(24)} {addrs(0)} exec.add dropw drop drop")
            lines.append("    end")
            q = projective_double(q)
        lines.append("    drop")
    lines.append("    # res to the output addresses")
    for j in range(6):
        lines.append(f"    padw loc_loadw.{4 * j} dup.{4 + j} mem_storew dropw")
    return "\n".join(lines)


def affine_double(pt):
    x, y = pt
    lam = 3 * x * x * pow(2 * y, -1, P) % P
    x3 = (lam * lam - 2 * x) % P
    return (x3, (lam * (x - x3) - y) % P)


def check_formulas():
    """The two formulas on plain integers against affine arithmetic."""
    def run(text, env):
        env = dict(env)
        for line in text.strip().splitlines():
            for stmt in line.split(";"):
                stmt = stmt.strip()
                if not stmt:
                    continue
                dst, expr = [t.strip() for t in stmt.split("=")]
                toks = expr.split()
                if toks[0] == "b3":
                    env[dst] = B3 * env[toks[2]] % P
                else:
                    x, o, y = env[toks[0]], toks[1], env[toks[2]]
                    env[dst] = (x * y if o == "*" else x + y if o == "+" else x - y) % P
        return env
    g = (GX, GY)
    g2 = affine_double(g)
    e = run(DOUBLE_FORMULA, {"X": GX * 5 % P, "Y": GY * 5 % P, "Z": 5})
    zi = pow(e["Z3"], -1, P)
    assert (e["X3"] * zi % P, e["Y3"] * zi % P) == g2
    e = run(ADD_FORMULA, {"X1": GX, "Y1": GY, "Z1": 1, "X2": g2[0] * 3 % P, "Y2": g2[1] * 3 % P, "Z2": 3})
    lam = (g2[1] - GY) * pow(g2[0] - GX, -1, P) % P
    x3 = (lam * lam - GX - g2[0]) % P
    zi = pow(e["Z3"], -1, P)
    assert (e["X3"] * zi % P, e["Y3"] * zi % P) == (x3, (lam * (GX - x3) - GY) % P)


# Data-dependent figures: a fixed part and a part per set bit of the scalar. The constants
# (loop and call overheads) were measured by tests/stdlib_secp256k1.rs, which checks them.
MUL_CYCLES = [0, 0]
GEN_MUL_CYCLES = [0, 0]
VERIFY_CYCLES = [0, 0, 0]


def data_dependent_cycles(dbl, add, base, scalar):
    """mul: 256 doublings (and their 20 cycles of addresses) plus 1079 of loops, copies and
    frame; an addition and its 26 cycles of addresses per set bit (gen_mul: 86 with the
    table point's constants). verify: 550 of its own on top of what it calls."""
    MUL_CYCLES[:] = [256 * (dbl + 20) + 1079, add + 26]
    GEN_MUL_CYCLES[:] = [910, add + 86]
    calls = (
        scalar["inv"] + base["inv"] + 2 * scalar["mul"] + 3 * scalar["from_mont"]
        + base["mul"] + base["from_mont"] + GEN_MUL_CYCLES[0] + MUL_CYCLES[0] + add
    )
    VERIFY_CYCLES[:] = [calls + 550 + 2 * (below_emitter(N).cycles + 1), GEN_MUL_CYCLES[1], MUL_CYCLES[1]]


def gen_group():
    check_formulas()
    dbl, dbl_cycles, dbl_locals = point_proc(["X", "Y", "Z"], DOUBLE_FORMULA, ["X3", "Y3", "Z3"])
    add, add_cycles, add_locals = point_proc(
        ["X1", "Y1", "Z1", "X2", "Y2", "Z2"], ADD_FORMULA, ["X3", "Y3", "Z3"]
    )
    data_dependent_cycles(dbl_cycles, add_cycles, FIELD_CYCLES, SCALAR_CYCLES)
    header = """\
#! secp256k1 group operations, Miden 0.16/0.17's `std::math::secp256k1::group`, with Miden's
#! stack conventions: a point is in projective coordinates (X, Y, Z), (x, y) = (X/Z, Y/Z),
#! the identity has Z = 0; each coordinate is a base field element in Montgomery form
#! (`std::math::secp256k1::base_field`) kept in memory as two words: the word at the first
#! address holds limbs 0..3, the one at the second limbs 4..7, as `mem_storew` of
#! `[l0, l1, l2, l3, ...]` writes them (and `mem_loadw` gives them back, l0 on top). A
#! point is given by six word addresses `[x_0, x_1, y_0, y_1, z_0, z_1]`.
#!
#! The formulas are the complete (exception-free) ones of Renes, Costello and Batina
#! (https://eprint.iacr.org/2015/1060, algorithms 7 and 9 for a = 0, 3b = 21): any two
#! points, equal or opposite or the identity, add correctly. Every input is read before any
#! output is written, so the output addresses may be those of an input.
#!
#! This file is generated by `stdlib/gen/gen_secp256k1.py`; edit the generator, not this
#! file. Cycle figures count the procedure's own instructions (including its frame-pointer
#! updates and the `exec` of what it calls), not the caller's `exec`.

use.std::math::secp256k1::base_field
"""
    parts = [header]
    parts.append(proc("export", "double", dbl_locals, """
Point doubling: (X3, Y3, Z3) = 2 (X, Y, Z).

Inputs:  [x_0, x_1, y_0, y_1, z_0, z_1, x3_0, x3_1, y3_0, y3_1, z3_0, z3_1, ...]
Outputs: [x3_0, x3_1, y3_0, y3_1, z3_0, z3_1, ...]

Cycles: {cycles}
""", dbl, dbl_cycles))
    parts.append(proc("export", "add", add_locals, """
Point addition: (X3, Y3, Z3) = (X1, Y1, Z1) + (X2, Y2, Z2).

Inputs:  [x1_0, x1_1, y1_0, y1_1, z1_0, z1_1, x2_0, x2_1, y2_0, y2_1, z2_0, z2_1,
          x3_0, x3_1, y3_0, y3_1, z3_0, z3_1, ...]
Outputs: [x3_0, x3_1, y3_0, y3_1, z3_0, z3_1, ...]

Cycles: {cycles}
""", add, add_cycles))
    parts.append(proc("export", "mul", 48, """
Scalar multiplication: (X', Y', Z') = k (X, Y, Z) for a 256-bit scalar k (eight u32 limbs,
k0 least significant; any value, not only below the group order), by double-and-add from
the least significant bit. A scalar limb that is not a u32 fails with `NotU32`.

Inputs:  [x_0, x_1, y_0, y_1, z_0, z_1, k0, k1, k2, k3, k4, k5, k6, k7,
          x'_0, x'_1, y'_0, y'_1, z'_0, z'_1, ...]
Outputs: [x'_0, x'_1, y'_0, y'_1, z'_0, z'_1, ...]

Cycles: {cycles}, with w the number of set bits of k
""", mul_body(), f"{MUL_CYCLES[0]} + {MUL_CYCLES[1]} * w"))
    parts.append(proc("export", "gen_mul", 48, """
Scalar multiplication of the generator G: (X, Y, Z) = k G, adding the precomputed 2^i G
for each set bit i of k (no doublings), from the identity. The table holds G (Z = 1) and
its repeated doublings by `double` (not normalized), so the coordinates are Miden's limb
for limb. A scalar limb that is not a u32 fails with `NotU32`.

Inputs:  [k0, k1, k2, k3, k4, k5, k6, k7, x_0, x_1, y_0, y_1, z_0, z_1, ...]
Outputs: [x_0, x_1, y_0, y_1, z_0, z_1, ...]

Cycles: {cycles}, with w the number of set bits of k
""", gen_mul_body(), f"{GEN_MUL_CYCLES[0]} + {GEN_MUL_CYCLES[1]} * w"))
    return "\n".join(parts), {"double": dbl_cycles, "add": add_cycles}


# ---- ECDSA ----------------------------------------------------------------------------------

# locals of verify: the public key (X, Y, Z) 0..23, h 24..31, r 32..39, P0 40..63, P1 64..87,
# u1 88..95, u2 96..103
ERR = '"ECDSA signature verification failed"'


def nonzero(what):
    """Fails unless the element on top (eight u32 limbs, kept) is not zero."""
    adds = "dup.7 dup.7 add " + " ".join(f"dup.{i} add" for i in range(6, 0, -1)) + " neq.0"
    return "    " + adds + ' assert.err="ECDSA: ' + what + ' is zero"'


def below_check(m, what):
    """Fails unless the element on top (eight limbs, kept) is below m: the borrow of x - m."""
    em = below_emitter(m)
    return em.code() + f' assert.err="ECDSA: {what} is not below n"'


def below_emitter(m):
    """The borrow of x - m on top of x (eight limbs, kept)."""
    names = [f"x{i}" for i in range(8)]
    em = Emitter(names)
    ml = limbs(m)
    borrow = None
    for j in range(8):
        em.dup(names[j])
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
    em.up(borrow)
    assert em.s == [borrow] + names
    code = em.code()
    for x in [0, m - 1, m, M32 << 224]:
        out = FieldSim(limbs(x)).run(code)
        assert out == [1 if x < m else 0] + limbs(x), x
    return em


def x_mod_n():
    """[x0..x7] (below p) to x mod n: x - n when x >= n."""
    em = Emitter([f"x{i}" for i in range(8)])
    zero = em.push(0, "zero")
    out = reduce_once(em, [f"x{i}" for i in range(8)], zero, N)
    arrange(em, out)
    rnd = random.Random(3)
    for x in [0, N - 1, N, N + 5, P - 1] + [rnd.randrange(P) for _ in range(50)]:
        assert FieldSim(limbs(x) + [1]).run(em.code()) == limbs(x % N) + [1], x
    return em


def verify_body():
    l = []
    l.append("    # cache the public key, h and r; s stays on the stack")
    l.append("    " + " ".join(f"loc_storew.{4 * i} dropw" for i in range(10)))
    l.append("    # s, r and the public key's Z must not be zero (r = s = 0 would pass otherwise);")
    l.append("    # r and s below n (one Montgomery form each, so that r + n cannot pass for r)")
    l.append(nonzero("s"))
    l.append(below_check(N, "s"))
    l.append("    padw loc_loadw.36 padw loc_loadw.32")
    l.append(nonzero("r"))
    l.append(below_check(N, "r"))
    l.append("    dropw dropw padw loc_loadw.20 padw loc_loadw.16")
    l.append(nonzero("public key Z"))
    l.append("    dropw dropw")
    l.append("    # w = s^-1, u1 = h w, u2 = r w (mod n, plain form)")
    l.append("    exec.scalar_field::inv dupw.1 dupw.1")
    l.append("    padw loc_loadw.28 padw loc_loadw.24 exec.scalar_field::mul exec.scalar_field::from_mont")
    l.append("    loc_storew.88 dropw loc_storew.92 dropw")
    l.append("    padw loc_loadw.36 padw loc_loadw.32 exec.scalar_field::mul exec.scalar_field::from_mont")
    l.append("    loc_storew.96 dropw loc_storew.100 dropw")
    l.append("    # P0 = u1 G, P1 = u2 Q, P0 = P0 + P1")
    l.append(f"    {addrs(40)} padw loc_loadw.92 padw loc_loadw.88 exec.group::gen_mul dropw drop drop")
    l.append(f"    {addrs(64)} padw loc_loadw.100 padw loc_loadw.96 {addrs(0)} exec.group::mul dropw drop drop")
    l.append(f"    {addrs(40)} {addrs(64)} {addrs(40)} exec.group::add dropw drop drop")
    l.append("    # x = X / Z (plain form), not the identity")
    l.append("    padw loc_loadw.60 padw loc_loadw.56")
    l.append(nonzero("u1 G + u2 Q's Z"))
    l.append("    exec.base_field::inv padw loc_loadw.44 padw loc_loadw.40 exec.base_field::mul")
    l.append("    exec.base_field::from_mont")
    l.append("    # x mod n")
    l.append(x_mod_n().code())
    l.append("    # r (plain form) == x mod n")
    l.append("    padw loc_loadw.36 padw loc_loadw.32 exec.scalar_field::from_mont")
    l.append("    " + " ".join(f"movup.{8 - i} assert_eq.err={ERR}" for i in range(7)))
    l.append(f"    assert_eq.err={ERR}")
    return "\n".join(l)


def gen_ecdsa():
    header = """\
#! ECDSA over secp256k1, Miden 0.16/0.17's `std::crypto::dsa::ecdsa::secp256k1`, with Miden's
#! stack convention: the public key in projective coordinates and the message hash and the
#! signature as scalar field elements, all in Montgomery form
#! (`std::math::secp256k1::{base_field, scalar_field}`).
#!
#! This file is generated by `stdlib/gen/gen_secp256k1.py`; edit the generator, not this
#! file.

use.std::math::secp256k1::base_field
use.std::math::secp256k1::scalar_field
use.std::math::secp256k1::group
"""
    text = proc("export", "verify", 104, """
Verifies an ECDSA signature (r, s) of the message hash h under the public key Q = (X, Y, Z):
with w = s^-1 mod n, it computes u1 G + u2 Q for u1 = h w, u2 = r w and checks that its
affine x coordinate, reduced mod n, is r. Fails with "ECDSA signature verification failed"
when it is not, with "ECDSA: ... is zero" when s, r, Q's Z or the sum's Z is zero (the
checks that keep r = s = 0 or the identity as public key from passing; Miden's code has
none), and with "ECDSA: r is not below n" (or s) for a non-canonical Montgomery form (which
would let r + n pass for r). The public key is not checked to lie on the curve. The two inversions
take their result as advice, checked by a multiplication (`base_field::inv`).

h is the message digest as an integer (its 256 bits, big-endian) reduced mod n, as in
Ethereum and k256.

Inputs:  [X, Y, Z, h, r, s, ...] (48 elements; each value eight limbs, limb 0 on top:
          X, Y, Z base field elements, h, r, s scalar field elements, Montgomery form)
Outputs: [...]

Cycles: {cycles}, with w1, w2 the numbers of set bits of u1 and u2
""", verify_body(), f"{VERIFY_CYCLES[0]} + {VERIFY_CYCLES[1]} * w1 + {VERIFY_CYCLES[2]} * w2")
    return header + "\n" + text


def main():
    check = "--check" in sys.argv[1:]
    base, base_cycles = gen_field("base", P, True)
    FIELD_CYCLES.update(base_cycles)
    scalar, scalar_cycles = gen_field("scalar", N, False)
    SCALAR_CYCLES.update(scalar_cycles)
    group, group_cycles = gen_group()
    files = [
        ("crypto/dsa/ecdsa/secp256k1.masm", gen_ecdsa()),
        ("math/secp256k1/group.masm", group),
        ("math/secp256k1/base_field.masm", base),
        ("math/secp256k1/scalar_field.masm", scalar),
    ]
    if "--cycles" in sys.argv[1:]:
        print("base", base_cycles)
        print("scalar", scalar_cycles)
        print("group", group_cycles)
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

#!/usr/bin/env python3
"""Generates the Keccak-f[1600] permutation of `stdlib/asm/crypto/hashes/keccak256.masm`.

Run `python3 stdlib/gen/keccak256.py > /tmp/perm.masm` and paste the output between the
`BEGIN GENERATED` / `END GENERATED` markers of keccak256.masm (or run it with `--write`,
which does that in place). The round is written as data flow over named u32 values; a small
"stack compiler" below turns it into stack instructions, bringing each value to the top with
`dup.k` while it has later uses and with `movup.k` at its last use, and checks that no value
is ever deeper than position 15. It also executes the program it emits on concrete values
and compares the result with a plain Keccak-f[1600], so a wrong emission fails here.

State layout (procedure locals of `keccak_f`): lane (x, y) is lane index L = x + 5 y; local
2 L holds its low 32 bits, 2 L + 1 its high 32 bits (the 200-byte state as little-endian
u32s). Locals 52..104 hold the lanes after rho and pi (same layout), 104..114 the theta
column terms D[x] (lo, hi).
"""

import random
import sys

MASK32 = (1 << 32) - 1
MASK64 = (1 << 64) - 1


def rotl64(v, n):
    n %= 64
    return ((v << n) | (v >> (64 - n))) & MASK64 if n else v


def round_constants():
    out, r = [], 1
    for _ in range(24):
        rc = 0
        for j in range(7):
            if r & 1:
                rc |= 1 << ((1 << j) - 1)
            r = ((r << 1) ^ 0x71) if r & 0x80 else (r << 1)
            r &= 0xFF
        out.append(rc)
    return out


def rotation_offsets():
    off = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        off[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return off


RC = round_constants()
OFF = rotation_offsets()


def keccak_f(lanes):
    a = list(lanes)
    for rnd in range(24):
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ rotl64(c[(x + 1) % 5], 1) for x in range(5)]
        a = [a[i] ^ d[i % 5] for i in range(25)]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(a[x + 5 * y], OFF[x][y])
        a = [b[i] ^ ((~b[(i % 5 + 1) % 5 + 5 * (i // 5)]) & b[(i % 5 + 2) % 5 + 5 * (i // 5)])
             for i in range(25)]
        a[0] ^= RC[rnd]
    return a


A_BASE, B_BASE, D_BASE = 0, 52, 104
NUM_LOCALS = 116


class Compiler:
    """Named values on a modelled stack (index 0 is the top), with use counts."""

    def __init__(self, mem, stack):
        self.code = []
        self.mem = mem  # concrete locals, for the self-check
        self.stack = []  # [name, value, uses]
        self.counter = 0
        for name, value, uses in stack:
            self.stack.append([name, value, uses])

    def emit(self, s):
        self.code.append(s)

    def fresh(self, base):
        self.counter += 1
        return f"{base}#{self.counter}"

    def pos(self, name):
        for i, e in enumerate(self.stack):
            if e[0] == name:
                return i
        raise KeyError(name)

    def bring(self, name):
        """Moves (last use) or copies `name` to the top."""
        p = self.pos(name)
        assert p <= 15, f"{name} at depth {p}"
        e = self.stack[p]
        e[2] -= 1
        assert e[2] >= 0, name
        if e[2] > 0:
            self.emit(f"dup.{p}")
            self.stack.insert(0, [name + "'", e[1], 1])
        else:
            if p == 1:
                self.emit("swap")
            elif p > 1:
                self.emit(f"movup.{p}")
            self.stack.insert(0, self.stack.pop(p))

    def push_value(self, name, value, uses):
        self.stack.insert(0, [name, value, uses])

    def load(self, name, addr, uses):
        self.emit(f"loc_load.{addr}")
        self.push_value(name, self.mem[addr], uses)

    def store(self, name, addr):
        self.bring(name)
        self.emit(f"loc_store.{addr}")
        self.mem[addr] = self.stack.pop(0)[1]

    def binop(self, op, a, b, out, uses):
        # The operations are commutative: an operand already on top at its last use stays
        # there, and the other one is brought above it.
        if self.stack and self.stack[0][0] == b and self.stack[0][2] == 1:
            a, b = b, a
        if self.stack and self.stack[0][0] == a and self.stack[0][2] == 1:
            self.stack[0][2] = 0
            if len(self.stack) > 1 and self.stack[1][0] == b and self.stack[1][2] == 1:
                self.stack[1][2] = 0
                self.stack[0], self.stack[1] = self.stack[1], self.stack[0]
            else:
                self.bring(b)
        else:
            self.bring(a)
            self.bring(b)
        y = self.stack.pop(0)[1]
        x = self.stack.pop(0)[1]
        f = {"u32xor": lambda: x ^ y, "u32and": lambda: x & y, "add": lambda: x + y}[op]
        self.emit(op)
        self.push_value(out, f(), uses)

    def unop_not(self, a, out, uses):
        self.bring(a)
        x = self.stack.pop(0)[1]
        self.emit("u32not")
        self.push_value(out, x ^ MASK32, uses)

    def mul_pow2(self, a, n, out_hi, out_lo):
        """`u32overflowing_mul.2^n`: [a] -> [hi, lo] of a * 2^n."""
        self.bring(a)
        x = self.stack.pop(0)[1] << n
        self.emit(f"u32overflowing_mul.{1 << n}")
        self.push_value(out_lo, x & MASK32, 1)
        self.push_value(out_hi, x >> 32, 1)

    def rotl(self, lo, hi, n):
        """Rotates the 64-bit value (lo, hi) left by n in 1..=31; returns the new names."""
        lo_hi, lo_lo = self.fresh("lo_ov"), self.fresh("lo_sh")
        hi_hi, hi_lo = self.fresh("hi_ov"), self.fresh("hi_sh")
        self.mul_pow2(lo, n, lo_hi, lo_lo)
        self.mul_pow2(hi, n, hi_hi, hi_lo)
        new_hi, new_lo = self.fresh("rhi"), self.fresh("rlo")
        self.binop("add", hi_lo, lo_hi, new_hi, 1)
        self.binop("add", lo_lo, hi_hi, new_lo, 1)
        return new_lo, new_hi


def gen_round(mem, rc):
    """One round on the locals; the stack holds [rc_lo, rc_hi] on entry, nothing on exit."""
    g = Compiler(mem, [("rc_lo", rc & MASK32, 1), ("rc_hi", rc >> 32, 1)])
    # theta: column parities C[x] (lo, hi), each used twice
    g.emit("# theta: C[x] = A[x, 0] ^ ... ^ A[x, 4]")
    for x in range(5):
        for h in range(2):
            acc = g.fresh("c")
            g.load(acc, A_BASE + 2 * x + h, 1)
            for y in range(1, 5):
                t = g.fresh("a")
                g.load(t, A_BASE + 2 * (x + 5 * y) + h, 1)
                out = f"C{x}{h}" if y == 4 else g.fresh("c")
                g.binop("u32xor", acc, t, out, 2 if y == 4 else 1)
                acc = out
    g.emit("# theta: D[x] = C[x - 1] ^ rotl(C[x + 1], 1), kept in locals")
    for x in range(5):
        rlo, rhi = g.rotl(f"C{(x + 1) % 5}0", f"C{(x + 1) % 5}1", 1)
        d = [g.fresh("d"), g.fresh("d")]
        g.binop("u32xor", rlo, f"C{(x - 1) % 5}0", d[0], 1)
        g.store(d[0], D_BASE + 2 * x)
        g.binop("u32xor", rhi, f"C{(x - 1) % 5}1", d[1], 1)
        g.store(d[1], D_BASE + 2 * x + 1)
    g.emit("# theta, rho and pi: B[y, 2x + 3y] = rotl(A[x, y] ^ D[x], r[x, y])")
    for x in range(5):
        g.load(f"D{x}0", D_BASE + 2 * x, 5)
        g.load(f"D{x}1", D_BASE + 2 * x + 1, 5)
        for y in range(5):
            lane = x + 5 * y
            lo, hi = g.fresh("a"), g.fresh("a")
            g.load(lo, A_BASE + 2 * lane, 1)
            nlo = g.fresh("t")
            g.binop("u32xor", lo, f"D{x}0", nlo, 1)
            g.load(hi, A_BASE + 2 * lane + 1, 1)
            nhi = g.fresh("t")
            g.binop("u32xor", hi, f"D{x}1", nhi, 1)
            n = OFF[x][y]
            if n >= 32:
                nlo, nhi = nhi, nlo
                n -= 32
            if n:
                nlo, nhi = g.rotl(nlo, nhi, n)
            dst = y + 5 * ((2 * x + 3 * y) % 5)
            g.store(nhi, B_BASE + 2 * dst + 1)
            g.store(nlo, B_BASE + 2 * dst)
    g.emit("# chi and iota: A[x, y] = B[x, y] ^ (~B[x + 1, y] & B[x + 2, y]), A[0, 0] ^= RC")
    for y in range(5):
        for x in range(5):
            for h in range(2):
                g.load(f"B{x}{h}", B_BASE + 2 * (x + 5 * y) + h, 3)
        for x in range(5):
            for h in range(2):
                nb = g.fresh("n")
                g.unop_not(f"B{(x + 1) % 5}{h}", nb, 1)
                t = g.fresh("t")
                g.binop("u32and", nb, f"B{(x + 2) % 5}{h}", t, 1)
                out = g.fresh("o")
                g.binop("u32xor", t, f"B{x}{h}", out, 1)
                if x == 0 and y == 0:
                    o2 = g.fresh("o")
                    g.binop("u32xor", out, "rc_lo" if h == 0 else "rc_hi", o2, 1)
                    out = o2
                g.store(out, A_BASE + 2 * (x + 5 * y) + h)
        for x in range(5):
            for h in range(2):
                # rename so that the next row can reuse the names
                for e in g.stack:
                    assert not e[0].startswith(f"B{x}{h}"), g.stack
    assert not g.stack, g.stack
    return g.code


def self_check():
    rnd = random.Random(1)
    lanes = [rnd.getrandbits(64) for _ in range(25)]
    mem = [0] * NUM_LOCALS
    for i, v in enumerate(lanes):
        mem[2 * i], mem[2 * i + 1] = v & MASK32, v >> 32
    code = None
    for r in range(24):
        code = gen_round(mem, RC[r])
    got = [mem[2 * i] | (mem[2 * i + 1] << 32) for i in range(25)]
    assert got == keccak_f(lanes), "emitted round disagrees with keccak_f"
    # Keccak-f itself: SHA3-256("") through the same permutation (rate 136, pad 0x06).
    import hashlib
    st = [0] * 25
    st[0] ^= 0x06
    st[16] ^= 0x80 << 56
    st = keccak_f(st)
    digest = b"".join(v.to_bytes(8, "little") for v in st[:4])
    assert digest == hashlib.sha3_256(b"").digest()
    return code


def main():
    code = self_check()
    count = len([line for line in code if not line.startswith("#")])
    lines = [f"        # {count} instructions per round"]
    lines.extend("        " + line for line in code)
    text = "\n".join(lines)
    if "--write" in sys.argv:
        path = __file__.replace("gen/keccak256.py", "asm/crypto/hashes/keccak256.masm")
        src = open(path).read()
        start = src.index("        # BEGIN GENERATED")
        end = src.index("        # END GENERATED")
        src = src[:start] + "        # BEGIN GENERATED by stdlib/gen/keccak256.py\n" + text + "\n" + src[end:]
        open(path, "w").write(src)
    else:
        print(text)


if __name__ == "__main__":
    main()

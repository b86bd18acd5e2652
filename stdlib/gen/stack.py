"""A symbolic stack for generating straight-line .masm code.

The emitter tracks which named value sits at which stack position, so that an algorithm can
be written in terms of values ("xor d with a copy of a") and the emitter picks the `dup.n`,
`movup.n` and `swap` that bring the operands to the top. It also counts cycles (the
lowering's cost of each instruction, docs/instructions.md) and can run the emitted code on
concrete values (`Sim`), so the generator checks its own output before the Rust tests do.
"""

import itertools

M32 = (1 << 32) - 1

# Cycles of each instruction the generator emits (docs/instructions.md).
COST = {
    "dup": 1, "swap": 1, "movup": 1, "movdn": 1, "drop": 1, "dropw": 4, "padw": 4,
    "swapw": 1, "swapdw": 1, "movupw.2": 2, "movdnw.2": 2,
    "push": 1, "add": 1, "u32xor": 1, "u32and": 1, "u32cast": 2,
    "u32wrapping_add": 2, "u32wrapping_add3": 2, "u32rotr": 3, "u32shr": 3,
    "u32assert2": 1, "loc_load": 2, "loc_store": 3, "loc_storew": 2, "loc_loadw": 2,
    "mem_loadw": 1, "mem_load": 1, "locaddr": 1,
}

# Cycles a `repeat.K` whose body holds at least 128 native instructions adds to its K bodies:
# it stays a counted loop, `REPEAT` and one `NEXT` per iteration (assembly/src/lower/repeat.rs).
def loop_cycles(count):
    return 1 + count


def straight_cycles(code):
    """Cycles of straight-line code made of the instructions in COST."""
    total = 0
    for line in code.splitlines():
        for tok in line.split("#")[0].split():
            key = tok.split(".")[0]
            if key == "push":
                total += tok.count(".")  # one PUSH per immediate
            else:
                total += COST[key if key in COST else tok]
    return total

_fresh = itertools.count()


def fresh(prefix="t"):
    return f"{prefix}{next(_fresh)}"


def rotr(x, k):
    return ((x >> k) | (x << (32 - k))) & M32


class Emitter:
    """Straight-line code over a tracked stack (index 0 is the top)."""

    def __init__(self, stack):
        self.s = list(stack)
        self.lines = []
        self.line = []
        self.cycles = 0

    # -- output ------------------------------------------------------------------------
    def ins(self, text, cost_key=None):
        key = cost_key or text.split(".")[0]
        if key not in COST:
            key = text
        self.cycles += COST[key]
        self.line.append(text)

    def comment(self, text):
        self.flush()
        self.lines.append(f"# {text}")

    def flush(self):
        if self.line:
            self.lines.append(" ".join(self.line))
            self.line = []

    def code(self, indent="    "):
        self.flush()
        return "\n".join(indent + l if l else "" for l in self.lines)

    # -- stack moves ---------------------------------------------------------------------
    def pos(self, v):
        i = self.s.index(v)
        assert i <= 15, f"{v} is out of reach at position {i}"
        return i

    def up(self, v):
        i = self.pos(v)
        if i == 1:
            self.ins("swap")
        elif i > 1:
            self.ins(f"movup.{i}")
        self.s.insert(0, self.s.pop(i))
        return v

    def dup(self, v, new=None):
        i = self.pos(v)
        self.ins("dup" if i == 0 else f"dup.{i}")
        new = new or fresh()
        self.s.insert(0, new)
        return new

    def fetch(self, v, keep):
        return self.dup(v) if keep else self.up(v)

    def fetch_all(self, operands):
        """Brings (copies of) the operands to the top, in any order. `operands` is a list of
        (value, keep). Deeper operands are fetched first, so every one stays in reach."""
        n = len(operands)
        # Already in place: the top n are exactly the consumed operands.
        if all(not k for _, k in operands) and set(self.s[:n]) == {v for v, _ in operands}:
            return
        # Consumed operands already on top can stay there.
        rest = list(operands)
        placed = 0
        while placed < n:
            top = self.s[placed] if placed < len(self.s) else None
            hit = [o for o in rest if not o[1] and o[0] == top]
            if not hit:
                break
            rest.remove(hit[0])
            placed += 1
        # The values on top stay; the others are fetched above them.
        rest.sort(key=lambda o: -self.s.index(o[0]))
        for v, k in rest:
            self.fetch(v, k)

    def drop(self, v):
        self.up(v)
        self.ins("drop")
        self.s.pop(0)

    # -- operations ----------------------------------------------------------------------
    def op(self, instr, operands, out=None):
        """`instr` consumes len(operands) values from the top and pushes one result."""
        self.fetch_all(operands)
        self.ins(instr)
        del self.s[: len(operands)]
        out = out or fresh()
        self.s.insert(0, out)
        return out

    def un(self, instr, x, keep=False, out=None):
        return self.op(instr, [(x, keep)], out)

    def push(self, value, out=None):
        self.ins(f"push.{value}")
        out = out or fresh("c")
        self.s.insert(0, out)
        return out

    def loc_load(self, idx, out=None):
        self.ins(f"loc_load.{idx}")
        out = out or fresh("w")
        self.s.insert(0, out)
        return out

    def loc_store(self, idx, v):
        self.up(v)
        self.ins(f"loc_store.{idx}")
        self.s.pop(0)

    def arrange(self, order):
        """Brings the named values to the top in the given order (`order[0]` on top), with as
        few moves as the tracker sees: the longest tail of `order` already in place stays."""
        n = len(order)
        keep = 0
        while keep < n and self.s[n - 1 - keep] == order[n - 1 - keep]:
            keep += 1
        for v in reversed(order[: n - keep]):
            self.up(v)
        assert self.s[:n] == list(order), (self.s[:n], order)

    def repeat(self, count, body):
        """Emits `repeat.count` around the code `body(self)` emits, which must leave the
        tracked stack as it found it (the same names, or the caller renames): the cycles
        counted are `count` bodies and the loop's own (a body of 128 or more instructions
        stays a loop, `loop_cycles`)."""
        self.flush()
        self.lines.append(f"repeat.{count}")
        start, before = len(self.lines), self.cycles
        body(self)
        self.flush()
        assert sum(len(l.split()) for l in self.lines[start:] if not l.startswith("#")) >= 128
        self.lines[start:] = ["    " + l for l in self.lines[start:]]
        self.lines.append("end")
        self.cycles = before + count * (self.cycles - before) + loop_cycles(count)

    def raw(self, text, pops, pushes):
        """An instruction the tracker treats as popping `pops` named values and pushing the
        names `pushes` (top first)."""
        self.ins(text)
        del self.s[:pops]
        self.s[0:0] = list(pushes)


# The address `Sim` gives local 0 (`locaddr.0`), so that `mem_load` can read locals.
LOCAL_BASE = 1 << 30


class Sim:
    """Runs emitted code on concrete values (the subset the generator emits)."""

    def __init__(self, stack, locals_=None):
        self.s = list(stack)
        self.loc = dict(locals_ or {})

    def run(self, code):
        toks = []
        for line in code.splitlines():
            toks += line.split("#")[0].split()
        self._run(toks)
        return self.s

    def _run(self, toks):
        i = 0
        while i < len(toks):
            tok = toks[i]
            if tok.startswith("repeat."):
                depth, j = 1, i + 1
                while depth:
                    depth += toks[j].startswith("repeat.") - (toks[j] == "end")
                    j += 1
                for _ in range(int(tok.split(".")[1])):
                    self._run(toks[i + 1 : j - 1])
                i = j
            else:
                self.step(tok)
                i += 1

    def step(self, tok):
        s = self.s
        name, _, imm = tok.partition(".")
        n = int(imm, 0) if imm and imm.lstrip("-").isdigit() or imm.startswith("0x") else None
        def u32(x):
            assert 0 <= x <= M32, f"{tok}: {x} is not a u32"
            return x
        if name == "dup":
            s.insert(0, s[n or 0])
        elif name == "swap":
            s[0], s[1] = s[1], s[0]
        elif name == "movup":
            s.insert(0, s.pop(n))
        elif name == "movdn":
            s.insert(n, s.pop(0))
        elif name == "drop":
            s.pop(0)
        elif name == "dropw":
            del s[:4]
        elif name == "padw":
            s[0:0] = [0, 0, 0, 0]
        elif name == "swapw":
            j = n or 1
            s[0 : 4 * (j + 1)] = s[4 * j : 4 * j + 4] + s[4 : 4 * j] + s[0:4]
        elif name == "swapdw":
            s[0:16] = s[8:16] + s[0:8]
        elif tok == "movupw.2":
            s[0:12] = s[8:12] + s[0:8]
        elif tok == "movdnw.2":
            s[0:12] = s[4:12] + s[0:4]
        elif name == "push":
            s.insert(0, n)
        elif name == "add":
            if n is None:
                b = s.pop(0)
                s[0] = s[0] + b
            else:
                s[0] += n
        elif name == "u32xor":
            b = u32(s.pop(0))
            s[0] = u32(s[0]) ^ b
        elif name == "u32and":
            b = u32(s.pop(0))
            s[0] = u32(s[0]) & b
        elif name == "u32cast":
            s[0] &= M32
        elif name == "u32wrapping_add":
            b = u32(s.pop(0))
            s[0] = (u32(s[0]) + b) & M32
        elif name == "u32wrapping_add3":
            c = u32(s.pop(0))
            b = u32(s.pop(0))
            s[0] = (u32(s[0]) + b + c) & M32
        elif name == "u32rotr":
            s[0] = rotr(u32(s[0]), n)
        elif name == "u32shr":
            s[0] = u32(s[0]) >> n
        elif name == "u32assert2":
            u32(s[0]), u32(s[1])
        elif name == "loc_load":
            s.insert(0, self.loc.get(n, 0))
        elif name == "locaddr":
            s.insert(0, LOCAL_BASE + n)
        elif name == "mem_load":
            s[0] = self.loc.get(s[0] - LOCAL_BASE, 0)
        elif name == "loc_store":
            self.loc[n] = s.pop(0)
        elif name == "loc_storew":
            for i in range(4):
                self.loc[n + 3 - i] = s[i]
        elif name == "loc_loadw":
            s[0:4] = [self.loc.get(n + 3 - i, 0) for i in range(4)]
        else:
            raise ValueError(f"unknown instruction {tok}")

//! A small reference interpreter for the native operations the expansions use, following
//! Miden's semantics as documented in `core/src/op.rs`. Tests run expansions on it and
//! compare with Miden's documented results; it is not the processor.

use std::collections::HashMap;

use vm_core::{hash, Decorator, Felt, FieldElement, Opcode, Opcode::*, Word};

use super::super::Emitted;

/// A balanced Merkle tree kept by its leaves (depth = log2 of the leaf count).
#[derive(Clone)]
struct Tree {
    leaves: Vec<Word>,
}

impl Tree {
    fn depth(&self) -> u64 {
        self.leaves.len().trailing_zeros() as u64
    }

    /// Node at depth `d` (0 = root), index `i`.
    fn node(&self, d: u64, i: u64) -> Option<Word> {
        if d > self.depth() || i >= 1 << d {
            return None;
        }
        let mut level = self.leaves.clone();
        for _ in d..self.depth() {
            level = level.chunks(2).map(|p| hash::merge(&p[0], &p[1])).collect();
        }
        Some(level[i as usize])
    }

    fn root(&self) -> Word {
        self.node(0, 0).unwrap()
    }
}

/// Interpreter state. Stacks keep their top at the end of the vector.
#[derive(Default)]
pub struct Machine {
    /// Operand stack (top last).
    pub stack: Vec<Felt>,
    /// Advice stack (top last).
    pub advice: Vec<Felt>,
    /// Memory.
    pub mem: HashMap<u64, Felt>,
    /// Frame pointer.
    pub fmp: u64,
    /// Emitted events.
    pub events: Vec<u32>,
    /// Merkle store.
    trees: Vec<Tree>,
    /// Roots merged by `AdvMerkleMerge` hints.
    pub merges: usize,
}

fn u32_of(v: Felt) -> Result<u64, String> {
    let x = v.as_int();
    if x <= u32::MAX as u64 {
        Ok(x)
    } else {
        Err(format!("{x} is not a u32"))
    }
}

fn bin(v: Felt) -> Result<u64, String> {
    match v.as_int() {
        x @ (0 | 1) => Ok(x),
        x => Err(format!("{x} is not binary")),
    }
}

fn f(x: u64) -> Felt {
    Felt::new(x)
}

/// Quadratic-extension product as Miden's EXT2MUL computes it (x^2 = x - 2).
pub fn ext2_mul(a: (Felt, Felt), b: (Felt, Felt)) -> (Felt, Felt) {
    let (a0, a1) = a;
    let (b0, b1) = b;
    (b0 * a0 - f(2) * b1 * a1, (b0 + b1) * (a1 + a0) - b0 * a0)
}

impl Machine {
    /// A machine whose stack holds `values` (first value on top), above 16 zeros.
    pub fn with_stack(values: &[u64]) -> Self {
        let mut m = Machine {
            fmp: 1 << 30,
            ..Default::default()
        };
        m.stack = vec![Felt::ZERO; 16];
        m.stack.extend(values.iter().rev().map(|&v| f(v)));
        m
    }

    /// Adds a Merkle tree with these leaves to the store; returns its root.
    pub fn add_tree(&mut self, leaves: Vec<Word>) -> Word {
        let t = Tree { leaves };
        let r = t.root();
        self.trees.push(t);
        r
    }

    /// Element `i` from the top.
    pub fn s(&self, i: usize) -> Felt {
        self.stack[self.stack.len() - 1 - i]
    }

    /// The top `n` elements as integers, top first.
    pub fn top(&self, n: usize) -> Vec<u64> {
        (0..n).map(|i| self.s(i).as_int()).collect()
    }

    fn set(&mut self, i: usize, v: Felt) {
        let n = self.stack.len();
        self.stack[n - 1 - i] = v;
    }

    fn pop(&mut self) -> Felt {
        self.stack.pop().expect("stack underflow")
    }

    fn push(&mut self, v: Felt) {
        self.stack.push(v);
    }

    fn word_at(&self, i: usize) -> Word {
        [self.s(i + 3), self.s(i + 2), self.s(i + 1), self.s(i)]
    }

    fn set_word(&mut self, i: usize, w: Word) {
        for (k, v) in w.iter().enumerate() {
            self.set(i + 3 - k, *v);
        }
    }

    fn find_tree(&self, root: Word) -> Result<usize, String> {
        self.trees
            .iter()
            .position(|t| t.root() == root)
            .ok_or("unknown Merkle root".to_string())
    }

    fn advpop(&mut self) -> Result<Felt, String> {
        self.advice.pop().ok_or("advice stack empty".to_string())
    }

    /// Runs an expansion.
    pub fn run(&mut self, code: &[Emitted]) -> Result<(), String> {
        for e in code {
            match e {
                Emitted::Decorator(d) => self.hint(d)?,
                Emitted::Op { ins, .. } => self.exec(ins.op, ins.imm)?,
            }
        }
        Ok(())
    }

    fn hint(&mut self, d: &Decorator) -> Result<(), String> {
        match d {
            Decorator::AdvPushU32Clz => {
                let n = u32_of(self.s(0))? as u32;
                self.advice.push(f(n.leading_zeros() as u64));
            }
            Decorator::AdvPushIlog2 => {
                let a = self.s(0).as_int();
                if a == 0 {
                    return Err("ilog2 of zero".into());
                }
                self.advice.push(f(63 - a.leading_zeros() as u64));
            }
            Decorator::AdvPushExt2Inv => {
                let (a1, a0) = (self.s(0), self.s(1));
                let norm = a0 * a0 + a0 * a1 + f(2) * a1 * a1;
                if norm == Felt::ZERO {
                    return Err("ext2 inverse of zero".into());
                }
                let ninv = norm.inv();
                let (i0, i1) = ((a0 + a1) * ninv, -a1 * ninv);
                self.advice.push(i1);
                self.advice.push(i0);
            }
            Decorator::AdvPushMtnode => {
                let (d, i) = (self.s(0).as_int(), self.s(1).as_int());
                let root = [self.s(5), self.s(4), self.s(3), self.s(2)];
                let t = self.find_tree(root)?;
                let v = self.trees[t].node(d, i).ok_or("no such node")?;
                for e in v.iter().rev() {
                    self.advice.push(*e);
                }
            }
            Decorator::AdvMerkleMerge => self.merges += 1,
            _ => {}
        }
        Ok(())
    }

    fn exec(&mut self, op: Opcode, imm: Felt) -> Result<(), String> {
        let code = op as u8;
        if (Dup0 as u8..=Dup15 as u8).contains(&code) {
            let v = self.s((code - Dup0 as u8) as usize);
            self.push(v);
            return Ok(());
        }
        if (Movup2 as u8..=Movup15 as u8).contains(&code) {
            let n = (code - Movup2 as u8 + 2) as usize;
            let idx = self.stack.len() - 1 - n;
            let v = self.stack.remove(idx);
            self.push(v);
            return Ok(());
        }
        if (Movdn2 as u8..=Movdn15 as u8).contains(&code) {
            let n = (code - Movdn2 as u8 + 2) as usize;
            let v = self.pop();
            let idx = self.stack.len() + 1 - 1 - n;
            self.stack.insert(idx, v);
            return Ok(());
        }
        match op {
            Noop => {}
            Assert => {
                if self.pop() != Felt::ONE {
                    return Err("assertion failed".into());
                }
            }
            Emit => self.events.push(imm.as_int() as u32),
            Sdepth => {
                let d = self.stack.len() as u64;
                self.push(f(d));
            }
            Fmpadd => {
                let v = f(self.fmp) + imm;
                self.push(v);
            }
            Fmpupdate => self.fmp = (f(self.fmp) + imm).as_int(),
            Add => {
                let b = self.pop();
                let a = self.pop();
                self.push(a + b);
            }
            Neg => {
                let a = self.pop();
                self.push(-a);
            }
            Mul => {
                let b = self.pop();
                let a = self.pop();
                self.push(a * b);
            }
            Inv => {
                let a = self.pop();
                if a == Felt::ZERO {
                    return Err("inverse of zero".into());
                }
                self.push(a.inv());
            }
            Incr => {
                let a = self.pop();
                self.push(a + Felt::ONE);
            }
            Addi => {
                let a = self.pop();
                self.push(a + imm);
            }
            Muli => {
                let a = self.pop();
                self.push(a * imm);
            }
            Eq => {
                let b = self.pop();
                let a = self.pop();
                self.push(f((a == b) as u64));
            }
            Eqz => {
                let a = self.pop();
                self.push(f((a == Felt::ZERO) as u64));
            }
            Not => {
                let a = bin(self.pop())?;
                self.push(f(1 - a));
            }
            And => {
                let b = bin(self.pop())?;
                let a = bin(self.pop())?;
                self.push(f(a & b));
            }
            Or => {
                let b = bin(self.pop())?;
                let a = bin(self.pop())?;
                self.push(f(a | b));
            }
            Expacc => {
                let (base, acc, exp) = (self.s(1), self.s(2), self.s(3).as_int());
                let bit = exp & 1;
                self.set(0, f(bit));
                self.set(1, base * base);
                self.set(2, if bit == 1 { acc * base } else { acc });
                self.set(3, f(exp >> 1));
            }
            Ext2mul => {
                let (b1, b0, a1, a0) = (self.s(0), self.s(1), self.s(2), self.s(3));
                let (c0, c1) = ext2_mul((a0, a1), (b0, b1));
                self.set(2, c1);
                self.set(3, c0);
            }
            U32split => {
                let a = self.pop().as_int();
                self.push(f(a & 0xffff_ffff));
                self.push(f(a >> 32));
            }
            U32add => {
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                self.push(f((a + b) & 0xffff_ffff));
                self.push(f((a + b) >> 32));
            }
            U32add3 => {
                let c = u32_of(self.pop())?;
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                let s = a + b + c;
                self.push(f(s & 0xffff_ffff));
                self.push(f(s >> 32));
            }
            U32sub => {
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                self.push(f(a.wrapping_sub(b) & 0xffff_ffff));
                self.push(f((a < b) as u64));
            }
            U32mul => {
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                self.push(f((a * b) & 0xffff_ffff));
                self.push(f((a * b) >> 32));
            }
            U32madd => {
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                let c = u32_of(self.pop())?;
                let r = a * b + c;
                self.push(f(r & 0xffff_ffff));
                self.push(f(r >> 32));
            }
            U32div => {
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                if b == 0 {
                    return Err("division by zero".into());
                }
                self.push(f(a / b));
                self.push(f(a % b));
            }
            U32assert2 => {
                u32_of(self.s(0))?;
                u32_of(self.s(1))?;
            }
            U32and => {
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                self.push(f(a & b));
            }
            U32xor => {
                let b = u32_of(self.pop())?;
                let a = u32_of(self.pop())?;
                self.push(f(a ^ b));
            }
            Pad => self.push(Felt::ZERO),
            Drop => {
                self.pop();
            }
            Swap => {
                let (a, b) = (self.s(0), self.s(1));
                self.set(0, b);
                self.set(1, a);
            }
            Swapw | Swapw2 | Swapw3 => {
                let k = match op {
                    Swapw => 4,
                    Swapw2 => 8,
                    _ => 12,
                };
                let (x, y) = (self.word_at(0), self.word_at(k));
                self.set_word(0, y);
                self.set_word(k, x);
            }
            Swapdw => {
                let (a, b, c, d) = (
                    self.word_at(0),
                    self.word_at(4),
                    self.word_at(8),
                    self.word_at(12),
                );
                self.set_word(0, c);
                self.set_word(4, d);
                self.set_word(8, a);
                self.set_word(12, b);
            }
            Cswap => {
                let c = bin(self.pop())?;
                if c == 1 {
                    let (a, b) = (self.s(0), self.s(1));
                    self.set(0, b);
                    self.set(1, a);
                }
            }
            Cswapw => {
                let c = bin(self.pop())?;
                if c == 1 {
                    let (x, y) = (self.word_at(0), self.word_at(4));
                    self.set_word(0, y);
                    self.set_word(4, x);
                }
            }
            Push => self.push(imm),
            Advpop => {
                let v = self.advpop()?;
                self.push(v);
            }
            Advpopw => {
                for i in (0..4).rev() {
                    let v = self.advpop()?;
                    self.set(i, v);
                }
            }
            Mload => {
                let a = u32_of(self.pop())?;
                let v = self.mem.get(&a).copied().unwrap_or(Felt::ZERO);
                self.push(v);
            }
            Mstore => {
                let a = u32_of(self.pop())?;
                self.mem.insert(a, self.s(0));
            }
            Mloadw => {
                let a = u32_of(self.pop())?;
                if a % 4 != 0 {
                    return Err("unaligned word address".into());
                }
                for k in 0..4 {
                    let v = self.mem.get(&(a + k)).copied().unwrap_or(Felt::ZERO);
                    self.set(3 - k as usize, v);
                }
            }
            Mstorew => {
                let a = u32_of(self.pop())?;
                if a % 4 != 0 {
                    return Err("unaligned word address".into());
                }
                for k in 0..4 {
                    self.mem.insert(a + k, self.s(3 - k as usize));
                }
            }
            Hperm => {
                let mut state = [Felt::ZERO; 12];
                for (j, e) in state.iter_mut().enumerate() {
                    *e = self.s(11 - j);
                }
                hash::permute(&mut state);
                for (j, e) in state.iter().enumerate() {
                    self.set(11 - j, *e);
                }
            }
            Mpverify => {
                let v = self.word_at(0);
                let (d, i) = (self.s(4).as_int(), self.s(5).as_int());
                let t = self.find_tree(self.word_at(6))?;
                if self.trees[t].node(d, i) != Some(v) {
                    return Err("Merkle path verification failed".into());
                }
            }
            Mrupdate => {
                let v = self.word_at(0);
                let (d, i) = (self.s(4).as_int(), self.s(5).as_int());
                let t = self.find_tree(self.word_at(6))?;
                let mut tree = self.trees[t].clone();
                if tree.depth() != d || tree.node(d, i) != Some(v) {
                    return Err("Merkle update failed".into());
                }
                tree.leaves[i as usize] = self.word_at(10);
                let r = tree.root();
                self.trees.push(tree);
                self.set_word(0, r);
            }
            other => return Err(format!("{other} is not supported by the test interpreter")),
        }
        Ok(())
    }
}

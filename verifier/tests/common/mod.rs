//! Shared by the verifier's property tests with `std` (`tests/embedded.rs`) and without it
//! (`verifier/nostd-tests`): a map of the length fields of a serialized proof, proofs
//! built field by field to the shape a preset requires (random content), and mutations.
//!
//! The map and the builder follow winterfell 0.13.1's serialization as written by its
//! `write_into` implementations, independently of `vm_air::proof::check_stark_bytes`, so a
//! disagreement between the two shows up as a failing test.
#![allow(dead_code)]

use proptest::prelude::*;
use vm_air::{layout, preset::Preset, PublicInputs, VmAir};
use vm_core::{Felt, StackInputs, StackOutputs};
use winter_air::{Air, TraceInfo};
use winter_math::StarkField;
use winter_utils::{ByteWriter, Serializable};

/// Bytes of the proof file's header (magic, version, preset, bits, log2 length).
pub const HEADER_LEN: usize = 8;

/// How a length or count field is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    U8,
    U16,
    U32,
    /// Winterfell's variable-length `usize` (1 to 9 bytes).
    Var,
}

/// A length or count field of a proof file: where it is and how it is encoded.
#[derive(Clone, Copy, Debug)]
pub struct LengthField {
    pub offset: usize,
    pub size: usize,
    pub width: Width,
    pub value: u64,
}

/// Reads a proof body as winterfell writes it, recording its length fields.
struct Walker<'a> {
    b: &'a [u8],
    pos: usize,
    /// Bytes of one commitment digest (24 for BLAKE3-192, 32 otherwise).
    digest: usize,
    fields: Vec<LengthField>,
}

impl Walker<'_> {
    fn skip(&mut self, n: usize) {
        self.pos += n;
        assert!(self.pos <= self.b.len(), "walked past the end");
    }
    fn fixed(&mut self, width: Width) -> usize {
        let size = match width {
            Width::U8 => 1,
            Width::U16 => 2,
            Width::U32 => 4,
            Width::Var => unreachable!(),
        };
        let mut a = [0u8; 8];
        a[..size].copy_from_slice(&self.b[self.pos..self.pos + size]);
        let value = u64::from_le_bytes(a);
        self.fields.push(LengthField {
            offset: self.pos,
            size,
            width,
            value,
        });
        self.pos += size;
        value as usize
    }
    fn var(&mut self) -> usize {
        let first = self.b[self.pos];
        let len = first.trailing_zeros() as usize + 1;
        let value = if len == 9 {
            u64::from_le_bytes(self.b[self.pos + 1..self.pos + 9].try_into().unwrap())
        } else {
            let mut a = [0u8; 8];
            a[..len].copy_from_slice(&self.b[self.pos..self.pos + len]);
            u64::from_le_bytes(a) >> len
        };
        let size = len.min(8) + usize::from(len == 9);
        self.fields.push(LengthField {
            offset: self.pos,
            size,
            width: Width::Var,
            value,
        });
        self.pos += size;
        value as usize
    }
    fn opening(&mut self, len: usize) {
        let end = self.pos + len;
        self.fixed(Width::U8); // depth
        let vectors = self.var();
        for _ in 0..vectors {
            let n = self.var();
            self.skip(n * self.digest);
        }
        assert_eq!(self.pos, end, "opening length");
    }
}

/// The length and count fields of an honest proof file (header included), by offset.
pub fn length_fields(file: &[u8]) -> Vec<LengthField> {
    let preset = vm_air::preset::by_id(file[5]).expect("a known preset");
    let mut w = Walker {
        b: &file[HEADER_LEN..],
        pos: 0,
        digest: preset.hash_function().digest_bytes(),
        fields: Vec::new(),
    };
    // Trace info: widths and random elements (u8 counts), log2 length, metadata (u16).
    for _ in 0..4 {
        w.fixed(Width::U8);
    }
    let meta = w.fixed(Width::U16);
    w.skip(meta);
    let m = w.fixed(Width::U8);
    w.skip(m);
    // Options: queries, blowup, grinding, extension, folding, remainder degree, two
    // batching methods, partitions, hash rate.
    for _ in 0..10 {
        w.fixed(Width::U8);
    }
    w.var(); // constraint count
    w.fixed(Width::U8); // unique queries
    let c = w.fixed(Width::U16);
    w.skip(c);
    for _ in 0..3 {
        let v = w.var();
        w.skip(v);
        let o = w.var();
        w.opening(o);
    }
    for _ in 0..2 {
        let n = w.fixed(Width::U16);
        w.skip(n);
    }
    let layers = w.fixed(Width::U8);
    for _ in 0..layers {
        let v = w.fixed(Width::U32);
        w.skip(v);
        let o = w.fixed(Width::U32);
        w.opening(o);
    }
    let r = w.fixed(Width::U16);
    w.skip(r);
    w.fixed(Width::U8); // partitions
    w.skip(8); // nonce
    assert_eq!(w.pos, w.b.len(), "the walker read the whole proof");
    w.fields
        .into_iter()
        .map(|f| LengthField {
            offset: f.offset + HEADER_LEN,
            ..f
        })
        .collect()
}

/// A small deterministic generator (xorshift), so that the builder needs no `rand`.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn felts(&mut self, out: &mut Vec<u8>, count: usize) {
        for _ in 0..count {
            out.extend_from_slice(&self.below(vm_core::MODULUS).to_le_bytes());
        }
    }
}

/// A random batch opening; digests of `digest` bytes, as canonical field elements (so that
/// they also pass as `Rp64_256` digests).
fn opening(rng: &mut Rng, depth: usize, leaves: usize, digest: usize) -> Vec<u8> {
    let mut o = Vec::new();
    o.write_u8(depth as u8);
    let vectors = 1 + rng.below(leaves as u64) as usize;
    o.write_usize(vectors);
    for _ in 0..vectors {
        let n = rng.below(depth as u64 + 1) as usize;
        o.write_usize(n);
        rng.felts(&mut o, digest / 8 * n);
    }
    o
}

/// A proof file for `preset` and a trace of `2^log_n` rows, every field of the shape the
/// preset and the AIR require, its content random (canonical field elements): it reaches
/// winterfell's verifier, which must reject it.
pub fn shaped_proof(preset: &'static Preset, log_n: u32, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let n = 1usize << log_n;
    let ext = preset.extension_degree;
    let info = TraceInfo::new_multi_segment(
        preset.main_width(),
        layout::AUX_WIDTH,
        layout::AUX_RANDS,
        n,
        Vec::new(),
    );
    let public = PublicInputs {
        preset: preset.id,
        program_hash: [Felt::new(0); 4],
        stack_inputs: StackInputs::default(),
        stack_outputs: StackOutputs::new(&[]).unwrap(),
    };
    let air = VmAir::new(info.clone(), public, preset.options());
    let ctx = air.context();
    let comp = ctx.num_constraint_composition_columns();
    let mut b = Vec::new();
    b.extend_from_slice(b"VMPF");
    b.extend_from_slice(&[
        vm_air::proof::VERSION,
        preset.id,
        preset.security_bits as u8,
        log_n as u8,
    ]);
    info.write_into(&mut b);
    let modulus = Felt::get_modulus_le_bytes();
    b.write_u8(modulus.len() as u8);
    b.write_bytes(&modulus);
    preset.options().write_into(&mut b);
    b.write_usize(ctx.num_assertions() + ctx.num_transition_constraints());
    let q = 1 + rng.below(preset.queries as u64) as usize;
    b.write_u8(q as u8);
    let lde = n * preset.blowup;
    let fri = preset.options().to_fri_options();
    let layers = fri.num_fri_layers(lde);
    let roots = 2 + 1 + layers + 1;
    let digest = preset.hash_function().digest_bytes();
    b.write_u16((roots * digest) as u16);
    rng.felts(&mut b, digest / 8 * roots);
    let depth = lde.trailing_zeros() as usize;
    for row in [preset.main_width(), layout::AUX_WIDTH * ext, comp * ext] {
        let mut v = Vec::new();
        rng.felts(&mut v, q * row);
        v.write_into(&mut b);
        opening(&mut rng, depth, q, digest).write_into(&mut b);
    }
    for width in [preset.main_width() + layout::AUX_WIDTH, comp] {
        b.write_u16((1 + 2 * width * ext * 8) as u16);
        b.write_u8(2);
        rng.felts(&mut b, 2 * width * ext);
    }
    b.write_u8(layers as u8);
    let mut domain = lde;
    let mut rows = q;
    for _ in 0..layers {
        domain /= preset.fri_folding;
        rows = 1 + rng.below(rows as u64) as usize;
        let mut v = Vec::new();
        rng.felts(&mut v, rows * preset.fri_folding * ext);
        b.write_u32(v.len() as u32);
        b.write_bytes(&v);
        let o = opening(&mut rng, domain.trailing_zeros() as usize, rows, digest);
        b.write_u32(o.len() as u32);
        b.write_bytes(&o);
    }
    let coefficients = domain / preset.blowup;
    b.write_u16((coefficients * ext * 8) as u16);
    rng.felts(&mut b, coefficients * ext);
    b.write_u8(0);
    b.write_u64(rng.next());
    b
}

/// One corruption of a proof file.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Flip one bit of the byte at this position (taken modulo the length).
    FlipBit(usize, u8),
    /// Overwrite the byte at this position.
    SetByte(usize, u8),
    /// Keep only this many bytes (modulo the length).
    Truncate(usize),
    /// Append these bytes.
    Extend(Vec<u8>),
    /// Insert these bytes at a position.
    Insert(usize, Vec<u8>),
    /// Remove this many bytes at a position.
    Remove(usize, usize),
    /// Give the length field with this index (modulo the count) another value: a small
    /// change, zero, a power of two or the largest the encoding holds.
    Length(usize, u64),
}

/// Mutations, with length-field changes and small shifts favoured.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    let value = prop_oneof![
        Just(0u64),
        Just(1u64),
        Just(u64::MAX),
        (0u32..64).prop_map(|k| 1u64 << k),
        any::<u64>(),
        (1u64..4).prop_map(|d| d | (1 << 63)), // "minus d" below
    ];
    prop_oneof![
        1 => (any::<usize>(), 0u8..8).prop_map(|(p, b)| Mutation::FlipBit(p, b)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(p, v)| Mutation::SetByte(p, v)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => proptest::collection::vec(any::<u8>(), 1..64).prop_map(Mutation::Extend),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(p, v)| Mutation::Insert(p, v)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(p, n)| Mutation::Remove(p, n)),
        3 => (any::<usize>(), value).prop_map(|(i, v)| Mutation::Length(i, v)),
    ]
}

/// Applies `m` to `file` (whose length fields are `fields`).
pub fn apply(file: &[u8], fields: &[LengthField], m: &Mutation) -> Vec<u8> {
    let mut b = file.to_vec();
    let n = b.len();
    match m {
        Mutation::FlipBit(p, bit) => b[p % n] ^= 1 << bit,
        Mutation::SetByte(p, v) => b[p % n] = *v,
        Mutation::Truncate(len) => b.truncate(len % n),
        Mutation::Extend(v) => b.extend_from_slice(v),
        Mutation::Insert(p, v) => {
            let p = p % (n + 1);
            b.splice(p..p, v.iter().copied());
        }
        Mutation::Remove(p, len) => {
            let p = p % n;
            b.drain(p..(p + len).min(n));
        }
        Mutation::Length(i, v) => {
            let f = fields[i % fields.len()];
            if f.offset + f.size > n {
                // Cut off by an earlier mutation.
                return b;
            }
            // The top bit asks for "the field's value minus d", and 1 for "plus one".
            let new = if v >> 63 == 1 && *v != u64::MAX {
                f.value.wrapping_sub(v & 0xff)
            } else if *v == 1 {
                f.value.wrapping_add(1)
            } else {
                *v
            };
            let enc = match f.width {
                Width::U8 => vec![new as u8],
                Width::U16 => (new as u16).to_le_bytes().to_vec(),
                Width::U32 => (new as u32).to_le_bytes().to_vec(),
                Width::Var => {
                    let mut e = Vec::new();
                    e.write_usize(new as usize);
                    e
                }
            };
            b.splice(f.offset..f.offset + f.size, enc);
        }
    }
    b
}

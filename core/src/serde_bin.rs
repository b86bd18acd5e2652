//! The versioned binary format of compiled programs (`.vmb` files).
//!
//! Layout, all integers little-endian:
//!
//! ```text
//! magic "VMPG" | version u16 (= 3) | hash: 4 x u64
//! code:        u32 count, then per instruction: opcode u8 [imm u64 if the op has one]
//! files:       u32 count, then (string name, string text)
//! spans:       u32 count, then per instruction: u8 present [file u32, start u32, end u32]
//! procedures:  u32 count, then (string name, start u32, end u32, num_locals u32)
//! decorators:  u32 count, then (addr u32, tag u8, payload)
//! messages:    u32 count, then (addr u32, string)
//! advice map:  u32 count, then (string name, key 4 x u64, u32 count, values u64...)
//! decorator spans: u32 count, then per decorator: u8 present [file u32, start u32, end u32]
//! ```
//!
//! Older versions are still read: version 1 (before programs carried an advice map) has
//! neither of the last two sections, version 2 no decorator spans.
//!
//! Strings are a u32 byte length followed by UTF-8. Reading recomputes the hash and rejects
//! a file whose stored hash differs, so a corrupted file cannot masquerade as another
//! program.

use alloc::{format, string::String, vec::Vec};
use core::fmt;

use crate::{
    program::ProgramError, AdviceMapEntry, DebugInfo, Decorator, Felt, Instruction, Opcode,
    ProcedureInfo, Program, SourceFile, SourceSpan, Word, MODULUS,
};

/// Magic bytes at the start of every compiled program.
pub const MAGIC: &[u8; 4] = b"VMPG";
/// Current format version.
pub const VERSION: u16 = 3;
/// The oldest format version still read (no advice-map section).
pub const OLDEST_VERSION: u16 = 1;

/// Why bytes could not be read as a program.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The file does not start with `VMPG`.
    BadMagic,
    /// The format version is not one this build reads.
    UnsupportedVersion(u16),
    /// The input ended while reading the named item.
    UnexpectedEnd(&'static str),
    /// A value is invalid; the string says which and why.
    Invalid(String),
    /// The decoded code is not a valid program.
    Program(ProgramError),
    /// The stored hash does not match the code.
    HashMismatch,
    /// Bytes remain after the program.
    TrailingBytes(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::BadMagic => write!(f, "not a compiled program (missing VMPG header)"),
            DecodeError::UnsupportedVersion(v) => {
                write!(
                    f,
                    "program format version {v} is not supported (this build reads {OLDEST_VERSION} to {VERSION})"
                )
            }
            DecodeError::UnexpectedEnd(what) => write!(f, "file ends in the middle of {what}"),
            DecodeError::Invalid(s) => write!(f, "invalid program file: {s}"),
            DecodeError::Program(e) => write!(f, "invalid program: {e}"),
            DecodeError::HashMismatch => write!(f, "stored program hash does not match the code"),
            DecodeError::TrailingBytes(n) => write!(f, "{n} unexpected bytes after the program"),
        }
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_u32(&mut self, v: Option<u32>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.u32(v)
            }
            None => self.u8(0),
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() - self.pos < n {
            return Err(DecodeError::UnexpectedEnd(what));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.take(2, what)?.try_into().unwrap()))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().unwrap()))
    }
    fn felt(&mut self, what: &'static str) -> Result<Felt, DecodeError> {
        let v = self.u64(what)?;
        if v >= MODULUS {
            return Err(DecodeError::Invalid(format!(
                "{what}: {v} is not a field element"
            )));
        }
        Ok(Felt::new(v))
    }
    /// Reads a count, rejecting counts that cannot fit in the remaining bytes (each item
    /// takes at least `min_item` bytes), so that a forged count cannot exhaust memory.
    fn count(&mut self, what: &'static str, min_item: usize) -> Result<usize, DecodeError> {
        let n = self.u32(what)? as usize;
        if n.saturating_mul(min_item) > self.bytes.len() - self.pos {
            return Err(DecodeError::UnexpectedEnd(what));
        }
        Ok(n)
    }
    fn str(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let n = self.count(what, 1)?;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| DecodeError::Invalid(format!("{what} is not UTF-8")))
    }
    fn opt_u32(&mut self, what: &'static str) -> Result<Option<u32>, DecodeError> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => Ok(Some(self.u32(what)?)),
            t => Err(DecodeError::Invalid(format!("{what}: bad option tag {t}"))),
        }
    }
}

impl Program {
    /// Serializes the program (code, hash and debug information).
    pub fn to_bytes(&self) -> Vec<u8> {
        write_program(&self.hash(), self.code(), self.debug(), self.advice_map())
    }

    /// Reads a program written by [`Program::to_bytes`], validating it completely.
    pub fn from_bytes(bytes: &[u8]) -> Result<Program, DecodeError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(4, "the header").ok() != Some(&MAGIC[..]) {
            return Err(DecodeError::BadMagic);
        }
        let version = r.u16("the version")?;
        if !(OLDEST_VERSION..=VERSION).contains(&version) {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        let mut hash = [Felt::new(0); 4];
        for h in hash.iter_mut() {
            *h = r.felt("the program hash")?;
        }
        let n = r.count("the code", 1)?;
        let mut code = Vec::with_capacity(n);
        for _ in 0..n {
            let c = r.u8("an opcode")?;
            let op = Opcode::from_code(c)
                .ok_or_else(|| DecodeError::Invalid(format!("unknown opcode {c}")))?;
            let imm = if op.has_imm() {
                r.felt("an immediate")?
            } else {
                Felt::new(0)
            };
            code.push(Instruction { op, imm });
        }
        let mut debug = DebugInfo::default();
        for _ in 0..r.count("the source files", 8)? {
            let name = r.str("a file name")?;
            let text = r.str("a file text")?;
            debug.files.push(SourceFile { name, text });
        }
        for _ in 0..r.count("the source map", 1)? {
            let span = read_span(&mut r, &debug.files)?;
            debug.spans.push(span);
        }
        for _ in 0..r.count("the procedures", 16)? {
            debug.procedures.push(ProcedureInfo {
                name: r.str("a procedure name")?,
                start: r.u32("a procedure")?,
                end: r.u32("a procedure")?,
                num_locals: r.u32("a procedure")?,
            });
        }
        for _ in 0..r.count("the decorators", 5)? {
            let addr = r.u32("a decorator")?;
            debug.decorators.push((addr, read_decorator(&mut r)?));
        }
        for _ in 0..r.count("the messages", 8)? {
            let addr = r.u32("a message")?;
            debug.messages.push((addr, r.str("a message")?));
        }
        let mut advice_map = Vec::new();
        if version >= 2 {
            for _ in 0..r.count("the advice map", 40)? {
                let name = r.str("an advice-map entry")?;
                let mut key = [Felt::new(0); 4];
                for k in key.iter_mut() {
                    *k = r.felt("an advice-map key")?;
                }
                let n = r.count("advice-map values", 8)?;
                let mut values = Vec::with_capacity(n);
                for _ in 0..n {
                    values.push(r.felt("an advice-map value")?);
                }
                advice_map.push(AdviceMapEntry { name, key, values });
            }
        }
        if version >= 3 {
            for _ in 0..r.count("the decorator spans", 1)? {
                let span = read_span(&mut r, &debug.files)?;
                debug.decorator_spans.push(span);
            }
        }
        if r.pos != bytes.len() {
            return Err(DecodeError::TrailingBytes(bytes.len() - r.pos));
        }
        if !debug.decorators.windows(2).all(|w| w[0].0 <= w[1].0)
            || !debug.messages.windows(2).all(|w| w[0].0 < w[1].0)
        {
            return Err(DecodeError::Invalid(
                "decorators or messages are not sorted".into(),
            ));
        }
        let program = Program::new(code, debug).map_err(DecodeError::Program)?;
        if program.hash() != hash {
            return Err(DecodeError::HashMismatch);
        }
        Ok(program.with_advice_map(advice_map))
    }
}

/// Reads an optional span and checks that it lies in one of `files`.
fn read_span(r: &mut Reader<'_>, files: &[SourceFile]) -> Result<Option<SourceSpan>, DecodeError> {
    let span = match r.u8("the source map")? {
        0 => None,
        1 => Some(SourceSpan {
            file: r.u32("a span")?,
            start: r.u32("a span")?,
            end: r.u32("a span")?,
        }),
        t => return Err(DecodeError::Invalid(format!("bad span tag {t}"))),
    };
    if let Some(s) = span {
        let file = files.get(s.file as usize).ok_or_else(|| {
            DecodeError::Invalid(format!("span refers to missing file {}", s.file))
        })?;
        if s.start > s.end || s.end as usize > file.text.len() {
            return Err(DecodeError::Invalid("span outside its file".into()));
        }
    }
    Ok(span)
}

fn write_span(w: &mut Writer, s: &Option<SourceSpan>) {
    match s {
        Some(s) => {
            w.u8(1);
            w.u32(s.file);
            w.u32(s.start);
            w.u32(s.end);
        }
        None => w.u8(0),
    }
}

/// Writes the file format for `hash`, `code`, `debug` and `advice` without checking them (so
/// that the tests can write files that the reader must reject).
fn write_program(
    hash: &Word,
    code: &[Instruction],
    d: &DebugInfo,
    advice: &[AdviceMapEntry],
) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.0.extend_from_slice(MAGIC);
    w.u16(VERSION);
    for e in hash {
        w.u64(e.as_int());
    }
    w.len(code.len());
    for ins in code {
        w.u8(ins.op.code());
        if ins.op.has_imm() {
            w.u64(ins.imm.as_int());
        }
    }
    w.len(d.files.len());
    for f in &d.files {
        w.str(&f.name);
        w.str(&f.text);
    }
    w.len(d.spans.len());
    for s in &d.spans {
        write_span(&mut w, s);
    }
    w.len(d.procedures.len());
    for p in &d.procedures {
        w.str(&p.name);
        w.u32(p.start);
        w.u32(p.end);
        w.u32(p.num_locals);
    }
    w.len(d.decorators.len());
    for (addr, dec) in &d.decorators {
        w.u32(*addr);
        write_decorator(&mut w, dec);
    }
    w.len(d.messages.len());
    for (addr, m) in &d.messages {
        w.u32(*addr);
        w.str(m);
    }
    w.len(advice.len());
    for e in advice {
        w.str(&e.name);
        for k in &e.key {
            w.u64(k.as_int());
        }
        w.len(e.values.len());
        for v in &e.values {
            w.u64(v.as_int());
        }
    }
    w.len(d.decorator_spans.len());
    for s in &d.decorator_spans {
        write_span(&mut w, s);
    }
    w.0
}

fn opt16(v: Option<u16>) -> Option<u32> {
    v.map(u32::from)
}

fn write_decorator(w: &mut Writer, d: &Decorator) {
    use Decorator::*;
    match d {
        AdvPushMapval(i) => {
            w.u8(0);
            w.u8(*i)
        }
        AdvPushMapvalN(i) => {
            w.u8(1);
            w.u8(*i)
        }
        AdvPushMtnode => w.u8(2),
        AdvPushU64Div => w.u8(3),
        AdvPushSmtPeek => w.u8(4),
        AdvInsertMem => w.u8(5),
        AdvInsertHdword => w.u8(6),
        AdvInsertHdwordD => w.u8(7),
        AdvInsertHperm => w.u8(8),
        AdvPushFalconDiv => w.u8(9),
        AdvPushExt2Inv => w.u8(10),
        AdvPushU32Clz => w.u8(11),
        AdvPushU32Ctz => w.u8(12),
        AdvPushU32Clo => w.u8(13),
        AdvPushU32Cto => w.u8(14),
        AdvPushIlog2 => w.u8(15),
        DebugStack(n) => {
            w.u8(16);
            w.opt_u32(opt16(*n))
        }
        DebugMem(a, b) => {
            w.u8(17);
            w.opt_u32(*a);
            w.opt_u32(*b)
        }
        DebugLocal(a, b) => {
            w.u8(18);
            w.opt_u32(opt16(*a));
            w.opt_u32(opt16(*b))
        }
        DebugAdvStack(n) => {
            w.u8(19);
            w.opt_u32(opt16(*n))
        }
        Trace(id) => {
            w.u8(20);
            w.u32(*id)
        }
        Comment(s) => {
            w.u8(21);
            w.str(s)
        }
        AdvMerkleMerge => w.u8(22),
        AdvHasMapKey => w.u8(23),
        AdvMtreeGet => w.u8(24),
        AdvMtreeVerify(m) => {
            w.u8(25);
            match m {
                None => w.u8(0),
                Some(m) => {
                    w.u8(1);
                    w.str(m)
                }
            }
        }
        AdvMtreeSet => w.u8(26),
        AdvPushSecp256k1BaseInv => w.u8(27),
        AdvPushSecp256k1ScalarInv => w.u8(28),
    }
}

fn read_decorator(r: &mut Reader<'_>) -> Result<Decorator, DecodeError> {
    use Decorator::*;
    let o16 = |v: Option<u32>| -> Result<Option<u16>, DecodeError> {
        v.map(|x| {
            u16::try_from(x)
                .map_err(|_| DecodeError::Invalid("decorator argument too large".into()))
        })
        .transpose()
    };
    Ok(match r.u8("a decorator")? {
        0 => AdvPushMapval(r.u8("a decorator")?),
        1 => AdvPushMapvalN(r.u8("a decorator")?),
        2 => AdvPushMtnode,
        3 => AdvPushU64Div,
        4 => AdvPushSmtPeek,
        5 => AdvInsertMem,
        6 => AdvInsertHdword,
        7 => AdvInsertHdwordD,
        8 => AdvInsertHperm,
        9 => AdvPushFalconDiv,
        10 => AdvPushExt2Inv,
        11 => AdvPushU32Clz,
        12 => AdvPushU32Ctz,
        13 => AdvPushU32Clo,
        14 => AdvPushU32Cto,
        15 => AdvPushIlog2,
        16 => DebugStack(o16(r.opt_u32("a decorator")?)?),
        17 => DebugMem(r.opt_u32("a decorator")?, r.opt_u32("a decorator")?),
        18 => DebugLocal(
            o16(r.opt_u32("a decorator")?)?,
            o16(r.opt_u32("a decorator")?)?,
        ),
        19 => DebugAdvStack(o16(r.opt_u32("a decorator")?)?),
        20 => Trace(r.u32("a decorator")?),
        21 => Comment(r.str("a decorator")?),
        22 => AdvMerkleMerge,
        23 => AdvHasMapKey,
        24 => AdvMtreeGet,
        25 => AdvMtreeVerify(match r.u8("a decorator")? {
            0 => None,
            1 => Some(r.str("a decorator")?),
            _ => return Err(DecodeError::Invalid("bad decorator message flag".into())),
        }),
        26 => AdvMtreeSet,
        27 => AdvPushSecp256k1BaseInv,
        28 => AdvPushSecp256k1ScalarInv,
        t => return Err(DecodeError::Invalid(format!("unknown decorator tag {t}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{string::ToString, vec};

    fn sample() -> Program {
        let code = vec![
            Instruction::with_imm(Opcode::Push, Felt::new(5)),
            Instruction::new(Opcode::Assert),
            Instruction::new(Opcode::Halt),
        ];
        let debug = DebugInfo {
            files: vec![SourceFile {
                name: "a.masm".into(),
                text: "begin push.5 assert end".into(),
            }],
            spans: vec![
                Some(SourceSpan {
                    file: 0,
                    start: 6,
                    end: 12,
                }),
                None,
                None,
            ],
            procedures: vec![ProcedureInfo {
                name: "#main".into(),
                start: 0,
                end: 3,
                num_locals: 0,
            }],
            decorators: vec![
                (1, Decorator::DebugStack(Some(4))),
                (1, Decorator::AdvPushMapval(0)),
                (2, Decorator::AdvMtreeVerify(Some("bad leaf".into()))),
                (2, Decorator::AdvMtreeVerify(None)),
                (2, Decorator::AdvMtreeSet),
                (2, Decorator::AdvPushSecp256k1BaseInv),
                (2, Decorator::AdvPushSecp256k1ScalarInv),
            ],
            decorator_spans: vec![
                None,
                Some(SourceSpan {
                    file: 0,
                    start: 13,
                    end: 19,
                }),
                None,
                None,
                None,
                None,
                None,
            ],
            messages: vec![(1, "must be one".into())],
        };
        Program::new(code, debug).unwrap()
    }

    #[test]
    fn roundtrip() {
        let p = sample();
        assert_eq!(Program::from_bytes(&p.to_bytes()).unwrap(), p);
        let with_map = sample().with_advice_map(vec![
            AdviceMapEntry {
                name: "#exec::A".into(),
                key: [Felt::new(1), Felt::new(2), Felt::new(3), Felt::new(4)],
                values: vec![Felt::new(7), Felt::new(MODULUS - 1)],
            },
            AdviceMapEntry {
                name: "#exec::EMPTY".into(),
                key: [Felt::new(0); 4],
                values: vec![],
            },
        ]);
        assert_eq!(with_map.hash(), p.hash(), "the advice map is not hashed");
        let back = Program::from_bytes(&with_map.to_bytes()).unwrap();
        assert_eq!(back, with_map);
        assert_eq!(back.advice_map().len(), 2);
    }

    #[test]
    fn version_1_files_are_read_without_an_advice_map() {
        let p = sample();
        let mut debug = p.debug().clone();
        debug.decorator_spans.clear();
        let mut bytes = write_program(&p.hash(), p.code(), &debug, &[]);
        let p = Program::from_bytes(&bytes).unwrap();
        // A version 2 file is a version 3 file without the decorator-span count, a version 1
        // file a version 2 file without the advice-map count.
        bytes[4..6].copy_from_slice(&2u16.to_le_bytes());
        bytes.truncate(bytes.len() - 4);
        assert_eq!(Program::from_bytes(&bytes).unwrap(), p);
        bytes[4..6].copy_from_slice(&1u16.to_le_bytes());
        bytes.truncate(bytes.len() - 4);
        assert_eq!(Program::from_bytes(&bytes).unwrap(), p);
        bytes[4..6].copy_from_slice(&4u16.to_le_bytes());
        assert_eq!(
            Program::from_bytes(&bytes),
            Err(DecodeError::UnsupportedVersion(4))
        );
    }

    /// `JMP.2 HALT NOOP`: well formed, but NOOP falls through to address 3.
    fn runs_past_end() -> Vec<Instruction> {
        vec![
            Instruction::with_imm(Opcode::Jmp, Felt::new(2)),
            Instruction::new(Opcode::Halt),
            Instruction::new(Opcode::Noop),
        ]
    }

    const RUNS_PAST_END: DecodeError = DecodeError::Program(ProgramError::RunsPastEnd {
        addr: 2,
        op: Opcode::Noop,
    });

    #[test]
    fn a_file_whose_code_runs_past_its_end_is_rejected() {
        let code = runs_past_end();
        // With the hash the file would carry: the code itself is what is rejected.
        let hash = crate::hash::hash_elements(&crate::program::encode_for_hash(&code));
        let bytes = write_program(&hash, &code, &DebugInfo::default(), &[]);
        assert_eq!(Program::from_bytes(&bytes), Err(RUNS_PAST_END));
        assert_eq!(
            RUNS_PAST_END.to_string(),
            "invalid program: instruction 2 (NOOP) can run past the end of the program (the \
             last instruction must be HALT, JMP or RET)"
        );
        // The same file written by hand, independently of the writer.
        let mut by_hand = Vec::new();
        by_hand.extend_from_slice(b"VMPG");
        by_hand.extend_from_slice(&3u16.to_le_bytes());
        for e in hash {
            by_hand.extend_from_slice(&e.as_int().to_le_bytes());
        }
        by_hand.extend_from_slice(&3u32.to_le_bytes());
        by_hand.push(3); // JMP
        by_hand.extend_from_slice(&2u64.to_le_bytes());
        by_hand.push(2); // HALT
        by_hand.push(1); // NOOP
        for _ in 0..7 {
            // No files, spans, procedures, decorators, messages, advice-map entries or
            // decorator spans.
            by_hand.extend_from_slice(&0u32.to_le_bytes());
        }
        assert_eq!(by_hand, bytes);
        assert_eq!(Program::from_bytes(&by_hand), Err(RUNS_PAST_END));
        // A CALL as the last instruction: its return address would be the program's length.
        let code = vec![
            Instruction::new(Opcode::Halt),
            Instruction::new(Opcode::Ret),
            Instruction::with_imm(Opcode::Call, Felt::new(1)),
        ];
        let hash = crate::hash::hash_elements(&crate::program::encode_for_hash(&code));
        assert_eq!(
            Program::from_bytes(&write_program(&hash, &code, &DebugInfo::default(), &[])),
            Err(DecodeError::Program(ProgramError::RunsPastEnd {
                addr: 2,
                op: Opcode::Call
            }))
        );
    }

    #[test]
    fn every_truncation_and_flip_is_an_error_or_same_program() {
        let p = sample();
        let bytes = p.to_bytes();
        for n in 0..bytes.len() {
            assert!(
                Program::from_bytes(&bytes[..n]).is_err(),
                "truncation at {n} accepted"
            );
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x40;
            if let Ok(q) = Program::from_bytes(&b) {
                // Only debug information may change without failing; the code may not.
                assert_eq!(q.hash(), p.hash());
                assert_eq!(q.code(), p.code());
            }
        }
    }
}

//! Runs every bundled example (`examples/<name>/<name>.masm` with `<name>.inputs`) on both
//! executors and checks its output stack twice: against the values its header comment
//! documents ("the output stack starts with ..."), and against values recomputed here in
//! Rust, independently of the VM.

#[path = "instructions/common.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::{run_full, Outcome, EXAMPLES, FAST_ONLY_EXAMPLES, P};
use vm::processor::{ExecutionOptions, InputFile};
use vm_core::{hash, Felt, Word};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn source(name: &str) -> String {
    let path = dir(name).join(format!("{name}.masm"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn inputs(name: &str) -> InputFile {
    let path = dir(name).join(format!("{name}.inputs"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    InputFile::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs an example with its inputs, optionally with a changed source or inputs.
fn run_with(src: &str, inputs: &InputFile) -> Result<Outcome, String> {
    let stack: Vec<u64> = inputs.operand_stack.iter().map(|f| f.as_int()).collect();
    run_full(
        src,
        &stack,
        inputs.advice_inputs(),
        ExecutionOptions::default(),
    )
}

fn run(name: &str) -> [u64; 16] {
    if FAST_ONLY_EXAMPLES.contains(&name) {
        return run_fast(&source(name), &inputs(name))
            .unwrap_or_else(|e| panic!("example {name} failed: {e}"));
    }
    run_with(&source(name), &inputs(name))
        .unwrap_or_else(|e| panic!("example {name} failed: {e}"))
        .stack
}

/// The fast executor only (for `FAST_ONLY_EXAMPLES`): the 16 outputs or the error's kind.
fn run_fast(src: &str, inputs: &InputFile) -> Result<[u64; 16], String> {
    let program = vm::assembly::Assembler::new()
        .assemble_source("example.masm", src)
        .map_err(|e| format!("{e:?}"))?;
    vm::processor::execute(
        &program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut vm::processor::DefaultHost,
        ExecutionOptions::default(),
    )
    .map(|out| out.stack.as_ints().try_into().expect("16 outputs"))
    .map_err(|e| format!("{:?}: {e}", e.kind))
}

/// The values after "the output stack starts with" in the example's header comment.
fn documented(name: &str) -> Vec<u64> {
    let src = source(name);
    let header: String = src
        .lines()
        .take_while(|l| l.starts_with('#'))
        .flat_map(|l| l.trim_start_matches('#').split_whitespace())
        .collect::<Vec<_>>()
        .join(" ");
    let marker = "the output stack starts with";
    let at = header
        .find(marker)
        .unwrap_or_else(|| panic!("example {name}: the header does not say {marker:?}"));
    header[at + marker.len()..]
        .split_whitespace()
        .map(|t| t.trim_end_matches(['.', ',', ':', ';']))
        .map_while(|t| t.parse::<u64>().ok())
        .collect()
}

/// `values` followed by zeros: the 16 outputs of an example that leaves nothing else.
fn padded(values: &[u64]) -> [u64; 16] {
    let mut out = [0u64; 16];
    out[..values.len()].copy_from_slice(values);
    out
}

#[test]
fn every_example_has_source_inputs_and_documented_output() {
    for name in EXAMPLES {
        assert!(source(name).starts_with("# "), "{name}: header comment");
        let _ = inputs(name);
        let doc = documented(name);
        assert!(!doc.is_empty(), "{name}: no documented output");
        let out = run(name);
        assert_eq!(
            out,
            padded(&doc),
            "example {name}: output vs header comment"
        );
    }
}

#[test]
fn fib_is_the_nth_fibonacci_number_mod_p() {
    let n = inputs("fib").operand_stack[0].as_int();
    let (mut a, mut b) = (0u128, 1u128);
    for _ in 0..n {
        (a, b) = (b, (a + b) % P as u128);
    }
    assert_eq!(run("fib"), padded(&[a as u64]));
    // Small n, with the edge cases 0 and 1.
    for (n, f) in [
        (0u64, 0u64),
        (1, 1),
        (2, 1),
        (10, 55),
        (90, 2880067194370816120),
    ] {
        let out = run_with(
            &source("fib"),
            &InputFile::parse(&format!(r#"{{"operand_stack": ["{n}"]}}"#)).unwrap(),
        )
        .unwrap()
        .stack;
        assert_eq!(out[0], f % P, "F({n})");
    }
}

#[test]
fn loops_counts_primes_and_sums_the_grid() {
    let n = inputs("loops").operand_stack[0].as_int();
    let primes = (2..=n)
        .filter(|&k| (2..k).take_while(|d| d * d <= k).all(|d| k % d != 0))
        .count();
    let grid: u64 = (1..=10u64)
        .flat_map(|i| (1..=10u64).map(move |j| i * j))
        .sum();
    assert_eq!(run("loops"), padded(&[primes as u64, grid]));
}

#[test]
fn procedures_computes_dot_product_and_distance() {
    let s: Vec<u64> = inputs("procedures")
        .operand_stack
        .iter()
        .map(|f| f.as_int())
        .collect();
    let (a, b) = (&s[..4], &s[4..]);
    let dot: u64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let dist: u64 = a.iter().zip(b).map(|(x, y)| (y - x) * (y - x)).sum();
    assert_eq!(run("procedures"), padded(&[dot, dist]));
}

#[test]
fn memory_sums_squares() {
    let n = inputs("memory").operand_stack[0].as_int();
    let sum: u64 = (1..=n).map(|i| i * i).sum();
    assert_eq!(run("memory"), padded(&[sum, 64, 49, 36, 25, sum]));
}

#[test]
fn u32_runs_xorshift32() {
    let mut x = inputs("u32").operand_stack[0].as_int() as u32;
    let (mut sum, mut low, mut max) = (0u32, 0u64, 0u32);
    for _ in 0..10 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        sum = sum.wrapping_add(x);
        low += (x < 1 << 31) as u64;
        max = max.max(x);
    }
    let want = [
        x as u64,
        max as u64,
        low,
        x.count_ones() as u64,
        (sum / 1000) as u64,
        (sum % 1000) as u64,
    ];
    assert_eq!(run("u32"), padded(&want));
}

#[test]
fn advice_checks_the_secret_square_root() {
    let inp = inputs("advice");
    let y = inp.operand_stack[0].as_int();
    let x = inp.advice.stack[0].as_int();
    assert_eq!(common::fmul(x, x), y);
    assert_eq!(run("advice"), [0; 16]);
    // -x is a square root too; any other value fails with the program's message.
    for (secret, ok) in [(P - x, true), (x + 1, false), (0, false)] {
        let inp = InputFile::parse(&format!(
            r#"{{"operand_stack": ["{y}"], "advice_stack": ["{secret}"]}}"#
        ))
        .unwrap();
        let r = run_with(&source("advice"), &inp);
        if ok {
            assert_eq!(r.unwrap().stack, [0; 16]);
        } else {
            let e = r.unwrap_err();
            assert!(common::what(&e).contains("not a square root"), "{e}");
        }
    }
    // Without the secret the advice stack is empty.
    let inp = InputFile::parse(&format!(r#"{{"operand_stack": ["{y}"]}}"#)).unwrap();
    assert!(run_with(&source("advice"), &inp)
        .unwrap_err()
        .contains("AdviceStackEmpty"));
}

/// The Merkle root of the example's leaves, recomputed with Rp64_256 2-to-1 hashes.
fn merkle_root(leaves: &[Word]) -> Word {
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash::merge(&p[0], &p[1])).collect();
    }
    level[0]
}

fn merkle_leaves() -> Vec<Word> {
    (0..8u64)
        .map(|i| {
            [
                Felt::new(i + 1),
                Felt::new(100 * (i + 1)),
                Felt::new(0),
                Felt::new(0),
            ]
        })
        .collect()
}

#[test]
fn merkle_inputs_hold_the_root_of_the_leaves() {
    let text = std::fs::read_to_string(dir("merkle").join("merkle.inputs")).unwrap();
    let leaves = merkle_leaves();
    for leaf in &leaves {
        assert!(
            text.contains(&hash::word_to_hex(leaf)),
            "leaf {}",
            hash::word_to_hex(leaf)
        );
    }
    let root = merkle_root(&leaves);
    let stack: Vec<u64> = inputs("merkle")
        .operand_stack
        .iter()
        .map(|f| f.as_int())
        .collect();
    let root_ints: Vec<u64> = root.iter().map(|f| f.as_int()).collect();
    assert_eq!(
        stack[..4],
        root_ints[..],
        "merkle.inputs must hold the root {root_ints:?}"
    );
}

#[test]
fn merkle_opens_the_leaf_at_the_index() {
    let leaves = merkle_leaves();
    let root = merkle_root(&leaves);
    let r: Vec<u64> = root.iter().rev().map(|f| f.as_int()).collect();
    let i = inputs("merkle").operand_stack[4].as_int();
    let leaf: Vec<u64> = leaves[i as usize]
        .iter()
        .rev()
        .map(|f| f.as_int())
        .collect();
    let mut want = leaf;
    want.extend([3, i]);
    want.extend(r);
    assert_eq!(run("merkle"), padded(&want));
    // A leaf with a balance below 500 fails the program's own check; a wrong root fails the
    // Merkle check.
    let text = std::fs::read_to_string(dir("merkle").join("merkle.inputs")).unwrap();
    let low = text.replace("\"5\"", "\"2\"");
    let e = run_with(&source("merkle"), &InputFile::parse(&low).unwrap()).unwrap_err();
    assert!(common::what(&e).contains("balance below 500"), "{e}");
    let bad_root = text.replace("68688145921152500", "68688145921152501");
    assert!(run_with(&source("merkle"), &InputFile::parse(&bad_root).unwrap()).is_err());
}

#[test]
fn call_isolates_the_callers_memory() {
    let s: Vec<u64> = inputs("call")
        .operand_stack
        .iter()
        .map(|f| f.as_int())
        .collect();
    let squares: u64 = s.iter().map(|x| x * x).sum();
    assert_eq!(run("call"), padded(&[squares, 0, 12345]));
}

#[test]
fn secret_checks_a_root_it_does_not_reveal() {
    let inputs = inputs("secret");
    let x = inputs.advice_inputs().stack[0].as_int() as u128;
    let p = P as u128;
    let x2 = x * x % p;
    let f = (x2 * x2 % p * x % p + 3 * x2 + 7) % p;
    assert_eq!(
        inputs.operand_stack[0].as_int() as u128,
        f,
        "y = f(x) in the inputs file"
    );
    assert_eq!(run("secret"), padded(&[1]));
    // Another secret does not satisfy f(x) = y.
    let wrong = InputFile::parse(&format!(
        r#"{{"operand_stack": ["{f}"], "advice_stack": ["{}"]}}"#,
        x + 1
    ))
    .unwrap();
    assert!(run_with(&source("secret"), &wrong).is_err());
}

#[test]
fn hashes_match_the_reference_crates() {
    use sha2::Digest as _;
    let msg = b"abc";
    let be = |d: &[u8]| -> Vec<u64> {
        d.chunks(4)
            .map(|c| u64::from(u32::from_be_bytes(c.try_into().unwrap())))
            .collect()
    };
    let le = |d: &[u8]| -> Vec<u64> {
        d.chunks(4)
            .map(|c| u64::from(u32::from_le_bytes(c.try_into().unwrap())))
            .collect()
    };
    let sha = sha2::Sha256::digest(msg);
    let blake = blake3::hash(msg);
    let keccak = sha3::Keccak256::digest(msg);
    // Keccak lanes [hi, lo] of the little-endian u64s of bytes 0..8 and 8..16.
    let lanes: Vec<u64> = keccak[..16]
        .chunks(8)
        .flat_map(|c| {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            [v >> 32, v & 0xffff_ffff]
        })
        .collect();
    let rp: Word = hash::hash_elements(&[97, 98, 99].map(Felt::new));
    let mut expected = Vec::new();
    expected.extend(be(&sha[..16]));
    expected.extend(le(&blake.as_bytes()[..16]));
    expected.extend(lanes);
    expected.extend(rp.iter().rev().map(|e| e.as_int()));
    assert_eq!(run("hashes").to_vec(), expected);
    assert_eq!(expected[0], 0xba78_16bf, "FIPS 180-4's \"abc\"");
}

#[test]
fn ecdsa_verifies_the_k256_signature_of_its_inputs() {
    use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
    use sha2::{Digest, Sha256};
    // What signature/examples/ecdsa_sign.rs writes: its demonstration key signs
    // SHA-256("hello, secp256k1").
    let key =
        SigningKey::from_bytes(&Sha256::digest(b"vm-signature ecdsa demo seed: public!")).unwrap();
    let digest: [u8; 32] = Sha256::digest(b"hello, secp256k1").into();
    let sig: Signature = key.sign_prehash(&digest).unwrap();
    let layout = vm::signature::ecdsa::VerifyInputs::new(key.verifying_key(), &digest, &sig);
    let file = std::fs::read_to_string(dir("ecdsa").join("ecdsa.inputs")).unwrap();
    assert_eq!(
        file,
        layout.inputs_json(),
        "examples/ecdsa/ecdsa.inputs is stale"
    );
    let out = run("ecdsa");
    assert_eq!(out, padded(&layout.operand_stack_top_first()));

    // Another message's digest, another key, a changed r or s: refused.
    let src = source("ecdsa");
    let refused = |l: vm::signature::ecdsa::VerifyInputs| {
        let e = run_fast(&src, &InputFile::parse(&l.inputs_json()).unwrap()).unwrap_err();
        assert!(e.contains("FailedAssertion") && e.contains("ECDSA"), "{e}");
    };
    let other: [u8; 32] = Sha256::digest(b"hello, secp256k2").into();
    let mut l = layout.clone();
    l.h = vm::signature::ecdsa::VerifyInputs::new(key.verifying_key(), &other, &sig).h;
    refused(l);
    let other_key = SigningKey::from_bytes(&Sha256::digest(b"another key")).unwrap();
    let mut l = layout.clone();
    l.key = vm::signature::ecdsa::VerifyInputs::new(other_key.verifying_key(), &digest, &sig).key;
    refused(l);
    for limb in [0, 5] {
        let mut l = layout.clone();
        l.r[limb] ^= 1;
        refused(l);
        let mut l = layout.clone();
        l.s[limb] ^= 1;
        refused(l);
    }
}

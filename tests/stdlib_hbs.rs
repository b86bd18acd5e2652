//! `std::crypto::dsa::hbs::verify` (ours; Miden has no hash-based signature) against the
//! `vm-signature` crate: signatures made by its signer verify in the VM (both executors,
//! `common::run_full`), tampered signatures, messages, indices and keys fail there as in the
//! Rust reference verifier, malformed headers fail with the documented assertions, and the
//! cycle formula of the doc comment is the measured one.

#[path = "instructions/common.rs"]
mod common;

use common::*;
use proptest::prelude::*;
use std::sync::OnceLock;
use vm::core::hash;
use vm::processor::{AdviceInputs, ExecutionOptions};
use vm::signature::{digits, PrivateKey, Signature, LEN, W};
use vm::{Felt, Word};

const SRC: &str = "use.std::crypto::dsa::hbs\nbegin exec.hbs::verify end";

/// Tree height of the test key (16 one-time keys).
const H: u32 = 4;

/// Fixed cycles of `verify` (the doc comment's figure), cycles per tree level (the in-VM
/// loop of `mtree_verify`), the fixed cycles for the test key, and cycles per chain step.
const BASE_FIXED: u64 = 2704;
const LEVEL_CYCLES: u64 = 26;
const BASE_CYCLES: u64 = BASE_FIXED + LEVEL_CYCLES * H as u64;
const STEP_CYCLES: u64 = 11;

fn key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::generate(*b"hbs test key seed, not a secret!", H).unwrap())
}

fn pk() -> Word {
    key().public_key().0
}

fn msg(seed: u64) -> Word {
    hash::hash_elements(&[Felt::new(seed), Felt::new(7)])
}

fn ints(w: &Word) -> Vec<u64> {
    w.iter().map(|e| e.as_int()).collect()
}

/// Stack inputs (file order): sentinels, then MSG and PK so that PK ends on top.
fn stack(pk: &Word, msg: &Word) -> Vec<u64> {
    let mut s: Vec<u64> = SENTINELS[..8].iter().rev().copied().collect();
    s.extend(ints(msg));
    s.extend(ints(pk));
    s
}

/// Runs `verify` on both executors: the cycles, or the error text.
fn vm_verify(pk: &Word, msg: &Word, advice: AdviceInputs) -> Result<u64, String> {
    let out = run_full(SRC, &stack(pk, msg), advice, ExecutionOptions::default())?;
    let mut want = [0u64; 16];
    want[..8].copy_from_slice(&SENTINELS[..8]);
    assert_eq!(
        out.stack, want,
        "verify leaves the stack under its inputs alone"
    );
    Ok(out.cycles - 3) // the body's exec (2) and HALT (1)
}

/// Chain steps the verifier hashes for `msg`.
fn steps(msg: &Word) -> u64 {
    digits(msg).iter().map(|&d| W - 1 - d as u64).sum()
}

fn sign(l: u64, m: &Word) -> Signature {
    key().sign_leaf(l, m).unwrap()
}

#[test]
fn signatures_verify_in_the_vm_with_the_documented_cycles() {
    for l in 0..(1 << H) {
        let m = msg(l);
        let sig = sign(l, &m);
        assert_eq!(key().public_key().verify(&m, &sig), Ok(()));
        let cycles = vm_verify(&pk(), &m, sig.advice_inputs(&m)).unwrap();
        assert_eq!(cycles, BASE_CYCLES + STEP_CYCLES * steps(&m), "leaf {l}");
    }
}

#[test]
fn extreme_messages_and_cycles() {
    // The zero word: every message digit 0 (15 steps each), checksum 960 = 0x3c0: the most
    // steps (990). All-ones nibbles where canonical values allow (p - 1 = 0xffffffff00000000).
    let p1 = Felt::new(vm::core::MODULUS - 1);
    let big = Felt::new(0xffff_fffe_ffff_ffff);
    for m in [
        [Felt::new(0); 4],
        [p1; 4],
        [big; 4],
        [Felt::new(1), p1, big, Felt::new(0)],
    ] {
        let sig = sign(3, &m);
        let cycles = vm_verify(&pk(), &m, sig.advice_inputs(&m)).unwrap();
        assert_eq!(cycles, BASE_CYCLES + STEP_CYCLES * steps(&m), "{m:?}");
    }
    assert_eq!(steps(&[Felt::new(0); 4]), 990);
    let most = vm_verify(
        &pk(),
        &[Felt::new(0); 4],
        sign(0, &[Felt::new(0); 4]).advice_inputs(&[Felt::new(0); 4]),
    );
    assert_eq!(
        most.unwrap(),
        BASE_CYCLES + STEP_CYCLES * 990,
        "the doc comment's maximum"
    );
}

/// A Merkle store with the honest path of leaf `l` (what a verifier holding the tree has), so
/// that a wrong leaf fails at `mtree_verify` with the procedure's message.
fn honest_store(l: u64) -> AdviceInputs {
    let m = msg(1000 + l);
    sign(l, &m).advice_inputs(&m)
}

fn with_stack(mut a: AdviceInputs, sig: &Signature) -> AdviceInputs {
    a.stack = sig.advice_stack();
    a
}

const INVALID: &str = "hbs: invalid signature";

#[test]
fn wrong_message_fails() {
    let m = msg(1);
    let sig = sign(5, &m);
    let other = msg(2);
    assert!(key().public_key().verify(&other, &sig).is_err());
    // The signature's own advice for `m`: the path leads to the key's root, the leaf differs.
    let e = vm_verify(&pk(), &other, sig.advice_inputs(&m)).unwrap_err();
    assert!(
        what(&e).contains("MerkleNodeMismatch") && what(&e).contains(INVALID),
        "{e}"
    );
    // Each message element changed by one.
    for k in 0..4 {
        let mut t = m;
        t[k] += Felt::new(1);
        assert!(key().public_key().verify(&t, &sig).is_err());
        let e = vm_verify(&pk(), &t, sig.advice_inputs(&m)).unwrap_err();
        assert!(what(&e).contains(INVALID), "{e}");
    }
}

#[test]
fn tampered_chain_values_fail() {
    let m = msg(3);
    let sig = sign(6, &m);
    for i in [0, 1, 2, 3, 17, 40, LEN - 1] {
        for k in 0..4 {
            let mut t = sig.clone();
            t.chains[i][k] += Felt::new(1);
            assert!(key().public_key().verify(&m, &t).is_err());
            // With the honest store: the assertion; with the tampered signature's own store:
            // no path from the key.
            let e = vm_verify(&pk(), &m, with_stack(honest_store(6), &t)).unwrap_err();
            assert!(what(&e).contains(INVALID), "{e}");
            let e = vm_verify(&pk(), &m, t.advice_inputs(&m)).unwrap_err();
            assert!(what(&e).contains("MerkleNodeNotFound"), "{e}");
        }
    }
    // A chain value moved one step further: the verifier would need fewer steps than it takes.
    let d = digits(&m);
    let i = (0..LEN).find(|&i| d[i] < 15).unwrap();
    let mut t = sig.clone();
    t.chains[i] = vm::signature::chain(H, 6, i, d[i] as u64, d[i] as u64 + 1, &sig.chains[i]);
    assert!(key().public_key().verify(&m, &t).is_err());
    let e = vm_verify(&pk(), &m, with_stack(honest_store(6), &t)).unwrap_err();
    assert!(what(&e).contains(INVALID), "{e}");
}

#[test]
fn tampered_index_path_and_key_fail() {
    let m = msg(4);
    let sig = sign(9, &m);
    // Another index: the chains were made for leaf 9.
    for l in [8, 10, 1, 15] {
        let mut t = sig.clone();
        t.index = l;
        assert!(key().public_key().verify(&m, &t).is_err());
        let e = vm_verify(&pk(), &m, with_stack(honest_store(l), &t)).unwrap_err();
        assert!(what(&e).contains(INVALID), "index {l}: {e}");
        assert!(vm_verify(&pk(), &m, t.advice_inputs(&m)).is_err());
    }
    // A path sibling changed.
    for s in 0..H as usize {
        let mut t = sig.clone();
        t.path[s][0] += Felt::new(1);
        assert!(key().public_key().verify(&m, &t).is_err());
        let e = vm_verify(&pk(), &m, t.advice_inputs(&m)).unwrap_err();
        assert!(what(&e).contains("MerkleNodeNotFound"), "{e}");
    }
    // Another key: its own store, or one holding both trees.
    let other = PrivateKey::generate([9; 32], H).unwrap();
    assert!(other.public_key().verify(&m, &sig).is_err());
    assert!(vm_verify(&other.public_key().0, &m, sig.advice_inputs(&m)).is_err());
    let mut both = sig.advice_inputs(&m);
    for (a, b) in other.sign_leaf(9, &m).unwrap().merkle_nodes(&m) {
        both.add_merkle_node(a, b);
    }
    let e = vm_verify(&other.public_key().0, &m, both).unwrap_err();
    assert!(what(&e).contains(INVALID), "{e}");
    // A root element changed.
    let mut r = pk();
    r[2] += Felt::new(1);
    assert!(vm_verify(&r, &m, sig.advice_inputs(&m)).is_err());
}

#[test]
fn another_height_fails() {
    // The same chains claimed for a tree of height 3 or 5 (the leaf hash covers h).
    let m = msg(5);
    let sig = sign(2, &m);
    for h in [3, 5] {
        let mut t = sig.clone();
        t.height = h;
        t.path.resize(h as usize, [Felt::new(0); 4]);
        assert!(key().public_key().verify(&m, &t).is_err());
        assert!(vm_verify(&pk(), &m, t.advice_inputs(&m)).is_err());
        let e = vm_verify(&pk(), &m, with_stack(honest_store(2), &t)).unwrap_err();
        assert!(e.contains("Merkle"), "{e}");
    }
}

#[test]
fn malformed_headers_fail_with_the_documented_assertions() {
    let m = msg(6);
    let sig = sign(0, &m);
    let header = |h: u64, l: u64| {
        let mut a = sig.advice_inputs(&m);
        a.stack[0] = Felt::new(h);
        a.stack[1] = Felt::new(l);
        vm_verify(&pk(), &m, a).unwrap_err()
    };
    let e = header(H as u64, 16);
    assert!(
        what(&e).contains("hbs: the signature's leaf index is outside its tree"),
        "{e}"
    );
    let e = header(0, 1);
    assert!(what(&e).contains("outside its tree"), "{e}");
    let e = header(33, 0);
    assert!(
        what(&e).contains("hbs: the signature's tree height is above 32"),
        "{e}"
    );
    for (h, l) in [
        (1 << 32, 0),
        (H as u64, 1 << 32),
        (vm::core::MODULUS - 1, 0),
    ] {
        let e = header(h, l);
        assert!(
            what(&e).contains("NotU32") && what(&e).contains("not a u32"),
            "{e}"
        );
    }
    // Too little advice: a chain value missing.
    let mut a = sig.advice_inputs(&m);
    a.stack.truncate(2 + 4 * 66);
    let e = vm_verify(&pk(), &m, a).unwrap_err();
    assert!(what(&e).contains("AdviceStackEmpty"), "{e}");
    // No Merkle store at all.
    let a = AdviceInputs {
        stack: sig.advice_stack(),
        ..Default::default()
    };
    assert!(vm_verify(&pk(), &m, a).is_err());
}

#[test]
fn height_zero_and_larger_trees() {
    // A one-time key (h = 0: the public key is the leaf) and a height-7 tree.
    for h in [0, 7] {
        let key = PrivateKey::generate([h as u8; 32], h).unwrap();
        let pk = key.public_key().0;
        for l in [0, (1u64 << h) - 1] {
            let m = msg(l + 50);
            let sig = key.sign_leaf(l, &m).unwrap();
            let cycles = vm_verify(&pk, &m, sig.advice_inputs(&m)).unwrap();
            let base = BASE_FIXED + LEVEL_CYCLES * u64::from(h);
            assert_eq!(cycles, base + STEP_CYCLES * steps(&m));
            assert!(vm_verify(&pk, &msg(l + 51), sig.advice_inputs(&m)).is_err());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random messages and leaves: Rust and the VM accept, with the documented cycles.
    #[test]
    fn random_messages_verify(e in proptest::array::uniform4(0u64..vm::core::MODULUS), l in 0u64..16) {
        let m = e.map(Felt::new);
        let sig = sign(l, &m);
        prop_assert!(key().public_key().verify(&m, &sig).is_ok());
        let cycles = vm_verify(&pk(), &m, sig.advice_inputs(&m)).unwrap();
        prop_assert_eq!(cycles, BASE_CYCLES + STEP_CYCLES * steps(&m));
    }

    /// A random element of the advice (header, chain values) changed: the Rust verifier and
    /// the VM agree (both reject, except where the change does not alter the signature).
    #[test]
    fn rust_and_vm_agree_on_tampered_advice(pos in 0usize..(2 + 4 * LEN), delta in 1u64..1000, l in 0u64..16) {
        let m = msg(l + 77);
        let sig = sign(l, &m);
        let mut a = sig.advice_inputs(&m);
        let mut t = sig.clone();
        let v = a.stack[pos] + Felt::new(delta);
        a.stack[pos] = v;
        match pos {
            0 => t.height = v.as_int() as u32,
            1 => t.index = v.as_int(),
            _ => t.chains[(pos - 2) / 4][(pos - 2) % 4] = v,
        }
        let rust = if pos == 0 && v.as_int() > u32::MAX as u64 { false } else {
            key().public_key().verify(&m, &t).is_ok()
        };
        let vm = vm_verify(&pk(), &m, a).is_ok();
        prop_assert!(!rust);
        prop_assert_eq!(rust, vm);
    }
}

#[test]
fn documented_figures_are_the_measured_ones() {
    let masm = vm::stdlib::module("std::crypto::dsa::hbs").unwrap().source;
    let doc = include_str!("../docs/stdlib.md");
    let formula = format!("{BASE_FIXED} + {LEVEL_CYCLES} * h + {STEP_CYCLES} * steps");
    assert!(masm.contains(&format!("Cycles: {formula}")), "hbs.masm");
    assert!(doc.contains(&format!(
        "| `verify` | `[PK, MSG, ...]` | `[...]` | {formula} |"
    )));
    let max = format!("{} + {LEVEL_CYCLES} h", BASE_FIXED + STEP_CYCLES * 990);
    assert!(masm.contains(&format!("at most {max}")) && doc.contains(&format!("{max} cycles")));
}

#[test]
fn the_bundled_example_is_the_signers_and_runs() {
    // What signature/examples/hbs_sign.rs writes for leaf 0 of its demonstration key.
    let key = PrivateKey::generate(*b"vm-signature demo seed: public!!", 4).unwrap();
    let text = "hello, post-quantum world";
    let m = hash::hash_elements(
        &text
            .bytes()
            .map(|b| Felt::new(b as u64))
            .collect::<Vec<_>>(),
    );
    let sig = key.sign_leaf(0, &m).unwrap();
    let file = include_str!("../examples/hbs/hbs.inputs");
    assert_eq!(file, sig.inputs_json(&key.public_key(), &m));
    let src = include_str!("../examples/hbs/hbs.masm");
    let inputs = vm::processor::InputFile::parse(file).unwrap();
    let stack: Vec<u64> = inputs.operand_stack.iter().map(|f| f.as_int()).collect();
    let out = run_full(
        src,
        &stack,
        inputs.advice_inputs(),
        ExecutionOptions::default(),
    )
    .unwrap();
    let mut want = [0u64; 16];
    for (k, e) in m.iter().enumerate() {
        want[3 - k] = e.as_int();
    }
    assert_eq!(out.stack, want);
    // The same inputs with a chain value changed (the path still leads to the key): refused.
    let mut adv = inputs.advice_inputs();
    adv.stack[30] += Felt::new(1);
    let e = run_full(src, &stack, adv, ExecutionOptions::default()).unwrap_err();
    assert!(what(&e).contains(INVALID), "{e}");
}

#[test]
fn verify_runs_under_call_too() {
    // In a fresh memory context (its locals are its own), with the caller's memory untouched.
    let m = msg(11);
    let sig = sign(12, &m);
    let src =
        "use.std::crypto::dsa::hbs\nbegin push.99 mem_store.0 call.hbs::verify mem_load.0 end";
    let out = run_full(
        src,
        &stack(&pk(), &m),
        sig.advice_inputs(&m),
        ExecutionOptions::default(),
    )
    .unwrap();
    assert_eq!(out.stack[0], 99);
    assert_eq!(&out.stack[1..9], &SENTINELS[..8]);
    let e = run_full(
        src,
        &stack(&pk(), &msg(12)),
        sig.advice_inputs(&m),
        ExecutionOptions::default(),
    )
    .unwrap_err();
    assert!(what(&e).contains(INVALID), "{e}");
}

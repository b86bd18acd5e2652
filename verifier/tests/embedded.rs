//! The embedded verifier on bad input, with `std`: random byte strings and corrupted real
//! proofs are rejected with a typed error and never panic. Nothing here catches a panic
//! (proptest reports one as a failure), so the checks do not rely on `catch_unwind`.
//! `verifier/nostd-tests` runs the same properties on shaped proofs with `std` off.

mod common;

use std::sync::OnceLock;

use common::{apply, length_fields, mutation, shaped_proof, LengthField};
use proptest::prelude::*;
use vm_core::{Program, StackInputs, StackOutputs, Word};
use vm_processor::{AdviceInputs, DefaultHost, ExecutionOptions};
use vm_verifier::{
    check_stark_bytes, preset, verify_bytes, Acceptance, ProofError, VerifyError, VmProof,
};

/// A real proof file with its statement and length fields.
struct Real {
    hash: Word,
    inputs: StackInputs,
    outputs: StackOutputs,
    bytes: Vec<u8>,
    fields: Vec<LengthField>,
}

/// A fib loop proven once per preset name: of 2^10 rows, or of 2^13 under `96` (the prover
/// proves a trace of at most 2^12 rows under `96-short`).
fn real(name: &str) -> &'static Real {
    static CACHE: OnceLock<Vec<(String, &'static Real)>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        ["96", "96-short", "128-rescue"]
            .into_iter()
            .map(|n| {
                let log_n = if n == "96" { 13 } else { 10 };
                let mut proved = prove(preset::by_name(n).expect("preset"), log_n);
                proved.fields = length_fields(&proved.bytes);
                (n.to_string(), &*Box::leak(Box::new(proved)))
            })
            .collect()
    });
    all.iter().find(|(n, _)| n == name).expect("proven").1
}

/// The fib loop of [`real`] with a trace of `2^log_n` rows (10 or 13) proven under `preset`
/// (any preset row, also a forged one).
fn prove(preset: &'static preset::Preset, log_n: u32) -> Real {
    let repeat = if log_n == 13 { 2600 } else { 20 };
    let program: Program = vm_assembly::Assembler::new()
        .assemble_source(
            "fib.masm",
            &format!("begin repeat.{repeat} swap dup.1 add end end"),
        )
        .expect("assembles");
    let inputs = StackInputs::try_from_ints([0, 1]).expect("inputs");
    let proved = vm_prover::prove(
        &program,
        inputs.clone(),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
        preset,
    )
    .expect("proves");
    assert_eq!(proved.proof.trace_len(), 1 << log_n);
    assert_eq!(
        proved.public.preset, preset.id,
        "proven under {}",
        preset.name
    );
    let bytes = proved.proof.to_bytes();
    Real {
        hash: program.hash(),
        inputs,
        outputs: proved.output.stack,
        // Mapped by `real` only: the walker reads the digest width from the preset the
        // header names, which a forged preset row does not have.
        fields: Vec::new(),
        bytes,
    }
}

fn any_preset() -> Acceptance {
    Acceptance::min_security(0)
}

/// Checks a corrupted file: the validation and the verifier never panic (a panic fails
/// the test), a file the validation passes is one winterfell deserializes, and nothing
/// other than the original is accepted.
fn rejected(r: &Real, b: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(proof) = VmProof::from_bytes(b) {
        // What passed the shape check must also be exactly what winterfell reads.
        prop_assert!(check_stark_bytes(proof.preset, &b[8..]).is_ok());
    }
    let res = verify_bytes(r.hash, r.inputs.clone(), r.outputs, b, &any_preset());
    if b != r.bytes.as_slice() {
        prop_assert!(res.is_err(), "a corrupted proof verified");
    }
    Ok(())
}

#[test]
fn real_proofs_verify_from_bytes_and_their_length_fields_are_mapped() {
    for name in ["96", "96-short", "128-rescue"] {
        let r = real(name);
        let bits = verify_bytes(r.hash, r.inputs.clone(), r.outputs, &r.bytes, &any_preset())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(bits, preset::by_name(name).unwrap().security_bits);
        // The trace info's widths, the options, the counts, every opening's depth and
        // vector counts, the FRI layer lengths.
        assert!(r.fields.len() > 40, "{name}: {} fields", r.fields.len());
    }
}

#[test]
fn shaped_proofs_pass_the_shape_check_and_are_rejected_by_the_stark_verifier() {
    let r = real("96");
    for p in preset::PRESETS {
        for log_n in [10, 12] {
            let b = shaped_proof(p, log_n, 7 + log_n as u64);
            let shape = check_stark_bytes(p, &b[8..]).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            assert_eq!(shape.log_trace_len, log_n);
            VmProof::from_bytes(&b).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let res = verify_bytes(r.hash, r.inputs.clone(), r.outputs, &b, &any_preset());
            assert!(
                matches!(res, Err(VerifyError::Rejected(_))),
                "{}: {res:?}",
                p.name
            );
        }
    }
    // The short-trace preset refuses a longer trace before any STARK work.
    let short = preset::by_name("96-short").unwrap();
    let b = shaped_proof(short, 13, 20);
    let err = check_stark_bytes(short, &b[8..]).unwrap_err();
    assert!(err.to_string().contains("trace length"), "{err}");
}

#[test]
fn the_caller_chooses_presets_and_security() {
    let r = real("96-short");
    let (h, i, o, b) = (r.hash, r.inputs.clone(), r.outputs, &r.bytes);
    let only_rescue =
        Acceptance::min_security(96).retain(|p| p.hash == preset::CommitmentHash::Rescue);
    assert!(matches!(
        verify_bytes(h, i.clone(), o, b, &only_rescue),
        Err(VerifyError::PresetNotAccepted {
            preset: "96-short",
            ..
        })
    ));
    let cubic = Acceptance::min_security(0).retain(|p| p.extension_degree == 3);
    assert!(matches!(
        verify_bytes(h, i.clone(), o, b, &cubic),
        Err(VerifyError::PresetNotAccepted { .. })
    ));
    assert_eq!(
        verify_bytes(h, i.clone(), o, b, &Acceptance::min_security(128)),
        Err(VerifyError::InsufficientSecurity {
            provided: 96,
            required: 128
        })
    );
    assert_eq!(
        verify_bytes(
            h,
            i.clone(),
            o,
            b,
            &Acceptance::min_security(96).only_presets(&["96"])
        ),
        Ok(96),
        "naming a general preset accepts its short-trace sibling"
    );
    assert!(matches!(
        verify_bytes(
            h,
            i.clone(),
            o,
            b,
            &Acceptance::min_security(96).only_presets(&["96-rescue"])
        ),
        Err(VerifyError::PresetNotAccepted { .. })
    ));
    let strong = real("128-rescue");
    let policy = Acceptance::min_security(128).only_presets(&["128-rescue"]);
    assert_eq!(
        verify_bytes(
            strong.hash,
            strong.inputs.clone(),
            strong.outputs,
            &strong.bytes,
            &policy
        ),
        Ok(128)
    );
    // An in-memory proof whose preset is not the table's row (96-short, `PRESETS[8]`) is
    // refused.
    static FAKE: preset::Preset = preset::PRESETS[8];
    let mut proof = VmProof::from_bytes(b).unwrap();
    proof.preset = &FAKE;
    assert_eq!(
        vm_verifier::verify(h, i.clone(), o, &proof, 96),
        Ok(96),
        "equal rows are the row"
    );
    static OTHER: preset::Preset = preset::Preset {
        queries: 20,
        ..preset::PRESETS[8]
    };
    proof.preset = &OTHER;
    assert!(matches!(
        vm_verifier::verify(h, i.clone(), o, &proof, 0),
        Err(VerifyError::BadShape(_))
    ));
    // Nor is one that differs in the digest width alone.
    static WIDER: preset::Preset = preset::Preset {
        digest_bits: 256,
        ..preset::PRESETS[8]
    };
    proof.preset = &WIDER;
    assert!(matches!(
        vm_verifier::verify(h, i, o, &proof, 0),
        Err(VerifyError::BadShape(_))
    ));
}

/// A proof whose commitments are not its preset's hash is refused from its shape, before
/// winterfell reads it: preset 96-short's options with BLAKE3-256 (32-byte digests where the
/// preset has BLAKE3-192's 24), and a BLAKE3-192 proof under 96 relabelled as `96-rescue`
/// (same options and security, `Rp64_256` commitments).
#[test]
fn a_proof_with_another_commitment_hash_than_its_preset_is_rejected() {
    static WIDE: preset::Preset = preset::Preset {
        digest_bits: 256,
        ..preset::PRESETS[8]
    };
    assert_eq!(preset::PRESETS[8].name, "96-short");
    assert_eq!(WIDE.hash_function(), preset::HashFunction::Blake3_256);
    let proved = prove(&WIDE, 10);
    // The header names preset 96-short (the forged row keeps its id).
    let wide = proved.bytes.clone();
    assert_eq!(wide[5], preset::PRESETS[8].id);
    let (hash, inputs, outputs) = (proved.hash, proved.inputs.clone(), proved.outputs);
    for (what, b) in [
        ("BLAKE3-256 under preset 96-short", wide),
        ("BLAKE3-192 relabelled as 96-rescue", {
            let mut b = real("96").bytes.clone();
            b[5] = preset::by_name("96-rescue").unwrap().id;
            b
        }),
    ] {
        let err = VmProof::from_bytes(&b).unwrap_err();
        assert!(
            matches!(&err, ProofError::Malformed(m) if m.starts_with("commitments take")),
            "{what}: {err:?}"
        );
        let res = verify_bytes(hash, inputs.clone(), outputs, &b, &any_preset());
        assert!(
            matches!(res, Err(VerifyError::Malformed(_))),
            "{what}: {res:?}"
        );
    }
}

#[test]
fn every_length_field_changed_is_a_malformed_proof() {
    // Each length or count field set to a different value: the shape check names it
    // (or, for the few free values such as the number of vectors, the STARK check fails).
    let r = real("96");
    for (k, f) in r.fields.iter().enumerate() {
        for v in [
            0,
            f.value + 1,
            f.value.wrapping_sub(1),
            1 << 20,
            u32::MAX as u64,
        ] {
            if v == f.value {
                continue;
            }
            let b = apply(&r.bytes, &r.fields, &common::Mutation::Length(k, v));
            if b == r.bytes {
                continue;
            }
            rejected(r, &b).unwrap();
        }
    }
}

#[test]
fn header_errors_are_typed() {
    let r = real("96");
    assert_eq!(
        VmProof::from_bytes(&r.bytes[..5]),
        Err(ProofError::Truncated)
    );
    let mut b = r.bytes.clone();
    b[0] = b'X';
    assert_eq!(VmProof::from_bytes(&b), Err(ProofError::BadMagic));
    // A version-1 file (the presets before BLAKE3-192 and FRI folding 8) is refused by its
    // version.
    let mut b = r.bytes.clone();
    b[4] = 1;
    assert_eq!(
        VmProof::from_bytes(&b),
        Err(ProofError::UnsupportedVersion(1))
    );
    let mut b = r.bytes.clone();
    b[5] = 99;
    assert_eq!(VmProof::from_bytes(&b), Err(ProofError::UnknownPreset(99)));
    let mut b = r.bytes.clone();
    b[7] = 11;
    assert!(matches!(
        VmProof::from_bytes(&b),
        Err(ProofError::HeaderMismatch(_))
    ));
    let mut b = r.bytes.clone();
    b.push(0);
    assert!(
        matches!(VmProof::from_bytes(&b), Err(ProofError::Malformed(m)) if m.contains("trailing"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_rejected(body in proptest::collection::vec(any::<u8>(), 0..2048), preset_id in 0u8..8) {
        // Bare random bytes, and random bytes behind a valid header.
        let r = real("96");
        rejected(r, &body)?;
        let mut b = vec![b'V', b'M', b'P', b'F', vm_air::proof::VERSION, preset_id];
        b.push(preset::by_id(preset_id).unwrap().security_bits as u8);
        b.push(10);
        b.extend_from_slice(&body);
        rejected(r, &b)?;
    }

    #[test]
    fn mutated_real_proofs_are_rejected(
        ms in proptest::collection::vec(mutation(), 1..4),
        strong in any::<bool>(),
    ) {
        let r = real(if strong { "128-rescue" } else { "96" });
        let mut b = r.bytes.clone();
        for m in &ms {
            b = apply(&b, &r.fields, m);
            if b.is_empty() {
                break;
            }
        }
        rejected(r, &b)?;
    }

    #[test]
    fn mutated_shaped_proofs_are_rejected(
        m in mutation(),
        p in 0usize..8,
        log_n in 10u32..13,
        seed in any::<u64>(),
    ) {
        let r = real("96");
        let file = shaped_proof(&preset::PRESETS[p], log_n, seed);
        let fields = length_fields(&file);
        rejected(r, &apply(&file, &fields, &m))?;
    }
}

/// Why the shape check exists: each of these corruptions makes winterfell 0.13.1 panic
/// (an abort without `std`), in its deserializer or in its verifier, while
/// `VmProof::from_bytes` returns a typed error. The only `catch_unwind` in this crate's
/// tests, and it wraps winterfell alone.
#[test]
fn winterfell_alone_panics_on_these_and_the_shape_check_rejects_them() {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use winter_crypto::{hashers::Blake3_192, DefaultRandomCoin, MerkleTree};
    // Preset 96's commitment hash.
    type H = Blake3_192<vm_core::Felt>;
    let r = real("96");
    assert_eq!(
        preset::by_name("96").unwrap().hash_function(),
        preset::HashFunction::Blake3_192
    );
    let f = &r.fields;
    let u16s: Vec<usize> = f
        .iter()
        .filter(|x| x.width == common::Width::U16)
        .map(|x| x.offset)
        .collect();
    let at = |offset: usize| f.iter().position(|x| x.offset == offset).unwrap();
    let ood_trace = u16s[2];
    let fri_layers = at(u16s[3]) + 1;
    let partitions = at(u16s[4]) + 1;
    let set = |pos: usize, v: u8| {
        let mut b = r.bytes.clone();
        b[pos] = v;
        b
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("log2 trace length 70", set(f[3].offset, 70)),
        ("zero queries in the options", set(f[6].offset, 0)),
        ("modulus of 16 bytes", {
            let mut b = set(f[5].offset, 16);
            b.splice(f[5].offset + 1..f[5].offset + 1, [0u8; 8]);
            b
        }),
        ("zero unique queries", set(f[17].offset, 0)),
        ("OOD frame size 3", set(ood_trace + 2, 3)),
        ("FRI partitions 2^64", set(f[partitions].offset, 64)),
        ("one FRI layer too few", {
            // Drop the last layer (its two u32-prefixed parts) and decrement the count.
            let first = f[fri_layers + 1].offset;
            let layers = f[fri_layers].value as usize;
            let last = f
                .iter()
                .filter(|x| x.width == common::Width::U32)
                .nth(2 * (layers - 1))
                .unwrap()
                .offset;
            let mut b = r.bytes.clone();
            b.drain(last..u16s[4]);
            b[f[fri_layers].offset] -= 1;
            assert!(first <= last);
            b
        }),
    ];
    for (what, b) in cases {
        let public = vm_air::PublicInputs {
            preset: 0,
            program_hash: r.hash,
            stack_inputs: r.inputs.clone(),
            stack_outputs: r.outputs,
        };
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let winterfell = catch_unwind(AssertUnwindSafe(|| {
            let proof = winter_air::proof::Proof::from_bytes(&b[8..]).ok()?;
            let opts = winter_verifier::AcceptableOptions::MinConjecturedSecurity(0);
            Some(winter_verifier::verify::<
                vm_air::VmAir,
                H,
                DefaultRandomCoin<H>,
                MerkleTree<H>,
            >(proof, public, &opts))
        }));
        std::panic::set_hook(hook);
        assert!(
            winterfell.is_err(),
            "{what}: winterfell did not panic: {winterfell:?}"
        );
        let ours = VmProof::from_bytes(&b);
        assert!(
            matches!(ours, Err(ProofError::Malformed(_))),
            "{what}: {ours:?}"
        );
    }
}

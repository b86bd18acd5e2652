//! The embedded verifier without `std`: random byte strings and corrupted proofs are
//! rejected with a typed error and never panic (without `std` a panic is an abort, so
//! nothing may rely on catching one). The proofs are built field by field to the shape each
//! preset requires, with random content (`verifier/tests/common`), because the prover
//! needs `std`; they go through the whole path: the shape check, winterfell's
//! deserializer and winterfell's verifier.
//!
//! Run alone (`VM_EXPECT_NO_STD=1 cargo test --release -p vm-verifier-nostd-tests`, as
//! .ci/run does) so that cargo does not unify `std` back on.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{apply, length_fields, mutation, shaped_proof};
use proptest::prelude::*;
use vm_core::{Felt, StackInputs, StackOutputs, Word};
use vm_verifier::{check_stark_bytes, preset, verify_bytes, Acceptance, VerifyError, VmProof};

fn statement() -> (Word, StackInputs, StackOutputs) {
    (
        [Felt::new(1), Felt::new(2), Felt::new(3), Felt::new(4)],
        StackInputs::try_from_ints([0, 1]).unwrap(),
        StackOutputs::new(&[Felt::new(5)]).unwrap(),
    )
}

fn rejected(b: &[u8]) -> Result<(), TestCaseError> {
    let (h, i, o) = statement();
    if let Ok(proof) = VmProof::from_bytes(b) {
        prop_assert!(check_stark_bytes(proof.preset, &b[8..]).is_ok());
    }
    let res = verify_bytes(h, i, o, b, &Acceptance::min_security(0));
    prop_assert!(res.is_err(), "random bytes verified");
    Ok(())
}

#[test]
fn built_without_std() {
    if std::env::var_os("VM_EXPECT_NO_STD").is_some() {
        assert!(
            !std::hint::black_box(vm_verifier::BUILT_WITH_STD),
            "std was unified on: run this crate alone"
        );
    }
}

#[test]
fn shaped_proofs_reach_the_stark_verifier_and_are_rejected() {
    let (h, i, o) = statement();
    for p in preset::PRESETS {
        for log_n in [10, 11, 12] {
            let b = shaped_proof(p, log_n, 3 + log_n as u64);
            assert!(length_fields(&b).len() > 30);
            VmProof::from_bytes(&b).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let res = verify_bytes(h, i.clone(), o, &b, &Acceptance::min_security(0));
            assert!(
                matches!(res, Err(VerifyError::Rejected(_))),
                "{}: {res:?}",
                p.name
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_rejected(body in proptest::collection::vec(any::<u8>(), 0..2048), preset_id in 0u8..8) {
        rejected(&body)?;
        let mut b = vec![b'V', b'M', b'P', b'F', vm_air::proof::VERSION, preset_id];
        b.push(preset::by_id(preset_id).unwrap().security_bits as u8);
        b.push(10);
        b.extend_from_slice(&body);
        rejected(&b)?;
    }

    #[test]
    fn mutated_shaped_proofs_are_rejected(
        ms in proptest::collection::vec(mutation(), 1..4),
        p in 0usize..8,
        log_n in 10u32..13,
        seed in any::<u64>(),
    ) {
        let file = shaped_proof(&preset::PRESETS[p], log_n, seed);
        let fields = length_fields(&file);
        let mut b = file.clone();
        for m in &ms {
            b = apply(&b, &fields, m);
            if b.is_empty() {
                break;
            }
        }
        rejected(&b)?;
    }
}

//! Every module of the standard library but ECDSA proves: one program per group of modules
//! calls its procedures, is proven at the default preset (96-bit, zero knowledge on) and
//! verified, its proven outputs are the fast executor's, and a proof does not verify for a
//! changed output.
//!
//! The other modules are proven elsewhere in the suite: the hashes (`sha256`, `blake3`,
//! `keccak256`, `rp64`) by `examples/hashes` and the signature by `examples/hbs`
//! (`tests/prove_examples.rs`), `smt` and `hbs` by the rollup batch (`tests/rollup.rs`).
//! ECDSA's 8.9 M cycles make a 2^24-row trace, too large for a CI machine.

use vm::{
    Acceptance, AdviceInputs, DefaultHost, ExecutionOptions, Felt, ProvingOptions, StackInputs,
    StackOutputs,
};

/// `std::math::{u64, u256}`, `std::word`, `std::sys`.
const INTEGERS: &str = "
use.std::math::u64
use.std::math::u256
use.std::word
use.std::sys
begin
    push.3.5.7.11 exec.u64::wrapping_mul
    push.10.0 exec.u64::div
    push.7 exec.u64::shl
    exec.u64::clz
    push.1.2.3.4.5.6.7.8 push.9.10.11.12.13.14.15.16 exec.u256::mul_unsafe
    push.1.2.3.4.5.6.7.8 exec.u256::add_unsafe
    push.1.2.3.4 push.1.2.3.5 exec.word::gt
    exec.sys::truncate_stack
end";

/// `std::mem`, `std::crypto::hashes::rp64` over memory, `std::collections::mmr`.
const MEMORY: &str = "
use.std::mem
use.std::crypto::hashes::rp64
use.std::collections::mmr
use.std::sys
begin
    push.1000 push.2 exec.mem::pipe_words_to_memory
    dropw dropw dropw drop
    push.2000 push.1000 push.2 exec.mem::memcopy_words
    push.2008 push.2000 exec.rp64::hash_memory_words
    push.3000 push.11.22.33.44 exec.mmr::add
    push.3000 push.55.66.77.88 exec.mmr::add
    push.3000.1 exec.mmr::get
    push.55.66.77.88 assert_eqw
    exec.sys::truncate_stack
end";

/// `std::math::secp256k1::{base_field, scalar_field}`.
const SECP256K1_FIELDS: &str = "
use.std::math::secp256k1::base_field
use.std::math::secp256k1::scalar_field
use.std::sys
begin
    push.1.2.3.4.5.6.7.8 push.9.10.11.12.13.14.15.16 exec.base_field::mul
    push.1.2.3.4.5.6.7.8 exec.base_field::add
    push.17.18.19.20.21.22.23.24 exec.scalar_field::mul
    exec.sys::truncate_stack
end";

fn advice_of(values: &[u64]) -> AdviceInputs {
    AdviceInputs {
        stack: values.iter().map(|&v| Felt::new(v)).collect(),
        ..AdviceInputs::default()
    }
}

fn proves(name: &str, source: &str, advice: AdviceInputs) {
    let program = vm::compile(name, source).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let inputs = StackInputs::default();
    let executed = vm::execute(
        &program,
        inputs.clone(),
        advice.clone(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name} runs: {e}"));
    let proven = vm::prove(
        &program,
        inputs.clone(),
        advice,
        &mut DefaultHost,
        &ProvingOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name} proves: {e}"));
    assert_eq!(proven.output.stack, executed.stack, "{name}");
    let bytes = proven.proof.to_bytes();
    let policy = Acceptance::min_security(96);
    vm::verify_bytes(
        program.hash(),
        inputs.clone(),
        executed.stack,
        &bytes,
        &policy,
    )
    .unwrap_or_else(|e| panic!("{name} verifies: {e}"));

    let mut lie = executed.stack.top_first().to_vec();
    lie[0] += Felt::new(1);
    let lie = StackOutputs::new(&lie).expect("16 values");
    assert!(
        vm::verify_bytes(program.hash(), inputs, lie, &bytes, &policy).is_err(),
        "{name}: a changed output verified"
    );
}

#[test]
fn integers_words_and_sys_prove() {
    proves("integers.masm", INTEGERS, AdviceInputs::default());
}

#[test]
fn memory_hashing_and_mmr_prove() {
    proves("memory.masm", MEMORY, advice_of(&[1, 2, 3, 4, 5, 6, 7, 8]));
}

#[test]
fn secp256k1_field_arithmetic_proves() {
    proves("secp256k1.masm", SECP256K1_FIELDS, AdviceInputs::default());
}

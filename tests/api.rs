//! The library API as a rollup node uses it: only `vm::...` (the facade), nothing from the
//! workspace crates directly. The snippets of `docs/api.md` are here, so that the guide's
//! code compiles and runs. Bad input (malformed proof bytes, a wrong program hash, too low
//! a security level, stacks of the wrong size, missing advice) must be a typed error.
//!
//! Every proven program here has a trace of 1024 rows (well under a second a proof).

use std::sync::{Arc, Mutex};

use vm::{
    Acceptance, AdviceInputs, Assembler, DefaultHost, Error, ErrorKind, ExecutionOptions, Felt,
    Host, Program, Proof, ProofError, ProveError, ProvingOptions, StackInputs, StackOutputs,
    VerifyError,
};

const SUM: &str = "begin add mul end"; // [a, b, c] -> (a + b) * c

fn sum_program() -> Program {
    vm::compile("sum.masm", SUM).expect("assembles")
}

/// [3, 4, 5] with 3 on top (file order: the last value is the top).
fn sum_inputs() -> StackInputs {
    StackInputs::try_from_ints([5, 4, 3]).expect("3 values")
}

/// The guide's first snippet: compile, execute, prove, ship bytes, verify.
#[test]
fn compile_execute_prove_verify() {
    let program = sum_program();
    let output = vm::execute(
        &program,
        sum_inputs(),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .expect("runs");
    assert_eq!(output.stack.top_first()[0], Felt::new(35));

    let proven = vm::prove(
        &program,
        sum_inputs(),
        AdviceInputs::default(),
        &mut DefaultHost,
        &ProvingOptions::default(),
    )
    .expect("proves");
    assert_eq!(proven.output.stack, output.stack);
    // A trace of at most 2^12 rows: the default preset's short-trace sibling.
    assert_eq!(proven.proof.preset().name, "96-short");

    let bytes = proven.proof.to_bytes();
    assert_eq!(&bytes[..4], b"VMPF");
    assert_eq!(bytes[4], Proof::FORMAT_VERSION);
    let policy = Acceptance::min_security(96);
    let bits = vm::verify_bytes(program.hash(), sum_inputs(), output.stack, &bytes, &policy)
        .expect("verifies");
    assert!(bits >= 96);
    let parsed = Proof::from_bytes(&bytes).expect("parses");
    assert_eq!(parsed, proven.proof);
    vm::verify(program.hash(), sum_inputs(), output.stack, &parsed, &policy).expect("verifies");

    // serde: a proof is its bytes.
    let json = serde_json::to_string(&proven.proof).expect("serializes");
    let back: Proof = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, proven.proof);
    let mut damaged: Vec<u8> = bytes.clone();
    damaged[4] = 99; // a format version this build does not read
    let json = serde_json::to_string(&damaged).unwrap();
    let err = serde_json::from_str::<Proof>(&json).unwrap_err();
    assert!(err.to_string().contains("version 99"), "{err}");

    // Bad input, each a typed error.
    let wrong_hash = sum_inputs_program_hash_of("begin add add end");
    assert!(matches!(
        vm::verify_bytes(wrong_hash, sum_inputs(), output.stack, &bytes, &policy),
        Err(VerifyError::Rejected(_))
    ));
    let wrong_output = StackOutputs::new(&[Felt::new(36)]).unwrap();
    assert!(matches!(
        vm::verify_bytes(program.hash(), sum_inputs(), wrong_output, &bytes, &policy),
        Err(VerifyError::Rejected(_))
    ));
    assert!(matches!(
        vm::verify(
            program.hash(),
            sum_inputs(),
            output.stack,
            &parsed,
            &Acceptance::min_security(128)
        ),
        Err(VerifyError::InsufficientSecurity {
            provided: 96,
            required: 128
        }) | Err(VerifyError::PresetNotAccepted { .. })
    ));
    for bad in [
        &b""[..],
        b"VMP",
        b"not a proof at all",
        &bytes[..bytes.len() / 2],
    ] {
        assert!(matches!(
            vm::verify_bytes(program.hash(), sum_inputs(), output.stack, bad, &policy),
            Err(VerifyError::Malformed(_))
        ));
        assert!(Proof::from_bytes(bad).is_err());
    }
    assert_eq!(Proof::from_bytes(b"VMP"), Err(ProofError::Truncated));
    // Flipped bytes everywhere in the proof: an error, never a panic, never accepted.
    for at in (0..bytes.len()).step_by(bytes.len() / 40 + 1) {
        let mut b = bytes.clone();
        b[at] ^= 0x5a;
        assert!(
            vm::verify_bytes(program.hash(), sum_inputs(), output.stack, &b, &policy).is_err(),
            "flipped byte {at} accepted"
        );
    }
}

fn sum_inputs_program_hash_of(source: &str) -> vm::Word {
    vm::compile("other.masm", source).unwrap().hash()
}

/// Execute once, prove later, with a thread count and progress events.
#[test]
fn execute_once_prove_later_on_one_thread_with_progress() {
    let program = sum_program();
    let execution = vm::execute_for_proof(
        &program,
        sum_inputs(),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .expect("runs");
    assert_eq!(execution.output().stack.top_first()[0], Felt::new(35));

    let phases = Arc::new(Mutex::new(Vec::new()));
    let seen = phases.clone();
    let options = ProvingOptions::default()
        .with_threads(1)
        .with_progress(move |p| seen.lock().unwrap().push((p.phase, p.depth)));
    let proven = vm::prove_execution(&program, &execution, &options).expect("proves");
    let phases = phases.lock().unwrap().clone();
    let names: Vec<&str> = phases.iter().map(|p| p.0).collect();
    assert_eq!(names.first(), Some(&vm::progress::PHASE_BUILD_TRACE));
    assert_eq!(names.last(), Some(&vm::progress::PHASE_DONE));
    // winterfell's phases, in order.
    let pos = |n: &str| {
        names
            .iter()
            .position(|x| *x == n)
            .unwrap_or_else(|| panic!("{n}: {names:?}"))
    };
    assert!(pos("commit_to_main_trace_segment") < pos("compute_fri_layers"));
    assert!(pos("compute_fri_layers") < pos("build_proof_object"));

    vm::verify(
        program.hash(),
        sum_inputs(),
        execution.output().stack,
        &proven.proof,
        &Acceptance::min_security(96),
    )
    .expect("verifies");

    // The execution is of one program only.
    let other = vm::compile("other.masm", "begin add add end").unwrap();
    assert!(matches!(
        vm::prove_execution(&other, &execution, &options),
        Err(Error::Prove(ProveError::ProgramMismatch { .. }))
    ));
}

/// A host that records events, and advice supplied from the node's own store.
#[test]
fn custom_host_and_advice() {
    #[derive(Default)]
    struct Node {
        events: Vec<(u32, u64)>,
    }
    impl Host for Node {
        fn on_event(&mut self, id: u32, stack_top: &[Felt]) -> Result<(), String> {
            if id == 7 {
                return Err("event 7 is refused by this node".into());
            }
            self.events.push((id, stack_top[0].as_int()));
            Ok(())
        }
    }
    // The secret comes from the advice stack; the program proves it knows x with x*x = 49.
    let program = vm::compile(
        "square.masm",
        "begin adv_push.1 emit.1 dup mul push.49 assert_eq end",
    )
    .unwrap();
    let mut advice = AdviceInputs::default();
    advice.stack.push(Felt::new(7));
    let mut node = Node::default();
    let out = vm::execute(
        &program,
        StackInputs::default(),
        advice,
        &mut node,
        ExecutionOptions::default(),
    )
    .expect("runs");
    assert_eq!(node.events, vec![(1, 7)]);
    assert_eq!(out.stack.top_first()[0], Felt::new(0));

    // Missing advice: an execution error naming what is missing.
    let err = vm::execute(
        &program,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut node,
        ExecutionOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::AdviceStackEmpty);
    let err: Error = vm::prove(
        &program,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut DefaultHost,
        &ProvingOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(&err, Error::Execution(e) if e.kind == ErrorKind::AdviceStackEmpty));
    assert!(err.to_string().contains("advice stack is empty"), "{err}");

    // A host that refuses an event.
    let refused = vm::compile("refused.masm", "begin emit.7 end").unwrap();
    let err = vm::execute(
        &refused,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut node,
        ExecutionOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("refused by this node"), "{err}");
}

#[test]
fn compile_errors_are_diagnostics() {
    let err = vm::compile("bad.masm", "begin push.1 frobnicate end").unwrap_err();
    let diagnostic: &dyn miette::Diagnostic = &err;
    assert!(diagnostic.labels().is_some_and(|mut l| l.next().is_some()));
    let _: &dyn std::error::Error = &err;
    let err: Error = err.into();
    assert!(err.to_string().starts_with("compilation failed"), "{err}");
    // Libraries: a directory that does not exist is an error, not a panic.
    assert!(Assembler::new()
        .with_library_dir("/nonexistent/lib")
        .is_err());
}

#[test]
fn wrong_size_stacks_are_errors() {
    let seventeen: Vec<Felt> = (0..17).map(Felt::new).collect();
    assert!(StackInputs::new(seventeen.clone()).is_err());
    let err: Error = StackOutputs::new(&seventeen).unwrap_err().into();
    assert!(matches!(err, Error::Stack(_)));
    assert!(err.to_string().contains("17"), "{err}");
}

/// A program the AIR cannot prove yet is refused before it runs, with a typed error.
#[test]
fn unsupported_operations_are_refused_before_running() {
    // `mtree_get` is refused until the Merkle path proofs land; then this program fails to
    // run instead (the store holds no tree): either way a typed error, not a panic.
    let program = vm::compile("p.masm", "begin mtree_get end").unwrap();
    let err = vm::prove(
        &program,
        StackInputs::try_from_ints([1, 2, 3, 4, 0, 1]).unwrap(),
        AdviceInputs::default(),
        &mut DefaultHost,
        &ProvingOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Prove(ProveError::Unsupported { .. }) | Error::Execution(_)
        ),
        "{err}"
    );
}

/// The main types can be shared across a node's threads.
#[test]
fn main_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Assembler>();
    send_sync::<Program>();
    send_sync::<StackInputs>();
    send_sync::<StackOutputs>();
    send_sync::<AdviceInputs>();
    send_sync::<Proof>();
    send_sync::<vm::Execution>();
    send_sync::<vm::Proven>();
    send_sync::<ProvingOptions>();
    send_sync::<Acceptance>();
    send_sync::<Error>();
    send_sync::<DefaultHost>();
}

/// serde in a binary format: the proof travels as a byte string, inside a node's message.
#[test]
fn proof_in_a_binary_message() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct BatchMessage {
        batch: u64,
        proof: Proof,
    }
    let program = sum_program();
    let proven = vm::prove(
        &program,
        sum_inputs(),
        AdviceInputs::default(),
        &mut DefaultHost,
        &ProvingOptions::default(),
    )
    .unwrap();
    let mut wire = Vec::new();
    ciborium::into_writer(
        &BatchMessage {
            batch: 7,
            proof: proven.proof.clone(),
        },
        &mut wire,
    )
    .unwrap();
    // A byte string: the message is the proof plus a few bytes of framing.
    let len = proven.proof.to_bytes().len();
    assert!(
        wire.len() < len + 32,
        "{} for a {len}-byte proof",
        wire.len()
    );
    // ciborium reads a byte string into a scratch buffer (4 KiB by default): give it room
    // for a proof.
    let mut scratch = vec![0u8; 1 << 20];
    let back: BatchMessage =
        ciborium::de::from_reader_with_buffer(wire.as_slice(), &mut scratch).unwrap();
    assert_eq!(back.batch, 7);
    assert_eq!(back.proof, proven.proof);
    vm::verify(
        program.hash(),
        sum_inputs(),
        proven.output.stack,
        &back.proof,
        &Acceptance::min_security(96),
    )
    .unwrap();
    // A damaged proof inside the message is a deserialization error, not a panic.
    let at = wire.len() - len + 6; // past the framing and the proof's header
    wire[at] ^= 0xff;
    let r: Result<BatchMessage, _> =
        ciborium::de::from_reader_with_buffer(wire.as_slice(), &mut scratch);
    if let Ok(m) = r {
        // Some bytes are not checked by the parser (commitments, values): then the
        // verifier rejects the proof.
        assert!(vm::verify(
            program.hash(),
            sum_inputs(),
            proven.output.stack,
            &m.proof,
            &Acceptance::min_security(96)
        )
        .is_err());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Arbitrary bytes, raw or through serde, are an error (never a panic); half of them
    /// behind a valid header (magic, version, a preset id) so that the STARK part's parser
    /// is reached.
    #[test]
    fn arbitrary_bytes_are_rejected(
        header in proptest::prelude::any::<bool>(),
        preset in 0u8..9,
        tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
    ) {
        let mut bytes = Vec::new();
        if header {
            bytes.extend_from_slice(b"VMPF");
            bytes.push(Proof::FORMAT_VERSION);
            bytes.push(preset);
        }
        bytes.extend_from_slice(&tail);
        proptest::prop_assert!(Proof::from_bytes(&bytes).is_err());
        let json = serde_json::to_string(&bytes).unwrap();
        proptest::prop_assert!(serde_json::from_str::<Proof>(&json).is_err());
        let program_hash = [Felt::new(1); 4];
        proptest::prop_assert!(vm::verify_bytes(
            program_hash,
            StackInputs::default(),
            StackOutputs::new(&[]).unwrap(),
            &bytes,
            &Acceptance::min_security(96)
        )
        .is_err());
    }
}

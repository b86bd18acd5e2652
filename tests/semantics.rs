//! End-to-end semantics: assembled programs run on the processor and leave the stack that
//! Miden's documentation specifies (expected values computed independently here).

use vm::processor::{
    execute, execute_traced, AdviceInputs, DefaultHost, ErrorKind, ExecutionOptions,
};
use vm::{assembly::Assembler, Felt, StackInputs};
use vm_core::hash::{merge, word_to_hex};

const P: u64 = 0xffff_ffff_0000_0001;

/// Assembles `src` (which must assemble: a test of a run-time failure must not pass on an
/// assembly error), runs it on both executors and returns the outputs or what failed.
fn run_with(src: &str, stack: &[u64], advice: AdviceInputs) -> Result<Vec<u64>, ErrorKind> {
    let program = Assembler::new()
        .assemble_source("t.masm", src)
        .unwrap_or_else(|e| panic!("{src} does not assemble: {e:?}"));
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).unwrap();
    let opts = ExecutionOptions::default();
    let traced = execute_traced(
        &program,
        inputs.clone(),
        advice.clone(),
        &mut DefaultHost,
        opts,
    );
    let fast = execute(&program, inputs, advice, &mut DefaultHost, opts);
    // Both executors must agree on the outputs, the cycle count and any error.
    match (&fast, &traced) {
        (Ok(a), Ok((b, trace))) => {
            assert_eq!((a.stack, a.cycles), (b.stack, b.cycles));
            assert_eq!(trace.rows.len() as u64, a.cycles);
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("executors disagree on {src}"),
    }
    Ok(fast.map_err(|e| e.kind)?.stack.as_ints())
}

/// What running `src` on `stack` fails with at run time.
fn fails(src: &str, stack: &[u64]) -> ErrorKind {
    match run_with(src, stack, AdviceInputs::default()) {
        Ok(out) => panic!("{src} on {stack:?} should fail but returned {out:?}"),
        Err(kind) => kind,
    }
}

fn run(src: &str, stack: &[u64]) -> Vec<u64> {
    run_with(src, stack, AdviceInputs::default()).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn top(src: &str, stack: &[u64], n: usize) -> Vec<u64> {
    run(src, stack)[..n].to_vec()
}

#[test]
fn field_arithmetic_wraps_mod_p() {
    assert_eq!(top("begin add end", &[P - 1, 5], 1), vec![4]);
    assert_eq!(top("begin sub end", &[3, 5], 1), vec![P - 2]);
    assert_eq!(top("begin mul.3 end", &[P - 1], 1), vec![P - 3]);
    assert_eq!(top("begin div end", &[6, 3], 1), vec![2]);
    assert_eq!(fails("begin inv end", &[0]), ErrorKind::InverseOfZero);
}

#[test]
fn field_comparisons_compare_integers() {
    // Inputs in file order: the last one is the top (b), so [a, b] means a below b.
    for (a, b) in [
        (1u64, 2u64),
        (2, 1),
        (5, 5),
        (P - 1, 0),
        (0, P - 1),
        (1 << 32, (1 << 32) - 1),
    ] {
        assert_eq!(
            top("begin lt end", &[a, b], 1),
            vec![(a < b) as u64],
            "{a} < {b}"
        );
        assert_eq!(
            top("begin lte end", &[a, b], 1),
            vec![(a <= b) as u64],
            "{a} <= {b}"
        );
        assert_eq!(
            top("begin gt end", &[a, b], 1),
            vec![(a > b) as u64],
            "{a} > {b}"
        );
        assert_eq!(
            top("begin gte end", &[a, b], 1),
            vec![(a >= b) as u64],
            "{a} >= {b}"
        );
    }
}

#[test]
fn exponentiation_and_logs() {
    assert_eq!(top("begin pow2 end", &[10], 1), vec![1024]);
    assert_eq!(top("begin exp.u6 end", &[3, 5], 1), vec![243]);
    assert_eq!(top("begin ilog2 end", &[1025], 1), vec![10]);
}

#[test]
fn u32_operations() {
    assert_eq!(
        top("begin u32overflowing_add end", &[u32::MAX as u64, 2], 2),
        vec![1, 1]
    );
    assert_eq!(
        top("begin u32wrapping_sub end", &[1, 2], 1),
        vec![u32::MAX as u64]
    );
    assert_eq!(top("begin u32divmod end", &[17, 5], 2), vec![2, 3]);
    assert_eq!(top("begin u32shl.4 end", &[0xf000_0001], 1), vec![0x10]);
    assert_eq!(top("begin u32shl end", &[1, 31], 1), vec![1 << 31]);
    assert_eq!(
        top("begin u32rotr.4 end", &[0x1234_5678], 1),
        vec![0x8123_4567]
    );
    assert_eq!(top("begin u32clz end", &[1], 1), vec![31]);
    assert_eq!(top("begin u32popcnt end", &[0xff00_ff01], 1), vec![17]);
    // `[1 << 32, 1]` puts 1 on top: the operand below it is not a u32.
    assert_eq!(
        fails("begin u32wrapping_add end", &[1 << 32, 1]),
        ErrorKind::NotU32 {
            value: Felt::new(1 << 32),
            message: None
        }
    );
    assert_eq!(fails("begin u32div end", &[1, 0]), ErrorKind::DivideByZero);
}

#[test]
fn ext2_inverse_roundtrips() {
    // [a1, a0] with a0 on top; inverting twice returns the input.
    assert_eq!(top("begin ext2inv ext2inv end", &[7, 9], 2), vec![9, 7]);
}

#[test]
fn memory_word_order_and_locals() {
    assert_eq!(
        top(
            "begin push.1.2.3.4 mem_storew.8 dropw mem_load.8 mem_load.11 end",
            &[],
            2
        ),
        vec![4, 1]
    );
    let src = "proc.f.4 loc_store.1 loc_load.1 locaddr.0 end begin push.9 exec.f end";
    assert_eq!(top(src, &[], 2), vec![1 << 30, 9]);
}

#[test]
fn call_isolates_memory() {
    let src = "proc.w push.5 mem_store.0 end begin push.7 mem_store.0 call.w mem_load.0 end";
    assert_eq!(top(src, &[], 1), vec![7]);
}

#[test]
fn hmerge_matches_rescue_prime_merge() {
    let a = [Felt::new(1), Felt::new(2), Felt::new(3), Felt::new(4)];
    let b = [Felt::new(5), Felt::new(6), Felt::new(7), Felt::new(8)];
    let m = merge(&a, &b);
    // push.A.B leaves B on top; the digest word's element 0 ends deepest.
    let out = top("begin push.1.2.3.4.5.6.7.8 hmerge end", &[], 4);
    let expect: Vec<u64> = m.iter().rev().map(|e| e.as_int()).collect();
    assert_eq!(out, expect);
}

#[test]
fn mtree_get_reads_a_leaf_of_a_committed_tree() {
    let leaves: Vec<[Felt; 4]> = (0..4u64)
        .map(|i| [Felt::new(i), Felt::new(10 + i), Felt::new(0), Felt::new(1)])
        .collect();
    let mut advice = AdviceInputs::default();
    let root = advice.add_merkle_tree(&leaves);
    let mut stack: Vec<u64> = root.iter().map(|e| e.as_int()).collect();
    stack.extend([2, 2]); // index 2 below depth 2 (the depth ends on top)
    let out = run_with("begin mtree_get end", &stack, advice)
        .unwrap_or_else(|e| panic!("{e} {}", word_to_hex(&root)));
    let expect: Vec<u64> = leaves[2].iter().rev().map(|e| e.as_int()).collect();
    assert_eq!(&out[..4], &expect[..]);
}

#[test]
fn deep_final_stack_keeps_the_top_16() {
    let src = "begin repeat.20 push.1 end push.42 end";
    let program = Assembler::new().assemble_source("t.masm", src).unwrap();
    let out = execute(
        &program,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap();
    // 16 initial zeros, 20 ones and 42: the outputs are the top 16, the rest stays below.
    let mut want = vec![42];
    want.extend([1; 15]);
    assert_eq!(out.stack.as_ints(), want);
    assert_eq!(out.final_depth, 16 + 20 + 1);
}

#[test]
fn truncate_stack_from_std() {
    let src = "use.std::sys begin repeat.20 push.3 end push.9 exec.sys::truncate_stack sdepth end";
    assert_eq!(top(src, &[], 2), vec![16, 9]);
}

#[test]
fn mtree_merge_result_is_a_known_node() {
    let l = [Felt::new(1), Felt::new(0), Felt::new(0), Felt::new(0)];
    let r = [Felt::new(2), Felt::new(0), Felt::new(0), Felt::new(0)];
    let out = top("begin push.1.0.0.0 push.2.0.0.0 mtree_merge end", &[], 4);
    let expect: Vec<u64> = merge(&l, &r).iter().rev().map(|e| e.as_int()).collect();
    assert_eq!(out, expect);
    // The merged root's children are now in the store: read leaf 1 (R) back through it.
    let src = "begin push.1.0.0.0 push.2.0.0.0 mtree_merge push.1 push.1 mtree_get end";
    assert_eq!(top(src, &[], 4), vec![0, 0, 0, 2]);
}

#[test]
fn adv_has_mapkey_reports_presence() {
    let mut advice = AdviceInputs::default();
    advice.map.insert([1, 2, 3, 4], vec![Felt::new(9)]);
    let out = run_with(
        "begin push.1.2.3.4 adv.has_mapkey adv_push.1 end",
        &[],
        advice,
    )
    .unwrap();
    assert_eq!(out[0], 1);
    let out = run_with(
        "begin push.5.6.7.8 adv.has_mapkey adv_push.1 end",
        &[],
        AdviceInputs::default(),
    )
    .unwrap();
    assert_eq!(out[0], 0);
}

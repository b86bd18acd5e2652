//! Nondeterministic inputs (io_operations.md, "Nondeterministic inputs"): reading the advice
//! stack, and the system events that fill the advice provider.

use vm::processor::{word_key, AdviceInputs};
use vm_core::{hash, Felt, Word};

use crate::common::*;

fn w(xs: [u64; 4]) -> Word {
    xs.map(Felt::new)
}

/// `push.` of a word in the stack layout: element 0 deepest.
fn push_word(x: [u64; 4]) -> String {
    format!("push.{}.{}.{}.{}", x[0], x[1], x[2], x[3])
}

#[test]
fn adv_push_puts_the_first_value_deepest() {
    let advice: Vec<u64> = (1..=16).map(|i| i * 10).collect();
    for n in 1..=16usize {
        let out = ok(
            &prog(&format!("adv_push.{n}")),
            &with_sentinels(&[]),
            &advice,
        );
        let pushed: Vec<u64> = advice[..n].iter().rev().copied().collect();
        assert_eq!(out, expected(&[], 0, &pushed), "adv_push.{n}");
    }
    // Two reads continue where the first stopped.
    let out = ok("begin adv_push.2 adv_push.1 end", &[], &[7, 8, 9]);
    assert_eq!(out[..3], [9, 8, 7]);
    let out = ok("begin adv_push.1 end", &[], &[P - 1]);
    assert_eq!(out[0], P - 1);
    rejected("begin adv_push.0 end");
    rejected("begin adv_push.17 end");
}

// Miden v0.16 `processor/src/operations/io_ops.rs` (`op_advpopw`) with
// `processor/src/host/advice/mod.rs` (`pop_stack_word`): the word is [p0, p1, p2, p3] in pop
// order and lands as s3 = p0 .. s0 = p3. `adv_loadw` lowers to ADVPOPW
// (`assembly/src/instruction/mod.rs`).
#[test]
fn adv_loadw_overwrites_the_top_word() {
    let out = ok(
        "begin adv_loadw end",
        &with_sentinels(&[9, 9, 9, 9]),
        &[1, 2, 3, 4, 5],
    );
    assert_eq!(out, expected(&[9, 9, 9, 9], 4, &[4, 3, 2, 1]));
}

/// Miden v0.16 `processor/src/operations/io_ops.rs`, test `op_pipe`, replayed: the advice
/// stack pops 30, 29, ..., 23; the stack holds 1..=12 (12 on top), the address 4 and 101.
/// Expected there: memory word 4 = [30, 29, 28, 27], word 8 = [26, 25, 24, 23], and the stack
/// `[23, 24, 25, 26, 27, 28, 29, 30, 4, 3, 2, 1, 12, 101]` (top first).
#[test]
fn adv_pipe_matches_midens_op_pipe_test() {
    let advice: Vec<u64> = (23..=30).rev().collect();
    let mut stack = vec![101u64, 4];
    stack.extend(1..=12);
    let out = ok("begin adv_pipe end", &stack, &advice);
    assert_eq!(
        out[..14],
        [23, 24, 25, 26, 27, 28, 29, 30, 4, 3, 2, 1, 12, 101]
    );
    // Memory: element j of word 4 at address 4 + j.
    let src = "begin adv_pipe dropw dropw dropw drop drop
        mem_load.4 mem_load.7 mem_load.8 mem_load.11 end";
    let out = ok(src, &stack, &advice);
    assert_eq!(out[..4], [23, 26, 27, 30]);
}

#[test]
fn adv_pipe_fills_two_words_and_memory() {
    // [C, B, A, a]: C and B are replaced, A kept, a advanced by 8; memory gets the words.
    let a = [70u64, 71, 72, 73];
    let mut args = vec![0u64; 8];
    args.extend(a);
    args.push(16);
    let advice: Vec<u64> = (1..=8).collect();
    let out = ok(&prog("adv_pipe"), &with_sentinels(&args), &advice);
    let mut pushed: Vec<u64> = (1..=8).rev().collect();
    pushed.extend(a);
    pushed.push(24);
    assert_eq!(out, expected(&args, 13, &pushed));
    // The words were written at 16..24 in order (element 0 of the first word at 16).
    let src = "begin push.16 padw padw padw adv_pipe dropw dropw dropw drop \
               mem_load.16 mem_load.19 mem_load.20 mem_load.23 end";
    let out = ok(src, &[], &advice);
    assert_eq!(out[..4], [8, 5, 4, 1]);
}

#[test]
fn empty_advice_stack_fails() {
    fails_with("begin adv_push.1 end", &[], &[], "AdviceStackEmpty");
    fails_with("begin adv_push.3 end", &[], &[1, 2], "AdviceStackEmpty");
    fails_with("begin adv_loadw end", &[], &[1, 2, 3], "AdviceStackEmpty");
    fails_with(
        "begin adv_pipe end",
        &[],
        &[1, 2, 3, 4, 5, 6, 7],
        "AdviceStackEmpty",
    );
}

// Miden v0.16 `processor/src/host/advice/mod.rs` (`push_from_map`, documented example: an
// advice stack [a, b, c] and x -> [d, e, f] give [d, e, f, a, b, c], or [3, d, e, f, a, b, c]
// with the length), with the key word on top of the operand stack
// (`processor/src/operations/sys_ops/sys_event_handlers.rs`, `copy_map_value_to_adv_stack`).
#[test]
fn push_mapval_matches_midens_documented_example() {
    let key = [21u64, 22, 23, 24];
    let mut advice = AdviceInputs {
        stack: felts(&[1, 2, 3]), // [a, b, c]
        ..Default::default()
    };
    advice.map.insert(word_key(&w(key)), felts(&[4, 5, 6])); // x -> [d, e, f]
    let src = format!(
        "begin {} adv.push_mapval dropw adv_push.6 end",
        push_word(key)
    );
    // Pops d, e, f, a, b, c: the last popped ends on top.
    let out = run_adv(&src, &[], advice.clone()).unwrap();
    assert_eq!(out[..6], [3, 2, 1, 6, 5, 4]);
    let src = format!(
        "begin {} adv.push_mapvaln dropw adv_push.7 end",
        push_word(key)
    );
    let out = run_adv(&src, &[], advice).unwrap();
    assert_eq!(out[..7], [3, 2, 1, 6, 5, 4, 3]);
}

#[test]
fn push_mapval_and_push_mapvaln() {
    let key = [11u64, 12, 13, 14];
    let values = [5u64, 6, 7];
    let mut advice = AdviceInputs::default();
    advice.map.insert(word_key(&w(key)), felts(&values));
    // The key stays on the stack; the values come back with the first one deepest.
    let src = format!(
        "begin {} adv.push_mapval dropw adv_push.3 end",
        push_word(key)
    );
    let out = run_adv(&src, &[], advice.clone()).unwrap();
    assert_eq!(out[..4], [7, 6, 5, 0]);
    // push_mapvaln also pushes the count, which is popped first.
    let src = format!(
        "begin {} adv.push_mapvaln dropw adv_push.4 end",
        push_word(key)
    );
    let out = run_adv(&src, &[], advice.clone()).unwrap();
    assert_eq!(out[..5], [7, 6, 5, 3, 0]);
    // A missing key fails.
    let src = format!("begin {} adv.push_mapval end", push_word([1, 2, 3, 4]));
    let e = run_adv(&src, &[], advice).unwrap_err();
    assert!(what(&e).contains("MapKeyNotFound"), "{e}");
}

#[test]
fn has_mapkey() {
    let key = [1u64, 0, 0, P - 1];
    let mut advice = AdviceInputs::default();
    advice.map.insert(word_key(&w(key)), felts(&[42]));
    let src = format!(
        "begin {} adv.has_mapkey dropw adv_push.1 end",
        push_word(key)
    );
    assert_eq!(run_adv(&src, &[], advice.clone()).unwrap()[0], 1);
    let src = format!(
        "begin {} adv.has_mapkey dropw adv_push.1 end",
        push_word([1, 0, 0, 0])
    );
    assert_eq!(run_adv(&src, &[], advice).unwrap()[0], 0);
}

// Miden v0.16 `processor/src/operations/sys_ops/sys_event_handlers.rs`
// (`push_u64_div_result`): operand stack [b1, b0, a1, a0], advice stack [q0, q1, r0, r1]
// (it pushes r_hi, r_lo, q_hi, q_lo, so q_lo is popped first).
#[test]
fn push_u64div() {
    let cases = [
        (100u64, 7u64),
        (u64::MAX, 1),
        (u64::MAX, U32_MAX),
        (1 << 40, (1 << 33) + 5),
        (3, 1 << 63),
    ];
    for (a, b) in cases {
        let (q, r) = (a / b, a % b);
        let lo = |x: u64| x & U32_MAX;
        let hi = |x: u64| x >> 32;
        // [b1, b0, a1, a0] with the high limbs on top.
        let args = [hi(b), lo(b), hi(a), lo(a)];
        let src = "begin adv.push_u64div adv_push.4 end";
        let out = ok(src, &with_sentinels(&args), &[]);
        // Advice stack: [q0, q1, r0, r1] with q0 popped first (ends deepest).
        assert_eq!(
            out,
            expected(&args, 0, &[hi(r), lo(r), hi(q), lo(q)]),
            "{a} / {b}"
        );
    }
    fails_with(
        "begin adv.push_u64div end",
        &[0, 5, 0, 0],
        &[],
        "DivideByZero",
    );
}

#[test]
fn push_mtnode_reads_the_merkle_store() {
    let leaves: Vec<Word> = (0..8u64).map(|i| w([i, i + 100, 0, 7])).collect();
    let mut advice = AdviceInputs::default();
    let root = advice.add_merkle_tree(&leaves);
    let r = ints(&root);
    for (depth, index) in [(3u64, 5u64), (3, 0), (3, 7)] {
        let args = [depth, index, r[3], r[2], r[1], r[0]];
        let src = "begin adv.push_mtnode padw adv_loadw end";
        let out = run_adv(src, &with_sentinels(&args), advice.clone()).unwrap();
        let leaf = ints(&leaves[index as usize]);
        let pushed = [leaf[3], leaf[2], leaf[1], leaf[0]];
        assert_eq!(
            out,
            expected(&args, 0, &pushed),
            "depth {depth} index {index}"
        );
    }
    // An inner node: depth 1, index 1 is the root of the right half.
    let right = hash::merge(
        &hash::merge(&leaves[4], &leaves[5]),
        &hash::merge(&leaves[6], &leaves[7]),
    );
    let args = [1, 1, r[3], r[2], r[1], r[0]];
    let out = run_adv(
        "begin adv.push_mtnode adv_push.4 end",
        &with_sentinels(&args),
        advice,
    )
    .unwrap();
    let n = ints(&right);
    assert_eq!(out[..4], [n[3], n[2], n[1], n[0]]);
}

// Miden v0.16 `processor/src/operations/sys_ops/sys_event_handlers.rs`
// (`insert_mem_values_into_adv_map`): operand stack [KEY, start_addr, end_addr], advice map
// KEY -> memory[start_addr..end_addr] (element-addressed, unwritten cells read as 0).
#[test]
fn insert_mem_copies_a_memory_range() {
    let src = "begin
        push.1.2.3.4 mem_storew.0 dropw
        push.5 mem_store.4
        push.5 push.0 push.10.11.12.13
        adv.insert_mem
        adv.push_mapval
        dropw drop drop
        adv_push.5
    end";
    check(src, &[], 0, &[5, 4, 3, 2, 1]);
}

/// Miden v0.16 `processor/src/operations/sys_ops/sys_event_handlers.rs`
/// (`push_falcon_mod_result`): operand stack [a_hi, a_lo], advice stack [q_hi, q_lo, r]:
/// three values (it pushes r, q_lo, q_hi), as `std::crypto::dsa::rpo_falcon512::mod_12289`
/// reads them (`adv_push.2` for the quotient, then `adv_push.1` for r).
#[test]
fn push_falcon_div_pushes_quotient_limbs_and_remainder() {
    const M: u64 = 12289;
    for a in [
        0u64,
        12288,
        12289,
        u64::MAX,
        (1 << 40) + 77,
        123_456_789_012,
    ] {
        let (q, r) = (a / M, a % M);
        let args = [a >> 32, a & U32_MAX];
        let src = "begin adv.push_falcon_div adv_push.3 end";
        // Pops q_hi, q_lo, r: r ends on top.
        check(src, &args, 0, &[r, q & U32_MAX, q >> 32]);
        // Exactly three values: a fourth read fails.
        check_fails(
            "begin adv.push_falcon_div adv_push.4 end",
            &args,
            "AdviceStackEmpty",
        );
    }
    check_fails("begin adv.push_falcon_div end", &[TWO32, 0], "NotU32");
}

#[test]
fn insert_mem_rejects_a_reversed_range() {
    // Miden v0.16 `get_mem_addr_range`: start > end is an invalid memory range.
    check_fails(
        "begin push.4 push.8 push.1.2.3.4 adv.insert_mem end",
        &[],
        "InvalidMemoryRange",
    );
    // start == end maps the key to no values.
    let src = "begin push.8 push.8 push.1.2.3.4 adv.insert_mem adv.push_mapvaln dropw drop drop adv_push.1 end";
    check(src, &[], 0, &[0]);
}

#[test]
fn insert_hdword_keys_by_hmerge() {
    // [B, A]: the values are [A, B] under the key hash(A, B), the same as `hmerge`.
    let src = "begin
        push.1.2.3.4 push.5.6.7.8
        adv.insert_hdword
        hmerge
        adv.push_mapval
        dropw
        adv_push.8
    end";
    check(src, &[], 0, &[8, 7, 6, 5, 4, 3, 2, 1]);
    // Another domain gives another key.
    let src = "begin
        push.9 push.1.2.3.4 push.5.6.7.8
        adv.insert_hdword_d
        hmerge
        adv.has_mapkey
        dropw drop
        adv_push.1
    end";
    check(src, &[], 0, &[0]);
}

/// `adv.insert_hdword_d` on [B, A, d] keys [A, B] by hash(A || B) in domain d: the
/// Rp64_256 state [8, d, 0, 0, A, B] permuted once, digest = state[4..8] (as Miden's
/// `Rpo256::merge_in_domain` puts d in capacity element 1 of its merge state; Miden v0.16
/// `insert_hdword_into_adv_map`).
#[test]
fn insert_hdword_d_keys_by_the_domain_hash() {
    let (a, b) = ([1u64, 2, 3, 4], [5u64, 6, 7, 8]);
    for d in [0u64, 1, 9, P - 1] {
        let mut state = [Felt::new(0); 12];
        state[0] = Felt::new(8);
        state[1] = Felt::new(d);
        for j in 0..4 {
            state[4 + j] = Felt::new(a[j]);
            state[8 + j] = Felt::new(b[j]);
        }
        hash::permute(&mut state);
        let key = [state[4], state[5], state[6], state[7]].map(|f| f.as_int());
        let src = format!(
            "begin push.{d} {} {} adv.insert_hdword_d dropw dropw drop {} adv.push_mapval dropw adv_push.8 end",
            push_word(a),
            push_word(b),
            push_word(key)
        );
        check(&src, &[], 0, &[8, 7, 6, 5, 4, 3, 2, 1]);
        // The same key as `hperm` on [B, A, C] with C = [8, d, 0, 0] (so `adv.insert_hperm`
        // with that C inserts under the same key).
        let src = format!(
            "begin push.{d} {a} {b} adv.insert_hdword_d dropw dropw drop
                push.8.{d}.0.0 {a} {b} hperm swapw adv.push_mapval dropw dropw dropw adv_push.8
            end",
            a = push_word(a),
            b = push_word(b)
        );
        check(&src, &[], 0, &[8, 7, 6, 5, 4, 3, 2, 1]);
    }
    // Domain 0 is plain `adv.insert_hdword` (the key is `hmerge`).
    let src = "begin
        push.0 push.1.2.3.4 push.5.6.7.8
        adv.insert_hdword_d
        hmerge
        adv.push_mapval
        dropw drop
        adv_push.8
    end";
    check(src, &[], 0, &[8, 7, 6, 5, 4, 3, 2, 1]);
}

#[test]
fn insert_hperm_keys_by_the_permuted_digest() {
    // [B, A, C]: values [A, B] under the digest of the permutation of the stack state.
    let c = [0u64, 3, 0, 0];
    let a = [1u64, 2, 3, 4];
    let b = [5u64, 6, 7, 8];
    let src = format!(
        "begin {} {} {} adv.insert_hperm hperm swapw adv.push_mapval dropw dropw dropw adv_push.8 end",
        push_word(c),
        push_word(a),
        push_word(b)
    );
    check(&src, &[], 0, &[8, 7, 6, 5, 4, 3, 2, 1]);
}

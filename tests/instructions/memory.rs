//! Random access memory (io_operations.md, "Random access memory").

use crate::common::*;

#[test]
fn store_and_load_elements() {
    for addr in [0u64, 1, 7, 1 << 30, U32_MAX] {
        for v in [0u64, 1, P - 1, TWO32] {
            // [a, v] -> []; then [a] -> [v]
            let src = format!("begin mem_store push.{addr} mem_load end");
            check(&src, &[addr, v, 3], 2, &[v]);
            let src = format!("begin mem_store.{addr} mem_load.{addr} end");
            check(&src, &[v, 5], 1, &[v]);
        }
    }
}

#[test]
fn unwritten_memory_reads_zero() {
    check("begin mem_load.123 end", &[], 0, &[0]);
    check("begin mem_load end", &[U32_MAX], 1, &[0]);
    check("begin padw mem_loadw.4096 end", &[], 0, &[0, 0, 0, 0]);
}

#[test]
fn storew_keeps_the_word_and_reverses_it_in_memory() {
    // [a, A] -> [A]; mem[a + 3] = s0 (the top), mem[a] = s3.
    let word = [4u64, 3, 2, 1]; // top first: push.1.2.3.4
    let mut args = vec![8u64];
    args.extend(word);
    check("begin mem_storew end", &args, 1, &[]);
    check("begin mem_storew.8 end", &word, 0, &[]);
    let src = "begin push.1.2.3.4 mem_storew.8 dropw \
               mem_load.8 mem_load.9 mem_load.10 mem_load.11 end";
    check(src, &[], 0, &[4, 3, 2, 1]);
}

#[test]
fn loadw_puts_the_highest_address_on_top() {
    // [a, 0, 0, 0, 0] -> [A] with mem[a + 3] on top.
    let src = "begin push.10 mem_store.12 push.11 mem_store.13 push.12 mem_store.14 \
               push.13 mem_store.15 padw mem_loadw.12 end";
    check(src, &[], 0, &[13, 12, 11, 10]);
    let src = "begin push.1.2.3.4 mem_storew.0 dropw padw push.0 mem_loadw end";
    check(src, &[], 0, &[4, 3, 2, 1]);
    // The four overwritten elements need not be zero.
    let src = "begin push.1.2.3.4 mem_storew.0 dropw mem_loadw.0 end";
    check(src, &[9, 9, 9, 9], 4, &[4, 3, 2, 1]);
}

#[test]
fn highest_address_is_usable() {
    let a = U32_MAX - 3;
    let src = format!("begin push.1.2.3.4 mem_storew.{a} dropw padw mem_loadw.{a} end");
    check(&src, &[], 0, &[4, 3, 2, 1]);
    let src = format!("begin push.77 mem_store.{U32_MAX} mem_load.{U32_MAX} end");
    check(&src, &[], 0, &[77]);
}

#[test]
fn addresses_of_2_pow_32_or_more_fail() {
    for a in [TWO32, TWO32 + 4, P - 1] {
        check_fails("begin mem_load end", &[a], "AddressOutOfRange");
        check_fails("begin mem_store end", &[a, 1], "AddressOutOfRange");
        check_fails(
            "begin mem_loadw end",
            &[a, 0, 0, 0, 0],
            &format!("AddressOutOfRange {{ addr: {a} }}"),
        );
        check_fails(
            "begin mem_storew end",
            &[a, 1, 2, 3, 4],
            &format!("AddressOutOfRange {{ addr: {a} }}"),
        );
        rejected(&format!("begin mem_load.{a} end"));
    }
}

#[test]
fn unaligned_word_access_fails() {
    for a in [1u64, 2, 3, 5, U32_MAX] {
        check_fails(
            "begin mem_loadw end",
            &[a, 0, 0, 0, 0],
            "UnalignedWordAccess",
        );
        check_fails(
            "begin mem_storew end",
            &[a, 1, 2, 3, 4],
            "UnalignedWordAccess",
        );
        let mut args = vec![0u64; 12];
        args.push(a);
        check_fails("begin mem_stream end", &args, "UnalignedWordAccess");
        fails_with(
            "begin adv_pipe end",
            &with_sentinels(&args),
            &[1, 2, 3, 4, 5, 6, 7, 8],
            "UnalignedWordAccess",
        );
        // A constant unaligned address assembles and fails when it runs.
        let unaligned = format!("UnalignedWordAccess {{ addr: {a} }}");
        fails_with(&format!("begin mem_loadw.{a} end"), &[], &[], &unaligned);
        fails_with(&format!("begin mem_storew.{a} end"), &[], &[], &unaligned);
    }
}

#[test]
fn mem_stream_reads_two_words() {
    // Memory 16..24 holds 1..=8 (element i at 16 + i - 1).
    let fill = "push.1.2.3.4 mem_storew.16 dropw push.5.6.7.8 mem_storew.20 dropw";
    // [C, B, A, a] -> [E, D, A, a + 8]: the eight elements in stack order, mem[a] deepest.
    let src = format!("begin {fill} push.16 push.70.71.72.73 padw padw mem_stream end");
    let mut pushed: Vec<u64> = (1..=8).rev().collect();
    pushed.extend([73, 72, 71, 70, 24]);
    check(&src, &[], 0, &pushed);
    // Streaming continues at a + 8.
    let src = format!("begin {fill} push.8 push.0.0.0.0 padw padw mem_stream mem_stream end");
    let mut pushed: Vec<u64> = (1..=8).rev().collect();
    pushed.extend([0, 0, 0, 0, 24]);
    check(&src, &[], 0, &pushed);
}

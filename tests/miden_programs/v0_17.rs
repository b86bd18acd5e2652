//! Miden VM v0.17.0's standard-library test programs, verbatim: every program text of
//! `stdlib/tests/{math/u64_mod, math/u256_mod, word/mod, mem/mod, sys/mod, crypto/rpo,
//! crypto/sha256, crypto/blake3, crypto/keccak256, math/secp256k1/*, crypto/ecdsa_secp256k1}.rs`
//! (github.com/0xMiden/miden-vm, tag v0.17.0), extracted by a script and not edited. They
//! are test inputs. `{}` and `{name}` are the placeholders of the Rust `format!` templates
//! Miden's tests fill; `fill` in the harness replaces them the same way, in the same order.
//! Then come the `miden-vm/masm-examples` programs that use `std`, with their inputs files,
//! and `collections/mmr.rs`'s and `collections/smt.rs`'s programs. (`sys/mod.rs`'s
//! `truncate_stack_proptest` builds its program from random pushes; the harness builds it the
//! same way.)

/// `math/u64_mod.rs`, line 18 (in `wrapping_add`).
pub const U64_WRAPPING_ADD: &str = r#"
        use.std::math::u64
        begin
            exec.u64::wrapping_add
        end"#;

/// `math/u64_mod.rs`, line 34 (in `overflowing_add`).
pub const U64_OVERFLOWING_ADD: &str = r#"
        use.std::math::u64
        begin
            exec.u64::overflowing_add
        end"#;

/// `math/u64_mod.rs`, line 72 (in `wrapping_sub`).
pub const U64_WRAPPING_SUB: &str = r#"
        use.std::math::u64
        begin
            exec.u64::wrapping_sub
        end"#;

/// `math/u64_mod.rs`, line 92 (in `overflowing_sub`).
pub const U64_OVERFLOWING_SUB: &str = r#"
        use.std::math::u64
        begin
            exec.u64::overflowing_sub
        end"#;

/// `math/u64_mod.rs`, line 143 (in `wrapping_mul`).
pub const U64_WRAPPING_MUL: &str = r#"
        use.std::math::u64
        begin
            exec.u64::wrapping_mul
        end"#;

/// `math/u64_mod.rs`, line 159 (in `overflowing_mul`).
pub const U64_OVERFLOWING_MUL: &str = r#"
    use.std::math::u64
    begin
        exec.u64::overflowing_mul
    end"#;

/// `math/u64_mod.rs`, line 200 (in `unchecked_lt`).
pub const U64_UNCHECKED_LT: &str = r#"
        use.std::math::u64
        begin
            exec.u64::lt
        end"#;

/// `math/u64_mod.rs`, line 218 (in `unchecked_lte`).
pub const U64_UNCHECKED_LTE: &str = r#"
        use.std::math::u64
        begin
            exec.u64::lte
        end"#;

/// `math/u64_mod.rs`, line 246 (in `unchecked_gt`).
pub const U64_UNCHECKED_GT: &str = r#"
        use.std::math::u64
        begin
            exec.u64::gt
        end"#;

/// `math/u64_mod.rs`, line 264 (in `unchecked_gte`).
pub const U64_UNCHECKED_GTE: &str = r#"
        use.std::math::u64
        begin
            exec.u64::gte
        end"#;

/// `math/u64_mod.rs`, line 292 (in `unchecked_min`).
pub const U64_UNCHECKED_MIN: &str = r#"
        use.std::math::u64
        begin
            exec.u64::min
        end"#;

/// `math/u64_mod.rs`, line 311 (in `unchecked_max`).
pub const U64_UNCHECKED_MAX: &str = r#"
        use.std::math::u64
        begin
            exec.u64::max
        end"#;

/// `math/u64_mod.rs`, line 329 (in `unchecked_eq`).
pub const U64_UNCHECKED_EQ: &str = r#"
        use.std::math::u64
        begin
            exec.u64::eq
        end"#;

/// `math/u64_mod.rs`, line 356 (in `unchecked_neq`).
pub const U64_UNCHECKED_NEQ: &str = r#"
        use.std::math::u64
        begin
            exec.u64::neq
        end"#;

/// `math/u64_mod.rs`, line 383 (in `unchecked_eqz`).
pub const U64_UNCHECKED_EQZ: &str = r#"
        use.std::math::u64
        begin
            exec.u64::eqz
        end"#;

/// `math/u64_mod.rs`, line 412 (in `unchecked_div`).
pub const U64_UNCHECKED_DIV: &str = r#"
        use.std::math::u64
        begin
            exec.u64::div
        end"#;

/// `math/u64_mod.rs`, line 436 (in `ensure_div_doesnt_crash`).
pub const U64_ENSURE_DIV_DOESNT_CRASH: &str = r#"
        use.std::math::u64
        begin
            exec.u64::div
        end"#;

/// `math/u64_mod.rs`, line 492 (in `unchecked_mod`).
pub const U64_UNCHECKED_MOD: &str = r#"
        use.std::math::u64
        begin
            exec.u64::mod
        end"#;

/// `math/u64_mod.rs`, line 522 (in `unchecked_divmod`).
pub const U64_UNCHECKED_DIVMOD: &str = r#"
        use.std::math::u64
        begin
            exec.u64::divmod
        end"#;

/// `math/u64_mod.rs`, line 546 (in `checked_and`).
pub const U64_CHECKED_AND: &str = r#"
        use.std::math::u64
        begin
            exec.u64::and
        end"#;

/// `math/u64_mod.rs`, line 568 (in `checked_and_fail`).
pub const U64_CHECKED_AND_FAIL: &str = r#"
        use.std::math::u64
        begin
            exec.u64::and
        end"#;

/// `math/u64_mod.rs`, line 588 (in `checked_or`).
pub const U64_CHECKED_OR: &str = r#"
        use.std::math::u64
        begin
            exec.u64::or
        end"#;

/// `math/u64_mod.rs`, line 610 (in `checked_or_fail`).
pub const U64_CHECKED_OR_FAIL: &str = r#"
        use.std::math::u64
        begin
            exec.u64::or
        end"#;

/// `math/u64_mod.rs`, line 630 (in `checked_xor`).
pub const U64_CHECKED_XOR: &str = r#"
        use.std::math::u64
        begin
            exec.u64::xor
        end"#;

/// `math/u64_mod.rs`, line 652 (in `checked_xor_fail`).
pub const U64_CHECKED_XOR_FAIL: &str = r#"
        use.std::math::u64
        begin
            exec.u64::xor
        end"#;

/// `math/u64_mod.rs`, line 669 (in `unchecked_shl`).
pub const U64_UNCHECKED_SHL: &str = r#"
        use.std::math::u64
        begin
            exec.u64::shl
        end"#;

/// `math/u64_mod.rs`, line 719 (in `unchecked_shr`).
pub const U64_UNCHECKED_SHR: &str = r#"
        use.std::math::u64
        begin
            exec.u64::shr
        end"#;

/// `math/u64_mod.rs`, line 775 (in `unchecked_rotl`).
pub const U64_UNCHECKED_ROTL: &str = r#"
        use.std::math::u64
        begin
            exec.u64::rotl
        end"#;

/// `math/u64_mod.rs`, line 825 (in `unchecked_rotr`).
pub const U64_UNCHECKED_ROTR: &str = r#"
        use.std::math::u64
        begin
            exec.u64::rotr
        end"#;

/// `math/u64_mod.rs`, line 875 (in `clz`).
pub const U64_CLZ: &str = r#"
    use.std::math::u64
    begin
        exec.u64::clz
    end"#;

/// `math/u64_mod.rs`, line 890 (in `ctz`).
pub const U64_CTZ: &str = r#"
    use.std::math::u64
    begin
        exec.u64::ctz
    end"#;

/// `math/u64_mod.rs`, line 905 (in `clo`).
pub const U64_CLO: &str = r#"
    use.std::math::u64
    begin
        exec.u64::clo
    end"#;

/// `math/u64_mod.rs`, line 920 (in `cto`).
pub const U64_CTO: &str = r#"
    use.std::math::u64
    begin
        exec.u64::cto
    end"#;

/// `math/u64_mod.rs`, line 944 (in `unchecked_lt_proptest`).
pub const U64_UNCHECKED_LT_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::lt
            end"#;

/// `math/u64_mod.rs`, line 960 (in `unchecked_gt_proptest`).
pub const U64_UNCHECKED_GT_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::gt
            end"#;

/// `math/u64_mod.rs`, line 976 (in `unchecked_min_proptest`).
pub const U64_UNCHECKED_MIN_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::min
            end"#;

/// `math/u64_mod.rs`, line 992 (in `unchecked_max_proptest`).
pub const U64_UNCHECKED_MAX_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::max
            end"#;

/// `math/u64_mod.rs`, line 1010 (in `unchecked_div_proptest`).
pub const U64_UNCHECKED_DIV_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::div
            end"#;

/// `math/u64_mod.rs`, line 1028 (in `unchecked_mod_proptest`).
pub const U64_UNCHECKED_MOD_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::mod
            end"#;

/// `math/u64_mod.rs`, line 1045 (in `shl_proptest`).
pub const U64_SHL_PROPTEST: &str = r#"
        use.std::math::u64
        begin
            exec.u64::shl
        end"#;

/// `math/u64_mod.rs`, line 1062 (in `shr_proptest`).
pub const U64_SHR_PROPTEST: &str = r#"
        use.std::math::u64
        begin
            exec.u64::shr
        end"#;

/// `math/u64_mod.rs`, line 1079 (in `rotl_proptest`).
pub const U64_ROTL_PROPTEST: &str = r#"
        use.std::math::u64
        begin
            exec.u64::rotl
        end"#;

/// `math/u64_mod.rs`, line 1096 (in `rotr_proptest`).
pub const U64_ROTR_PROPTEST: &str = r#"
        use.std::math::u64
        begin
            exec.u64::rotr
        end"#;

/// `math/u64_mod.rs`, line 1111 (in `clz_proptest`).
pub const U64_CLZ_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::clz
            end"#;

/// `math/u64_mod.rs`, line 1126 (in `ctz_proptest`).
pub const U64_CTZ_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::ctz
            end"#;

/// `math/u64_mod.rs`, line 1141 (in `clo_proptest`).
pub const U64_CLO_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::clo
            end"#;

/// `math/u64_mod.rs`, line 1156 (in `cto_proptest`).
pub const U64_CTO_PROPTEST: &str = r#"
            use.std::math::u64
            begin
                exec.u64::cto
            end"#;

/// `math/u256_mod.rs`, line 12 (in `mul_unsafe`).
pub const U256_MUL_UNSAFE: &str = r#"
        use.std::math::u256
        begin
            exec.u256::mul_unsafe
            swapdw dropw dropw
        end"#;

/// `word/mod.rs`, line 22 (in `test_word_comparison`).
pub const WORD_WORD_COMPARISON: &str = r#"
        use.std::word

        begin
            exec.word::{proc_name}
        end
    "#;

/// `word/mod.rs`, line 52 (in `test_reverse`).
pub const WORD_REVERSE: &str = r#"
        use.std::word

        begin
            exec.word::reverse
        end
    "#;

/// `word/mod.rs`, line 73 (in `test_eqz`).
pub const WORD_EQZ: &str = r#"
        use.std::word

        begin
            exec.word::eqz
        end
    "#;

/// `word/mod.rs`, line 87 (in `test_preserving_eqz`).
pub const WORD_PRESERVING_EQZ: &str = r#"
        use.std::word
        use.std::sys

        begin
            exec.word::testz
            exec.sys::truncate_stack
        end
    "#;

/// `word/mod.rs`, line 103 (in `test_preserving_eq`).
pub const WORD_PRESERVING_EQ: &str = r#"
        use.std::word
        use.std::sys

        begin
            exec.word::test_eq
            exec.sys::truncate_stack
        end
    "#;

/// `mem/mod.rs`, line 12 (in `test_memcopy_words`).
pub const MEM_MEMCOPY_WORDS: &str = r#"
    use.std::mem

    begin
        push.0.0.0.1.1000 mem_storew dropw
        push.0.0.1.0.1004 mem_storew dropw
        push.0.0.1.1.1008 mem_storew dropw
        push.0.1.0.0.1012 mem_storew dropw
        push.0.1.0.1.1016 mem_storew dropw

        push.2000.1000.5 exec.mem::memcopy_words
    end
    "#;

/// `mem/mod.rs`, line 102 (in `test_pipe_double_words_to_memory`).
pub const MEM_PIPE_DOUBLE_WORDS_TO_MEMORY: &str = r#"
        use.std::mem
        use.std::sys

        begin
            push.{end_addr}
            push.{start_addr}
            padw padw padw  # hasher state

            exec.mem::pipe_double_words_to_memory

            exec.sys::truncate_stack
        end"#;

/// `mem/mod.rs`, line 133 (in `test_pipe_words_to_memory`).
pub const MEM_PIPE_WORDS_TO_MEMORY: &str = r#"
        use.std::mem
        use.std::crypto::hashes::rpo

        begin
            push.{mem_addr} # target address
            push.1  # number of words

            exec.mem::pipe_words_to_memory
            exec.rpo::squeeze_digest

            # truncate stack
            swapdw dropw dropw
        end"#;

/// `mem/mod.rs`, line 160 (in `test_pipe_words_to_memory`).
pub const MEM_PIPE_WORDS_TO_MEMORY_2: &str = r#"
        use.std::mem
        use.std::crypto::hashes::rpo

        begin
            push.{mem_addr} # target address
            push.3  # number of words

            exec.mem::pipe_words_to_memory
            exec.rpo::squeeze_digest

            # truncate stack
            swapdw dropw dropw
        end"#;

/// `mem/mod.rs`, line 191 (in `test_pipe_preimage_to_memory`).
pub const MEM_PIPE_PREIMAGE_TO_MEMORY: &str = r#"use.std::mem

        begin
            adv_push.4 # push commitment to stack
            push.{mem_addr}    # target address
            push.3     # number of words

            exec.mem::pipe_preimage_to_memory
            swap drop
        end"#;

/// `mem/mod.rs`, line 217 (in `test_pipe_preimage_to_memory_invalid_preimage`).
pub const MEM_PIPE_PREIMAGE_TO_MEMORY_INVALID_PREIMAGE: &str = r#"
    use.std::mem

    begin
        adv_push.4  # push commitment to stack
        push.1000   # target address
        push.3      # number of words

        exec.mem::pipe_preimage_to_memory
    end
    "#;

/// `sys/mod.rs`, line 5 (in `truncate_stack`).
pub const SYS_TRUNCATE_STACK: &str =
    r#"use.std::sys begin repeat.12 push.0 end exec.sys::truncate_stack end"#;

/// `crypto/rpo.rs`, line 8 (in `test_invalid_end_addr`).
pub const RPO_INVALID_END_ADDR: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.0999 # end address
        push.1000 # start address

        exec.rpo::hash_memory_words
    end
    "#;

/// `crypto/rpo.rs`, line 30 (in `test_hash_empty`).
pub const RPO_HASH_EMPTY: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        # mem_stream state
        push.1000 padw padw padw
        mem_stream hperm

        # drop everything except the hash
        exec.rpo::squeeze_digest movup.4 drop

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 54 (in `test_hash_empty`).
pub const RPO_HASH_EMPTY_2: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1008 # end address
        push.1000 # start address

        exec.rpo::hash_memory_words

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 74 (in `test_single_iteration`).
pub const RPO_SINGLE_ITERATION: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        # insert 1 to memory
        push.1.1000 mem_store

        # mem_stream state
        push.1000 padw padw padw
        mem_stream hperm

        # drop everything except the hash
        exec.rpo::squeeze_digest movup.4 drop

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 103 (in `test_single_iteration`).
pub const RPO_SINGLE_ITERATION_2: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        # insert 1 to memory
        push.1.1000 mem_store

        push.1008 # end address
        push.1000 # start address

        exec.rpo::hash_memory_words

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 135 (in `test_hash_one_word`).
pub const RPO_HASH_ONE_WORD: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1.1000 mem_store # push data to memory

        push.1004 # end address
        push.1000 # start address

        exec.rpo::hash_memory_words

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 157 (in `test_hash_even_words`).
pub const RPO_HASH_EVEN_WORDS: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1.0.0.0.1000 mem_storew dropw
        push.0.1.0.0.1004 mem_storew dropw

        push.1008 # end address
        push.1000 # start address

        exec.rpo::hash_memory_words

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 185 (in `test_hash_odd_words`).
pub const RPO_HASH_ODD_WORDS: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1.0.0.0.1000 mem_storew dropw
        push.0.1.0.0.1004 mem_storew dropw
        push.0.0.1.0.1008 mem_storew dropw

        push.1012 # end address
        push.1000 # start address

        exec.rpo::hash_memory_words

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 214 (in `test_absorb_double_words_from_memory`).
pub const RPO_ABSORB_DOUBLE_WORDS_FROM_MEMORY: &str = r#"
    use.std::sys
    use.std::crypto::hashes::rpo

    begin
        push.1.0.0.0.1000 mem_storew dropw
        push.0.1.0.0.1004 mem_storew dropw

        push.1008      # end address
        push.1000      # start address
        padw padw padw # hasher state
        exec.rpo::absorb_double_words_from_memory

        # truncate stack
        exec.sys::truncate_stack
    end
    "#;

/// `crypto/rpo.rs`, line 249 (in `test_hash_memory_double_words`).
pub const RPO_HASH_MEMORY_DOUBLE_WORDS: &str = r#"
    use.std::sys
    use.std::crypto::hashes::rpo

    begin
        # store four words (two double words) in memory
        push.1.0.0.0.1000 mem_storew dropw
        push.0.1.0.0.1004 mem_storew dropw
        push.0.0.1.0.1008 mem_storew dropw
        push.0.0.0.1.1012 mem_storew dropw

        push.1016      # end address
        push.1000      # start address
        # => [start_addr, end_addr]

        exec.rpo::hash_memory_double_words
        # => [HASH]

        # truncate stack
        exec.sys::truncate_stack
        # => [HASH]
    end
    "#;

/// `crypto/rpo.rs`, line 284 (in `test_hash_memory_double_words`).
pub const RPO_HASH_MEMORY_DOUBLE_WORDS_2: &str = r#"
    use.std::sys
    use.std::crypto::hashes::rpo

    begin
        push.1000.1000 # start and end addresses
        # => [start_addr, end_addr]

        exec.rpo::hash_memory_double_words
        # => [HASH]

        # assert that the resulting hash is equal to the empty word
        dupw padw assert_eqw.err="resulting hash should be equal to the empty word"

        # truncate stack
        exec.sys::truncate_stack
        # => [HASH]
    end
    "#;

/// `crypto/rpo.rs`, line 309 (in `test_squeeze_digest`).
pub const RPO_SQUEEZE_DIGEST: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1.0.0.0.1000 mem_storew dropw
        push.0.1.0.0.1004 mem_storew dropw
        push.0.0.1.0.1008 mem_storew dropw
        push.0.0.0.1.1012 mem_storew dropw

        push.1016      # end address
        push.1000      # start address
        padw padw padw # hasher state
        exec.rpo::absorb_double_words_from_memory

        exec.rpo::squeeze_digest

        # truncate stack
        swapdw dropw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 347 (in `test_copy_digest`).
pub const RPO_COPY_DIGEST: &str = r#"
    use.std::sys
    use.std::crypto::hashes::rpo

    begin
        push.1.0.0.0.1000 mem_storew dropw
        push.0.1.0.0.1004 mem_storew dropw

        push.1008      # end address
        push.1000      # start address
        padw padw padw # hasher state
        exec.rpo::absorb_double_words_from_memory
        # => [C, B, A, end_ptr, end_ptr]

        # drop the pointers
        movup.12 drop movup.12 drop
        # => [C, B, A]

        # copy the result of the permutation (second word, B)
        exec.rpo::copy_digest
        # => [B, C, B, A]

        # assert that the copied word is equal to the second word in the hasher state
        dupw.2 dupw.1 assert_eqw.err="copied word should be equal to the second word in the hasher state"
        # => [B, C, B, A]

        # truncate stack
        exec.sys::truncate_stack
    end
    "#;

/// `crypto/rpo.rs`, line 398 (in `test_hash_memory`).
pub const RPO_HASH_MEMORY: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1.2.3.4.1000 mem_storew dropw
        push.5.0.0.0.1004 mem_storew dropw
        push.11

        push.5.1000

        exec.rpo::hash_memory

        # truncate stack
        swapdw dropw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 424 (in `test_hash_memory`).
pub const RPO_HASH_MEMORY_2: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1.2.3.4.1000 mem_storew dropw
        push.5.6.7.8.1004 mem_storew dropw
        push.11

        push.8.1000

        exec.rpo::hash_memory

        # truncate stack
        swapdw dropw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 450 (in `test_hash_memory`).
pub const RPO_HASH_MEMORY_3: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1.2.3.4.1000 mem_storew dropw
        push.5.6.7.8.1004 mem_storew dropw
        push.9.10.11.12.1008 mem_storew dropw
        push.13.14.15.0.1012 mem_storew dropw
        push.11

        push.15.1000

        exec.rpo::hash_memory

        # truncate stack
        swapdw dropw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 484 (in `test_hash_memory_empty`).
pub const RPO_HASH_MEMORY_EMPTY: &str = r#"
    use.std::sys
    use.std::crypto::hashes::rpo

    begin
        push.1000      # end address
        push.1000      # start address
        padw padw padw # hasher state

        exec.rpo::absorb_double_words_from_memory

        # truncate stack
        exec.sys::truncate_stack
    end
    "#;

/// `crypto/rpo.rs`, line 507 (in `test_hash_memory_empty`).
pub const RPO_HASH_MEMORY_EMPTY_2: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.1000 # end address
        push.1000 # start address

        exec.rpo::hash_memory_words

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/rpo.rs`, line 524 (in `test_hash_memory_empty`).
pub const RPO_HASH_MEMORY_EMPTY_3: &str = r#"
    use.std::crypto::hashes::rpo

    begin
        push.0    # number of elements to hash
        push.1000 # start address

        exec.rpo::hash_memory

        # truncate stack
        swapw dropw
    end
    "#;

/// `crypto/sha256.rs`, line 24 (in `sha256_hash_memory`).
pub const SHA256_HASH_MEMORY: &str = r#"
    use.std::crypto::hashes::sha256

    begin
        # push inputs on the stack
        {inputs}

        # mem.0 - input data address
        push.10000 mem_store.0

        # mem.1 - length in bytes
        mem_store.1

        # mem.2 - length in words
        mem_load.1 u32assert u32overflowing_add.15 assertz u32assert u32div.16 mem_store.2

        # Load input data into memory address 10000, 10004, ...
        mem_load.2 u32assert neq.0
        while.true
            mem_load.0 mem_storew dropw
            mem_load.0 u32assert u32overflowing_add.4 assertz mem_store.0
            mem_load.2 u32assert u32overflowing_sub.1 assertz dup mem_store.2 u32assert neq.0
        end

        # Compute hash of memory address 10000, 10004, ...
        mem_load.1
        push.10000
        exec.sha256::hash_memory

        # truncate the stack
        swapdw dropw dropw
    end"#;

/// `crypto/sha256.rs`, line 74 (in `sha256_2_to_1_hash`).
pub const SHA256_2_TO_1_HASH: &str = r#"
    use.std::crypto::hashes::sha256

    begin
        exec.sha256::hash_2to1
    end"#;

/// `crypto/sha256.rs`, line 109 (in `sha256_1_to_1_hash`).
pub const SHA256_1_TO_1_HASH: &str = r#"
    use.std::crypto::hashes::sha256

    begin
        exec.sha256::hash_1to1
    end"#;

/// `crypto/blake3.rs`, line 5 (in `blake3_hash_64_bytes`).
pub const BLAKE3_HASH_64_BYTES: &str = r#"
    use.std::crypto::hashes::blake3

    begin
        exec.blake3::hash_2to1
        swapdw dropw dropw
    end
    "#;

/// `crypto/blake3.rs`, line 40 (in `blake3_hash_32_bytes`).
pub const BLAKE3_HASH_32_BYTES: &str = r#"
    use.std::crypto::hashes::blake3

    begin
        exec.blake3::hash_1to1
        swapdw dropw dropw
    end
    "#;

/// `crypto/keccak256.rs`, line 10 (in `keccak256_bit_interleaving`).
pub const KECCAK256_BIT_INTERLEAVING: &str = r#"
    use.std::crypto::hashes::keccak256

    begin
        exec.keccak256::to_bit_interleaved
        exec.keccak256::from_bit_interleaved
    end
    "#;

/// `crypto/keccak256.rs`, line 33 (in `keccak256_2_to_1_hash`).
pub const KECCAK256_2_TO_1_HASH: &str = r#"
    use.std::crypto::hashes::keccak256

    begin
        exec.keccak256::hash
        swapdw dropw dropw
    end
    "#;

/// `math/secp256k1/base_field.rs`, line 323 (in `test_secp256k1_base_field_montgomery_repr`).
pub const BASE_FIELD_MONTGOMERY_REPR: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        exec.base_field::to_mont
        exec.base_field::from_mont
    end"#;

/// `math/secp256k1/base_field.rs`, line 342 (in `test_secp256k1_base_field_mul`).
pub const BASE_FIELD_MUL: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        exec.base_field::mul
    end"#;

/// `math/secp256k1/base_field.rs`, line 364 (in `test_secp256k1_base_field_add`).
pub const BASE_FIELD_ADD: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        exec.base_field::add
    end"#;

/// `math/secp256k1/base_field.rs`, line 387 (in `test_secp256k1_base_field_neg`).
pub const BASE_FIELD_NEG: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        exec.base_field::neg
    end"#;

/// `math/secp256k1/base_field.rs`, line 407 (in `test_secp256k1_base_field_sub`).
pub const BASE_FIELD_SUB: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        exec.base_field::sub
    end"#;

/// `math/secp256k1/base_field.rs`, line 429 (in `test_secp256k1_base_field_add_then_sub`).
pub const BASE_FIELD_ADD_THEN_SUB: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        exec.base_field::add
    end"#;

/// `math/secp256k1/base_field.rs`, line 436 (in `test_secp256k1_base_field_add_then_sub`).
pub const BASE_FIELD_ADD_THEN_SUB_2: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        exec.base_field::sub
    end"#;

/// `math/secp256k1/base_field.rs`, line 478 (in `test_secp256k1_base_field_inv`).
pub const BASE_FIELD_INV: &str = r#"
    use.std::math::secp256k1::base_field

    begin
        dupw.1
        dupw.1

        exec.base_field::inv
        exec.base_field::mul
    end"#;

/// `math/secp256k1/scalar_field.rs`, line 259 (in `test_secp256k1_scalar_field_mul`).
pub const SCALAR_FIELD_MUL: &str = r#"
    use.std::math::secp256k1::scalar_field

    begin
        exec.scalar_field::mul
    end"#;

/// `math/secp256k1/scalar_field.rs`, line 281 (in `test_secp256k1_scalar_field_inv`).
pub const SCALAR_FIELD_INV: &str = r#"
    use.std::math::secp256k1::scalar_field

    begin
        dupw.1
        dupw.1

        exec.scalar_field::inv
        exec.scalar_field::mul
    end"#;

/// `math/secp256k1/group.rs`, line 12 (in `test_secp256k1_point_doubling`).
pub const GROUP_POINT_DOUBLING: &str = r#"
    use.std::math::secp256k1::group

    # Given a point of secp256k1 elliptic curve, this routine first computes
    # point doubling of that point in projective coordinate & then asserts
    # each coordinate limb-by-limb for ensuring correctness.
    proc.point_doubling_test_wrapper.48
        # push X -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.0
        dropw
        push.{}.{}.{}.{}
        loc_storew.4
        dropw

        # push Y -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.8
        dropw
        push.{}.{}.{}.{}
        loc_storew.12
        dropw

        # push Z -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.16
        dropw
        push.{}.{}.{}.{}
        loc_storew.20
        dropw

        # input/ output memory addresses for point doubling purpose
        locaddr.44
        locaddr.40
        locaddr.36
        locaddr.32
        locaddr.28
        locaddr.24

        locaddr.20
        locaddr.16
        locaddr.12
        locaddr.8
        locaddr.4
        locaddr.0

        # elliptic curve point doubling
        exec.group::double

        # --- start asserting X3 ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting X3 ---

        # --- start asserting Y3 ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Y3 ---

        # --- start asserting Z3 ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Z3 ---
    end

    begin
        exec.point_doubling_test_wrapper
    end"#;

/// `math/secp256k1/group.rs`, line 208 (in `test_secp256k1_point_addition`).
pub const GROUP_POINT_ADDITION: &str = r#"
    use.std::math::secp256k1::group

    # Given two points of secp256k1 elliptic curve ( twice ), this routine first computes
    # point addition of them in projective coordinate & then asserts each coordinate
    # limb-by-limb for ensuring correctness.
    proc.point_addition_test_wrapper.72
        # push X1 -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.0
        dropw
        push.{}.{}.{}.{}
        loc_storew.4
        dropw

        # push Y1 -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.8
        dropw
        push.{}.{}.{}.{}
        loc_storew.12
        dropw

        # push Z1 -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.16
        dropw
        push.{}.{}.{}.{}
        loc_storew.20
        dropw

        # push X2 -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.24
        dropw
        push.{}.{}.{}.{}
        loc_storew.28
        dropw

        # push Y2 -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.32
        dropw
        push.{}.{}.{}.{}
        loc_storew.36
        dropw

        # push Z2 -coordinate to memory
        push.{}.{}.{}.{}
        loc_storew.40
        dropw
        push.{}.{}.{}.{}
        loc_storew.44
        dropw

        # input/ output memory addresses for point doubling purpose
        locaddr.68
        locaddr.64
        locaddr.60
        locaddr.56
        locaddr.52
        locaddr.48

        locaddr.44
        locaddr.40
        locaddr.36
        locaddr.32
        locaddr.28
        locaddr.24

        locaddr.20
        locaddr.16
        locaddr.12
        locaddr.8
        locaddr.4
        locaddr.0

        # elliptic curve point addition
        exec.group::add

        # --- start asserting X3 ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting X3 ---

        # --- start asserting Y3 ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Y3 ---

        # --- start asserting Z3 ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Z3 ---
    end

    begin
        exec.point_addition_test_wrapper
    end"#;

/// `math/secp256k1/group.rs`, line 460 (in `test_secp256k1_point_multiplication`).
pub const GROUP_POINT_MULTIPLICATION: &str = r#"
    use.std::math::secp256k1::group

    # Given an elliptic curve point ( in projective coordinate system ) and a 256 -bit scalar
    # in radix-2^32 form ( i.e. 8 limbs, each of 32 -bit width ), this routine first multiplies
    # the EC point with provided scalar and then asserts for correctness with known answer.
    proc.point_multiplication_test_wrapper.12
        # resulting point
        locaddr.44
        locaddr.40
        locaddr.36
        locaddr.32
        locaddr.28
        locaddr.24

        # scalar
        push.{}.{}.{}.{}
        push.{}.{}.{}.{}

        # EC point
        push.{}.{}.{}.{}
        loc_storew.0
        dropw

        push.{}.{}.{}.{}
        loc_storew.4
        dropw

        push.{}.{}.{}.{}
        loc_storew.8
        dropw

        push.{}.{}.{}.{}
        loc_storew.12
        dropw

        push.{}.{}.{}.{}
        loc_storew.16
        dropw

        push.{}.{}.{}.{}
        loc_storew.20
        dropw

        locaddr.20
        locaddr.16
        locaddr.12
        locaddr.8
        locaddr.4
        locaddr.0

        # elliptic curve point multiplication
        exec.group::mul

        # --- start asserting X ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting X ---

        # --- start asserting Y ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Y ---

        # --- start asserting Z ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Z ---
    end

    begin
        exec.point_multiplication_test_wrapper
    end"#;

/// `math/secp256k1/group.rs`, line 668 (in `test_secp256k1_generator_multiplication`).
pub const GROUP_GENERATOR_MULTIPLICATION: &str = r#"
    use.std::math::secp256k1::group

    # Given a 256 -bit scalar in radix-2^32 form ( i.e. 8 limbs, each of 32 -bit width ),
    # this routine first multiplies the secp256k1 generator point with provided scalar and
    # then asserts for correctness with known answer.
    proc.generator_multiplication_test_wrapper.48
        # resulting point
        locaddr.44
        locaddr.40
        locaddr.36
        locaddr.32
        locaddr.28
        locaddr.24

        # scalar
        push.{}.{}.{}.{}
        push.{}.{}.{}.{}

        # elliptic curve generator point multiplication
        exec.group::gen_mul

        # --- start asserting X ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting X ---

        # --- start asserting Y ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Y ---

        # --- start asserting Z ---
        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert

        push.0.0.0.0
        movup.4
        mem_loadw

        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        u32assert eq.{}
        assert
        # --- end asserting Z ---
    end

    begin
        exec.generator_multiplication_test_wrapper
    end"#;

/// `crypto/ecdsa_secp256k1.rs`, line 22 (in `verify`).
pub const ECDSA_VERIFY: &str = r#"
    use.std::crypto::dsa::ecdsa::secp256k1

    begin
        exec.secp256k1::verify
    end"#;

// ---- test vectors: the values Miden's tests fill the templates with ----------------------------

/// The `format!` arguments of `test_secp256k1_point_doubling` for each of its `test_case`s, in order
/// (computed from the test cases' points and scalars as that function's argument list does).
pub const GROUP_POINT_DOUBLING_ARGS: [[u64; 48]; 3] = [
    [
        1271163719, 83748696, 1243934934, 1725045020, 1757200845, 1579712529, 3709155749,
        2490525753, 163567449, 2607846704, 3022796594, 258440691, 3569717, 73386979, 61235791,
        1396660245, 1237597377, 1596640373, 1776096883, 628236075, 3366549089, 3619273576,
        2503475385, 2238764922, 1571365520, 1799368815, 7428921, 1427940723, 3919221800,
        2377651848, 3160934912, 2085994872, 2329310267, 2767739398, 1113377320, 447109814,
        536421003, 2795624768, 2178970503, 2186442817, 1088857644, 2485825496, 3157339099,
        1571409508, 3480032262, 4248989966, 223221158, 3053614628,
    ],
    [
        1194350582, 2537306948, 3826368586, 1557300347, 3536848074, 910320597, 2155850976,
        2206313690, 3272416768, 2778858866, 3353686949, 124257772, 1334286332, 2786774514,
        670334657, 3192211612, 2498870966, 3267009695, 2925488368, 2312297066, 627716766,
        1550410695, 4239428087, 1732427718, 3659723495, 2637562175, 4037957238, 1456041611,
        1290327999, 237726701, 1767809589, 2855059581, 4155167893, 4134499992, 4079637937,
        1309846292, 1954278775, 592701051, 257001688, 2968630199, 43236963, 3205695541, 4093727030,
        1974224130, 1389148406, 3751401424, 3638701209, 1284385121,
    ],
    [
        3718082544, 1594370824, 3507857639, 3527372762, 1093635599, 1088522187, 2545775599,
        2518725024, 456123286, 1063020787, 1260438099, 3614258408, 1968252526, 3890268877,
        1151599969, 4107569356, 1545535419, 367673520, 268995358, 3558741386, 1740167655,
        895079977, 1109236387, 2508499329, 3785081520, 3370100016, 4156379850, 4091951425,
        423340917, 252431339, 193520024, 1385386899, 3276376364, 188198541, 524857368, 3507707470,
        1074382731, 911770899, 1564099145, 931832751, 646221711, 1099045009, 2864871562,
        1462352998, 1135851116, 4048420382, 3606347384, 1645193827,
    ],
];

/// The `format!` arguments of `test_secp256k1_point_addition` for each of its `test_case`s, in order
/// (computed from the test cases' points and scalars as that function's argument list does).
pub const GROUP_POINT_ADDITION_ARGS: [[u64; 72]; 3] = [
    [
        1271163719, 83748696, 1243934934, 1725045020, 1757200845, 1579712529, 3709155749,
        2490525753, 163567449, 2607846704, 3022796594, 258440691, 3569717, 73386979, 61235791,
        1396660245, 1237597377, 1596640373, 1776096883, 628236075, 3366549089, 3619273576,
        2503475385, 2238764922, 1194350582, 2537306948, 3826368586, 1557300347, 3536848074,
        910320597, 2155850976, 2206313690, 3272416768, 2778858866, 3353686949, 124257772,
        1334286332, 2786774514, 670334657, 3192211612, 2498870966, 3267009695, 2925488368,
        2312297066, 627716766, 1550410695, 4239428087, 1732427718, 2309099704, 2158014047,
        854312809, 3276656657, 3455091323, 3708360608, 3832958189, 1030676036, 133738327,
        3330962811, 3584096721, 299911668, 2650033490, 422639790, 3556231157, 1827621109,
        154840996, 2382379548, 82306663, 1374755238, 3331244496, 1158573656, 1766956234,
        1263003926,
    ],
    [
        1194350582, 2537306948, 3826368586, 1557300347, 3536848074, 910320597, 2155850976,
        2206313690, 3272416768, 2778858866, 3353686949, 124257772, 1334286332, 2786774514,
        670334657, 3192211612, 2498870966, 3267009695, 2925488368, 2312297066, 627716766,
        1550410695, 4239428087, 1732427718, 3718082544, 1594370824, 3507857639, 3527372762,
        1093635599, 1088522187, 2545775599, 2518725024, 456123286, 1063020787, 1260438099,
        3614258408, 1968252526, 3890268877, 1151599969, 4107569356, 1545535419, 367673520,
        268995358, 3558741386, 1740167655, 895079977, 1109236387, 2508499329, 864003654, 239222195,
        2420094174, 1839306128, 504066392, 3866056574, 1497267227, 949039869, 1768840249,
        1785217230, 2513616209, 3186527350, 4099081547, 1300046179, 3896530411, 1706704480,
        254418902, 1324758382, 3468964171, 3612550032, 4021338715, 3720724604, 2848891937,
        4161447991,
    ],
    [
        4091951425, 4156379850, 3370100016, 3785081520, 1385386899, 193520024, 252431339,
        423340917, 3507707470, 524857368, 188198541, 3276376364, 931832751, 1564099145, 911770899,
        1074382731, 1462352998, 2864871562, 1099045009, 646221711, 1645193827, 3606347384,
        4048420382, 1135851116, 3718082544, 1594370824, 3507857639, 3527372762, 1093635599,
        1088522187, 2545775599, 2518725024, 456123286, 1063020787, 1260438099, 3614258408,
        1968252526, 3890268877, 1151599969, 4107569356, 1545535419, 367673520, 268995358,
        3558741386, 1740167655, 895079977, 1109236387, 2508499329, 2262227686, 3058325312,
        2312740210, 2450516566, 2065187793, 3014075136, 686692524, 1785101118, 3723609786,
        2213349074, 3667058099, 958054847, 3286828331, 2991920902, 2720867700, 2661623893,
        1788545644, 1974633727, 3957640342, 2535384457, 4085672768, 2180047934, 928802070,
        1210497449,
    ],
];

/// The `format!` arguments of `test_secp256k1_point_multiplication` for each of its `test_case`s, in order
/// (computed from the test cases' points and scalars as that function's argument list does).
pub const GROUP_POINT_MULTIPLICATION_ARGS: [[u64; 56]; 3] = [
    [
        3754378978, 2737387451, 3951838026, 2457684815, 1793611799, 2969588298, 2075099376,
        2301743426, 1271163719, 83748696, 1243934934, 1725045020, 1757200845, 1579712529,
        3709155749, 2490525753, 163567449, 2607846704, 3022796594, 258440691, 3569717, 73386979,
        61235791, 1396660245, 1237597377, 1596640373, 1776096883, 628236075, 3366549089,
        3619273576, 2503475385, 2238764922, 1557300347, 3826368586, 2537306948, 1194350582,
        2206313690, 2155850976, 910320597, 3536848074, 124257772, 3353686949, 2778858866,
        3272416768, 3192211612, 670334657, 2786774514, 1334286332, 2312297066, 2925488368,
        3267009695, 2498870966, 1732427718, 4239428087, 1550410695, 627716766,
    ],
    [
        3754378978, 2737387451, 3951838026, 2457684815, 1793611799, 2969588298, 2075099376,
        2301743426, 1194350582, 2537306948, 3826368586, 1557300347, 3536848074, 910320597,
        2155850976, 2206313690, 3272416768, 2778858866, 3353686949, 124257772, 1334286332,
        2786774514, 670334657, 3192211612, 2498870966, 3267009695, 2925488368, 2312297066,
        627716766, 1550410695, 4239428087, 1732427718, 3527372762, 3507857639, 1594370824,
        3718082544, 2518725024, 2545775599, 1088522187, 1093635599, 3614258408, 1260438099,
        1063020787, 456123286, 4107569356, 1151599969, 3890268877, 1968252526, 3558741386,
        268995358, 367673520, 1545535419, 2508499329, 1109236387, 895079977, 1740167655,
    ],
    [
        3754378978, 2737387451, 3951838026, 2457684815, 1793611799, 2969588298, 2075099376,
        2301743426, 3718082544, 1594370824, 3507857639, 3527372762, 1093635599, 1088522187,
        2545775599, 2518725024, 456123286, 1063020787, 1260438099, 3614258408, 1968252526,
        3890268877, 1151599969, 4107569356, 1545535419, 367673520, 268995358, 3558741386,
        1740167655, 895079977, 1109236387, 2508499329, 3575801888, 1578089417, 2395624562,
        564065581, 2066984214, 2348140603, 765785243, 3808292373, 361245020, 2527203120,
        3484075690, 3129019989, 661091683, 2687745598, 4167871392, 778426466, 3338036891,
        4208971587, 1993683533, 4189224997, 2780649411, 2819629975, 3646250205, 1195817501,
    ],
];

/// The `format!` arguments of `test_secp256k1_generator_multiplication` for each of its `test_case`s, in order
/// (computed from the test cases' points and scalars as that function's argument list does).
pub const GROUP_GENERATOR_MULTIPLICATION_ARGS: [[u64; 32]; 2] = [
    [
        3754378978, 2737387451, 3951838026, 2457684815, 1793611799, 2969588298, 2075099376,
        2301743426, 1096602412, 1336778744, 4237851429, 2379704491, 2174658910, 1179196601,
        696486755, 2826869248, 3362845704, 129965728, 1311711770, 3674781461, 3620120701,
        1257229422, 162674263, 1366999099, 440013615, 548226205, 868197170, 3947728772, 2287684084,
        3056380747, 2298699306, 2987928230,
    ],
    [
        3734504736, 3232826642, 1576177591, 2559002059, 2847213784, 1226739346, 274302291,
        278420554, 2853151047, 507904927, 3967775652, 327717944, 4063402783, 1708337738,
        2386716410, 3508073450, 2460268912, 1629689126, 1367585067, 3501806633, 3311638194,
        667141611, 1619993686, 1135413519, 1479849294, 1358829318, 218593263, 1441654470,
        4085241462, 916003429, 3637705774, 1404604942,
    ],
];

/// The stack inputs of `crypto/ecdsa_secp256k1.rs`'s `verify` test case, as it passes them to
/// `build_test!` (public key X, Y, Z, then h, r, s, eight limbs each, the whole reversed).
pub const ECDSA_VERIFY_STACK: [u64; 48] = [
    3695133146, 11489664, 1407189293, 1332177784, 2106542718, 2236955964, 60155476, 1259054195,
    3258836281, 3421809437, 2051320959, 974571799, 353127114, 2315165624, 3668493121, 1494159694,
    3360002988, 234168247, 1159876682, 2852209138, 2866424576, 1088031394, 1682821516, 1915140291,
    1095895041, 1359599981, 2744076726, 1600645591, 969814285, 1537333708, 2222219308, 1718928786,
    487738481, 3531004100, 2106589630, 479244527, 3871680339, 2962892522, 3961647168, 694970425,
    2983146250, 3343690625, 4163599075, 1812770566, 3257770169, 1524607722, 1135132293, 1187647059,
];

// ---- miden-vm/masm-examples (v0.17.0): example programs using `std`, with their inputs ----

/// `miden-vm/masm-examples/hashing/blake3_1to1/blake3_1to1.masm`.
pub const EXAMPLE_BLAKE3_1TO1: &str = r#"use.std::crypto::hashes::blake3
use.std::sys

begin
    # Push the number of iterations on the stack, and assess if we should loop
    adv_push.1 dup neq.0
    # => [0 or 1, num_iters_left, HASH_INPUTS_1, HASH_INPUTS_2]

    while.true
        # Move loop counter down
        movdn.8
        # => [HASH_INPUTS_1, HASH_INPUTS_2, num_iters_left]

        # Execute blake3 hash function
        exec.blake3::hash_1to1
        # => [HASH_INPUTS_1', HASH_INPUTS_2', num_iters_left]

        # Decrement counter, and check if we loop again
        movup.8 sub.1 dup neq.0
        # => [0 or 1, num_iters_left - 1, HASH_INPUTS_1', HASH_INPUTS_2']
    end

    # Drop counter
    drop

    # Truncate stack to make constraints happy
    exec.sys::truncate_stack
end
"#;

/// `miden-vm/masm-examples/hashing/blake3_1to1/blake3_1to1.inputs`.
pub const EXAMPLE_BLAKE3_1TO1_INPUTS: &str = r#"{
    "operand_stack": ["4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295"],
    "advice_stack": ["100"]
}
"#;

/// `miden-vm/masm-examples/hashing/blake3_2to1/blake3_2to1.masm`.
pub const EXAMPLE_BLAKE3_2TO1: &str = r#"use.std::crypto::hashes::blake3

begin
    # hash_2to1 pops top 16 elements (64 bytes) from the stack, compute their hash and puts the 
    # resulting 8 elements (32 bytes) back to the stack.
    exec.blake3::hash_2to1

    # Check the correctness of the hashing result by comparing it with precomputed correct values. 
    # This hash is a result of applying a blake3 hashing function to the binary value consisting of
    # only ones.
    push.0xD9696D27.0xF209D66E.0xD0DFDEB9.0x7D5992E2.0x44DDA9CB.0xD6FFB5E5.0x8CD0CAA6.0xF0270FA9

    # compare results
    movupw.2
    assert_eqw
    assert_eqw
end
"#;

/// `miden-vm/masm-examples/hashing/blake3_2to1/blake3_2to1.inputs`.
pub const EXAMPLE_BLAKE3_2TO1_INPUTS: &str = r#"{
    "operand_stack": ["4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295"]
}
"#;

/// `miden-vm/masm-examples/hashing/sha256/sha256.masm`.
pub const EXAMPLE_SHA256: &str = r#"use.std::crypto::hashes::sha256

begin
    # hash_2to1 pops top 16 elements (64 bytes) from the stack, compute their hash and puts the 
    # resulting 8 elements (32 bytes) back to the stack.
    exec.sha256::hash_2to1

    # Check the correctness of the hashing result by comparing it with precomputed correct values. 
    # This hash is a result of applying a sha256 hashing function to the binary value consisting of
    # only ones.
    push.0x85E1D1F7.0x8643E4A2.0x2DAD7274.0x1F764AAD.0xBA3EEB20.0xF1D30600.0x294E9E0D.0x8667E718

    # compare results
    movupw.2
    assert_eqw
    assert_eqw
end"#;

/// `miden-vm/masm-examples/hashing/sha256/sha256.inputs`.
pub const EXAMPLE_SHA256_INPUTS: &str = r#"{
    "operand_stack": ["4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295", "4294967295"]
}
"#;

/// `miden-vm/masm-examples/hashing/unhashing/unhashing.masm`.
pub const EXAMPLE_UNHASHING: &str = r#"# This example showcases how to "unhash" data from the advice provider; that is, how to
# read untrusted data from the advice provider, and verify that it hashes to an expected
# value. Specifically, we
# 1. Read data from the advice provider and store it simultaneously on the stack and 
# 2. Apply a permutation of the RPO256 hash function

use.std::crypto::hashes::rpo

begin
    # Reads 100 words from the advice provider, stores them in memory, and computes their hash.
    repeat.50
        adv_pipe hperm
    end
    # => [X, HASH, X, addr]  

    # Drop the junk words (denoted by `X` above).
    exec.rpo::squeeze_digest  
    # => [HASH, addr]  

    # Drop the memory address.
    movup.4 drop  
    # => [HASH] 
end
"#;

/// `miden-vm/masm-examples/hashing/unhashing/unhashing.inputs`.
pub const EXAMPLE_UNHASHING_INPUTS: &str = r#"{
    "operand_stack": [],
    "advice_stack": [
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7", 
        "0", "1", "2", "3", "4", "5", "6", "7" 
    ]
}
"#;

/// `miden-vm/masm-examples/nprime/nprime.masm`.
pub const EXAMPLE_NPRIME: &str = r#"use.std::sys

# append the current number to the prime list
proc.append
    # initial state
    # [prime, i, n, primes..]

    # [prime, prime, i, n, primes..]
    dup

    # [i, prime, prime, i, n, primes..]
    dup.2

    # [prime, i, n, primes..]
    mem_store

    # [i++, n, primes..]
    swap.2
    swap
    add.1
end

# push a boolean on whether or not the program should continue
proc.should_continue
    # initial state
    # [i, n, primes..]

    # [i, n, i, n, primes..]
    dup.1
    dup.1

    # [should_continue, i, n, primes..]
    neq
end

# define if check should continue
# will return two flags: one if the loop should continue, the other if candidate is prime
proc.is_not_prime_should_continue
    # initial state
    # [j, candidate, i, n, primes..]

    # load the current prime
    # [prime, j, candidate, i, n, primes..]
    dup
    mem_load

    # push return flags
    # [continue loop?, is prime?, prime, j, candidate, i, n, primes..]
    push.0.1

    # a composite number have its smallest prime squared lesser than itself.
    # if the squared prime is bigger than the candidate, and provided we iterate
    # a list of ordered primes, then the number is a prime.
    #
    # this will also protect the algorithm from overflowing the list of current list of primes
    # because the squared prime will always halt the iteration before the end of the list is
    # reached
    #
    # [squared prime, continue loop?, is prime?, prime, j, candidate, i, n, primes..]
    dup.2
    dup
    mul
    # [candidate, squared prime, continue loop?, is prime?, prime, j, candidate, i, n, primes..]
    dup.5
    # [continue loop?, is prime?, prime, j, candidate, i, n, primes..]
    gt
    if.true
        drop
        drop
        push.1.0
    end

    # check mod only if should continue loop
    dup
    if.true
        # [remainder, continue loop?, is prime?, prime, j, candidate, i, n, primes..]
        dup.4
        dup.3
        u32assert2 u32mod

        # if remainder is zero, then the number is divisible by prime; hence isn't prime
        # [continue loop?, is prime?, prime, j, candidate, i, n, primes..]
        eq.0
        if.true
            drop
            drop
            push.0.0
        end
    end

    # [continue loop?, is prime?, j, candidate, i, n, primes..]
    swap.2
    drop
    swap
end

# check if current candidate isn't a prime
proc.is_not_prime
    # initial state
    # [candidate, i, n, primes..]

    # create a counter `j` to iterate over primes
    # [j, candidate, i, n, primes..]
    push.0

    exec.is_not_prime_should_continue
    while.true
        # [j, candidate, i, n, primes..]
        drop
        add.1

        # [is prime?, j, candidate, i, n, primes..]
        exec.is_not_prime_should_continue
    end

    # [is not prime?, candidate, i, n, primes..]
    swap
    drop
    eq.0
end

# calculate and push next prime to the stack
proc.next
    # initial state
    # [i, n, primes..]

    # create a candidate
    # [candidate, i, n, primes..]
    dup.2
    add.2

    exec.is_not_prime
    while.true
        # [candidate, i, n, primes..]
        add.2
        exec.is_not_prime
    end

    # [i, n, primes..]
    exec.append
end

# the stack is expected to contain on its top the desired primes count. this can be achieved via the
# *.inputs file.
#
# the end of the program will return a stack containing all the primes, up to the nth argument.
#
# example:
#
# input:
# [50, ..]
#
# output:
# [229, 227, 223, 211, 199, 197, 193, 191, 181, 179, 173, 167, 163, 157, 151, 149]
begin
    # create a counter `i`
    push.0

    # 2 and 3 are the unique sequential primes. by pushing these manually, we can iterate
    # the candidates in chunks of 2

    # append first known prime
    push.2
    exec.append

    # append second known prime
    push.3
    exec.append

    # find next primes until limit is reached
    exec.should_continue
    while.true
        exec.next
        exec.should_continue
    end

    # drop the counters
    drop
    drop

    # Truncate stack to make constraints happy
    exec.sys::truncate_stack
end
"#;

/// `miden-vm/masm-examples/nprime/nprime.inputs`.
pub const EXAMPLE_NPRIME_INPUTS: &str = r#"{
    "operand_stack": ["50"]
}
"#;

// ---- collections/mmr.rs (v0.17.0) -------------------------------------------------------

/// `collections/mmr.rs`, line 15 (in `test_num_leaves_to_num_peaks`).
pub const MMR_NUM_LEAVES_TO_NUM_PEAKS: &str = r#"
    use.std::collections::mmr

    begin
      exec.mmr::num_leaves_to_num_peaks
    end
    "#;

/// `collections/mmr.rs`, line 37 (in `test_num_peaks_to_message_size`).
pub const MMR_NUM_PEAKS_TO_MESSAGE_SIZE: &str = r#"
    use.std::collections::mmr

    begin
      exec.mmr::num_peaks_to_message_size
    end
    "#;

/// `collections/mmr.rs`, line 74 (in `test_mmr_get_single_peak`).
pub const MMR_GET_SINGLE_PEAK: &str = r#"
            use.std::collections::mmr

            begin
                push.{num_leaves} push.1000 mem_store # leaves count
                adv_push.4 push.1004 mem_storew dropw # MMR single peak

                push.1000 push.{pos} exec.mmr::get

                swapw dropw
            end"#;

/// `collections/mmr.rs`, line 134 (in `test_mmr_get_two_peaks`).
pub const MMR_GET_TWO_PEAKS: &str = r#"
            use.std::collections::mmr

            begin
                push.{num_leaves} push.1000 mem_store # leaves count
                adv_push.4 push.1004 mem_storew dropw # MMR first peak
                adv_push.4 push.1008 mem_storew dropw # MMR second peak

                push.1000 push.{absolute_pos} exec.mmr::get

                swapw dropw
            end"#;

/// `collections/mmr.rs`, line 184 (in `test_mmr_tree_with_one_element`).
pub const MMR_TREE_WITH_ONE_ELEMENT: &str = r#"
        use.std::collections::mmr

        begin
            push.{num_leaves} push.1000 mem_store # leaves count
            adv_push.4 push.1004 mem_storew dropw # MMR first peak

            push.1000 push.{pos} exec.mmr::get

            swapw dropw
        end"#;

/// `collections/mmr.rs`, line 210 (in `test_mmr_tree_with_one_element`).
pub const MMR_TREE_WITH_ONE_ELEMENT_2: &str = r#"
        use.std::collections::mmr

        begin
            push.{num_leaves} push.1000 mem_store # leaves count
            adv_push.4 push.1004 mem_storew dropw # MMR first peak
            adv_push.4 push.1008 mem_storew dropw # MMR second peak
            adv_push.4 push.1012 mem_storew dropw # MMR third peak

            push.1000 push.{pos} exec.mmr::get

            swapw dropw
        end"#;

/// `collections/mmr.rs`, line 279 (in `test_mmr_unpack`).
pub const MMR_UNPACK: &str = r#"
        use.std::collections::mmr
        begin exec.mmr::unpack end
    "#;

/// `collections/mmr.rs`, line 344 (in `test_mmr_unpack_invalid_hash`).
pub const MMR_UNPACK_INVALID_HASH: &str = r#"
        use.std::collections::mmr
        begin exec.mmr::unpack end
    "#;

/// `collections/mmr.rs`, line 402 (in `test_mmr_unpack_large_mmr`).
pub const MMR_UNPACK_LARGE_MMR: &str = r#"
        use.std::collections::mmr
        begin exec.mmr::unpack end
    "#;

/// `collections/mmr.rs`, line 465 (in `test_mmr_pack_roundtrip`).
pub const MMR_PACK_ROUNDTRIP: &str = r#"
        use.std::collections::mmr

        begin
            exec.mmr::unpack
            exec.mmr::pack

            swapw dropw
        end
    "#;

/// `collections/mmr.rs`, line 493 (in `test_mmr_pack`).
pub const MMR_PACK: &str = r#"
        use.std::collections::mmr

        begin
            push.3.1000 mem_store  # num_leaves, 2 peaks
            push.1.1004 mem_store  # peak1
            push.2.1008 mem_store  # peak2

            push.1000 exec.mmr::pack

            swapw dropw
        end
    "#;

/// `collections/mmr.rs`, line 533 (in `test_mmr_add_single`).
pub const MMR_ADD_SINGLE: &str = r#"
        use.std::collections::mmr

        begin
            push.{mmr_ptr} # the address of the mmr
            push.1.2.3.4   # the new peak
            exec.mmr::add  # add the element
        end
    "#;

/// `collections/mmr.rs`, line 558 (in `test_mmr_two`).
pub const MMR_TWO: &str = r#"
        use.std::collections::mmr

        begin
            push.{mmr_ptr} # first peak
            push.1.2.3.4
            exec.mmr::add

            push.{mmr_ptr} # second peak
            push.5.6.7.8
            exec.mmr::add
        end
    "#;

/// `collections/mmr.rs`, line 591 (in `test_add_mmr_large`).
pub const MMR_ADD_MMR_LARGE: &str = r#"
        use.std::collections::mmr

        begin
            push.{mmr_ptr}.0.0.0.1 exec.mmr::add
            push.{mmr_ptr}.0.0.0.2 exec.mmr::add
            push.{mmr_ptr}.0.0.0.3 exec.mmr::add
            push.{mmr_ptr}.0.0.0.4 exec.mmr::add
            push.{mmr_ptr}.0.0.0.5 exec.mmr::add
            push.{mmr_ptr}.0.0.0.6 exec.mmr::add
            push.{mmr_ptr}.0.0.0.7 exec.mmr::add

            push.{mmr_ptr} exec.mmr::pack

            swapw dropw
        end
    "#;

/// `collections/mmr.rs`, line 670 (in `test_mmr_large_add_roundtrip`).
pub const MMR_LARGE_ADD_ROUNDTRIP: &str = r#"
        use.std::collections::mmr

        begin
            exec.mmr::unpack
            push.{mmr_ptr}.0.0.0.8 exec.mmr::add
            push.{mmr_ptr} exec.mmr::pack

            swapw dropw
        end
    "#;

// ---- collections/smt.rs (v0.17.0) -------------------------------------------------------

/// `collections/smt.rs`, line 25 (in `expect_value_from_get`).
pub const SMT_EXPECT_VALUE_FROM_GET: &str = r#"
            use.std::collections::smt

            begin
                exec.smt::get
            end
        "#;

/// `collections/smt.rs`, line 63 (in `assert_insert_and_remove`).
pub const SMT_ASSERT_INSERT_AND_REMOVE: &str = r#"
            use.std::collections::smt

            begin
                exec.smt::set
                movupw.2 dropw
            end
        "#;

/// `collections/smt.rs`, line 106 (in `test_smt_set_same_key`).
pub const SMT_SET_SAME_KEY: &str = r#"
    use.std::collections::smt
    begin
      exec.smt::set
    end
    "#;

/// `collections/smt.rs`, line 125 (in `test_smt_set_empty_value_to_empty_leaf`).
pub const SMT_SET_EMPTY_VALUE_TO_EMPTY_LEAF: &str = r#"
    use.std::collections::smt
    begin
      exec.smt::set
    end
    "#;

/// `collections/smt.rs`, line 145 (in `test_set_advice_map_empty_key`).
pub const SMT_SET_ADVICE_MAP_EMPTY_KEY: &str = r#"
    use.std::collections::smt
    # Stack: [V, K, R]
    begin
        # copy V and K, and save lower on stack
        dupw.1 movdnw.3 dupw movdnw.3
        # => [V, K, R, V, K]

        # Sets the advice map
        exec.smt::set
        # => [V_old, R_new, V, K]

        # Prepare for peek
        dropw movupw.2
        # => [K, R_new, V]

        # Fetch what was stored on advice map and clean stack
        adv.push_smtpeek dropw dropw
        # => [V]

        # Push advice map values on stack
        adv_push.4
        # => [V_in_map, V]

        # Check for equality of V's
        assert_eqw
        # => [K]
    end
    "#;

/// `collections/smt.rs`, line 188 (in `test_set_advice_map_single_key`).
pub const SMT_SET_ADVICE_MAP_SINGLE_KEY: &str = r#"
    use.std::collections::smt
    # Stack: [V, K, R]
    begin
        # copy V and K, and save lower on stack
        dupw.1 movdnw.3 dupw movdnw.3
        # => [V, K, R, V, K]

        # Sets the advice map
        exec.smt::set
        # => [V_old, R_new, V, K]

        # Prepare for peek
        dropw movupw.2
        # => [K, R_new, V]

        # Fetch what was stored on advice map and clean stack
        adv.push_smtpeek dropw dropw
        # => [V]

        # Push advice map values on stack
        adv_push.4
        # => [V_in_map, V]

        # Check for equality of V's
        assert_eqw
        # => [K]
    end
    "#;

/// `collections/smt.rs`, line 243 (in `test_set_empty_key_in_non_empty_leaf`).
pub const SMT_SET_EMPTY_KEY_IN_NON_EMPTY_LEAF: &str = r#"
    use.std::collections::smt

    begin
        exec.smt::set
        movupw.2 dropw
    end
    "#;

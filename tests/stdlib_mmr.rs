//! `std::collections::mmr` (Miden 0.17's procedures, memory layout and stack conventions on
//! the native hash) against a Merkle mountain range written here: one perfect tree per set
//! bit of the leaf count, largest first, nodes `hash::merge(left, right)`, the commitment
//! `hash::hash_elements` of the peaks padded with empty words to at least 16 and to an even
//! number. Memory is checked inside the programs (`assert_eqw` on each word).

#[path = "instructions/common.rs"]
mod common;

use common::*;
use vm::core::hash;
use vm::processor::{word_key, AdviceInputs, ExecutionOptions};
use vm::Felt;

type Word = [Felt; 4];

const IMPORT: &str = "use.std::collections::mmr\n";

/// The MMR's memory address in the tests.
const PTR: u64 = 4096;

fn leaf(i: u64) -> Word {
    [i + 1, 1000 + i, P - 1 - i, i * TWO32 % P].map(Felt::new)
}

fn word_ints(x: &Word) -> [u64; 4] {
    ints(x).try_into().unwrap()
}

/// `push` of a word (element 0 pushed first, so it ends deepest).
fn push_word(x: &Word) -> String {
    let x = word_ints(x);
    format!("push.{}.{}.{}.{} ", x[0], x[1], x[2], x[3])
}

fn tree_root(leaves: &[Word]) -> Word {
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash::merge(&p[0], &p[1])).collect();
    }
    level[0]
}

struct Mmr {
    leaves: Vec<Word>,
    /// The peaks and the Merkle store of the trees, computed once.
    peaks: Vec<Word>,
    store: AdviceInputs,
}

impl Mmr {
    fn new(n: u64) -> Self {
        let mut m = Mmr {
            leaves: (0..n).map(leaf).collect(),
            peaks: Vec::new(),
            store: AdviceInputs::default(),
        };
        let mut store = AdviceInputs::default();
        m.peaks = m
            .trees()
            .into_iter()
            .map(|t| {
                let root = tree_root(t);
                assert_eq!(store.add_merkle_tree(t), root);
                root
            })
            .collect();
        m.store = store;
        m
    }

    /// The trees, largest first: (first leaf, leaves).
    fn trees(&self) -> Vec<&[Word]> {
        let n = self.leaves.len();
        let mut out = Vec::new();
        let mut start = 0;
        for b in (0..64).rev() {
            if n >> b & 1 == 1 {
                out.push(&self.leaves[start..start + (1 << b)]);
                start += 1 << b;
            }
        }
        out
    }

    fn peaks(&self) -> Vec<Word> {
        self.peaks.clone()
    }

    fn padded_peaks(&self) -> Vec<Word> {
        let mut p = self.peaks();
        let len = p.len().max(16).next_multiple_of(2);
        p.resize(len, [Felt::new(0); 4]);
        p
    }

    fn commitment(&self) -> Word {
        let elems: Vec<Felt> = self.padded_peaks().concat();
        hash::hash_elements(&elems)
    }

    fn advice(&self) -> AdviceInputs {
        self.store.clone()
    }

    /// Instructions writing this MMR at `ptr` (the stack is left as it was).
    fn store(&self, ptr: u64) -> String {
        let mut src = format!("push.{}.{ptr} mem_store ", self.leaves.len());
        for (i, p) in self.peaks().iter().enumerate() {
            src += &format!(
                "{}push.{} mem_storew dropw ",
                push_word(p),
                ptr + 4 + 4 * i as u64
            );
        }
        src
    }

    /// Instructions asserting that memory at `ptr` holds this MMR, and empty words after
    /// the peaks up to the padded length.
    fn assert_stored(&self, ptr: u64) -> String {
        let mut src = format!(
            "push.{ptr} mem_load push.{} assert_eq.err=\"num_leaves\" ",
            self.leaves.len()
        );
        for (i, p) in self.padded_peaks().iter().enumerate() {
            src += &format!(
                "padw push.{} mem_loadw {}assert_eqw.err=\"peak {i}\" ",
                ptr + 4 + 4 * i as u64,
                push_word(p)
            );
        }
        src
    }

    /// Instructions asserting `get` of every leaf.
    fn assert_gets(&self, ptr: u64) -> String {
        let mut src = String::new();
        for (i, l) in self.leaves.iter().enumerate() {
            src += &format!(
                "push.{ptr}.{i} exec.mmr::get {}assert_eqw.err=\"leaf {i}\" ",
                push_word(l)
            );
        }
        src
    }
}

fn run_prog(body: &str, advice: AdviceInputs) -> Result<Outcome, String> {
    run_full(
        &format!("{IMPORT}begin {body} end"),
        &with_sentinels(&[]),
        advice,
        ExecutionOptions::default(),
    )
}

fn run_ok(body: &str, advice: AdviceInputs) -> Outcome {
    let out = run_prog(body, advice).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.stack,
        expected(&[], 0, &[]),
        "the stack is left as it was"
    );
    out
}

#[test]
fn get_returns_every_leaf() {
    for n in (1..=20).chain([31, 32, 33, 100]) {
        let m = Mmr::new(n);
        run_ok(&(m.store(PTR) + &m.assert_gets(PTR)), m.advice());
    }
}

#[test]
fn get_out_of_range_fails() {
    let m = Mmr::new(5);
    for pos in [5u64, 6, 1000] {
        let e = run_prog(
            &format!("{}push.{PTR}.{pos} exec.mmr::get", m.store(PTR)),
            m.advice(),
        )
        .unwrap_err();
        assert!(what(&e).contains("not below the number of leaves"), "{e}");
    }
    let e = run_prog(
        &format!("{}push.{PTR}.{TWO32} exec.mmr::get", m.store(PTR)),
        m.advice(),
    )
    .unwrap_err();
    assert!(what(&e).contains("NotU32"), "{e}");
    // A tree the store does not know.
    let e = run_prog(
        &format!("{}push.{PTR}.1 exec.mmr::get", m.store(PTR)),
        AdviceInputs::default(),
    )
    .unwrap_err();
    assert!(what(&e).contains("MerkleNode"), "{e}");
}

#[test]
fn peak_counts_and_message_sizes() {
    let src = format!("{IMPORT}begin exec.mmr::num_leaves_to_num_peaks end");
    for n in [
        0u64,
        1,
        2,
        3,
        7,
        8,
        255,
        U32_MAX,
        TWO32,
        TWO32 + 5,
        P - 1,
        1 << 63,
    ] {
        check(&src, &[n, 7], 1, &[u64::from(n.count_ones())]);
    }
    let src = format!("{IMPORT}begin exec.mmr::num_peaks_to_message_size end");
    for p in 0u64..=40 {
        check(&src, &[p, 7], 1, &[4 * p.max(16).next_multiple_of(2)]);
    }
    check_fails(&src, &[TWO32], "NotU32");
}

#[test]
fn add_appends_and_merges() {
    // From every size up to 33 leaves, add one leaf.
    for n in 0..=33u64 {
        let before = Mmr::new(n);
        let after = Mmr::new(n + 1);
        // `add` takes [EL, mmr_ptr]: the pointer is pushed first.
        let body = format!(
            "{}push.{PTR} {}exec.mmr::add {}{}",
            before.store(PTR),
            push_word(&leaf(n)),
            after.assert_stored(PTR),
            after.assert_gets(PTR)
        );
        run_ok(&body, before.advice());
    }
    // Twenty adds from the empty MMR.
    let mut body = String::new();
    for i in 0..20 {
        body += &format!("push.{PTR} {}exec.mmr::add ", push_word(&leaf(i)));
    }
    let m = Mmr::new(20);
    body += &m.assert_stored(PTR);
    body += &m.assert_gets(PTR);
    run_ok(&body, AdviceInputs::default());
}

#[test]
fn pack_commits_and_unpack_restores() {
    for n in (0..=20).chain([63, 64, 65, 1000]) {
        let m = Mmr::new(n);
        // pack returns the commitment.
        let com = m.commitment();
        let body = format!(
            "{}push.{PTR} exec.mmr::pack {}assert_eqw.err=\"commitment\" ",
            m.store(PTR),
            push_word(&com)
        );
        run_ok(&body, m.advice());
        // pack then unpack elsewhere: the same MMR, whose leaves can be read there.
        let other = 64u64;
        let body = format!(
            "{}push.{other} push.{PTR} exec.mmr::pack exec.mmr::unpack {}{}",
            m.store(PTR),
            m.assert_stored(other),
            m.assert_gets(other)
        );
        run_ok(&body, m.advice());
    }
}

/// The advice map entry `unpack` reads: `[n, 0, 0, 0]` then the padded peaks.
fn map_entry(m: &Mmr) -> Vec<Felt> {
    let mut v = felts(&[m.leaves.len() as u64, 0, 0, 0]);
    v.extend(m.padded_peaks().concat());
    v
}

#[test]
fn unpack_from_the_advice_map() {
    for n in [0u64, 1, 5, 16, 17] {
        let m = Mmr::new(n);
        let mut a = m.advice();
        a.map.insert(word_key(&m.commitment()), map_entry(&m));
        let body = format!(
            "push.{PTR} {}exec.mmr::unpack {}",
            push_word(&m.commitment()),
            m.assert_stored(PTR)
        );
        run_ok(&body, a);
    }
    // A wrong peak, a missing entry, a short entry.
    let m = Mmr::new(6);
    let unpack = format!("push.{PTR} {}exec.mmr::unpack", push_word(&m.commitment()));
    let mut a = AdviceInputs::default();
    let mut entry = map_entry(&m);
    entry[5] = Felt::new(entry[5].as_int() + 1);
    a.map.insert(word_key(&m.commitment()), entry);
    let e = run_prog(&unpack, a).unwrap_err();
    assert!(what(&e).contains("do not hash to the commitment"), "{e}");
    let e = run_prog(&unpack, AdviceInputs::default()).unwrap_err();
    assert!(what(&e).contains("MapKeyNotFound"), "{e}");
    let mut a = AdviceInputs::default();
    let mut entry = map_entry(&m);
    entry.truncate(40);
    a.map.insert(word_key(&m.commitment()), entry);
    let e = run_prog(&unpack, a).unwrap_err();
    assert!(what(&e).contains("AdviceStackEmpty"), "{e}");
}

/// Cycles of the `exec` in `body` (everything before `exec` is setup).
fn cycles(setup: &str, body: &str, advice: AdviceInputs) -> u64 {
    let c = |b: &str| {
        run_full(
            &format!("{IMPORT}begin {setup} {b} end"),
            &[],
            advice.clone(),
            ExecutionOptions::default(),
        )
        .unwrap()
        .cycles
    };
    let pushes = body.split("exec").next().unwrap();
    c(body) - c(pushes) - 2
}

#[test]
fn more_than_sixteen_peaks() {
    // 2^17 - 1 leaves: 17 peaks, padded to 18 (72 elements).
    let n = (1u64 << 17) - 1;
    let m = Mmr::new(n);
    let some_gets: String = [0u64, 1, 65535, 65536, n - 2, n - 1]
        .iter()
        .map(|&i| {
            format!(
                "push.{PTR}.{i} exec.mmr::get {}assert_eqw ",
                push_word(&m.leaves[i as usize])
            )
        })
        .collect();
    let other = 64u64;
    let body = format!(
        "{}push.{PTR} exec.mmr::pack dupw {}assert_eqw push.{other} movdn.4 exec.mmr::unpack {}{}",
        m.store(PTR),
        push_word(&m.commitment()),
        m.assert_stored(other),
        some_gets.replace(&format!("push.{PTR}."), &format!("push.{other}."))
    );
    run_ok(&body, m.advice());
    // One more leaf merges all 17 peaks into one.
    let after = Mmr::new(n + 1);
    let body = format!(
        "{}push.{PTR} {}exec.mmr::add {}push.{PTR}.{n} exec.mmr::get {}assert_eqw",
        m.store(PTR),
        push_word(&leaf(n)),
        after.assert_stored(PTR),
        push_word(&leaf(n))
    );
    run_ok(&body, m.advice());
    let c = cycles(
        &m.store(PTR),
        &format!("push.{PTR} exec.mmr::pack"),
        m.advice(),
    );
    assert_eq!(c, 122 + 6 * 72, "pack of 17 peaks");
    let mut a = m.advice();
    a.map.insert(word_key(&m.commitment()), map_entry(&m));
    let c = cycles(
        "",
        &format!("push.{PTR} {}exec.mmr::unpack", push_word(&m.commitment())),
        a,
    );
    assert_eq!(c, 121 + 51 * 72 / 8, "unpack of 17 peaks");
    let c = cycles(
        &m.store(PTR),
        &format!("push.{PTR} {}exec.mmr::add", push_word(&leaf(n))),
        m.advice(),
    );
    assert_eq!(c, 103 + 46 * 17, "add with 17 merges");
}

#[test]
fn cycles_are_the_documented_ones() {
    for n in [1u64, 2, 3, 5, 7, 8, 40] {
        let m = Mmr::new(n);
        for pos in 0..n {
            let got = cycles(
                &m.store(PTR),
                &format!("push.{PTR}.{pos} exec.mmr::get"),
                m.advice(),
            );
            // The owning tree's depth: the highest bit where n and pos differ (0 for the
            // last leaf of an odd count, a one-leaf tree).
            let depth = u64::from(63 - (n ^ pos).leading_zeros());
            let want = if depth == 0 { 109 } else { 195 + 26 * depth };
            assert_eq!(got, want, "get {pos} of {n}");
        }
        let got = cycles(
            &m.store(PTR),
            &format!("push.{PTR} exec.mmr::pack"),
            m.advice(),
        );
        assert_eq!(got, 122 + 6 * 64, "pack of {n}");
        let got = cycles(
            &m.store(PTR),
            &format!("push.{PTR} {}exec.mmr::add", push_word(&leaf(n))),
            m.advice(),
        );
        let merges = u64::from(n.trailing_ones());
        assert_eq!(got, 103 + 46 * merges, "add to {n}");
        let mut a = m.advice();
        a.map.insert(word_key(&m.commitment()), map_entry(&m));
        let got = cycles(
            "",
            &format!("push.{PTR} {}exec.mmr::unpack", push_word(&m.commitment())),
            a,
        );
        assert_eq!(got, 121 + 51 * 64 / 8, "unpack of {n}");
    }
    let none = AdviceInputs::default;
    let c = cycles("", "push.5 exec.mmr::num_leaves_to_num_peaks", none());
    assert_eq!(c, 41);
    let c = cycles("", "push.5 exec.mmr::num_peaks_to_message_size", none());
    assert_eq!(c, 13);
}

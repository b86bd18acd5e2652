//! The AIR context is well formed for every preset at every trace length the verifier
//! accepts, from the preset's minimum to 2^22 (or the preset's maximum, 2^12 for the
//! short-trace preset): widths, degrees, exemptions, compared with
//! the numbers the presets are documented to have (`docs/zk.md`), written out here.

mod common;

use vm_air::{
    preset::{CommitmentHash, HashFunction, PRESETS},
    Preset, VmAir,
};
use vm_core::Felt;
use winter_air::{
    proof::{Context, Proof},
    Air, TraceInfo,
};
use winter_crypto::{
    hashers::{Blake3_192, Blake3_256, Rp64_256},
    Hasher,
};
use winter_utils::Serializable;

/// What each preset is documented to be (`docs/zk.md`), written out rather than recomputed
/// from the preset functions: zero knowledge needs `r = queries + 2 e + 2` random rows
/// (40 + 4 + 2 = 46 at 96 bits, 56 + 6 + 2 = 64 at 128 bits), `e` randomizer columns and `e`
/// mask columns. Every general preset has blowup 4 and 17 grinding bits; the short-trace
/// one blowup 8, 27 queries and 16 grinding bits (`r = 27 + 4 + 2 = 33`), for traces of at
/// most 2^12 rows. All have FRI folding 8 with remainder degree at most 255.
struct Expected {
    name: &'static str,
    security_bits: u32,
    blowup: usize,
    max_trace_len: usize,
    queries: usize,
    grinding: u32,
    digest_bits: u32,
    extension_degree: usize,
    random_rows: usize,
    randomizer_columns: usize,
    mask_columns: usize,
}

const fn zk96(name: &'static str) -> Expected {
    Expected {
        name,
        security_bits: 96,
        blowup: 4,
        max_trace_len: 1 << 29,
        queries: 40,
        grinding: 17,
        digest_bits: 192,
        extension_degree: 2,
        random_rows: 46,
        randomizer_columns: 2,
        mask_columns: 2,
    }
}

const fn zk128(name: &'static str) -> Expected {
    Expected {
        name,
        security_bits: 128,
        blowup: 4,
        max_trace_len: 1 << 29,
        queries: 56,
        grinding: 17,
        digest_bits: 256,
        extension_degree: 3,
        random_rows: 64,
        randomizer_columns: 3,
        mask_columns: 3,
    }
}

/// Rescue's digest is 256 bits (four field elements) at 96 bits too.
const fn rescue(e: Expected) -> Expected {
    Expected {
        digest_bits: 256,
        ..e
    }
}

const fn no_zk(e: Expected) -> Expected {
    Expected {
        random_rows: 0,
        randomizer_columns: 0,
        mask_columns: 0,
        ..e
    }
}

/// Blowup 8 with 27 queries and 16 grinding bits, for traces of at most 2^12 rows.
const fn short(e: Expected) -> Expected {
    Expected {
        blowup: 8,
        max_trace_len: 1 << 12,
        queries: 27,
        grinding: 16,
        random_rows: 33,
        ..e
    }
}

/// The preset table by id.
const EXPECTED: [Expected; 9] = [
    zk96("96"),
    zk128("128"),
    rescue(zk96("96-rescue")),
    rescue(zk128("128-rescue")),
    no_zk(zk96("96-nozk")),
    no_zk(zk128("128-nozk")),
    no_zk(rescue(zk96("96-rescue-nozk"))),
    no_zk(rescue(zk128("128-rescue-nozk"))),
    short(zk96("96-short")),
];

fn expected(preset: &Preset) -> &'static Expected {
    &EXPECTED[preset.id as usize]
}

fn air(preset: &Preset, n: usize) -> VmAir {
    // Panics here would be a verifier denial of service.
    common::air(preset, n)
}

#[test]
fn every_preset_and_length_builds_a_valid_context() {
    // The constraints of the VM without zero knowledge; each mask column adds one.
    let base_constraints = air(&PRESETS[4], 1 << 10)
        .context()
        .num_main_transition_constraints();
    for preset in PRESETS {
        let want = expected(preset);
        let mut n = preset.min_trace_len;
        while n <= preset.max_trace_len.min(1 << 22) {
            let air = air(preset, n);
            let ctx = air.context();
            assert_eq!(
                ctx.num_main_transition_constraints(),
                base_constraints + want.mask_columns,
                "{} at {n}",
                preset.name
            );
            // The random rows and the wrap-around are exempt, nothing else.
            assert_eq!(
                ctx.num_transition_exemptions(),
                want.random_rows + 1,
                "{} at {n}",
                preset.name
            );
            assert!(
                ctx.trace_info().width() <= 254,
                "serialization caps widths at 254"
            );
            // Degree 4 at most: the constraint evaluation blowup stays within the LDE's.
            assert!(
                ctx.ce_domain_size() <= preset.blowup * n,
                "{} at {n}",
                preset.name
            );
            // Exemptions add one composition column at most (degree 4 -> 4 chunks, +1).
            assert!(ctx.num_constraint_composition_columns() <= 5);
            assert_eq!(
                air.last_real_row(),
                n - want.random_rows - 1,
                "{} at {n}",
                preset.name
            );
            // Every assertion sits on a real row.
            for a in air.get_assertions() {
                assert!(
                    a.first_step() <= air.last_real_row(),
                    "{} at {n}: an assertion on row {}",
                    preset.name,
                    a.first_step()
                );
            }
            n *= 2;
        }
    }
}

#[test]
fn presets_have_their_documented_parameters() {
    assert_eq!(PRESETS.len(), EXPECTED.len());
    for (id, preset) in PRESETS.iter().enumerate() {
        let want = expected(preset);
        assert_eq!(preset.id as usize, id, "the table is ordered by id");
        assert_eq!(preset.name, want.name);
        assert_eq!(preset.zk, want.random_rows > 0, "{}", preset.name);
        assert_eq!(preset.security_bits, want.security_bits, "{}", preset.name);
        assert_eq!(preset.queries, want.queries, "{}", preset.name);
        assert_eq!(preset.grinding, want.grinding, "{}", preset.name);
        assert_eq!(preset.digest_bits, want.digest_bits, "{}", preset.name);
        assert_eq!(
            preset.hash_function().digest_bytes() * 8,
            want.digest_bits as usize,
            "{}",
            preset.name
        );
        assert_eq!(preset.blowup, want.blowup, "{}", preset.name);
        assert_eq!(preset.max_trace_len, want.max_trace_len, "{}", preset.name);
        assert_eq!(preset.fri_folding, 8, "{}", preset.name);
        assert_eq!(preset.fri_remainder_max_degree, 255, "{}", preset.name);
        assert_eq!(
            preset.extension_degree, want.extension_degree,
            "{}",
            preset.name
        );
        assert_eq!(preset.random_rows(), want.random_rows, "{}", preset.name);
        assert_eq!(
            preset.randomizer_columns(),
            want.randomizer_columns,
            "{}",
            preset.name
        );
        assert_eq!(preset.mask_columns(), want.mask_columns, "{}", preset.name);
    }
}

#[test]
fn presets_reach_their_security() {
    for preset in PRESETS {
        let e = preset.extension_degree;
        // Query security (log2 of the blowup bits per query, plus grinding, which counts
        // only from 80 query bits on) and the extension field's size both exceed the
        // claimed level, and so does the hash's collision resistance.
        let query_bits = preset.queries as u32 * preset.blowup.trailing_zeros();
        assert!(
            query_bits >= 80,
            "{}: grinding would not count",
            preset.name
        );
        let field_bits = 64 * e as u32;
        assert!(
            (query_bits + preset.grinding).min(field_bits) > preset.security_bits,
            "{}",
            preset.name
        );
        let hash = preset.hash_function();
        assert!(
            hash.collision_resistance() >= preset.security_bits,
            "{}",
            preset.name
        );
        // Winterfell's own formula, with the collision resistance its hasher declares,
        // gives exactly the stated level: no query or grinding bit is spent for nothing.
        let declared = match hash {
            HashFunction::Blake3_192 => <Blake3_192<Felt> as Hasher>::COLLISION_RESISTANCE,
            HashFunction::Blake3_256 => <Blake3_256<Felt> as Hasher>::COLLISION_RESISTANCE,
            HashFunction::Rp64_256 => <Rp64_256 as Hasher>::COLLISION_RESISTANCE,
        };
        assert_eq!(declared, hash.collision_resistance(), "{}", preset.name);
        let mut proof = Proof::new_dummy();
        proof.context = Context::new::<Felt>(TraceInfo::new(8, 1 << 10), preset.options(), 1);
        let bits = match hash {
            HashFunction::Blake3_192 => proof.conjectured_security::<Blake3_192<Felt>>(),
            HashFunction::Blake3_256 => proof.conjectured_security::<Blake3_256<Felt>>(),
            HashFunction::Rp64_256 => proof.conjectured_security::<Rp64_256>(),
        }
        .bits();
        assert_eq!(bits, preset.security_bits, "{}", preset.name);
    }
}

#[test]
fn hash_functions_follow_the_family_and_digest_width() {
    for preset in PRESETS {
        let want = match (preset.hash, preset.digest_bits) {
            (CommitmentHash::Blake3, 192) => HashFunction::Blake3_192,
            (CommitmentHash::Blake3, 256) => HashFunction::Blake3_256,
            (CommitmentHash::Rescue, 256) => HashFunction::Rp64_256,
            other => panic!("{}: no hash function for {other:?}", preset.name),
        };
        assert_eq!(preset.hash_function(), want, "{}", preset.name);
        // The digest is what the hasher writes into a proof.
        let bytes = match want {
            HashFunction::Blake3_192 => digest_len::<Blake3_192<Felt>>(),
            HashFunction::Blake3_256 => digest_len::<Blake3_256<Felt>>(),
            HashFunction::Rp64_256 => digest_len::<Rp64_256>(),
        };
        assert_eq!(bytes, want.digest_bytes(), "{}", preset.name);
    }
}

/// Bytes one digest of `H` serializes to.
fn digest_len<H: Hasher>() -> usize {
    H::hash(b"x").to_bytes().len()
}

#[test]
fn randomizer_columns_outlast_the_fri_openings() {
    // `docs/zk.md`, "DEEP and FRI": a randomizer column (degree < n, |Q| + 2e values pinned
    // by its own openings) masks every FRI value and the remainder while
    // n - q - 2e >= L q (f - 1) + remainder coefficients, at every accepted length.
    for preset in PRESETS.iter().filter(|p| p.zk) {
        let fri = preset.options().to_fri_options();
        let (q, e, f) = (preset.queries, preset.extension_degree, preset.fri_folding);
        let mut n = preset.min_trace_len;
        while n <= preset.max_trace_len.min(1 << 22) {
            let lde = n * preset.blowup;
            let layers = fri.num_fri_layers(lde);
            let remainder = lde / f.pow(layers as u32) / preset.blowup;
            let free = n - q - 2 * e;
            let needed = layers * q * (f - 1) + remainder;
            assert!(free >= needed, "{} at {n}: {free} < {needed}", preset.name);
            n *= 2;
        }
    }
}

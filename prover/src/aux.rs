//! Builds the auxiliary trace: the LogUp bus of `vm_air::bus` over the extension field.

use rand::Rng;
use vm_air::{bus, layout::*};
use vm_core::{Felt, FieldElement};
use winter_prover::matrix::ColMatrix;

use crate::trace::VmTrace;
use winter_prover::Trace;

/// Builds the auxiliary columns for the random elements `rands` (`alpha`, `beta`); the last
/// `random_rows` rows of every column are uniformly random.
pub fn build<E: FieldElement<BaseField = Felt>>(
    trace: &VmTrace,
    rands: &[E],
    rng: &mut impl Rng,
) -> ColMatrix<E> {
    let rands = &bus::Challenges::new(rands);
    let main = trace.main_segment();
    let n = main.num_rows();
    let last = trace.last_real;
    let width = main.num_cols();
    let mut cur = vec![Felt::ZERO; width];
    let mut next = vec![Felt::ZERO; width];

    let mut lookup_den = Vec::with_capacity(last + 1);
    let mut table_den = Vec::with_capacity(last + 1);
    let mut entry_den = Vec::new();
    let mut entry_at = Vec::new();
    let (mut memory_den, mut memory_num) = (Vec::with_capacity(last + 1), Vec::new());
    let (mut chiplet_den, mut chiplet_num) = (Vec::with_capacity(last + 1), Vec::new());
    let (mut range_den, mut range_at) = (Vec::new(), Vec::new());
    // The u32 operations' limb lookups: (row, flag) per lookup, and its denominator.
    let (mut u32_den, mut u32_at) = (Vec::new(), Vec::new());
    // The request section's answers: (row, multiplicity) per answer, and its denominator.
    let (mut hash_den, mut hash_at) = (Vec::new(), Vec::new());
    for i in 0..=last {
        main.read_row_into(i, &mut cur);
        main.read_row_into((i + 1) % n, &mut next);
        lookup_den.push(bus::rom_lookup::<Felt, E>(rands, &cur));
        table_den.push(bus::table_denominator::<Felt, E>(rands, &cur, &next));
        let (den, num) = bus::memory_request::<Felt, E>(rands, &cur, &next);
        memory_den.push(den);
        memory_num.push(num);
        // The digest is answered on the transition where the hasher's section ends, a
        // bitwise operation on its first row (reading its second).
        let (den, num) = bus::chiplet_response::<Felt, E>(rands, &cur, &next);
        chiplet_den.push(den);
        chiplet_num.push(num);
        let m = cur[MEM_ACTIVE];
        if m != Felt::ZERO {
            range_den.extend(bus::range_lookups::<Felt, E>(rands, &cur));
            range_at.push((i, m));
        }
        for (k, (flag, den)) in vm_air::u32ops::lookups::<Felt, E>(rands, &cur, &next)
            .into_iter()
            .enumerate()
        {
            if flag != Felt::ZERO {
                u32_den.push(den);
                u32_at.push((i, k, flag));
            }
        }
        for (den, m) in bus::hash_answers::<Felt, E>(rands, &cur, &next) {
            if m != Felt::ZERO {
                hash_den.push(den);
                hash_at.push((i, m));
            }
        }
        for j in 0..INSTRUCTIONS_PER_CYCLE {
            let m = bus::rom_multiplicity(&cur, j);
            if m != Felt::ZERO {
                entry_den.push(bus::rom_entry::<Felt, E>(rands, &cur, &next, j));
                entry_at.push((i, j, m));
            }
        }
    }
    let lookup = winter_math::batch_inversion(&lookup_den);
    let table_inv = winter_math::batch_inversion(&table_den);
    let entry_inv = winter_math::batch_inversion(&entry_den);
    let memory_inv = winter_math::batch_inversion(&memory_den);
    let chiplet_inv = winter_math::batch_inversion(&chiplet_den);
    let range_inv = winter_math::batch_inversion(&range_den);
    let u32_inv = winter_math::batch_inversion(&u32_den);
    let hash_inv = winter_math::batch_inversion(&hash_den);

    let mut cols: Vec<Vec<E>> = (0..AUX_WIDTH).map(|_| vec![E::ZERO; n]).collect();
    for i in 0..=last {
        cols[AUX_LOOKUPS][i] = lookup[i];
        let weight = E::from(bus::table_weight(read(main, i, &mut cur)));
        cols[AUX_TABLE][i] = weight * table_inv[i];
        cols[AUX_MEMORY][i] = E::from(memory_num[i]) * memory_inv[i];
        cols[AUX_CHIPLET][i] = E::from(chiplet_num[i]) * chiplet_inv[i];
    }
    for (k, (i, m)) in range_at.into_iter().enumerate() {
        let inv = &range_inv[5 * k..5 * k + 5];
        cols[AUX_RANGE][i] = E::from(m) * (inv[0] + inv[1] + inv[2]);
        cols[AUX_LOOKUPS][i] += E::from(m) * (inv[3] + inv[4]);
    }
    for ((i, m), inv) in hash_at.into_iter().zip(hash_inv) {
        cols[AUX_HASH][i] += E::from(m) * inv;
    }
    // The last lookups have no column: the running sum's step adds them (`bus.sum`).
    let mut folded = Vec::new();
    for ((i, k, flag), inv) in u32_at.into_iter().zip(u32_inv) {
        if k / 3 < bus::U32_RANGE_COLUMNS {
            cols[AUX_U32_RANGE + k / 3][i] += E::from(flag) * inv;
        } else {
            folded.push((i, E::from(flag) * inv));
        }
    }
    // Entries 2k and 2k + 1 share column k.
    for ((i, j, m), inv) in entry_at.into_iter().zip(entry_inv) {
        cols[AUX_ROM_ENTRY + j / 2][i] += E::from(m) * inv;
    }
    // The running sum: row i + 1 adds row i's sent fractions (lookups, table rows, memory
    // requests, range lookups) and subtracts its received ones (program-table entries, the
    // chiplets' answers, the digest among them).
    let mut delta = vec![E::ZERO; last];
    for (c, col) in cols[..AUX_SUM].iter().enumerate() {
        let received = bus::is_received(c);
        for (d, v) in delta.iter_mut().zip(&col[..last]) {
            if received {
                *d -= *v;
            } else {
                *d += *v;
            }
        }
    }
    // As for the columns, the last real row's fractions (a HALT's: none) enter no step.
    for (i, v) in folded.into_iter().filter(|&(i, _)| i < last) {
        delta[i] += v;
    }
    let mut sum = E::ZERO;
    for (s, d) in cols[AUX_SUM][..=last]
        .iter_mut()
        .zip(delta.iter().chain([&E::ZERO]))
    {
        *s = sum;
        sum += *d;
    }

    // Zero knowledge: uniformly random rows after the last real one (zeros only where a
    // test switched them off, `ZkSourcesForTesting`).
    #[cfg(feature = "testing")]
    let random_rows = trace.zk_sources_for_testing().aux_random_rows;
    #[cfg(not(feature = "testing"))]
    let random_rows = true;
    for col in cols.iter_mut() {
        for v in &mut col[last + 1..] {
            *v = if random_rows {
                random_element(rng)
            } else {
                E::ZERO
            };
        }
    }
    ColMatrix::new(cols)
}

#[cfg(feature = "testing")]
impl VmTrace {
    /// The auxiliary trace [`Prover::build_aux_trace`](winter_prover::Prover) builds for
    /// the random elements `rands`, for the zero-knowledge tests' attackers and simulators.
    #[doc(hidden)]
    pub fn aux_trace_for_testing<E: FieldElement<BaseField = Felt>>(
        &self,
        rands: &[E],
        rng: &mut impl Rng,
    ) -> ColMatrix<E> {
        build(self, rands, rng)
    }
}

fn read<'a>(main: &ColMatrix<Felt>, i: usize, buf: &'a mut [Felt]) -> &'a [Felt] {
    main.read_row_into(i, buf);
    buf
}

/// A uniformly random extension-field element.
fn random_element<E: FieldElement<BaseField = Felt>>(rng: &mut impl Rng) -> E {
    let base: Vec<Felt> = (0..E::EXTENSION_DEGREE)
        .map(|_| Felt::new(rng.gen_range(0..vm_core::MODULUS)))
        .collect();
    E::slice_from_base_elements(&base)[0]
}

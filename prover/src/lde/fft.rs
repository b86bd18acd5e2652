//! The FFT of the trace's low-degree extension, compiled for the CPU it runs on.
//!
//! Winterfell's FFT is compiled once, for the build's target: the portable x86-64 baseline
//! (SSE2) unless the whole build is made with `-C target-cpu=...`. On that baseline its
//! butterflies over rows of eight Goldilocks elements run one scalar 64-bit multiply at a
//! time; with AVX2 or AVX-512 the compiler keeps all eight lanes in vector registers, which
//! measured 7-10x faster per segment at 2^16 rows (and 1.5x faster than winterfell's own FFT
//! in a `-C target-cpu=native` build). So the same algorithm is compiled here three times,
//! for x86-64-v4 (AVX-512), x86-64-v3 (AVX2) and the baseline, and [`fft_in_place`] picks the
//! best one the CPU has, once per process, at run time (`is_x86_feature_detected!`), the way
//! the `blake3` crate picks its compression function. The default build stays portable.
//!
//! The algorithm is winterfell's radix-2 decimation in time over twiddles in bit-reversed
//! order (`winter_math::fft::get_twiddles`): it leaves its output in bit-reversed order, and
//! its results are the same field elements as winterfell's (`tests` below compare them).

use vm_core::Felt;

pub use crate::kernel::Kernel;

/// Base-field columns transformed together: one row of a segment is one vector of eight
/// lanes (an AVX-512 register holds all of them).
pub const LANES: usize = 8;

/// One row of a segment: the same row of [`LANES`] columns.
pub type Lanes = [Felt; LANES];

/// Rows of a block whose butterflies at distances below it run together, while the block is
/// in the L2 cache (2^11 rows of [`Lanes`] are 128 KiB).
const BLOCK: usize = 1 << 11;

/// Consecutive rows the passes at distances of a [`BLOCK`] and more take together: a strip
/// of them at each of the `n / BLOCK` block offsets stays in the L1 cache through those
/// passes (16 rows of [`Lanes`] are 1 KiB).
const STRIP: usize = 16;

/// Transforms `values` (a power-of-two number of rows, coefficients in natural order) in
/// place into their evaluations over the subgroup of that size, in bit-reversed order, with
/// the best kernel of this CPU. `twiddles` are `get_twiddles(values.len())` for the forward
/// transform or `get_inv_twiddles` for the inverse one (without its scaling by 1/n).
pub fn fft_in_place(values: &mut [Lanes], twiddles: &[Felt]) {
    fft_in_place_with(Kernel::best(), values, twiddles);
}

/// [`fft_in_place`] with a chosen kernel; falls back to the baseline when the CPU lacks
/// the kernel's features, so it is safe to call with any kernel.
pub fn fft_in_place_with(kernel: Kernel, values: &mut [Lanes], twiddles: &[Felt]) {
    debug_assert!(values.len().is_power_of_two());
    debug_assert_eq!(values.len(), twiddles.len() * 2);
    match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `is_supported` checked at run time that this CPU has every feature the
        // kernel is compiled with.
        Kernel::Avx512 if kernel.is_supported() => unsafe { x86::fft_avx512(values, twiddles) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Kernel::Avx2 if kernel.is_supported() => unsafe { x86::fft_avx2(values, twiddles) },
        _ => fft_baseline(values, twiddles),
    }
}

/// The transform every kernel shares: winterfell's butterflies, in an order that keeps the
/// data in the cache. Always inlined, so that it is compiled with the features of the
/// kernel it is inlined into.
///
/// Winterfell's recursion does, for each distance `t = n/2, n/4, ..., 1` in turn, the
/// butterflies of rows `j` and `j + t` for `j` in `[2 t k, 2 t k + t)`, with the twiddle
/// `twiddles[k]` of group `k` (none for group 0): one pass over all the rows per distance.
/// The same butterflies on the same operands, in another order that keeps every
/// butterfly's inputs computed first, give the same field elements (the same bits):
/// distances of a [`BLOCK`] or more only combine rows congruent modulo `BLOCK`, so they run
/// strip by strip of such rows; the smaller distances stay inside one aligned block, so they
/// run block by block.
#[inline(always)]
fn fft_body(values: &mut [Lanes], twiddles: &[Felt]) {
    let n = values.len();
    let block = n.min(BLOCK);
    let strip = block.min(STRIP);
    // Distances n/2 down to `block`: each strip of `strip` consecutive offsets within a
    // block, through all those distances.
    for first in (0..block).step_by(strip) {
        let mut t = n / 2;
        while t >= block {
            for (k, &w) in twiddles[..n / (2 * t)].iter().enumerate() {
                let twiddle = (k > 0).then_some(w);
                for j in (2 * t * k + first..2 * t * k + t).step_by(block) {
                    for i in j..j + strip {
                        butterfly(values, i, i + t, twiddle);
                    }
                }
            }
            t /= 2;
        }
    }
    // Distances below `block`, block by block: group `k` of distance `t` starts at row
    // `2 t k`, so a block's groups continue the numbering of the blocks before it.
    for (b, rows) in values.chunks_exact_mut(block).enumerate() {
        let mut t = block / 2;
        while t >= 1 {
            let first_group = b * block / (2 * t);
            for (g, group) in rows.chunks_exact_mut(2 * t).enumerate() {
                let k = first_group + g;
                let twiddle = (k > 0).then(|| twiddles[k]);
                for i in 0..t {
                    butterfly(group, i, i + t, twiddle);
                }
            }
            t /= 2;
        }
    }
}

/// `(x, y) -> (x + w y, x - w y)` on every lane of rows `i` and `j` (`w = 1` when `None`),
/// with the lane arithmetic of [`crate::lanes::Lanes`] (the same Montgomery forms as `Felt`'s,
/// from 32-bit products that vector units have).
#[inline(always)]
fn butterfly(values: &mut [Lanes], i: usize, j: usize, twiddle: Option<Felt>) {
    use crate::lanes::Lanes as Vector;
    let x = Vector(values[i]);
    let mut y = Vector(values[j]);
    if let Some(w) = twiddle {
        y *= Vector::splat(w);
    }
    values[i] = (x + y).0;
    values[j] = (x - y).0;
}

fn fft_baseline(values: &mut [Lanes], twiddles: &[Felt]) {
    fft_body(values, twiddles);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{fft_body, Felt, Lanes};

    /// Defines a kernel: the shared body compiled with the features `$with!` gives it
    /// (`crate::kernel`).
    macro_rules! kernel {
        ($(#[$doc:meta])* $name:ident, $with:ident) => {
            crate::kernel::$with! {
                $(#[$doc])*
                pub(super) fn $name(values: &mut [Lanes], twiddles: &[Felt]) {
                    fft_body(values, twiddles);
                }
            }
        };
    }

    kernel!(
        /// The x86-64-v4 kernel.
        fft_avx512,
        avx512
    );
    kernel!(
        /// The x86-64-v3 kernel.
        fft_avx2,
        avx2
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use vm_core::FieldElement;
    use winter_math::fft;

    fn column(n: usize, seed: u64) -> Vec<Felt> {
        (0..n as u64)
            .map(|i| Felt::new(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ seed))
            .collect()
    }

    /// Every kernel this CPU runs gives winterfell's evaluations and interpolations, lane by
    /// lane, at several sizes (including the smallest, 2 rows).
    #[test]
    fn kernels_agree_with_winterfell() {
        for log_n in [1, 2, 3, 5, 9, 11, 12, 14] {
            let n = 1usize << log_n;
            let columns: Vec<Vec<Felt>> = (0..LANES as u64).map(|c| column(n, c)).collect();
            let rows = |cols: &[Vec<Felt>]| -> Vec<Lanes> {
                (0..n)
                    .map(|r| core::array::from_fn(|c| cols[c][r]))
                    .collect()
            };
            let twiddles = fft::get_twiddles::<Felt>(n);
            let inv_twiddles = fft::get_inv_twiddles::<Felt>(n);
            // Each column transformed by winterfell's `transform`.
            let each = |transform: fn(&mut [Felt], &[Felt]), twiddles: &[Felt]| -> Vec<Vec<Felt>> {
                columns
                    .iter()
                    .map(|c| {
                        let mut c = c.clone();
                        transform(&mut c, twiddles);
                        c
                    })
                    .collect()
            };
            let expected_eval = each(fft::evaluate_poly::<Felt, Felt>, &twiddles);
            let expected_interp = each(fft::interpolate_poly::<Felt, Felt>, &inv_twiddles);
            for kernel in [Kernel::Avx512, Kernel::Avx2, Kernel::Baseline] {
                if !kernel.is_supported() {
                    continue;
                }
                let mut values = rows(&columns);
                fft_in_place_with(kernel, &mut values, &twiddles);
                super::super::permute(&mut values);
                assert_eq!(
                    values,
                    rows(&expected_eval),
                    "{kernel:?} evaluation at 2^{log_n}"
                );

                let mut values = rows(&columns);
                fft_in_place_with(kernel, &mut values, &inv_twiddles);
                super::super::permute(&mut values);
                let inv_n = Felt::new(n as u64).inv();
                values.iter_mut().flatten().for_each(|x| *x *= inv_n);
                assert_eq!(
                    values,
                    rows(&expected_interp),
                    "{kernel:?} interpolation at 2^{log_n}"
                );
            }
        }
    }

    #[test]
    fn the_baseline_is_always_supported_and_best_is_supported() {
        assert!(Kernel::Baseline.is_supported());
        assert!(Kernel::best().is_supported());
    }
}

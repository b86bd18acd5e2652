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

/// Above this many butterflies per twiddle the recursion stops batching strides (as
/// winterfell's `MAX_LOOP`): the batches then fit the cache.
const MAX_LOOP: usize = 256;

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
        Kernel::Avx512 if kernel.is_supported() => unsafe {
            x86::fft_avx512(values, twiddles, 1, 1, 0)
        },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Kernel::Avx2 if kernel.is_supported() => unsafe {
            x86::fft_avx2(values, twiddles, 1, 1, 0)
        },
        _ => fft_baseline(values, twiddles, 1, 1, 0),
    }
}

/// One level of the recursion and its butterflies: the body every kernel shares. Always
/// inlined, so that it is compiled with the features of the kernel it is inlined into;
/// `recurse` is that kernel itself.
#[inline(always)]
fn fft_level(
    values: &mut [Lanes],
    twiddles: &[Felt],
    count: usize,
    stride: usize,
    offset: usize,
    mut recurse: impl FnMut(&mut [Lanes], usize, usize, usize),
) {
    let size = values.len() / stride;
    if size > 2 {
        if stride == count && count < MAX_LOOP {
            recurse(values, 2 * count, 2 * stride, offset);
        } else {
            recurse(values, count, 2 * stride, offset);
            recurse(values, count, 2 * stride, offset + stride);
        }
    }
    for i in offset..offset + count {
        butterfly(values, i, i + stride, None);
    }
    let last = offset + size * stride;
    for (k, start) in (offset..last).step_by(2 * stride).enumerate().skip(1) {
        let twiddle = twiddles[k];
        for i in start..start + count {
            butterfly(values, i, i + stride, Some(twiddle));
        }
    }
}

/// `(x, y) -> (x + w y, x - w y)` on every lane of rows `i` and `j` (`w = 1` when `None`).
#[inline(always)]
fn butterfly(values: &mut [Lanes], i: usize, j: usize, twiddle: Option<Felt>) {
    let x = values[i];
    let mut y = values[j];
    if let Some(w) = twiddle {
        for lane in y.iter_mut() {
            *lane *= w;
        }
    }
    for lane in 0..LANES {
        values[i][lane] = x[lane] + y[lane];
        values[j][lane] = x[lane] - y[lane];
    }
}

fn fft_baseline(
    values: &mut [Lanes],
    twiddles: &[Felt],
    count: usize,
    stride: usize,
    offset: usize,
) {
    fft_level(values, twiddles, count, stride, offset, |v, c, s, o| {
        fft_baseline(v, twiddles, c, s, o)
    });
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{fft_level, Felt, Lanes};

    /// Defines a kernel: the shared body compiled with the features `$with!` gives it
    /// (`crate::kernel`), recursing into itself.
    macro_rules! kernel {
        ($(#[$doc:meta])* $name:ident, $with:ident) => {
            crate::kernel::$with! {
                $(#[$doc])*
                pub(super) fn $name(
                    values: &mut [Lanes],
                    twiddles: &[Felt],
                    count: usize,
                    stride: usize,
                    offset: usize,
                ) {
                    // The closure inherits the kernel's features, so the call needs no
                    // `unsafe`.
                    fft_level(values, twiddles, count, stride, offset, |v, c, s, o| {
                        $name(v, twiddles, c, s, o)
                    });
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
        for log_n in [1, 2, 3, 5, 9, 12] {
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

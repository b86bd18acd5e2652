//! Base-field dot products with one reduction, for the constraint evaluators' hottest loops
//! (the hasher's MDS products, the bus's fingerprints). The prover evaluates every
//! constraint on `4n` points of an `n`-row trace, so a reduction saved per product is a
//! large share of its constraint time. The results equal the plain field arithmetic's
//! (tested); only the cost differs.

use vm_core::{Felt, FieldElement};
use winter_math::{ExtensionOf, StarkField};

/// `sum a_i b_i` over the base field, reduced once. The sum `S` of the raw products of
/// Montgomery forms (`a_i R`, `b_i R`, each below `2^64`) is held as a `u128` and a count of
/// its wrap-arounds (`2^128 = -2^32` mod p). `S` is `(sum a_i b_i) R^2` mod p, so reducing
/// it mod p and dividing once by `R` (a Montgomery reduction of a `u64`, which `as_int`
/// is) gives the Montgomery form of the result. At most `2^32` pairs.
#[inline(always)]
pub fn dot(pairs: impl Iterator<Item = (Felt, Felt)>) -> Felt {
    let mut acc: u128 = 0;
    let mut wraps: u64 = 0;
    for (x, y) in pairs {
        let (sum, wrapped) = acc.overflowing_add(x.inner() as u128 * y.inner() as u128);
        acc = sum;
        wraps += wrapped as u64;
    }
    // wraps < 2^32 - 1, so wraps 2^32 < p.
    let s = reduce_u128(acc) as u128 + (Felt::MODULUS - (wraps << 32)) as u128;
    Felt::from_mont(Felt::from_mont(reduce_u128(s)).as_int())
}

/// `x mod p` for any `x < 2^128`, canonical (`p = 2^64 - 2^32 + 1`: `2^64 = 2^32 - 1` and
/// `2^96 = -1` mod p).
#[inline(always)]
pub fn reduce_u128(x: u128) -> u64 {
    const EPSILON: u64 = (1 << 32) - 1;
    let lo = x as u64;
    let hi = (x >> 64) as u64;
    let (hi_hi, hi_lo) = (hi >> 32, hi & EPSILON);
    // lo - hi_hi: on a borrow the u64 wrapped by 2^64 = EPSILON, so take EPSILON back off
    // (lo - hi_hi + 2^64 >= 2^64 - 2^32 > EPSILON, so this cannot borrow again).
    let (t, borrow) = lo.overflowing_sub(hi_hi);
    let t = if borrow { t - EPSILON } else { t };
    // + hi_lo EPSILON (below 2^64): on a carry add EPSILON for the lost 2^64 (the wrapped
    // sum is below hi_lo EPSILON <= 2^64 - 2^33 + 1, so this cannot carry again).
    let (t, carry) = t.overflowing_add(hi_lo * EPSILON);
    let t = if carry { t + EPSILON } else { t };
    if t >= Felt::MODULUS {
        t - Felt::MODULUS
    } else {
        t
    }
}

/// `sum w_i x_i` for weights `w` in `E` and values `x` in `F` (the base field or `E`
/// itself): over the base field and for more than [`SHORT`] values, one [`dot`] per
/// coordinate of `E`; otherwise plain arithmetic (short sums, where the two reductions per
/// coordinate cost more than they save, and the verifier's single out-of-domain
/// evaluation).
/// Longest sum [`weighted_sum`] computes with plain arithmetic over the base field.
pub const SHORT: usize = 4;

#[inline(always)]
pub fn weighted_sum<F, E>(w: &[E], x: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    debug_assert!(w.len() >= x.len());
    if F::EXTENSION_DEGREE != 1 || x.len() <= SHORT {
        // A plain loop, not an iterator's `fold` (see [`from_fn`]).
        let mut acc = E::ZERO;
        for i in 0..x.len() {
            acc += <E as ExtensionOf<F>>::mul_base(w[i], x[i]);
        }
        return acc;
    }
    let x = F::slice_as_base_elements(x);
    let d = E::EXTENSION_DEGREE;
    let w = E::slice_as_base_elements(&w[..x.len()]);
    // At most a cubic extension (the presets use degree 2 or 3).
    let mut out = [Felt::ZERO; 3];
    for (c, o) in out.iter_mut().enumerate().take(d) {
        *o = dot(x.iter().enumerate().map(|(i, &v)| (v, w[i * d + c])));
    }
    E::slice_from_base_elements(&out[..d])[0]
}

/// `core::array::from_fn`, always inlined. The AIR's evaluation is inlined into the
/// prover's vector kernels (`vm_prover::kernel`) to be compiled with their features; core's
/// `from_fn` is a function of its own, compiled without them, and the arithmetic in its
/// closure would run one scalar lane at a time.
#[inline(always)]
pub fn from_fn<T: Copy + Default, const N: usize>(mut f: impl FnMut(usize) -> T) -> [T; N] {
    let mut out = [T::default(); N];
    for (i, v) in out.iter_mut().enumerate() {
        *v = f(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use winter_math::fields::{CubeExtension, QuadExtension};

    struct Rng(u64);

    impl Rng {
        fn felt(&mut self) -> Felt {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            Felt::new(self.0)
        }
    }

    /// The one-reduction sums equal the plain ones, on random and on extreme (`p - 1`, 0)
    /// values, for every length up to 40, over the base field and both extensions.
    #[test]
    fn one_reduction_sums_are_the_plain_sums() {
        let mut rng = Rng(7);
        let max = Felt::new(Felt::MODULUS - 1);
        for n in 0..40 {
            for kind in 0..6 {
                let pick = |rng: &mut Rng, i: usize| match kind {
                    0 => max,
                    1 => Felt::ZERO,
                    2 if i.is_multiple_of(2) => max,
                    2 => Felt::ONE,
                    _ => rng.felt(),
                };
                let a: Vec<Felt> = (0..n).map(|i| pick(&mut rng, i)).collect();
                let b: Vec<Felt> = (0..n).map(|i| pick(&mut rng, i + 1)).collect();
                let plain = a.iter().zip(&b).fold(Felt::ZERO, |s, (&x, &y)| s + x * y);
                assert_eq!(dot(a.iter().copied().zip(b.iter().copied())), plain);
                let q: Vec<QuadExtension<Felt>> =
                    b.iter().map(|&y| QuadExtension::new(y, y + max)).collect();
                let plain_q = a
                    .iter()
                    .zip(&q)
                    .fold(QuadExtension::ZERO, |s, (&x, &w)| s + w.mul_base(x));
                assert_eq!(weighted_sum(&q, &a), plain_q);
                let c: Vec<CubeExtension<Felt>> = b
                    .iter()
                    .map(|&y| CubeExtension::new(y, max - y, y.double()))
                    .collect();
                let plain_c = a
                    .iter()
                    .zip(&c)
                    .fold(CubeExtension::ZERO, |s, (&x, &w)| s + w.mul_base(x));
                assert_eq!(weighted_sum(&c, &a), plain_c);
                // Extension values: the plain path.
                assert_eq!(
                    weighted_sum(&q, &q),
                    q.iter().fold(QuadExtension::ZERO, |s, &w| s + w * w)
                );
            }
        }
        for x in [
            0u128,
            1,
            u64::MAX as u128,
            u128::MAX,
            (Felt::MODULUS as u128) << 64,
        ] {
            assert_eq!(reduce_u128(x) as u128, x % Felt::MODULUS as u128);
        }
        for _ in 0..1000 {
            let x = ((rng.felt().as_int() as u128) << 64) | rng.felt().as_int() as u128;
            let y = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            assert_eq!(reduce_u128(y) as u128, y % Felt::MODULUS as u128);
        }
    }
}

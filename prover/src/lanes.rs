//! [`Lanes`]: one column's values at [`LANES`] points of the constraint-evaluation domain,
//! so that the constraint evaluator runs the AIR once per eight points instead of once per
//! point.
//!
//! The AIR is written once, generic over `E: FieldElement<BaseField = Felt>`, and is only
//! ever an arithmetic circuit on its frame (no comparisons, no branches on values). `Lanes`
//! is the ring `F^8` with every operation taken lane by lane, so evaluating the AIR on
//! `Lanes` gives in lane `j` exactly what it gives on the scalars of point `j`. The lane
//! loops are written on the Montgomery forms with plain `u64` operations (the 128-bit
//! product built from 32-bit halves) so that a build for a CPU with wide vectors runs
//! them as vector instructions; a build without them runs eight scalar lanes.
//!
//! `Lanes` implements `FieldElement` because that is the AIR's bound; it is not a field (a
//! lane may be zero where another is not) and never leaves the prover's evaluator. Its
//! "extension degree" is the number of lanes: the base components are the lanes, which is
//! what the AIR's base-field linear maps (the hasher's MDS products) act on.

use core::fmt;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use vm_core::{Felt, FieldElement};
use winter_math::ExtensionOf;
use winter_utils::{
    AsBytes, ByteReader, ByteWriter, Deserializable, DeserializationError, Randomizable,
    Serializable,
};

/// Points per [`Lanes`] value.
pub const LANES: usize = 8;

/// The field modulus `2^64 - 2^32 + 1`.
const M: u64 = 0xffff_ffff_0000_0001;

/// One value per lane, as `Felt`s. `repr(transparent)` over the array: a slice of `Lanes`
/// is a slice of `8 n` `Felt`s, lane `j` of value `i` at `8 i + j`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct Lanes(pub [Felt; LANES]);

impl Lanes {
    /// The value `x` in every lane.
    #[inline(always)]
    pub fn splat(x: Felt) -> Self {
        Self([x; LANES])
    }

    /// `op` lane by lane on the Montgomery forms. A plain loop, not `array::from_fn` or
    /// `map` (core functions of their own, which would not be compiled with a vector
    /// kernel's features, `crate::kernel`).
    #[inline(always)]
    fn zip(self, rhs: Self, op: impl Fn(u64, u64) -> u64) -> Self {
        let mut out = Self::ZERO;
        for j in 0..LANES {
            out.0[j] = Felt::from_mont(op(self.0[j].inner(), rhs.0[j].inner()));
        }
        out
    }
}

/// `a + b` of Montgomery forms, as `Felt` computes it: `a - (p - b)`, plus `p` on a borrow
/// (a wrap-around of `2^64`, which is `2^32 - 1` too many).
#[inline(always)]
fn add(a: u64, b: u64) -> u64 {
    let (x, borrow) = a.overflowing_sub(M - b);
    x.wrapping_sub((borrow as u64) * 0xffff_ffff)
}

/// `a - b` of Montgomery forms, as `Felt` computes it.
#[inline(always)]
fn sub(a: u64, b: u64) -> u64 {
    let (x, borrow) = a.overflowing_sub(b);
    x.wrapping_sub((borrow as u64) * 0xffff_ffff)
}

/// The Montgomery product `a b / 2^64` of Montgomery forms, as `Felt` computes it, with the
/// 128-bit product assembled from four 32 x 32-bit products (which vector units have)
/// instead of one 64 x 64-bit one (which they do not).
#[inline(always)]
fn mul(a: u64, b: u64) -> u64 {
    const LOW: u64 = 0xffff_ffff;
    let (al, ah) = (a & LOW, a >> 32);
    let (bl, bh) = (b & LOW, b >> 32);
    let (ll, lh, hl, hh) = (al * bl, al * bh, ah * bl, ah * bh);
    // a b = hh 2^64 + (lh + hl) 2^32 + ll; the middle sum can carry into bit 64 (worth
    // 2^96, i.e. 2^32 in the high word).
    let (mid, mid_carry) = lh.overflowing_add(hl);
    let (lo, lo_carry) = ll.overflowing_add(mid << 32);
    let hi = hh + (mid >> 32) + ((mid_carry as u64) << 32) + lo_carry as u64;
    // Montgomery reduction of hi 2^64 + lo.
    let (x, e) = lo.overflowing_add(lo << 32);
    let t = x.wrapping_sub(x >> 32).wrapping_sub(e as u64);
    let (r, c) = hi.overflowing_sub(t);
    r.wrapping_sub((c as u64) * 0xffff_ffff)
}

impl Add for Lanes {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self.zip(rhs, add)
    }
}

impl Sub for Lanes {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        self.zip(rhs, sub)
    }
}

impl Mul for Lanes {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self.zip(rhs, mul)
    }
}

impl Div for Lanes {
    type Output = Self;
    #[inline]
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn div(self, rhs: Self) -> Self {
        self * rhs.inv()
    }
}

impl Neg for Lanes {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Self::ZERO - self
    }
}

macro_rules! assign {
    ($trait:ident, $method:ident, $op:tt) => {
        impl $trait for Lanes {
            #[inline(always)]
            fn $method(&mut self, rhs: Self) {
                *self = *self $op rhs;
            }
        }
    };
}
assign!(AddAssign, add_assign, +);
assign!(SubAssign, sub_assign, -);
assign!(MulAssign, mul_assign, *);
assign!(DivAssign, div_assign, /);

impl From<Felt> for Lanes {
    #[inline(always)]
    fn from(x: Felt) -> Self {
        Self::splat(x)
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Lanes {
            fn from(x: $t) -> Self {
                Self::splat(Felt::from(x))
            }
        }
    )*};
}
from_int!(u8, u16, u32);

impl TryFrom<u64> for Lanes {
    type Error = String;
    fn try_from(x: u64) -> Result<Self, String> {
        Felt::try_from(x).map(Self::splat)
    }
}

impl TryFrom<u128> for Lanes {
    type Error = String;
    fn try_from(x: u128) -> Result<Self, String> {
        Felt::try_from(x).map(Self::splat)
    }
}

impl TryFrom<&[u8]> for Lanes {
    type Error = DeserializationError;
    fn try_from(bytes: &[u8]) -> Result<Self, DeserializationError> {
        Self::read_from_bytes(bytes)
    }
}

impl ExtensionOf<Felt> for Lanes {
    #[inline(always)]
    fn mul_base(self, other: Felt) -> Self {
        self * Self::splat(other)
    }
}

impl fmt::Debug for Lanes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl fmt::Display for Lanes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self)
    }
}

impl AsBytes for Lanes {
    fn as_bytes(&self) -> &[u8] {
        Felt::elements_as_bytes(&self.0)
    }
}

impl Randomizable for Lanes {
    const VALUE_SIZE: usize = LANES * Felt::VALUE_SIZE;
    fn from_random_bytes(source: &[u8]) -> Option<Self> {
        let mut lanes = [Felt::ZERO; LANES];
        for (lane, bytes) in lanes.iter_mut().zip(source.chunks(Felt::VALUE_SIZE)) {
            *lane = Felt::from_random_bytes(bytes)?;
        }
        (source.len() >= Self::VALUE_SIZE).then_some(Self(lanes))
    }
}

impl Serializable for Lanes {
    fn write_into<W: ByteWriter>(&self, target: &mut W) {
        for x in &self.0 {
            x.write_into(target);
        }
    }
}

impl Deserializable for Lanes {
    fn read_from<R: ByteReader>(source: &mut R) -> Result<Self, DeserializationError> {
        let mut lanes = [Felt::ZERO; LANES];
        for lane in &mut lanes {
            *lane = Felt::read_from(source)?;
        }
        Ok(Self(lanes))
    }
}

impl FieldElement for Lanes {
    type PositiveInteger = u64;
    type BaseField = Felt;

    /// The lanes are the base components.
    const EXTENSION_DEGREE: usize = LANES;
    const ELEMENT_BYTES: usize = LANES * Felt::ELEMENT_BYTES;
    const IS_CANONICAL: bool = false;
    const ZERO: Self = Self([Felt::ZERO; LANES]);
    const ONE: Self = Self([Felt::ONE; LANES]);

    #[inline(always)]
    fn double(self) -> Self {
        self + self
    }

    /// Lane by lane, the same power in every lane (the exponent is public).
    fn exp_vartime(self, power: u64) -> Self {
        let mut r = Self::ONE;
        let mut b = self;
        let mut p = power;
        while p > 0 {
            if p & 1 == 1 {
                r *= b;
            }
            p >>= 1;
            b = b * b;
        }
        r
    }

    /// Lane by lane, `1 / 0 = 0` as for `Felt`.
    fn inv(self) -> Self {
        Self(self.0.map(|x| x.inv()))
    }

    fn conjugate(&self) -> Self {
        *self
    }

    fn base_element(&self, i: usize) -> Felt {
        self.0[i]
    }

    fn slice_as_base_elements(elements: &[Self]) -> &[Felt] {
        // SAFETY: `Lanes` is `repr(transparent)` over `[Felt; LANES]`, so `n` values are
        // `n * LANES` Felts with the same alignment.
        unsafe { core::slice::from_raw_parts(elements.as_ptr().cast(), elements.len() * LANES) }
    }

    fn slice_from_base_elements(elements: &[Felt]) -> &[Self] {
        assert!(
            elements.len().is_multiple_of(LANES),
            "a whole number of lane groups"
        );
        // SAFETY: the length is checked above; layout and alignment as in
        // `slice_as_base_elements`.
        unsafe { core::slice::from_raw_parts(elements.as_ptr().cast(), elements.len() / LANES) }
    }

    fn elements_as_bytes(elements: &[Self]) -> &[u8] {
        Felt::elements_as_bytes(Self::slice_as_base_elements(elements))
    }

    unsafe fn bytes_as_elements(_bytes: &[u8]) -> Result<&[Self], DeserializationError> {
        Err(DeserializationError::InvalidValue(
            "evaluation lanes are never read from bytes in place".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    /// Values that exercise every carry: 0, 1, p - 1, p - 2, 2^32 +- 1, 2^63, random.
    fn samples(rng: &mut StdRng) -> Vec<Felt> {
        let mut v: Vec<Felt> = [0, 1, M - 1, M - 2, 1 << 32, (1 << 32) - 1, (1 << 32) + 1]
            .into_iter()
            .chain([1 << 63, u32::MAX as u64 * 3])
            .map(Felt::new)
            .collect();
        v.extend((0..200).map(|_| Felt::new(rng.gen())));
        v
    }

    /// A scalar operation the lanes are compared with.
    type Op = fn(Felt, Felt) -> Felt;

    #[test]
    fn every_lane_computes_what_felt_computes() {
        let mut rng = StdRng::seed_from_u64(11);
        let xs = samples(&mut rng);
        for a in xs.chunks_exact(LANES) {
            let a = Lanes(a.try_into().expect("eight"));
            for b in xs.chunks_exact(LANES) {
                let b = Lanes(b.try_into().expect("eight"));
                let cases: [(Lanes, Op); 4] = [
                    (a + b, |x, y| x + y),
                    (a - b, |x, y| x - y),
                    (a * b, |x, y| x * y),
                    (-a * b.double(), |x, y| -x * y.double()),
                ];
                for (k, (got, op)) in cases.into_iter().enumerate() {
                    for j in 0..LANES {
                        // Bit for bit, not only equal modulo p.
                        assert_eq!(
                            got.0[j].inner(),
                            op(a.0[j], b.0[j]).inner(),
                            "case {k}: {} and {}",
                            a.0[j],
                            b.0[j]
                        );
                    }
                }
            }
            for j in 0..LANES {
                assert_eq!(a.exp(7).0[j], a.0[j].exp(7));
                assert_eq!(a.cube().0[j], a.0[j].cube());
                assert_eq!(a.inv().0[j], a.0[j].inv());
                assert_eq!(a.mul_base(xs[9]).0[j], a.0[j] * xs[9]);
            }
        }
    }

    #[test]
    fn the_base_components_are_the_lanes() {
        let v: Vec<Lanes> = (0..3)
            .map(|i| Lanes(core::array::from_fn(|j| Felt::new(10 * i + j as u64))))
            .collect();
        let base = Lanes::slice_as_base_elements(&v);
        assert_eq!(base.len(), 3 * LANES);
        assert_eq!(base[2 * LANES + 5], Felt::new(25));
        assert_eq!(Lanes::slice_from_base_elements(base), &v[..]);
        assert_eq!(v[1].base_element(3), Felt::new(13));
        let bytes = v[2].to_bytes();
        assert_eq!(Lanes::read_from_bytes(&bytes).expect("reads"), v[2]);
    }
}

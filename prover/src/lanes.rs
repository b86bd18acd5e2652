//! [`Lanes`]: one column's values at [`LANES`] points of the constraint-evaluation domain,
//! so that the constraint evaluator runs the AIR once per eight points instead of once per
//! point; [`QuadLanes`]: the same for the quadratic extension, for the auxiliary
//! constraints.
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
use winter_math::{fields::QuadExtension, ExtensionOf};
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

impl From<Felt> for Lanes {
    #[inline(always)]
    fn from(x: Felt) -> Self {
        Self::splat(x)
    }
}

/// What `FieldElement` asks of a lane type beyond its arithmetic, the same for [`Lanes`]
/// and [`QuadLanes`]: division by the inverse, the assigning operators, the conversions
/// from integers (a value in every lane), formatting and (de)serialization as the `Felt`s
/// of `slice_as_base_elements`, in order.
macro_rules! lane_type {
    ($t:ty) => {
        impl $t {
            /// The value's `Felt`s, writable.
            fn felts_mut(&mut self) -> &mut [Felt] {
                let n = <$t as FieldElement>::EXTENSION_DEGREE;
                // SAFETY: the type is `n` `Felt`s with no padding (`slice_as_base_elements`).
                unsafe { core::slice::from_raw_parts_mut((self as *mut Self).cast(), n) }
            }
        }

        impl Div for $t {
            type Output = Self;
            #[inline]
            #[allow(clippy::suspicious_arithmetic_impl)]
            fn div(self, rhs: Self) -> Self {
                self * rhs.inv()
            }
        }

        impl Neg for $t {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                Self::ZERO - self
            }
        }

        impl AddAssign for $t {
            #[inline(always)]
            fn add_assign(&mut self, rhs: Self) {
                *self = *self + rhs;
            }
        }

        impl SubAssign for $t {
            #[inline(always)]
            fn sub_assign(&mut self, rhs: Self) {
                *self = *self - rhs;
            }
        }

        impl MulAssign for $t {
            #[inline(always)]
            fn mul_assign(&mut self, rhs: Self) {
                *self = *self * rhs;
            }
        }

        impl DivAssign for $t {
            #[inline(always)]
            fn div_assign(&mut self, rhs: Self) {
                *self = *self / rhs;
            }
        }

        impl From<u8> for $t {
            fn from(x: u8) -> Self {
                Self::from(Felt::from(x))
            }
        }

        impl From<u16> for $t {
            fn from(x: u16) -> Self {
                Self::from(Felt::from(x))
            }
        }

        impl From<u32> for $t {
            fn from(x: u32) -> Self {
                Self::from(Felt::from(x))
            }
        }

        impl TryFrom<u64> for $t {
            type Error = String;
            fn try_from(x: u64) -> Result<Self, String> {
                Felt::try_from(x).map(Self::from)
            }
        }

        impl TryFrom<u128> for $t {
            type Error = String;
            fn try_from(x: u128) -> Result<Self, String> {
                Felt::try_from(x).map(Self::from)
            }
        }

        impl TryFrom<&[u8]> for $t {
            type Error = DeserializationError;
            fn try_from(bytes: &[u8]) -> Result<Self, DeserializationError> {
                Self::read_from_bytes(bytes)
            }
        }

        impl ExtensionOf<Felt> for $t {
            #[inline(always)]
            fn mul_base(self, other: Felt) -> Self {
                self * Self::from(other)
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let felts = Self::slice_as_base_elements(core::slice::from_ref(self));
                f.debug_list().entries(felts).finish()
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:?}", self)
            }
        }

        impl AsBytes for $t {
            fn as_bytes(&self) -> &[u8] {
                Self::elements_as_bytes(core::slice::from_ref(self))
            }
        }

        impl Randomizable for $t {
            const VALUE_SIZE: usize = <$t as FieldElement>::EXTENSION_DEGREE * Felt::VALUE_SIZE;
            fn from_random_bytes(source: &[u8]) -> Option<Self> {
                let mut v = Self::ZERO;
                let felts = v.felts_mut();
                if source.len() < Self::VALUE_SIZE {
                    return None;
                }
                for (x, bytes) in felts.iter_mut().zip(source.chunks(Felt::VALUE_SIZE)) {
                    *x = Felt::from_random_bytes(bytes)?;
                }
                Some(v)
            }
        }

        impl Serializable for $t {
            fn write_into<W: ByteWriter>(&self, target: &mut W) {
                for x in Self::slice_as_base_elements(core::slice::from_ref(self)) {
                    x.write_into(target);
                }
            }
        }

        impl Deserializable for $t {
            fn read_from<R: ByteReader>(source: &mut R) -> Result<Self, DeserializationError> {
                let mut v = Self::ZERO;
                for x in v.felts_mut() {
                    *x = Felt::read_from(source)?;
                }
                Ok(v)
            }
        }
    };
}

lane_type!(Lanes);
lane_type!(QuadLanes);

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

/// One value of the quadratic extension `F[φ] / (φ^2 - φ + 2)` (winterfell's
/// `QuadExtension<Felt>`) per lane, as its two coordinates' lanes: `a + b φ`. The
/// auxiliary constraints (the bus) are evaluated on it, eight points at a time.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct QuadLanes(pub Lanes, pub Lanes);

impl QuadLanes {
    /// The element with base coordinates `c` (`c[0] + c[1] φ`) in every lane.
    pub fn splat(c: [Felt; 2]) -> Self {
        Self(Lanes::splat(c[0]), Lanes::splat(c[1]))
    }

    /// Lane `j`'s base coordinates.
    pub fn lane(&self, j: usize) -> [Felt; 2] {
        [self.0 .0[j], self.1 .0[j]]
    }
}

impl Add for QuadLanes {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Self(self.0 + rhs.0, self.1 + rhs.1)
    }
}

impl Sub for QuadLanes {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Self(self.0 - rhs.0, self.1 - rhs.1)
    }
}

impl Mul for QuadLanes {
    type Output = Self;
    /// `(a0 + a1 φ)(b0 + b1 φ) = a0 b0 - 2 a1 b1 + ((a0 + a1)(b0 + b1) - a0 b0) φ`, as
    /// winterfell multiplies (three products).
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        let a0b0 = self.0 * rhs.0;
        Self(
            a0b0 - (self.1 * rhs.1).double(),
            (self.0 + self.1) * (rhs.0 + rhs.1) - a0b0,
        )
    }
}

impl From<Felt> for QuadLanes {
    #[inline(always)]
    fn from(x: Felt) -> Self {
        Self::from(Lanes::splat(x))
    }
}

impl From<Lanes> for QuadLanes {
    #[inline(always)]
    fn from(x: Lanes) -> Self {
        Self(x, Lanes::ZERO)
    }
}

impl ExtensionOf<Lanes> for QuadLanes {
    #[inline(always)]
    fn mul_base(self, other: Lanes) -> Self {
        Self(self.0 * other, self.1 * other)
    }
}

impl FieldElement for QuadLanes {
    type PositiveInteger = u64;
    type BaseField = Felt;

    /// Both coordinates' lanes: `a`'s, then `b`'s.
    const EXTENSION_DEGREE: usize = 2 * LANES;
    const ELEMENT_BYTES: usize = 2 * LANES * Felt::ELEMENT_BYTES;
    const IS_CANONICAL: bool = false;
    const ZERO: Self = Self(Lanes::ZERO, Lanes::ZERO);
    const ONE: Self = Self(Lanes::ONE, Lanes::ZERO);

    #[inline(always)]
    fn double(self) -> Self {
        self + self
    }

    /// Lane by lane, in the extension, `1 / 0 = 0`.
    fn inv(self) -> Self {
        self.lanewise(|x| x.inv())
    }

    fn conjugate(&self) -> Self {
        self.lanewise(|x| x.conjugate())
    }

    fn base_element(&self, i: usize) -> Felt {
        Self::slice_as_base_elements(core::slice::from_ref(self))[i]
    }

    fn slice_as_base_elements(elements: &[Self]) -> &[Felt] {
        // SAFETY: `QuadLanes` is `repr(C)` over two `Lanes` (each `LANES` Felts, alignment
        // of a Felt), so `n` values are `2 n LANES` Felts.
        unsafe { core::slice::from_raw_parts(elements.as_ptr().cast(), elements.len() * 2 * LANES) }
    }

    fn slice_from_base_elements(elements: &[Felt]) -> &[Self] {
        assert!(
            elements.len().is_multiple_of(2 * LANES),
            "a whole number of lane groups"
        );
        // SAFETY: the length is checked above; layout and alignment as in
        // `slice_as_base_elements`.
        unsafe {
            core::slice::from_raw_parts(elements.as_ptr().cast(), elements.len() / (2 * LANES))
        }
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

impl QuadLanes {
    /// `f` on each lane's element of the extension.
    fn lanewise(&self, f: impl Fn(QuadExtension<Felt>) -> QuadExtension<Felt>) -> Self {
        let mut out = Self::ZERO;
        for j in 0..LANES {
            let [a, b] = self.lane(j);
            let [x, y] = f(QuadExtension::new(a, b)).to_base_elements();
            out.0 .0[j] = x;
            out.1 .0[j] = y;
        }
        out
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

    #[test]
    fn every_lane_of_the_extension_computes_what_quad_extension_computes() {
        type Q = QuadExtension<Felt>;
        let mut rng = StdRng::seed_from_u64(12);
        let xs = samples(&mut rng);
        let quad = |k: usize| -> QuadLanes {
            QuadLanes(
                Lanes(core::array::from_fn(|j| xs[(k + j) % xs.len()])),
                Lanes(core::array::from_fn(|j| xs[(k + 3 * j + 1) % xs.len()])),
            )
        };
        let at = |v: QuadLanes, j: usize| -> Q {
            let [a, b] = v.lane(j);
            Q::new(a, b)
        };
        for k in 0..40 {
            let (a, b) = (quad(k), quad(7 * k + 5));
            let base = Lanes(core::array::from_fn(|j| xs[(k + 2 * j) % xs.len()]));
            for j in 0..LANES {
                let (x, y) = (at(a, j), at(b, j));
                assert_eq!(at(a + b, j), x + y);
                assert_eq!(at(a - b, j), x - y);
                assert_eq!(at(a * b, j), x * y);
                assert_eq!(at(-a, j), -x);
                assert_eq!(at(a.exp(5), j), x.exp(5));
                assert_eq!(at(a.inv(), j), x.inv());
                assert_eq!(at(a.conjugate(), j), x.conjugate());
                assert_eq!(at(a.mul_base(base), j), x.mul_base(base.0[j]));
                assert_eq!(at(QuadLanes::from(base), j), Q::from(base.0[j]));
            }
        }
    }
}

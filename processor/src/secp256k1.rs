//! The secp256k1 inversion hints (`adv.push_secp256k1_base_inv`,
//! `adv.push_secp256k1_scalar_inv`): the standard library's `inv` takes the inverse as advice
//! and checks it with one Montgomery multiplication, instead of an exponentiation of 425,000
//! cycles. Nothing here is trusted: a wrong hint makes `inv` fail.

use num_bigint::BigUint;

/// One of the two secp256k1 fields, in the standard library's Montgomery form (R = 2^256).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    /// The base field, p = 2^256 - 2^32 - 977.
    Base,
    /// The scalar field, the group order n.
    Scalar,
}

impl Field {
    fn modulus(self) -> BigUint {
        let hex: &[u8] = match self {
            Field::Base => b"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
            Field::Scalar => b"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        };
        BigUint::parse_bytes(hex, 16).expect("a hex constant")
    }

    /// The Montgomery form of the inverse of the element whose Montgomery form is `a`
    /// (limb 0 least significant): `R^2 a^-1 mod m`, fully reduced; 0 when `a = 0 mod m`
    /// (as the exponentiation it replaces gives).
    pub(crate) fn montgomery_inverse(self, a: &[u32; 8]) -> [u32; 8] {
        let m = self.modulus();
        let a = BigUint::from_slice(a) % &m;
        if a == BigUint::ZERO {
            return [0; 8];
        }
        // m is prime: a^-1 = a^(m - 2) (Fermat).
        let a_inv = a.modpow(&(&m - 2u32), &m);
        let r2: BigUint = (BigUint::from(1u32) << 512u32) % &m;
        let c: BigUint = (a_inv * r2) % &m;
        let mut out = [0u32; 8];
        for (o, d) in out.iter_mut().zip(c.to_u32_digits()) {
            *o = d;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_limbs(x: &BigUint) -> [u32; 8] {
        let mut out = [0u32; 8];
        for (o, d) in out.iter_mut().zip(x.to_u32_digits()) {
            *o = d;
        }
        out
    }

    /// a c R^-1 = R (the Montgomery product is one) for elements of both fields, 0 for 0
    /// and for the modulus itself.
    #[test]
    fn the_hint_is_the_montgomery_inverse() {
        for field in [Field::Base, Field::Scalar] {
            let m = field.modulus();
            let r: BigUint = (BigUint::from(1u32) << 256u32) % &m;
            let r_inv = r.modpow(&(&m - 2u32), &m);
            for x in [1u64, 2, 7, 0xdead_beef_1234_5678] {
                let a = (BigUint::from(x) * &r) % &m; // x in Montgomery form
                let c = BigUint::from_slice(&field.montgomery_inverse(&to_limbs(&a)));
                assert!(c < m);
                assert_eq!((&a * &c * &r_inv) % &m, r, "{field:?} {x}");
            }
            assert_eq!(field.montgomery_inverse(&[0; 8]), [0; 8]);
            assert_eq!(field.montgomery_inverse(&to_limbs(&m)), [0; 8]);
        }
    }
}

//! ECDSA over secp256k1 (Ethereum's curve): turns a [`k256`] signature into the inputs of
//! `std::crypto::dsa::ecdsa::secp256k1::verify` and of `examples/ecdsa/ecdsa.masm`.
//!
//! Signing itself is `k256`'s (RFC 6979 deterministic nonces): sign a 32-byte message
//! digest with [`k256::ecdsa::SigningKey::sign_prehash`], then [`VerifyInputs::new`] lays
//! out what the VM needs. `verify`'s 48 inputs are `[X, Y, Z, h, r, s]`, top first, each
//! value eight u32 limbs with limb 0 (the least significant) on top:
//!
//! * `X, Y, Z`: the public key in projective coordinates, each coordinate in the base field's
//!   Montgomery form (`x 2^256 mod p`); here `Z = 1` (its Montgomery form `2^256 mod p`);
//! * `h`: the digest read as a big-endian integer, reduced mod n (what k256 and Ethereum's
//!   `ecrecover` sign), and `r`, `s`: the signature, all in the scalar field's Montgomery
//!   form (`v 2^256 mod n`).
//!
//! A VM operand stack holds at most 16 public inputs, so the example takes `h` (8 limbs) as
//! its public input and reads the key and the signature from the advice stack
//! ([`VerifyInputs::advice_stack`]).
//!
//! ```
//! use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
//! let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
//! let digest = [42u8; 32];
//! let sig: Signature = key.sign_prehash(&digest).unwrap();
//! let inputs = vm_signature::ecdsa::VerifyInputs::new(key.verifying_key(), &digest, &sig);
//! assert_eq!(inputs.verify_stack().len(), 48);
//! ```

use k256::ecdsa::{Signature, VerifyingKey};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, FieldElement, Scalar, U256};

/// Eight u32 limbs of a 256-bit value, limb 0 least significant.
pub type Limbs = [u32; 8];

/// The inputs of `std::crypto::dsa::ecdsa::secp256k1::verify` for one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyInputs {
    /// Public key X, Y, Z (projective, base-field Montgomery form).
    pub key: [Limbs; 3],
    /// The digest as a scalar (big-endian integer mod n), Montgomery form.
    pub h: Limbs,
    /// Signature r, Montgomery form.
    pub r: Limbs,
    /// Signature s, Montgomery form.
    pub s: Limbs,
}

/// Limbs of a big-endian 32-byte encoding.
fn limbs_be(bytes: &[u8]) -> Limbs {
    core::array::from_fn(|i| {
        let at = 28 - 4 * i;
        u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
    })
}

/// `2^256 mod p` (p = 2^256 - 2^32 - 977): the base field's Montgomery factor.
fn base_r() -> FieldElement {
    FieldElement::from_u64((1 << 32) + 977)
}

/// `2^256 mod n`: the scalar field's Montgomery factor.
fn scalar_r() -> Scalar {
    // 2^256 - n, n = FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE BAAEDCE6 AF48A03B BFD25E8C D0364141
    let mut bytes = [0u8; 32];
    bytes[15..].copy_from_slice(&[
        0x01, 0x45, 0x51, 0x23, 0x19, 0x50, 0xb7, 0x5f, 0xc4, 0x40, 0x2d, 0xa1, 0x73, 0x2f, 0xc9,
        0xbe, 0xbf,
    ]);
    Scalar::from_repr(FieldBytes::from(bytes)).expect("2^256 mod n is below n")
}

/// A base field element in Montgomery form.
fn base_mont(x: &FieldBytes) -> Limbs {
    let fe = FieldElement::from_bytes(x).expect("a canonical coordinate");
    limbs_be(&(fe * base_r()).normalize().to_bytes())
}

/// A scalar in Montgomery form.
fn scalar_mont(v: &Scalar) -> Limbs {
    limbs_be(&(*v * scalar_r()).to_bytes())
}

impl VerifyInputs {
    /// The inputs for `sig`, a signature of the 32-byte `digest` by `key` (as
    /// `k256::ecdsa::SigningKey::sign_prehash` makes it).
    pub fn new(key: &VerifyingKey, digest: &[u8; 32], sig: &Signature) -> Self {
        let point = key.as_affine().to_encoded_point(false);
        let x = point.x().expect("not the identity");
        let y = point.y().expect("uncompressed");
        let one = limbs_be(&base_r().normalize().to_bytes());
        let h = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*digest));
        let (r, s) = sig.split_scalars();
        VerifyInputs {
            key: [base_mont(x), base_mont(y), one],
            h: scalar_mont(&h),
            r: scalar_mont(&r),
            s: scalar_mont(&s),
        }
    }

    /// `verify`'s 48 inputs, top first: `[X, Y, Z, h, r, s]`, limb 0 of each on top.
    pub fn verify_stack(&self) -> Vec<u64> {
        let [x, y, z] = &self.key;
        [x, y, z, &self.h, &self.r, &self.s]
            .iter()
            .flat_map(|l| l.iter().map(|&v| u64::from(v)))
            .collect()
    }

    /// The public input of `examples/ecdsa/ecdsa.masm`: `h`, top first (limb 0 on top).
    pub fn operand_stack_top_first(&self) -> Vec<u64> {
        self.h.iter().map(|&v| u64::from(v)).collect()
    }

    /// The advice stack of `examples/ecdsa/ecdsa.masm` (first value popped first): `s` then
    /// `r`, then `Z`, `Y`, `X`, each from limb 7 down to limb 0, so that the example's
    /// `adv_push.16 ... adv_push.16 adv_push.8` leave each value with limb 0 on top.
    pub fn advice_stack(&self) -> Vec<u64> {
        let [x, y, z] = &self.key;
        [&self.s, &self.r, z, y, x]
            .iter()
            .flat_map(|l| l.iter().rev().map(|&v| u64::from(v)))
            .collect()
    }

    /// An inputs file (Miden's JSON shape) for `examples/ecdsa/ecdsa.masm`.
    pub fn inputs_json(&self) -> String {
        let list = |v: &[u64]| {
            v.iter()
                .map(|e| format!("\"{e}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // An inputs file lists the operand stack with the top last.
        let mut stack = self.operand_stack_top_first();
        stack.reverse();
        format!(
            "{{\n    \"operand_stack\": [{}],\n    \"advice_stack\": [{}]\n}}\n",
            list(&stack),
            list(&self.advice_stack())
        )
    }
}

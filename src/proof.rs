//! [`Proof`]: a proof as integrators store and send it, with a versioned byte format and
//! serde support.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use vm_verifier::{preset::Preset, ProofError, VmProof};

/// A proof, with the preset it was made under.
///
/// Its byte form ([`Proof::to_bytes`]) is the proof file `vm prove` writes: the magic bytes
/// `VMPF`, a format version ([`Proof::FORMAT_VERSION`]), the preset identifier, then the
/// STARK proof. [`Proof::from_bytes`] checks every length and field before anything reads
/// them, so that no byte string makes it panic. With serde, a proof is that byte string
/// (`serialize_bytes`: raw bytes in binary formats, an array of numbers in JSON), and
/// deserializing runs [`Proof::from_bytes`].
#[derive(Clone, Debug, PartialEq)]
pub struct Proof(VmProof);

impl Proof {
    /// The version of the byte format this build writes and reads.
    pub const FORMAT_VERSION: u8 = vm_air::proof::VERSION;

    /// The proof's bytes (the format of `vm prove`'s proof files).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// Reads a proof from its bytes; never panics. The bytes must be a proof of this
    /// format version, for a preset of the preset table, shaped as that preset requires.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProofError> {
        VmProof::from_bytes(bytes).map(Self)
    }

    /// The preset the proof was made under.
    pub fn preset(&self) -> &'static Preset {
        self.0.preset
    }

    /// The proof's conjectured security in bits.
    pub fn security_bits(&self) -> u32 {
        self.0.security_bits()
    }

    /// Rows of the proven trace.
    pub fn trace_len(&self) -> usize {
        self.0.trace_len()
    }

    /// The proof as the verifier crate's type.
    pub fn as_vm_proof(&self) -> &VmProof {
        &self.0
    }

    /// The proof as the verifier crate's type, by value.
    pub fn into_vm_proof(self) -> VmProof {
        self.0
    }
}

impl From<VmProof> for Proof {
    fn from(proof: VmProof) -> Self {
        Self(proof)
    }
}

impl AsRef<VmProof> for Proof {
    fn as_ref(&self) -> &VmProof {
        &self.0
    }
}

impl Serialize for Proof {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.to_bytes())
    }
}

impl<'de> Deserialize<'de> for Proof {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than `Vec<u8>`'s impl: `Vec<u8>` only reads sequences, while
        // binary formats hand `serialize_bytes`'s output back as a byte string.
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the bytes of a vm proof")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Vec<u8>, A::Error> {
                // A proof is a few hundred kilobytes; the hint is not trusted beyond that.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        Proof::from_bytes(&bytes).map_err(serde::de::Error::custom)
    }
}

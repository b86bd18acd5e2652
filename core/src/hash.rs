//! The native hash: Rescue Prime `Rp64_256` from winter-crypto, and helpers on words.

use crate::{Felt, Word};
use winter_crypto::{hashers::Rp64_256, ElementHasher, Hasher};

pub use winter_crypto::hashers::Rp64_256 as NativeHasher;

/// Width of the Rescue Prime state.
pub const STATE_WIDTH: usize = 12;

/// Applies the Rescue Prime permutation to a 12-element state in place (capacity in
/// elements 0..4, rate in 4..12, digest in 4..8).
pub fn permute(state: &mut [Felt; STATE_WIDTH]) {
    Rp64_256::apply_permutation(state);
}

/// Hashes a sequence of field elements with `Rp64_256::hash_elements`.
pub fn hash_elements(elements: &[Felt]) -> Word {
    digest_to_word(Rp64_256::hash_elements(elements))
}

/// The 2-to-1 hash of two words (`Rp64_256::merge`), as used for Merkle nodes.
pub fn merge(left: &Word, right: &Word) -> Word {
    let d = Rp64_256::merge(&[word_to_digest(left), word_to_digest(right)]);
    digest_to_word(d)
}

/// Converts a winter-crypto digest into a word.
pub fn digest_to_word(d: <Rp64_256 as Hasher>::Digest) -> Word {
    d.into()
}

/// Converts a word into a winter-crypto digest.
pub fn word_to_digest(w: &Word) -> <Rp64_256 as Hasher>::Digest {
    (*w).into()
}

/// Formats a word as 64 hex characters: each element as 8 little-endian bytes, element 0
/// first (Miden's convention for words in files and on the command line).
pub fn word_to_hex(w: &Word) -> alloc::string::String {
    use core::fmt::Write;
    let mut s = alloc::string::String::with_capacity(66);
    s.push_str("0x");
    for e in w {
        for b in e.as_int().to_le_bytes() {
            let _ = write!(s, "{b:02x}");
        }
    }
    s
}

/// Parses a word written as by [`word_to_hex`] (the `0x` prefix is optional).
pub fn word_from_hex(s: &str) -> Result<Word, alloc::string::String> {
    use alloc::format;
    let h = s.strip_prefix("0x").unwrap_or(s);
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("expected 64 hex digits, found {:?}", s));
    }
    let mut w = [Felt::new(0); 4];
    for (i, slot) in w.iter_mut().enumerate() {
        let mut bytes = [0u8; 8];
        for (j, b) in bytes.iter_mut().enumerate() {
            let k = 2 * (8 * i + j);
            *b = u8::from_str_radix(&h[k..k + 2], 16).map_err(|e| format!("{e}"))?;
        }
        let v = u64::from_le_bytes(bytes);
        if v >= crate::MODULUS {
            return Err(format!(
                "element {i} of word {s} is not below the field modulus"
            ));
        }
        *slot = Felt::new(v);
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_roundtrip() {
        let w = [
            Felt::new(1),
            Felt::new(2),
            Felt::new(u32::MAX as u64),
            Felt::new(crate::MODULUS - 1),
        ];
        assert_eq!(word_from_hex(&word_to_hex(&w)).unwrap(), w);
        assert!(word_from_hex("0x12").is_err());
    }
}

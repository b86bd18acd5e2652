//! The standard library: `.masm` modules embedded in the binary under the `std` namespace.
//!
//! Each module is a file under `stdlib/asm/`; its path below that folder gives its module
//! path (`asm/math/u64.masm` is `std::math::u64`). The assembler resolves `use.std::...`
//! imports against [`MODULES`].

/// Namespace of the standard library.
pub const NAMESPACE: &str = "std";

/// One embedded module: its full path (`std::sys`) and its source text.
#[derive(Clone, Copy, Debug)]
pub struct Module {
    /// Full module path, e.g. `std::sys`.
    pub path: &'static str,
    /// Source text.
    pub source: &'static str,
}

/// Every module of the standard library.
pub const MODULES: &[Module] = &[
    Module {
        path: "std::collections::mmr",
        source: include_str!("../asm/collections/mmr.masm"),
    },
    Module {
        path: "std::collections::smt",
        source: include_str!("../asm/collections/smt.masm"),
    },
    Module {
        path: "std::crypto::dsa::hbs",
        source: include_str!("../asm/crypto/dsa/hbs.masm"),
    },
    Module {
        path: "std::crypto::dsa::ecdsa::secp256k1",
        source: include_str!("../asm/crypto/dsa/ecdsa/secp256k1.masm"),
    },
    Module {
        path: "std::crypto::hashes::blake3",
        source: include_str!("../asm/crypto/hashes/blake3.masm"),
    },
    Module {
        path: "std::crypto::hashes::keccak256",
        source: include_str!("../asm/crypto/hashes/keccak256.masm"),
    },
    Module {
        path: "std::crypto::hashes::rp64",
        source: include_str!("../asm/crypto/hashes/rp64.masm"),
    },
    Module {
        path: "std::crypto::hashes::rpo",
        source: include_str!("../asm/crypto/hashes/rpo.masm"),
    },
    Module {
        path: "std::crypto::hashes::sha256",
        source: include_str!("../asm/crypto/hashes/sha256.masm"),
    },
    Module {
        path: "std::math::u256",
        source: include_str!("../asm/math/u256.masm"),
    },
    Module {
        path: "std::math::secp256k1::base_field",
        source: include_str!("../asm/math/secp256k1/base_field.masm"),
    },
    Module {
        path: "std::math::secp256k1::group",
        source: include_str!("../asm/math/secp256k1/group.masm"),
    },
    Module {
        path: "std::math::secp256k1::scalar_field",
        source: include_str!("../asm/math/secp256k1/scalar_field.masm"),
    },
    Module {
        path: "std::math::u64",
        source: include_str!("../asm/math/u64.masm"),
    },
    Module {
        path: "std::mem",
        source: include_str!("../asm/mem.masm"),
    },
    Module {
        path: "std::sys",
        source: include_str!("../asm/sys.masm"),
    },
    Module {
        path: "std::word",
        source: include_str!("../asm/word.masm"),
    },
];

/// Looks a module up by its full path.
pub fn module(path: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.path == path)
}

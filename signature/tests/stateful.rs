//! The stateful signer: the next leaf is on disk before a signature is released, a used leaf
//! is refused, the state survives a restart, an exhausted key signs nothing, and a damaged or
//! foreign state file is an error (never a panic, never a reused leaf).

use std::fs;
use vm_core::{hash, Felt, Word};
use vm_signature::{Error, PrivateKey, StatefulSigner};

fn key(h: u32) -> PrivateKey {
    PrivateKey::generate([3; 32], h).unwrap()
}

fn msg(i: u64) -> Word {
    hash::hash_elements(&[Felt::new(i)])
}

fn next_in_file(path: &std::path::Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    text.lines().nth(2).unwrap().to_string()
}

#[test]
fn signs_in_order_and_persists_before_releasing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.state");
    let mut s = StatefulSigner::create(&path, key(3)).unwrap();
    assert_eq!(next_in_file(&path), "next 0");
    let pk = s.public_key();
    for i in 0..3 {
        let sig = s.sign(&msg(i)).unwrap();
        assert_eq!(sig.index, i);
        // Already on disk when the signature comes back.
        assert_eq!(next_in_file(&path), format!("next {}", i + 1));
        assert_eq!(pk.verify(&msg(i), &sig), Ok(()));
    }
    assert_eq!((s.next_index(), s.remaining()), (3, 5));
    // No temporary file left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn reuse_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let mut s = StatefulSigner::create(&path, key(3)).unwrap();
    s.sign(&msg(0)).unwrap();
    s.sign(&msg(1)).unwrap();
    for l in [0, 1] {
        assert!(matches!(
            s.sign_leaf(l, &msg(9)),
            Err(Error::LeafReused { index, next: 2 }) if index == l
        ));
    }
    // Skipping forward is allowed; the skipped leaves are then refused too.
    assert_eq!(s.sign_leaf(5, &msg(5)).unwrap().index, 5);
    assert!(matches!(
        s.sign_leaf(3, &msg(3)),
        Err(Error::LeafReused { next: 6, .. })
    ));
    assert_eq!(next_in_file(&path), "next 6");
    // Out of the tree.
    assert!(matches!(
        s.sign_leaf(8, &msg(8)),
        Err(Error::IndexOutOfRange { index: 8, .. })
    ));
    assert_eq!(next_in_file(&path), "next 6");
}

#[test]
fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    {
        let mut s = StatefulSigner::create(&path, key(2)).unwrap();
        s.sign(&msg(0)).unwrap();
        s.sign(&msg(1)).unwrap();
    }
    let mut s = StatefulSigner::open(&path, key(2)).unwrap();
    assert_eq!(s.next_index(), 2);
    assert!(matches!(
        s.sign_leaf(1, &msg(1)),
        Err(Error::LeafReused { .. })
    ));
    assert_eq!(s.sign(&msg(2)).unwrap().index, 2);
    // create refuses to overwrite an existing state.
    assert!(matches!(
        StatefulSigner::create(&path, key(2)),
        Err(Error::StateExists(_))
    ));
    assert_eq!(StatefulSigner::open(&path, key(2)).unwrap().next_index(), 3);
}

#[test]
fn a_second_signer_on_the_same_file_cannot_reuse() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let mut a = StatefulSigner::create(&path, key(2)).unwrap();
    let mut b = StatefulSigner::open(&path, key(2)).unwrap();
    assert_eq!(a.sign(&msg(0)).unwrap().index, 0);
    assert!(matches!(
        b.sign(&msg(1)),
        Err(Error::StateAdvanced {
            on_disk: 1,
            expected: 0,
            ..
        })
    ));
}

#[test]
fn exhausted_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let mut s = StatefulSigner::create(&path, key(1)).unwrap();
    s.sign(&msg(0)).unwrap();
    s.sign(&msg(1)).unwrap();
    assert_eq!(s.remaining(), 0);
    assert!(matches!(s.sign(&msg(2)), Err(Error::Exhausted(2))));
    let mut s = StatefulSigner::open(&path, key(1)).unwrap();
    assert!(matches!(s.sign(&msg(2)), Err(Error::Exhausted(2))));
    assert!(matches!(s.sign_leaf(1, &msg(2)), Err(Error::Exhausted(2))));
    // Height 0: one signature.
    let p0 = dir.path().join("s0");
    let mut s = StatefulSigner::create(&p0, key(0)).unwrap();
    s.sign(&msg(0)).unwrap();
    assert!(matches!(s.sign(&msg(1)), Err(Error::Exhausted(1))));
}

#[test]
fn corrupted_state_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let mut s = StatefulSigner::create(&path, key(3)).unwrap();
    s.sign(&msg(0)).unwrap();
    s.sign(&msg(1)).unwrap();
    drop(s);
    let good = fs::read_to_string(&path).unwrap();
    let mut bad: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"garbage".to_vec(),
        vec![0xff, 0xfe, 0x00],
        good.replace("next 2", "next 1").into_bytes(), // would reuse leaf 1: the check word catches it
        good.replace("next 2", "next 02").into_bytes(),
        good.replace("next 2", "next -1").into_bytes(),
        good.replace("next 2", "next 99999999999999999999999")
            .into_bytes(),
        good.replace("height 3", "height 4").into_bytes(),
        good.replace("vm-signature hbs state v1", "vm-signature hbs state v2")
            .into_bytes(),
        good.trim_end().to_string().into_bytes(),
        format!("{good}extra\n").into_bytes(),
        good.as_bytes()[..good.len() / 2].to_vec(),
    ];
    // Every single-character change of the root and check lines.
    let root_at = good.find("root 0x").unwrap() + 7;
    let check_at = good.find("check 0x").unwrap() + 8;
    for at in [root_at, root_at + 20, check_at, check_at + 63] {
        let mut b = good.clone().into_bytes();
        b[at] = if b[at] == b'0' { b'1' } else { b'0' };
        bad.push(b);
    }
    for b in bad {
        fs::write(&path, &b).unwrap();
        match StatefulSigner::open(&path, key(3)) {
            Err(Error::CorruptState { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!(
                "{:?}: expected CorruptState, got {other:?}",
                String::from_utf8_lossy(&b)
            ),
        }
    }
    // A file that became corrupted while a signer held it: signing fails, nothing released.
    fs::write(&path, &good).unwrap();
    let mut s = StatefulSigner::open(&path, key(3)).unwrap();
    fs::write(&path, "garbage").unwrap();
    assert!(matches!(s.sign(&msg(2)), Err(Error::CorruptState { .. })));
    // A missing file is an I/O error.
    fs::remove_file(&path).unwrap();
    assert!(matches!(s.sign(&msg(2)), Err(Error::Io { .. })));
    assert!(matches!(
        StatefulSigner::open(&path, key(3)),
        Err(Error::Io { .. })
    ));
}

#[test]
fn another_keys_state_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    StatefulSigner::create(&path, key(2)).unwrap();
    let other = PrivateKey::generate([4; 32], 2).unwrap();
    assert!(matches!(
        StatefulSigner::open(&path, other),
        Err(Error::WrongKey { .. })
    ));
    assert!(matches!(
        StatefulSigner::open(&path, key(3)),
        Err(Error::WrongKey { file_height: 2, .. })
    ));
}

#[test]
fn key_generation_limits() {
    assert!(matches!(
        PrivateKey::generate([0; 32], 21),
        Err(Error::Height(21))
    ));
    // Deterministic from the seed, and the seed matters.
    assert_eq!(key(2).public_key(), key(2).public_key());
    assert_ne!(
        key(2).public_key(),
        PrivateKey::generate([5; 32], 2).unwrap().public_key()
    );
    assert!(!format!("{:?}", key(1)).contains("0x0303"));
}

#[test]
fn a_held_lock_stops_signing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let mut s = StatefulSigner::create(&path, key(2)).unwrap();
    let lock = dir.path().join("s.lock");
    fs::write(&lock, "").unwrap();
    assert!(matches!(s.sign(&msg(0)), Err(Error::Locked(p)) if p == lock));
    assert_eq!(next_in_file(&path), "next 0");
    fs::remove_file(&lock).unwrap();
    assert_eq!(s.sign(&msg(0)).unwrap().index, 0);
    assert!(!lock.exists());
}

#[test]
fn concurrent_signers_never_share_a_leaf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let k = key(4);
    StatefulSigner::create(&path, k.clone()).unwrap();
    let used = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for t in 0..4 {
            let (path, used, k) = (&path, &used, &k);
            sc.spawn(move || {
                for i in 0..12 {
                    // A fresh signer each time (as separate processes would be).
                    let Ok(mut s) = StatefulSigner::open(path, k.clone()) else {
                        continue;
                    };
                    if let Ok(sig) = s.sign(&msg(100 * t + i)) {
                        used.lock().unwrap().push(sig.index);
                    }
                }
            });
        }
    });
    let mut used = used.into_inner().unwrap();
    let n = used.len();
    used.sort();
    used.dedup();
    assert_eq!(used.len(), n, "a leaf was handed out twice");
    assert!(n > 0);
}

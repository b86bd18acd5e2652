//! Helpers shared by the tests of the `vm` binary (tests/cli*.rs): run it, read its
//! output, write its input files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `vm` binary with `args`.
pub fn vm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vm"))
        .args(args)
        .output()
        .expect("vm binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `text` to `dir/name`; returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

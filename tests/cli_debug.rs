//! `vm debug` driven by scripts on standard input: breakpoints (in library procedures too),
//! stepping forwards and backwards, and what `print` shows.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod cli_support;

use cli_support::write;

/// Runs `vm debug <prog> [extra]` with `script` on standard input; returns stdout.
fn session(prog: &Path, extra: &[&str], script: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vm"))
        .arg("debug")
        .arg(prog)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vm binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The output of each command of a session, by the command's position in the script
/// (blocks start at the echoed `(vm) command` lines).
fn replies(out: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in out.lines() {
        if line.starts_with("(vm) ") {
            blocks.push(String::new());
        } else if let Some(b) = blocks.last_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    blocks
}

/// The cycle a reply shows (`cycle N, pc ...`).
fn cycle_of(reply: &str) -> u64 {
    let line = reply
        .lines()
        .find(|l| l.starts_with("cycle "))
        .unwrap_or_else(|| panic!("no location in {reply}"));
    line["cycle ".len()..]
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The 1-based line of the first line of `text` that starts (trimmed) with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix}"))
        + 1
}

const WORDS: &str = "\
use.std::word

proc.check.4
    loc_storew.0
    exec.word::eqz
end

begin
    push.0.0.0.0
    exec.check
    push.1.2.3.4
    exec.check
end
";

#[test]
fn breakpoint_on_a_library_procedure_and_its_call_chain() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "words.masm", WORDS);
    let out = session(
        &prog,
        &[],
        "break word::eqz\ncontinue\nprint calls\nprint stack\ncontinue\nprint stack\nquit\n",
    );
    let r = replies(&out);
    assert!(r[0].starts_with("breakpoint 1 at std::word:"), "{}", r[0]);
    assert!(r[1].contains("breakpoint 1 (word::eqz)"), "{}", r[1]);
    assert!(r[1].contains("in std::word::eqz"), "{}", r[1]);
    let calls: Vec<&str> = r[2].lines().collect();
    assert_eq!(calls.len(), 3, "{}", r[2]);
    assert!(calls[0].starts_with("#0 std::word::eqz at std::word:"));
    assert!(calls[1].starts_with("#1 check at "), "{}", calls[1]);
    assert!(
        calls[1].ends_with("words.masm:5:5 (call site)"),
        "{}",
        calls[1]
    );
    assert!(
        calls[2].ends_with("words.masm:10:5 (call site)"),
        "{}",
        calls[2]
    );
    // The word eqz is about to consume: first [0, 0, 0, 0], then [1, 2, 3, 4].
    assert!(
        r[3].starts_with("stack (depth 20): [0, 0, 0, 0, 0, 0, 0, 0,"),
        "{}",
        r[3]
    );
    assert!(r[4].contains("breakpoint 1 (word::eqz)"));
    assert!(
        r[5].starts_with("stack (depth 21): [4, 3, 2, 1, 1, 0,"),
        "{}",
        r[5]
    );
}

#[test]
fn breakpoint_on_a_library_line() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "words.masm", WORDS);
    let src = vm::stdlib::module("std::word").unwrap().source;
    // The second line of eqz's body: `and and and`.
    let line = line_of(src, "export.eqz") + 2;
    assert_eq!(src.lines().nth(line - 1).unwrap().trim(), "and and and");
    let script = format!("break std::word:{line}\ncontinue\nprint stack\nfinish\nfinish\n");
    let r = replies(&session(&prog, &[], &script));
    assert!(
        r[0].starts_with(&format!("breakpoint 1 at std::word:{line}:5")),
        "{}",
        r[0]
    );
    assert!(r[1].contains("in std::word::eqz"), "{}", r[1]);
    assert!(r[1].contains("and and and"), "{}", r[1]);
    // Four flags (each element == 0) for [0, 0, 0, 0].
    assert!(
        r[2].starts_with("stack (depth 20): [1, 1, 1, 1, 0,"),
        "{}",
        r[2]
    );
    // finish: back in check, at its frame's end; finish again: back in the body.
    assert!(r[3].contains("in check"), "{}", r[3]);
    assert!(r[3].contains("frees its locals"), "{}", r[3]);
    assert!(r[4].contains("in #main"), "{}", r[4]);
    assert!(r[4].contains("push.1.2.3.4"), "{}", r[4]);
}

const LOOP: &str = "\
begin
    push.0
    repeat.3
        add.5
        mul.2
    end
end
";

#[test]
fn stepping_back_across_a_loop_iteration() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "loop.masm", LOOP);
    // One iteration is ADDI, MULI and NEXT: 3 cycles.
    let script = "\
break loop.masm:4
continue
print stack
continue
print stack
back 3
print stack
step
step
step
print stack
rewind
continue
continue
rstep
rstep
rstep
rnext 2
";
    let r = replies(&session(&prog, &[], script));
    assert!(
        r[0].starts_with("breakpoint 1 at ") && r[0].trim_end().ends_with("loop.masm:4:9"),
        "{}",
        r[0]
    );
    let first = cycle_of(&r[1]);
    assert!(r[2].starts_with("stack (depth 17): [0, "), "{}", r[2]);
    let second = cycle_of(&r[3]);
    assert_eq!(second, first + 3);
    assert!(
        r[4].starts_with("stack (depth 17): [10, "),
        "(0 + 5) * 2: {}",
        r[4]
    );
    // Back one iteration: the first visit, with its stack.
    assert_eq!(cycle_of(&r[5]), first);
    assert!(r[5].contains("add.5"));
    assert_eq!(r[6], r[2]);
    // step goes line by line: mul.2, the loop's `repeat.3` (its NEXT), add.5 again.
    assert!(r[7].contains("mul.2"), "{}", r[7]);
    assert!(r[8].contains("repeat.3"), "{}", r[8]);
    assert!(r[9].contains("add.5"), "{}", r[9]);
    assert_eq!(cycle_of(&r[9]), second);
    assert_eq!(r[10], r[4]);
    assert_eq!(cycle_of(&r[11]), 0);
    assert_eq!(cycle_of(&r[12]), first, "the breakpoint is still set");
    // Backwards by source line from the second visit of add.5: the loop's NEXT, mul.2,
    // add.5 of the first iteration; then two more lines back: REPEAT and push.0.
    assert_eq!(cycle_of(&r[13]), second);
    assert!(r[14].contains("repeat.3"), "{}", r[14]);
    assert_eq!(cycle_of(&r[14]), second - 1);
    assert!(r[15].contains("mul.2"), "{}", r[15]);
    assert!(r[16].contains("add.5"), "{}", r[16]);
    assert_eq!(cycle_of(&r[16]), first);
    assert!(r[17].contains("push.0"), "{}", r[17]);
    assert_eq!(cycle_of(&r[17]), 0);
}

const LOCALS: &str = "\
proc.keep.4
    push.11.22.33.44 loc_storew.0 dropw
    push.99 loc_store.3
    loc_load.0
end

begin
    exec.keep
end
";

#[test]
fn printing_locals() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "locals.masm", LOCALS);
    let script = "\
break keep
continue
print locals
stepi
print locals
next
print locals
next
print locals
print mem 1073741824 1073741827
finish
print locals
";
    let r = replies(&session(&prog, &[], script));
    assert!(r[1].contains("breakpoint 1 (keep)"), "{}", r[1]);
    assert!(r[2].contains("not allocated yet"), "{}", r[2]);
    assert!(r[4].contains("[0, 0, 0, 0]"), "{}", r[4]);
    assert!(r[5].contains("push.99 loc_store.3"), "{}", r[5]);
    assert_eq!(
        r[6].trim(),
        "locals of keep (4 at mem[1073741824..1073741828]): [11, 22, 33, 44]"
    );
    assert!(r[7].contains("loc_load.0"), "{}", r[7]);
    assert!(r[8].contains("[11, 22, 33, 99]"), "{}", r[8]);
    assert_eq!(
        r[9].trim(),
        "mem[1073741824..=1073741827] = [11, 22, 33, 99]"
    );
    assert!(r[10].contains("in #main"), "{}", r[10]);
    assert!(r[11].contains("#main has no locals"), "{}", r[11]);
}

const NESTED: &str = "\
proc.inner
    push.1
    add
end

proc.outer
    exec.inner
    exec.inner
end

begin
    push.10
    exec.outer
    push.2 mul
end
";

#[test]
fn step_next_and_finish() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "nested.masm", NESTED);
    let script = "\
next
step
step
print calls
finish
next
print calls
next
print stack
next
";
    let r = replies(&session(&prog, &[], script));
    // next over `push.10` then step into outer and into inner.
    assert!(
        r[0].contains("exec.outer") && r[0].contains("in #main"),
        "{}",
        r[0]
    );
    assert!(
        r[1].contains("in outer") && r[1].contains("exec.inner"),
        "{}",
        r[1]
    );
    assert!(
        r[2].contains("in inner") && r[2].contains("push.1"),
        "{}",
        r[2]
    );
    assert_eq!(r[3].lines().count(), 3, "{}", r[3]);
    // finish: back in outer, at the second call.
    assert!(r[4].contains("in outer"), "{}", r[4]);
    assert!(r[4].contains("nested.masm:8:5"), "{}", r[4]);
    // next steps over the second call and out of outer, to the body's next line.
    assert!(
        r[5].contains("in #main") && r[5].contains("push.2 mul"),
        "{}",
        r[5]
    );
    assert_eq!(r[6].lines().count(), 1, "{}", r[6]);
    // The body's last line: to the end.
    assert!(r[7].contains("halted after"), "{}", r[7]);
    assert!(
        r[7].contains("outputs: [24, "),
        "(10 + 1 + 1) * 2: {}",
        r[7]
    );
    assert!(r[7].contains("at the end of the program"), "{}", r[7]);
    assert!(r[8].starts_with("stack (depth 17): [24, "), "{}", r[8]);
    assert!(r[9].contains("has halted"), "{}", r[9]);
}

#[test]
fn a_failure_stops_before_the_failing_instruction() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(
        dir.path(),
        "fail.masm",
        "\
proc.check
    debug.stack.1
    push.3 assert_eq.err=\"not three\"
end

begin
    push.3 exec.check
    push.4 exec.check
end
",
    );
    let script = "continue\nprint stack\nwhere\ncontinue\nback 4\ncontinue\n";
    let out = session(&prog, &[], script);
    let r = replies(&out);
    // debug.stack ran twice on the way.
    assert!(
        r[0].contains("stack (depth 17): [3]\nstack (depth 17): [4]\n"),
        "{}",
        r[0]
    );
    assert!(r[0].contains("execution fails at cycle 10: assertion failed: not three"));
    assert!(r[0].contains("fail.masm:3:12"), "{}", r[0]);
    assert!(r[0].contains("in check"), "{}", r[0]);
    // The operands of the failing ASSERT: EQ has left 0.
    assert!(r[1].starts_with("stack (depth 17): [0, "), "{}", r[1]);
    assert!(r[2].contains("#1 #main at "), "{}", r[2]);
    assert!(r[3].contains("execution fails at cycle 10"), "{}", r[3]);
    assert_eq!(cycle_of(&r[4]), 6);
    // Re-executing cycles already shown prints their debug output only once.
    assert!(!r[5].contains("stack (depth 17): [4]"), "{}", r[5]);
    assert!(r[5].contains("execution fails at cycle 10"), "{}", r[5]);
}

#[test]
fn inputs_advice_and_script_handling() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(
        dir.path(),
        "adv.masm",
        "begin\n    adv_push.2 add\n    push.1 mem_store.8\nend\n",
    );
    let inputs = write(
        dir.path(),
        "in.json",
        r#"{"operand_stack": ["5"], "advice_stack": ["7", "9"]}"#,
    );
    let script = "\
# comments and blank lines are skipped

print adv
print stack
stepi 3
print adv
print stack
bogus
break nowhere
break adv.masm:99
print mem 8
next
print mem 8
goto 2
print cycle
quit
print stack
";
    let out = session(&prog, &["-i", inputs.to_str().unwrap()], script);
    let r = replies(&out);
    assert_eq!(r[0].trim(), "advice stack (size 2): [7, 9]");
    assert!(r[1].starts_with("stack (depth 16): [5, 0"), "{}", r[1]);
    assert_eq!(r[3].trim(), "advice stack (size 0): []");
    assert!(
        r[4].starts_with("stack (depth 17): [16, 5, 0"),
        "9 + 7: {}",
        r[4]
    );
    assert!(
        r[5].starts_with("error: unknown command `bogus`"),
        "{}",
        r[5]
    );
    assert!(
        r[6].starts_with("error: no procedure `nowhere`"),
        "{}",
        r[6]
    );
    assert!(
        r[7].starts_with("error: no code at or after adv.masm:99"),
        "{}",
        r[7]
    );
    assert_eq!(r[8].trim(), "mem[8] = 0");
    assert_eq!(r[10].trim(), "mem[8] = 1");
    assert_eq!(cycle_of(&r[11]), 2);
    assert_eq!(r[12].trim(), "cycle 2");
    // Nothing after quit runs.
    assert_eq!(r.len(), 14, "{out}");
}

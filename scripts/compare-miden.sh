#!/usr/bin/env bash
# Proves the same .masm programs with this VM and with Miden VM, alternately (ours, then
# each Miden version, REPS times), and prints the medians and the ratios ours / Miden of
# prove time (wall and user+sys CPU), proof size and peak RSS, in one run on one machine.
# It also records each program's cycles and trace rows on both VMs, checks that both VMs
# output the same stack, writes the medians to a results file and draws the chart of
# docs/performance.md from it (benches/chart, `vm-bench-chart`).
#
#   scripts/compare-miden.sh                    # default programs, Miden 0.17
#   MIDEN_VERSIONS="0.17 0.23" REPS=3 scripts/compare-miden.sh benches/suite/fib-16.masm
#
# Environment:
#   MIDEN_VERSIONS  Miden versions to compare with (default "0.17"; "" runs ours alone); each is installed once
#                   with `cargo install miden-vm --version ~V --features executable,concurrent`
#                   into .cache/miden-V (git-ignored). Installing takes tens of minutes.
#   REPS            runs per VM and program (default 3; medians are reported).
#   RAYON_NUM_THREADS  threads for both VMs (default: all cores); exported to both.
#   RUSTFLAGS       applies to both builds: a `-C target-cpu=native` comparison must install
#                   Miden with the same flag (use another MIDEN_CACHE then, and a
#                   CARGO_TARGET_DIR of its own so that the portable build is kept).
#   CARGO_TARGET_DIR where ours is built (default target/).
#   MIDEN_CACHE     where the Miden installs live (default .cache).
#   OUT_DIR         where the results go (default target/compare-miden): runs.tsv (every
#                   run), results.tsv (medians per program and VM, the chart's input).
#   CHART           the SVG to draw (default docs/img/prove-vs-cycles.svg; "" draws none).
#
# Cycles and trace rows: ours from `vm prove`'s own report (`cycles:`, `trace length:`, the
# proven trace with its zero-knowledge rows); Miden's from one untimed `miden-vm run` per
# program ("Stack rows", its cycles, and "extended to N steps", its padded trace).
#
# Both VMs prove at 96-bit conjectured security; ours with zero knowledge on (its default),
# Miden without (it has no ZK mode). Which suite programs Miden 0.17 runs: fib-*, u32-loop,
# sha256-compress, memory and sha256-1k (the last three end with drops so that at most 16
# elements are left, as Miden requires). merkle and hbs cannot: their results depend on
# the native hash (Merkle roots: Miden uses RPO, we use Rescue Prime, so merkle's tree root
# is not in Miden's store) and hbs uses our std::crypto::dsa::hbs, which Miden's stdlib
# lacks; blake3-1k uses our blake3::hash_memory, which it lacks too. A Miden failure is
# reported as "n/a". Miden 0.23 has a newer syntax and reads an inputs file's operand_stack
# in the opposite order: for it, benches/miden-0.23/ holds the suite programs in its
# spelling and their inputs in its order, which the script uses in place of a program's
# own where they exist (miden_files below): fib-* (inputs), memory (`mem_loadw_be`, which
# ours accepts too) and sha256-compress (0.23's `miden::core` sha256::hash, the same
# compression of the same message; ours cannot read that file). Programs without such a
# file run as they are (u32-loop does).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MIDEN_CACHE:-$root/.cache}
reps=${REPS:-3}
versions=${MIDEN_VERSIONS-0.17}
out=${OUT_DIR:-$root/target/compare-miden}
chart=${CHART-$root/docs/img/prove-vs-cycles.svg}
if [ $# -gt 0 ]; then
    programs=("$@")
else
    programs=()
    for n in 12 13 14 15 16 17; do programs+=("$root/benches/suite/fib-$n.masm"); done
    programs+=("$root/benches/suite/u32-loop.masm" "$root/benches/suite/sha256-compress.masm")
fi
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (GNU time)" >&2; exit 1; }

for v in $versions; do
    if [ ! -x "$cache/miden-$v/bin/miden-vm" ]; then
        echo "installing Miden VM ~$v into $cache/miden-$v (this takes long)" >&2
        cargo install miden-vm --version "~$v" --features executable,concurrent \
            --root "$cache/miden-$v" --locked
    fi
done
(cd "$root" && cargo build --release --bin vm >&2)
[ -z "$chart" ] || (cd "$root" && cargo build --release -p vm-bench-chart >&2)
target_dir=${CARGO_TARGET_DIR:-$root/target}
ours="$target_dir/release/vm"

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs="$out/runs.tsv"          # vm program wall user+sys maxrss_kib proof_bytes cycles trace_rows
shapes="$work/shapes.tsv"     # vm program cycles trace_rows (Miden's, from `miden-vm run`)
: >"$runs"
: >"$shapes"

# measure VM PROGRAM COMMAND...: one timed prove, appended to $runs (or "fail"). Its outputs
# file is kept as $work/VM-PROGRAM.outputs for the comparison of the output stacks.
measure() {
    local vm=$1 prog=$2; shift 2
    local proof="$work/$vm.proof"
    rm -f "$proof"
    # Wall time from the clock in nanoseconds (GNU time's %e has two decimals, too coarse for
    # the 0.1 s proofs of the small programs); CPU time and peak RSS from GNU time.
    local t0 t1
    t0=$(date +%s%N)
    if /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >"$work/log" 2>&1 && [ -s "$proof" ]; then
        t1=$(date +%s%N)
        read -r _ user sys rss <"$work/time"
        wall=$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc)
        # Ours prints its cycles and proven trace length; Miden's prove prints neither
        # (they come from `miden-vm run`, in $shapes).
        local cycles trace
        cycles=$(sed -n 's/^cycles: \([0-9]*\)$/\1/p' "$work/log" | head -n 1)
        trace=$(sed -n 's/^trace length: \([0-9]*\)$/\1/p' "$work/log" | head -n 1)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$vm" "$prog" "$wall" \
            "$(echo "$user + $sys" | bc)" "$rss" "$(stat -c %s "$proof")" \
            "${cycles:-n/a}" "${trace:-n/a}" >>"$runs"
        cp "$work/$vm.outputs" "$work/$vm-$prog.outputs"
    else
        printf '%s\t%s\tfail\n' "$vm" "$prog" >>"$runs"
        echo "  $vm failed on $prog: $(tail -n 2 "$work/log" | tr '\n' ' ')" >&2
    fi
}

# miden_files VERSION PROGRAM: the program and inputs files Miden VERSION runs for PROGRAM:
# benches/miden-VERSION/NAME.masm and NAME.inputs where they exist (the same computation in
# that version's spelling, or its inputs in the order it reads them), else PROGRAM's own.
miden_files() {
    local alt
    alt="$root/benches/miden-$1/$(basename "$2" .masm)"
    local prog=$2 inputs=${2%.masm}.inputs
    [ -f "$alt.masm" ] && prog=$alt.masm
    [ -f "$alt.inputs" ] && inputs=$alt.inputs
    echo "$prog $inputs"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "load $(cut -d' ' -f1-3 /proc/loadavg), RUSTFLAGS='${RUSTFLAGS:-}', threads ${RAYON_NUM_THREADS:-all}"
for prog in "${programs[@]}"; do
    name=$(basename "$prog" .masm)
    inputs="${prog%.masm}.inputs"
    for v in $versions; do
        read -r mprog minputs < <(miden_files "$v" "$prog")
        # Miden's cycles ("Stack rows": one per clock cycle) and padded trace length.
        if "$cache/miden-$v/bin/miden-vm" run "$mprog" -i "$minputs" >"$work/log" 2>&1; then
            printf '%s\t%s\t%s\t%s\n' "miden-$v" "$name" \
                "$(sed -n 's/.*Stack rows: \([0-9]*\).*/\1/p' "$work/log" | head -n 1)" \
                "$(sed -n 's/.*extended to \([0-9]*\) steps.*/\1/p' "$work/log" | head -n 1)" \
                >>"$shapes"
        fi
    done
    for rep in $(seq "$reps"); do
        echo "rep $rep: $name" >&2
        measure ours "$name" "$ours" prove --release "$prog" -i "$inputs" \
            -p "$work/ours.proof" -o "$work/ours.outputs" --claim "$work/ours.claim"
        for v in $versions; do
            read -r mprog minputs < <(miden_files "$v" "$prog")
            measure "miden-$v" "$name" "$cache/miden-$v/bin/miden-vm" prove "$mprog" \
                -i "$minputs" -p "$work/miden-$v.proof" -o "$work/miden-$v.outputs" \
                --security 96bits --release
        done
    done
done

status=0
python3 - "$runs" "$shapes" "$out/results.tsv" "$work" <<'PY' || status=$?
import json, os, statistics, sys
runs_file, shapes_file, results_file, work = sys.argv[1:]
runs = {}
for line in open(runs_file):
    r = line.rstrip("\n").split("\t")
    runs.setdefault((r[1], r[0]), []).append(None if r[2] == "fail" else r[2:])
shapes = {}
for line in open(shapes_file):
    vm, prog, cycles, trace = line.rstrip("\n").split("\t")
    shapes[(prog, vm)] = (cycles or "n/a", trace or "n/a")
def med(key):
    """Medians of wall, cpu, rss, proof over the runs; None unless every run succeeded."""
    ok = [x for x in runs.get(key, []) if x is not None]
    if not ok or len(ok) < len(runs[key]):
        return None
    return [statistics.median(float(x[i]) for x in ok) for i in range(4)]
def shape(key):
    """Cycles and trace rows: ours from its prove report, Miden's from its run."""
    if key in shapes:
        return shapes[key]
    ok = [x for x in runs.get(key, []) if x is not None]
    return (ok[0][4], ok[0][5]) if ok else ("n/a", "n/a")
def stack(prog, vm):
    path = os.path.join(work, f"{vm}-{prog}.outputs")
    try:
        return json.load(open(path))["stack"]
    except (OSError, ValueError, KeyError):
        return None
vms = sorted({vm for _, vm in runs if vm != "ours"})
programs = list(dict.fromkeys(p for p, _ in runs))
with open(results_file, "w") as f:
    f.write("program\tvm\tcycles\ttrace_rows\twall_s\tcpu_s\trss_kib\tproof_bytes\truns\n")
    for prog in programs:
        for vm in ["ours"] + vms:
            m = med((prog, vm))
            cells = ["n/a"] * 4 if m is None else [f"{m[0]:.3f}", f"{m[1]:.2f}", f"{m[2]:.0f}", f"{m[3]:.0f}"]
            f.write("\t".join([prog, vm, *shape((prog, vm)), *cells, str(len(runs.get((prog, vm), [])))]) + "\n")
print(f"{'program':<18}{'vm':<12}{'cycles':>9}{'trace':>8}{'wall s':>9}{'cpu s':>9}{'RSS MiB':>9}"
      f"{'proof KiB':>11}{'wall x':>8}{'cpu x':>8}{'RSS x':>8}{'proof x':>9}  outputs")
mismatches = 0
for prog in programs:
    o = med((prog, "ours"))
    for vm in ["ours"] + vms:
        m = med((prog, vm))
        cycles, trace = shape((prog, vm))
        trace = f"2^{int(trace).bit_length() - 1}" if trace.isdigit() and int(trace) > 0 else trace
        if m is None:
            print(f"{prog:<18}{vm:<12}{cycles:>9}{trace:>8}{'n/a':>9}")
            continue
        line = f"{prog:<18}{vm:<12}{cycles:>9}{trace:>8}{m[0]:>9.3f}{m[1]:>9.2f}{m[2]/1024:>9.0f}{m[3]/1024:>11.1f}"
        if vm != "ours" and o is not None:
            line += "".join(f"{o[i]/m[i]:>{w}.2f}" for i, w in [(0, 8), (1, 8), (2, 8), (3, 9)])
            a, b = stack(prog, "ours"), stack(prog, vm)
            same = a is not None and a == b
            mismatches += not same
            line += "  same" if same else f"  MISMATCH: ours {a}, {vm} {b}"
        print(line)
print("ratios are ours / Miden (below 1: ours is faster, smaller or lighter); medians of runs;")
print("outputs: the output stacks of both VMs compared element by element")
print(f"results: {results_file}")
sys.exit(1 if mismatches else 0)
PY
if [ -n "$chart" ]; then
    mkdir -p "$(dirname "$chart")"
    "$target_dir/release/vm-bench-chart" "$out/results.tsv" "$chart"
    echo "chart: $chart"
fi
exit "$status"

#!/usr/bin/env bash
# Proves the same .masm programs with this VM and with Miden VM, alternately (ours, then
# each Miden version, REPS times), and prints the medians and the ratios ours / Miden of
# prove time (wall and user+sys CPU), proof size and peak RSS, in one run on one machine.
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
#                   Miden with the same flag (use another MIDEN_CACHE then).
#   MIDEN_CACHE     where the Miden installs live (default .cache).
#
# Both VMs prove at 96-bit conjectured security; ours with zero knowledge on (its default),
# Miden without (it has no ZK mode). Programs whose results depend on the native hash (Merkle
# roots: Miden uses RPO, we use Rescue Prime) or that use procedures Miden's stdlib lacks
# (blake3::hash_memory) cannot run on Miden; a Miden failure is reported as "n/a". Miden
# 0.23 has a newer syntax: compare it on the programs both accept (fib).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MIDEN_CACHE:-$root/.cache}
reps=${REPS:-3}
versions=${MIDEN_VERSIONS-0.17}
if [ $# -gt 0 ]; then
    programs=("$@")
else
    programs=("$root/benches/suite/fib-16.masm" "$root/benches/suite/u32-loop.masm"
              "$root/benches/suite/sha256-compress.masm")
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
ours="$root/target/release/vm"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results="$work/results.tsv"   # vm program wall user+sys maxrss_kib proof_bytes

# measure VM PROGRAM COMMAND...: one timed run, appended to $results (or "fail").
measure() {
    local vm=$1 prog=$2; shift 2
    local proof="$work/$vm.proof"
    rm -f "$proof"
    if /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >"$work/log" 2>&1 && [ -s "$proof" ]; then
        read -r wall user sys rss <"$work/time"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$vm" "$prog" "$wall" \
            "$(echo "$user + $sys" | bc)" "$rss" "$(stat -c %s "$proof")" >>"$results"
    else
        printf '%s\t%s\tfail\n' "$vm" "$prog" >>"$results"
        echo "  $vm failed on $prog: $(tail -n 2 "$work/log" | tr '\n' ' ')" >&2
    fi
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "load $(cut -d' ' -f1-3 /proc/loadavg), RUSTFLAGS='${RUSTFLAGS:-}', threads ${RAYON_NUM_THREADS:-all}"
for prog in "${programs[@]}"; do
    name=$(basename "$prog" .masm)
    inputs="${prog%.masm}.inputs"
    for rep in $(seq "$reps"); do
        echo "rep $rep: $name" >&2
        measure ours "$name" "$ours" prove --release "$prog" -i "$inputs" \
            -p "$work/ours.proof" -o "$work/ours.outputs" --claim "$work/ours.claim"
        for v in $versions; do
            measure "miden-$v" "$name" "$cache/miden-$v/bin/miden-vm" prove "$prog" \
                -i "$inputs" -p "$work/miden-$v.proof" -o "$work/miden-$v.outputs" \
                --security 96bits --release
        done
    done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
runs = {}
for r in rows:
    runs.setdefault((r[1], r[0]), []).append(None if r[2] == "fail" else [float(x) for x in r[2:]])
def med(key):
    ok = [x for x in runs.get(key, []) if x is not None]
    if not ok or len(ok) < len(runs[key]):
        return None
    return [statistics.median(col) for col in zip(*ok)]
vms = sorted({vm for _, vm in runs if vm != "ours"})
print(f"{'program':<18}{'vm':<12}{'wall s':>9}{'cpu s':>9}{'RSS MiB':>9}{'proof KiB':>11}"
      f"{'wall x':>8}{'cpu x':>8}{'RSS x':>8}{'proof x':>9}")
for prog in dict.fromkeys(p for p, _ in runs):
    o = med((prog, "ours"))
    for vm in ["ours"] + vms:
        m = med((prog, vm))
        if m is None:
            print(f"{prog:<18}{vm:<12}{'n/a':>9}")
            continue
        line = f"{prog:<18}{vm:<12}{m[0]:>9.2f}{m[1]:>9.2f}{m[2]/1024:>9.0f}{m[3]/1024:>11.1f}"
        if vm != "ours" and o is not None:
            line += "".join(f"{o[i]/m[i]:>{w}.2f}" for i, w in [(0, 8), (1, 8), (2, 8), (3, 9)])
        print(line)
print("ratios are ours / Miden (below 1: ours is faster, smaller or lighter); medians of runs")
PY

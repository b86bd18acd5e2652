#!/usr/bin/env python3
"""Turns `vm bench --json` output (stdin or a file) into the Markdown table of
docs/performance.md: one row per program, phases grouped as `vm bench` prints them."""
import json
import sys

GROUPS = {
    "execute": "exec",
    "build_trace": "trace",
    "build_domain": "main LDE",
    "commit_to_main_trace_segment": "main LDE",
    "commit_to_aux_trace_segment": "aux LDE",
    "evaluate_constraints": "constr.",
    "commit_to_constraint_evaluations": "comp. LDE",
    "build_deep_composition_poly": "DEEP",
    "evaluate_deep_composition_poly": "DEEP",
}
COLS = ["exec", "trace", "main LDE", "aux LDE", "constr.", "comp. LDE", "DEEP", "FRI"]

report = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
print(f"preset {report['preset']}, zero knowledge {'on' if report['zero_knowledge'] else 'off'}, "
      f"{report['threads']} threads, {report['build']} build; phase times in ms\n")
print("| program | cycles | trace | width | " + " | ".join(COLS)
      + " | prove s | proof KiB | verify ms | bits | peak RSS MiB |")
print("| --- " * 2 + "| ---: " * (len(COLS) + 7) + "|")
for p in report["programs"]:
    g = dict.fromkeys(COLS, 0.0)
    for ph in p["phases"]:
        g[GROUPS.get(ph["phase"], "FRI")] += ph["ms"]
    print(f"| {p['name']} | {p['cycles']:,} | 2^{p['trace_length'].bit_length() - 1} | "
          f"{p['main_width']}+{p['aux_width']} | "
          + " | ".join(f"{g[c]:.0f}" for c in COLS)
          + f" | {p['prove_time_ms'] / 1e3:.2f} | {p['proof_size'] / 1024:.1f} | "
          f"{p['verify_time_ms']:.1f} | {p['security_bits']} | "
          f"{(p['peak_rss_kib'] or 0) / 1024:.0f} |")

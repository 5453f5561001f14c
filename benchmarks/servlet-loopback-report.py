#!/usr/bin/env python3
"""Table, CSV and JSON of a servlet-loopback.sh run.

Usage: benchmarks/servlet-loopback-report.py OUT_DIR RATE DURATION

Reads OUT_DIR/wrk-<variant>-<round>.txt, hey-<variant>-<round>.txt and runs.txt; writes
OUT_DIR/servlet-loopback.csv and OUT_DIR/servlet-loopback.json and prints a Markdown table: per variant
the median over rounds of wrk's throughput at saturation, hey's p99 at the fixed rate and the server's
CPU time per request at that rate, each also as the median of per-round ratios to bare (round k of a
variant against round k of bare, which ran just before it), and the spans the OTLP sink received per
request in the saturation window and in the fixed-rate window (1.0 at sampling 1.0 means nothing was
dropped). A p99 counts only from runs in which hey delivered at least REACHED (95 %) of the fixed rate:
the others are listed, and the p99 target is then reported as not measured.
"""
import csv
import json
import re
import statistics
import sys
from pathlib import Path

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}
VARIANTS = ["bare", "englog", "agent"]
REACHED = 0.95


def wrk(path):
    text = path.read_text()
    rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M).group(1))
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    p99 = float(m.group(1)) * UNITS[m.group(2)] if m else None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:(.*)", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"rps": rps, "p99_ms": p99, "requests": total,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1).strip() if errors else ""}


def hey(path):
    text = path.read_text()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = float(re.search(r"50%+ in ([\d.]+) secs", text).group(1)) * 1e3
    p99 = float(re.search(r"99%+ in ([\d.]+) secs", text).group(1)) * 1e3
    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", text)}
    errors = re.search(r"Error distribution:(.*)", text, re.S)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "responses": sum(codes.values()),
            "non_200": sum(n for c, n in codes.items() if c != 200),
            "errors": errors.group(1).strip() if errors else ""}


def median_ratio(rows, key, variant):
    ratios = []
    for row in rows:
        if row["variant"] != variant:
            continue
        bare = next((r for r in rows if r["variant"] == "bare" and r["round"] == row["round"]), None)
        if bare is None:
            continue
        if row[key] is not None and bare[key]:
            ratios.append(row[key] / bare[key])
    return (statistics.median(ratios) if ratios else None), ratios


def main(argv):
    out, rate, duration = Path(argv[1]), float(argv[2]), float(argv[3])
    rows = []
    for line in (out / "runs.txt").read_text().split("\n"):
        if not line.strip():
            continue
        (variant, rnd, ticks, hz, _, _, sat_spans0, _, _, sat_spans1,
         exports0, bytes0, spans0, exports1, bytes1, spans1, log_lines) = line.split()
        w = wrk(out / f"wrk-{variant}-{rnd}.txt")
        h = hey(out / f"hey-{variant}-{rnd}.txt")
        cpu_s = int(ticks) / int(hz)
        rows.append({
            "variant": variant, "round": int(rnd),
            "wrk_rps": w["rps"], "wrk_p99_ms": w["p99_ms"], "wrk_requests": w["requests"],
            "wrk_non_2xx": w["non_2xx"], "wrk_socket_errors": w["socket_errors"],
            "fixed_rate": rate, "hey_rps": h["rps"], "hey_p50_ms": h["p50_ms"], "hey_p99_ms": h["p99_ms"],
            "hey_responses": h["responses"], "hey_non_200": h["non_200"], "hey_errors": h["errors"],
            "server_cpu_s_at_fixed_rate": cpu_s,
            "server_cpu_us_per_request": cpu_s * 1e6 / h["responses"] if h["responses"] else None,
            "otlp_exports": int(exports1) - int(exports0), "otlp_bytes": int(bytes1) - int(bytes0),
            "spans_per_request_at_saturation": (int(sat_spans1) - int(sat_spans0)) / w["requests"],
            "spans_per_request_at_fixed_rate":
                (int(spans1) - int(spans0)) / h["responses"] if h["responses"] else None,
            "log_lines": int(log_lines),
        })
    with open(out / "servlet-loopback.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)

    summary = {}
    for variant in VARIANTS:
        mine = [r for r in rows if r["variant"] == variant]
        if not mine:
            continue
        s = {"rounds": len(mine)}
        for key in ("wrk_rps", "wrk_p99_ms", "hey_rps", "hey_p99_ms", "server_cpu_us_per_request",
                    "otlp_bytes", "log_lines", "spans_per_request_at_saturation",
                    "spans_per_request_at_fixed_rate"):
            values = [r[key] for r in mine if r[key] is not None]
            s[key] = statistics.median(values) if values else None
            s[key + "_runs"] = [r[key] for r in mine]
        for key in ("wrk_rps", "hey_p99_ms", "server_cpu_us_per_request"):
            s[key + "_ratio_to_bare"], s[key + "_ratios"] = median_ratio(rows, key, variant)
        summary[variant] = s
    short = [r for r in rows if r["hey_rps"] < REACHED * rate]
    targets = {}
    if "englog" in summary and "bare" in summary:
        e = summary["englog"]
        targets["throughput >= 0.9 x bare"] = e["wrk_rps_ratio_to_bare"] >= 0.9
        if "agent" in summary:
            targets["throughput > agent"] = e["wrk_rps"] > summary["agent"]["wrk_rps"]
        targets["p99 at fixed rate <= 1.1 x bare"] = (
            None if short else e["hey_p99_ms_ratio_to_bare"] <= 1.1)
    json.dump({"fixed_rate": rate, "duration_s": duration, "runs": rows, "summary": summary,
               "fixed_rate_reached": not short, "targets_met": targets},
              open(out / "servlet-loopback.json", "w"), indent=2)

    def fmt(v, spec):
        return "–" if v is None else format(v, spec)

    print(f"\nfixed rate {rate:.0f} req/s; medians over rounds; ratio = median of per-round ratios to bare\n")
    print("| variant | wrk req/s (saturation) | ÷ bare | per round | hey req/s reached | hey p99 ms at fixed rate "
          "| ÷ bare | per round | server CPU µs/req at fixed rate | ÷ bare | spans/req: saturation, fixed rate "
          "| log lines/run |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for variant, s in summary.items():
        print(f"| {variant} | {fmt(s['wrk_rps'], ',.0f')} | {fmt(s['wrk_rps_ratio_to_bare'], '.3f')} "
              f"| {' / '.join(fmt(v, ',.0f') for v in s['wrk_rps_runs'])} "
              f"| {fmt(s['hey_rps'], ',.0f')} | {fmt(s['hey_p99_ms'], '.3f')} | {fmt(s['hey_p99_ms_ratio_to_bare'], '.3f')} "
              f"| {' / '.join(fmt(v, '.3f') for v in s['hey_p99_ms_runs'])} "
              f"| {fmt(s['server_cpu_us_per_request'], '.1f')} | {fmt(s['server_cpu_us_per_request_ratio_to_bare'], '.2f')} "
              f"| {fmt(s['spans_per_request_at_saturation'], '.2f')}, "
              f"{fmt(s['spans_per_request_at_fixed_rate'], '.2f')} | {fmt(s['log_lines'], ',.0f')} |")
    for r in short:
        print(f"WARNING: hey delivered {r['hey_rps']:,.0f} of {rate:,.0f} req/s in {r['variant']} round "
              f"{r['round']}: its p99 is not at the fixed rate (more HEY_CONNECTIONS, or a lower RATE)")
    for name, met in targets.items():
        print(f"target {name}: {'not measured' if met is None else 'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main(sys.argv)

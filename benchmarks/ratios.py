#!/usr/bin/env python3
"""Per-fork ratios from a JMH JSON result file.

Usage: benchmarks/ratios.py RESULT.json [--minus BASELINE] NUMERATOR DENOMINATOR [NUMERATOR DENOMINATOR ...]

NUMERATOR and DENOMINATOR are benchmark method names (the part after the last dot), optionally
followed by ':param=value' to pick one parameter combination. For each pair it prints the score of
each fork (the mean of that fork's measurement iterations), the per-fork ratios numerator/denominator
(forks paired by index: fork k of one against fork k of the other, as JMH ran them in the same
invocation), their median, and gc.alloc.rate.norm (bytes per operation) of both sides.

With --minus BASELINE (a method name; it takes each side's ':param=value' unless it names its own), the
ratio is of what each side adds to the baseline: (numerator - baseline) / (denominator - baseline), fork
by fork, with the added time and bytes per operation of both sides.
"""
import json
import statistics
import sys


def find(results, spec):
    name, _, param = spec.partition(":")
    key, _, value = param.partition("=")
    for r in results:
        if r["benchmark"].rsplit(".", 1)[1] != name:
            continue
        if key and r.get("params", {}).get(key) != value:
            continue
        return r
    raise SystemExit(f"no benchmark {spec} in the file")


def fork_scores(result):
    return [statistics.fmean(fork) for fork in result["primaryMetric"]["rawData"]]


def alloc(result):
    m = result.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return None if m is None else m["score"]


def with_param(baseline, spec):
    if ":" in baseline or ":" not in spec:
        return baseline
    return baseline + ":" + spec.partition(":")[2]


def minus(scores, base_scores):
    return [s - b for s, b in zip(scores, base_scores)]


def main(argv):
    baseline = None
    if len(argv) > 2 and argv[2] == "--minus":
        baseline = argv[3]
        argv = argv[:2] + argv[4:]
    if len(argv) < 4 or len(argv) % 2:
        raise SystemExit(__doc__)
    results = json.load(open(argv[1]))
    for num_spec, den_spec in zip(argv[2::2], argv[3::2]):
        num, den = find(results, num_spec), find(results, den_spec)
        ns, ds = fork_scores(num), fork_scores(den)
        if baseline is not None:
            nb, db = find(results, with_param(baseline, num_spec)), find(results, with_param(baseline, den_spec))
            ns, ds = minus(ns, fork_scores(nb)), minus(ds, fork_scores(db))
            unit = num["primaryMetric"]["scoreUnit"]
            print(f"({num_spec} - {baseline}) / ({den_spec} - {baseline}) [{unit}]")
            print("  added:  " + "  ".join(f"{n:.4g}/{d:.4g}" for n, d in zip(ns, ds)))
            ratios = [n / d for n, d in zip(ns, ds)]
            print("  ratios: " + "  ".join(f"{r:.3f}" for r in ratios)
                  + f"   median {statistics.median(ratios):.3f}")
            na, da, nba, dba = alloc(num), alloc(den), alloc(nb), alloc(db)
            if None not in (na, da, nba, dba):
                print(f"  B/op added: {na - nba:.0f} / {da - dba:.0f} (totals {na:.0f} / {da:.0f}, baseline {nba:.0f})")
            continue
        ratios = [n / d for n, d in zip(ns, ds)]
        unit = num["primaryMetric"]["scoreUnit"]
        print(f"{num_spec} / {den_spec} [{unit}]")
        print("  forks:  " + "  ".join(f"{n:.4g}/{d:.4g}" for n, d in zip(ns, ds)))
        print("  ratios: " + "  ".join(f"{r:.3f}" for r in ratios)
              + f"   median {statistics.median(ratios):.3f}")
        print(f"  B/op:   {alloc(num)} / {alloc(den)}")


if __name__ == "__main__":
    main(sys.argv)

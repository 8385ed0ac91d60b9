"""Command line of the benchmark: ``python -m prmlab.bench [--quick] [--json] [--ui] [--only S]``."""

from __future__ import annotations

import argparse
import json
import sys

from prmlab.bench import TOPICS, collect, time_workload


def _row(d: dict) -> str:
    ref = d["reference"] or "-"
    ref_s = "-" if d["reference_s"] is None else f"{d['reference_s']:.4f}"
    ratio = "-" if d["ratio"] is None else f"{d['ratio']:.3f}x"
    goal = "" if d.get("goal") is None else f"(goal <= {d['goal']}x)"
    return f"{d['workload']:<44} {d['prmlab_s']:>10.4f} {ref:<34} {ref_s:>10} {ratio:>9} {goal}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prmlab.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--ui", action="store_true", help="also measure GUI-thread stalls")
    parser.add_argument("--only", default="", help="only workloads whose name contains this")
    parser.add_argument("--topics", default=",".join(TOPICS), help="comma-separated topics")
    args = parser.parse_args(argv)

    topics = tuple(t for t in args.topics.split(",") if t)
    if not args.json:
        print(f"{'workload':<44} {'prmlab_s':>10} {'reference':<34} {'ref_s':>10} {'ratio':>9}")
    for w in collect(topics, quick=args.quick):
        if args.only and args.only not in w.name:
            continue
        d = time_workload(w).as_dict()
        print(json.dumps(d) if args.json else _row(d), flush=True)
    if args.ui:
        from prmlab.bench.ui import measure_stalls
        from prmlab.gui.panels import PANEL_NAMES

        panels = tuple(t for t in topics if t in PANEL_NAMES)
        for d in measure_stalls(quick=args.quick, names=panels):
            line = (
                json.dumps(d)
                if args.json
                else f"{d['workload']:<44} max stall {d['max_stall_ms']:.1f} ms"
            )
            print(line, flush=True)
        from prmlab.bench.startup import measure_startup

        d = measure_startup(repeats=1 if args.quick else 3)
        line = (
            f"{d['workload']:<44} {d['prmlab_s']:.2f} s vs empty pyqtgraph window "
            f"{d['empty_window_s']:.2f} s: {d['ratio']:.2f}x (goal <= {d['goal']}x)"
        )
        print(json.dumps(d) if args.json else line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

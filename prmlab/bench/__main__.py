"""Command line of the benchmark: ``python -m prmlab.bench [--quick] [--json] [--ui] [--only S]
[--fresh]``, or ``python -m prmlab.bench --soak [--minutes M]``."""

from __future__ import annotations

import argparse
import json
import sys

from prmlab.bench import TOPICS, Workload, collect, time_in_child, time_workload


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}x"


def _row(d: dict) -> str:
    ref = d["reference"] or "-"
    ref_s = "-" if d["reference_s"] is None else f"{d['reference_s']:.4f}"
    goal = "" if d.get("goal") is None else f"(goal <= {d['goal']}x)"
    return (
        f"{d['workload']:<44} {d['prmlab_s']:>10.4f} {ref:<34} {ref_s:>10} "
        f"{_ratio(d['ratio']):>9} {_ratio(d.get('ratio_1thread')):>9} {goal}"
    )


def _measure(topic: str, index: int, w: Workload, fresh: bool, quick: bool) -> dict:
    """The timing of ``w``, workload ``index`` of ``topic``, here (or in a fresh process),
    with its one-thread ratio if it uses threads."""
    if fresh:
        d = time_in_child(topic, index, quick, one_thread=False)
    else:
        d = time_workload(w).as_dict()
    if w.parallel and w.run_reference is not None:
        d["ratio_1thread"] = time_in_child(topic, index, quick, one_thread=True)["ratio"]
    return d


def _child(index: int, topic: str, quick: bool) -> int:
    """Time workload ``index`` of ``topic`` alone and print its timing as JSON."""
    w = collect((topic,), quick=quick)[index]
    print(json.dumps(time_workload(w).as_dict()), flush=True)
    return 0


def _print_startup(args: argparse.Namespace) -> None:
    from prmlab.bench.startup import measure_startup

    d = measure_startup(repeats=1 if args.quick else 3)
    line = (
        f"{d['workload']:<44} {d['prmlab_s']:.2f} s vs empty pyqtgraph window "
        f"{d['empty_window_s']:.2f} s: {d['ratio']:.2f}x (goal <= {d['goal']}x)"
    )
    print(json.dumps(d) if args.json else line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prmlab.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--ui", action="store_true", help="also measure GUI-thread stalls")
    parser.add_argument("--only", default="", help="only workloads whose name contains this")
    parser.add_argument("--topics", default=",".join(TOPICS), help="comma-separated topics")
    parser.add_argument(
        "--fresh", action="store_true", help="time each workload in a process of its own"
    )
    parser.add_argument("--child", type=int, default=-1, help=argparse.SUPPRESS)  # one, JSON
    parser.add_argument(
        "--soak", action="store_true", help="only drive the app through every panel for a while"
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="how long --soak runs")
    args = parser.parse_args(argv)
    if args.soak:
        from prmlab.bench.soak import soak

        return soak(args.minutes)

    topics = tuple(t for t in args.topics.split(",") if t)
    if args.child >= 0:
        return _child(args.child, topics[0], args.quick)
    if not args.json:
        print(
            f"{'workload':<44} {'prmlab_s':>10} {'reference':<34} {'ref_s':>10} {'ratio':>9} "
            f"{'1-thread':>9}"
        )
    for topic in topics:
        for index, w in enumerate(collect((topic,), quick=args.quick)):
            if args.only and args.only not in w.name:
                continue
            d = _measure(topic, index, w, args.fresh, args.quick)
            print(json.dumps(d) if args.json else _row(d), flush=True)
    if args.ui:
        from prmlab.bench.ui import measure_ui
        from prmlab.gui.panels import PANELS

        # a panel's rows run with its engine's topic (the inference panel's is "pgm")
        panels = tuple(p for p in PANELS if {"inference": "pgm"}.get(p, p) in topics)
        for d in measure_ui(quick=args.quick, names=panels, only=args.only):
            mark = "" if d["met"] else " ✗"
            line = f"{d['workload']:<44} {d['value']:.1f} {d['unit']} (goal {d['goal']}){mark}"
            print(json.dumps(d) if args.json else line, flush=True)
        if args.only in "startup:svm-demo-drawn":
            _print_startup(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

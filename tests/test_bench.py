"""``python -m prmlab.bench``: a workload that uses threads also reports its one-thread ratio,
measured in a child process; ``--fresh`` times in a child too. Smallest sizes (``--quick``)."""

import json

from prmlab.bench.__main__ import main


def _rows(capsys, *argv: str) -> list[dict]:
    assert main(["--quick", "--json", "--topics", "track", *argv]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_parallel_workload_reports_its_one_thread_ratio(capsys):
    (row,) = _rows(capsys, "--only", "animation frame")
    assert row["workload"] == "particle animation frame 1000"
    assert row["ratio"] > 0 and row["ratio_1thread"] > 0


def test_fresh_times_each_workload_in_a_child_with_the_same_fields(capsys):
    (row,) = _rows(capsys, "--fresh", "--only", "time-varying F")
    assert row["reference"] == "filterpy batch_filter (Fs)"
    assert row["prmlab_s"] > 0 and row["reference_s"] > 0 and row["ratio_1thread"] is None

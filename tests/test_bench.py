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


def test_the_ui_table_has_every_panels_stall_and_the_svm_pca_and_linear_drags():
    from prmlab.bench.ui import ui_workloads
    from prmlab.gui.panels import PANELS

    rows = {w.name: w for w in ui_workloads()}
    assert {f"ui-stall:{name}" for name in PANELS} <= rows.keys()
    for name in ("svm", "pca", "linear"):
        drag = rows[f"ui-drag:{name}"]
        assert (drag.panel, drag.unit, drag.goal, drag.higher_is_better) == (
            name,
            "refits/s",
            30.0,
            True,
        )


def test_a_ui_row_says_its_goal_and_whether_it_was_met():
    from prmlab.bench.ui import UiWorkload

    drag = UiWorkload("ui-drag:x", "x", lambda panel, quick: 0.0, "refits/s", 30.0, True)
    stall = UiWorkload("ui-stall:x", "x", lambda panel, quick: 0.0, "ms", 50.0)
    assert drag.row(41.26) == {
        "workload": "ui-drag:x",
        "value": 41.3,
        "unit": "refits/s",
        "goal": ">= 30 refits/s",
        "met": True,
    }
    assert not drag.row(29.0)["met"]
    assert stall.row(49.0)["met"] and not stall.row(51.0)["met"]
    assert stall.row(49.0)["goal"] == "<= 50 ms"


def test_the_benchmarks_drag_moves_a_point_with_mouse_events(qtbot):
    from prmlab.bench.ui import PointDrag
    from prmlab.gui.jobs import JobMonitor
    from prmlab.gui.panels import panel_class
    from prmlab.gui.panels.base import PanelContext

    panel = panel_class("pca")(PanelContext(monitor=JobMonitor()))
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitExposed(panel)
    panel.load_demo()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30000)
    before = panel.editor.points
    drag = PointDrag(panel.editor)
    drag.press()
    drag.move_to(-0.1 * drag.span)
    drag.release()
    moved = panel.editor.points[:, 0] != before[:, 0]
    assert moved.sum() == 1 and panel.editor.points[moved, 0] < drag.x
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30000)


def test_start_up_is_timed_with_prmlabs_bytecode_cached_as_an_install_has_it():
    # where PYTHONDONTWRITEBYTECODE is set nothing writes it, and each start compiled ~280
    # modules (the empty window's pyqtgraph came compiled by pip)
    import importlib.util
    import os

    import prmlab
    from prmlab.bench.startup import _cache_bytecode

    source = os.path.join(os.path.dirname(prmlab.__file__), "gui", "main_window.py")
    cached = importlib.util.cache_from_source(source)
    if os.path.exists(cached):
        os.remove(cached)
    _cache_bytecode()
    assert os.path.exists(cached)

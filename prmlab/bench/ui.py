"""The UI workloads of ``python -m prmlab.bench --ui``: one table, ``ui_workloads()``.

Each row names a panel, a measurement run on that panel once warm (kernels compiled, caches
filled) and a goal. Two kinds so far:

- *stall*: the longest gap of a 5 ms heartbeat on the GUI thread from starting the panel's
  heaviest job until its result has been painted (goal: at most 50 ms);
- *drag*: a point of the panel's demo dragged with real mouse events (a press, a move per
  60 Hz frame, a release), the event loop running in between: refits with their redraws
  completed per second (goal: at least 30/s).

Add a row to ``ui_workloads()`` to measure something else: ``UiWorkload(name, panel,
measure, unit, goal, higher_is_better)`` with ``measure(panel, quick) -> float``.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

STALL_GOAL_MS = 50.0
DRAG_GOAL_PER_S = 30.0
HEARTBEAT_MS = 5
SETTLE_S = 0.3
# Qt delivers a mouse's moves once per frame (60 Hz): a faster stream is no real drag, and
# on a busy machine it starved the refits (each new request replaces a waiting one)
MOVE_EVERY_S = 1 / 60
DRAG_SWING = 0.25  # of the points' x range, left and back, once a second


def _timeout(quick: bool) -> float:
    return 30.0 if quick else 180.0


def max_stall_ms(panel, quick: bool) -> float:
    """The longest heartbeat gap from starting ``panel.heavy_job()`` until its result has
    been painted, in ms."""
    from PySide6.QtCore import QTimer

    from prmlab.gui.app import wait_until_idle

    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    beats.append(time.perf_counter())
    panel.heavy_job()
    # the result's first paint is part of the job
    wait_until_idle(panel, _timeout(quick), settle_s=SETTLE_S, poll_s=0.001)
    timer.stop()
    beats.append(time.perf_counter())
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    return 1000.0 * max(gaps, default=0.0)


class PointDrag:
    """A mouse gesture on the right-most point of a panel's point editor: ``press``, ``move_to``
    an x offset (data units), ``release``; its mouse events go through the plot's viewport."""

    def __init__(self, editor) -> None:
        from PySide6.QtCore import QPointF

        self.editor = editor
        self.view = editor.plot.scene().views()[0]
        points = editor.points
        self.x, self.y = points[int(points[:, 0].argmax())]
        self.span = float(points[:, 0].max() - points[:, 0].min()) or 1.0
        self._point = QPointF
        self.dx = 0.0  # where the mouse is, from the point's start

    def _at(self, dx: float):
        scene = self.editor.view.mapViewToScene(self._point(self.x + dx, self.y))
        return self.view.mapFromScene(scene)

    def press(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.mousePress(
            self.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            self._at(0),
        )

    def move_to(self, dx: float) -> None:
        from PySide6.QtTest import QTest

        self.dx = dx
        QTest.mouseMove(self.view.viewport(), self._at(dx))

    def release(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.mouseRelease(
            self.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            self._at(self.dx),
        )


def drag_rate(panel, quick: bool) -> float:
    """Refits with their redraws completed per second while a point of ``panel``'s demo is
    dragged left and back for a few seconds; the gesture is undone afterwards."""
    from PySide6.QtWidgets import QApplication

    from prmlab.gui.app import wait_until_idle

    finished: list[float] = []

    def count() -> None:
        finished.append(time.perf_counter())

    drag = PointDrag(panel.editor)
    seconds = 1.0 if quick else 4.0
    panel.sigRunFinished.connect(count)
    drag.press()
    start = next_move = time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        if now >= next_move:
            drag.move_to(-DRAG_SWING * drag.span * abs(math.sin(math.pi * (now - start))))
            next_move += MOVE_EVERY_S
        QApplication.processEvents()  # refit results arrive and are drawn in here
        time.sleep(0.001)
    elapsed = time.perf_counter() - start
    drag.release()
    panel.sigRunFinished.disconnect(count)
    wait_until_idle(panel, _timeout(quick), settle_s=SETTLE_S)
    panel.undo_stack.undo()  # the data stay the demo's
    wait_until_idle(panel, _timeout(quick), settle_s=SETTLE_S)
    return len([t for t in finished if t <= start + elapsed]) / elapsed


def _demo_loaded(panel, quick: bool) -> None:
    from prmlab.gui.app import wait_until_idle

    panel.load_demo()
    wait_until_idle(panel, _timeout(quick), settle_s=SETTLE_S)


def _linear_2000_points(panel, quick: bool) -> None:
    """The linear panel's logistic mode on 2,000 points of two blobs (issue #18's drag)."""
    import numpy as np

    from prmlab.gui.app import wait_until_idle
    from prmlab.lab import linear

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 2000)
    X = np.where(labels[:, None] == 1, 1.0, -1.0) * [1.0, 0.5] + rng.normal(0, 0.8, (2000, 2))
    panel.show_state(linear.demo("logistic").replace(X=X, labels=labels, C=1.0, position=0))
    wait_until_idle(panel, _timeout(quick), settle_s=SETTLE_S)


@dataclass(frozen=True)
class UiWorkload:
    name: str
    panel: str  # a name in prmlab.gui.panels.PANELS
    measure: Callable[..., float]  # (panel, quick) -> value, run once warm, then measured
    unit: str
    goal: float
    higher_is_better: bool = False
    prepare: Callable[..., None] | None = None  # (panel, quick), before the warm run

    def row(self, value: float) -> dict:
        met = value >= self.goal if self.higher_is_better else value <= self.goal
        return {
            "workload": self.name,
            "value": round(value, 1),
            "unit": self.unit,
            "goal": f"{'>=' if self.higher_is_better else '<='} {self.goal:g} {self.unit}",
            "met": met,
        }


def ui_workloads() -> list[UiWorkload]:
    """The table: the stall of every registered panel, the drags of SVM, PCA and linear
    models, every panel's stall with both sides of a comparison playing."""
    from prmlab.gui.panels import PANELS

    rows = [
        UiWorkload(f"ui-stall:{name}", name, max_stall_ms, "ms", STALL_GOAL_MS) for name in PANELS
    ]
    for name, prepare in (
        ("svm", _demo_loaded),
        ("pca", _demo_loaded),
        ("linear", _linear_2000_points),
    ):
        rows.append(
            UiWorkload(
                f"ui-drag:{name}", name, drag_rate, "refits/s", DRAG_GOAL_PER_S, True, prepare
            )
        )
    from prmlab.bench.ui_compare import compare_play_stall_ms

    rows += [  # compare mode: both sides of the first comparison preset playing
        UiWorkload(f"ui-compare-play:{name}", name, compare_play_stall_ms, "ms", STALL_GOAL_MS)
        for name in PANELS
    ]
    from prmlab.bench.ui_recording import FPS_GOAL_PCT, record_fps_pct, record_stall_ms

    for name in ("mcmc", "track"):  # recording the figure while the demo plays (issue #20)
        rows += [
            UiWorkload(
                f"ui-record-fps:{name}", name, record_fps_pct, "%", FPS_GOAL_PCT, True, _demo_loaded
            ),
            UiWorkload(
                f"ui-record-stall:{name}",
                name,
                record_stall_ms,
                "ms",
                STALL_GOAL_MS,
                False,
                _demo_loaded,
            ),
        ]
    from prmlab.bench.ui_presenter import (
        LASER_GOAL_FPS,
        laser_fps,
        presented_demo,
        presenter_stall_ms,
    )

    for name in ("svm", "mcmc"):  # presenter mode playing the demo, the laser moving (#20)
        rows += [
            UiWorkload(
                f"ui-presenter-stall:{name}",
                name,
                presenter_stall_ms,
                "ms",
                STALL_GOAL_MS,
                False,
                presented_demo,
            ),
            UiWorkload(
                f"ui-presenter-laser:{name}",
                name,
                laser_fps,
                "frames/s",
                LASER_GOAL_FPS,
                True,
                presented_demo,
            ),
        ]
    return rows


def measure_ui(
    quick: bool = False, names: tuple[str, ...] | None = None, only: str = ""
) -> list[dict]:
    """One row per UI workload of the panels ``names`` (default: all) whose name contains
    ``only``: ``{"workload", "value", "unit", "goal", "met"}``, in the table's order.

    Each runs on a fresh panel of 1280×800, styled as the app draws it (its theme turns
    antialiasing on, which costs paint time), once untimed, then measured.
    """
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from prmlab.gui.jobs import JobMonitor, MainThreadGarbageCollector
    from prmlab.gui.panels import panel_class
    from prmlab.gui.panels.base import PanelContext
    from prmlab.gui.theme import DEFAULT_POINT_SIZE, apply_app_theme, style_plots

    app = QApplication.instance() or QApplication([])
    apply_app_theme(app, "light", DEFAULT_POINT_SIZE)
    collector = MainThreadGarbageCollector(app)
    rows = []
    for w in ui_workloads():
        if (names and w.panel not in names) or only not in w.name:
            continue
        panel = panel_class(w.panel)(PanelContext(monitor=JobMonitor()))
        style_plots(panel, "light", DEFAULT_POINT_SIZE)
        panel.resize(1280, 800)
        panel.show()
        if w.prepare is not None:
            w.prepare(panel, quick)
        w.measure(panel, quick)  # warm: compile and fill caches
        rows.append(w.row(w.measure(panel, quick)))
        panel.shutdown()
        panel.close()
        panel.deleteLater()
        app.processEvents()
    collector.stop()
    return rows

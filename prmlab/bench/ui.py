"""GUI-thread stalls: the longest gap of a 5 ms heartbeat while a panel's heaviest job runs."""

from __future__ import annotations

import os
import time

GOAL_MS = 50.0
HEARTBEAT_MS = 5
SETTLE_S = 0.3


def _run_and_measure(panel, timeout_s: float) -> float:
    """The longest heartbeat gap from starting the job until its result has been painted."""
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
    wait_until_idle(panel, timeout_s, settle_s=SETTLE_S, poll_s=0.001)
    timer.stop()
    beats.append(time.perf_counter())
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    return 1000.0 * max(gaps, default=0.0)


def measure_stalls(quick: bool = False, names: tuple[str, ...] | None = None) -> list[dict]:
    """One row per panel: ``{"workload": "ui-stall:<name>", "max_stall_ms": ...}``.

    Each panel's heavy job runs once untimed (kernel compilation, caches), then once measured,
    styled as the app draws it (its theme turns antialiasing on, which costs paint time).
    """
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from prmlab.gui.jobs import JobMonitor, MainThreadGarbageCollector
    from prmlab.gui.panels import PANEL_NAMES, panel_class
    from prmlab.gui.panels.base import PanelContext
    from prmlab.gui.theme import DEFAULT_POINT_SIZE, apply_app_theme, style_plots

    app = QApplication.instance() or QApplication([])
    apply_app_theme(app, "light", DEFAULT_POINT_SIZE)
    collector = MainThreadGarbageCollector(app)
    rows = []
    for name in names or PANEL_NAMES:
        panel = panel_class(name)(PanelContext(monitor=JobMonitor()))
        style_plots(panel, "light", DEFAULT_POINT_SIZE)
        panel.resize(1280, 800)
        panel.show()
        timeout = 30.0 if quick else 180.0
        _run_and_measure(panel, timeout)  # warm: compile and fill caches
        stall = _run_and_measure(panel, timeout)
        rows.append(
            {"workload": f"ui-stall:{name}", "max_stall_ms": round(stall, 1), "goal_ms": GOAL_MS}
        )
        panel.shutdown()
        panel.close()
        panel.deleteLater()
        app.processEvents()
    collector.stop()
    return rows

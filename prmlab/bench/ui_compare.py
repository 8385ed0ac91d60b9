"""Compare mode's row of ``python -m prmlab.bench --ui``: the longest GUI-thread stall while
both sides of a panel's first comparison preset play (goal: at most 50 ms)."""

from __future__ import annotations

import time

PLAY_RATE = 30.0  # ticks a second asked for: as fast as the clock can go


def compare_play_stall_ms(panel, quick: bool) -> float:
    """The longest 5 ms heartbeat gap, in ms, while ``panel``'s first comparison preset plays
    both sides for a few seconds (from Play until the last tick is drawn)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from prmlab.bench.ui import HEARTBEAT_MS
    from prmlab.gui.compare import wait_views_idle
    from prmlab.gui.compare.view import CompareView
    from prmlab.lab import compare

    view = CompareView(panel, compare.preset(panel.name, None, 0))
    wait_views_idle(lambda: (view,), 30.0, 0.3)  # opening it (a second panel built) is not playing
    beats: list[float] = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    view.playback.speed.setValue(PLAY_RATE)
    view.playback.play()
    end = time.perf_counter() + (1.0 if quick else 4.0)
    while time.perf_counter() < end and view.playback.playing:
        QApplication.processEvents()
        time.sleep(0.001)
    view.playback.pause()
    wait_views_idle(lambda: (view,), 30.0, 0.3)
    timer.stop()
    beats.append(time.perf_counter())
    view.close_comparison()
    QApplication.processEvents()
    return 1000.0 * max((b - a for a, b in zip(beats, beats[1:])), default=0.0)

"""Presenter mode's rows of ``python -m prmlab.bench --ui``: a demo playing in presenter
mode (figure alone, wider lines, pen strokes on it) while the laser pointer follows a mouse
moving at 60 Hz: the longest GUI-thread stall (goal <= 50 ms) and the laser's frames a
second (the overlay's repaints; goal >= 30)."""

from __future__ import annotations

import time

MOUSE_HZ = 60.0
PLAY_RATE = 30.0  # steps a second asked for
LASER_GOAL_FPS = 30.0


def presented_demo(panel, quick: bool) -> None:
    """Load ``panel``'s demo and show it as presenter mode does, the laser on and three
    strokes on its first plot (``panel.bench_overlay``)."""
    import numpy as np

    from prmlab.bench.ui import _demo_loaded
    from prmlab.gui.presenter.ink import Stroke
    from prmlab.gui.presenter.lines import line_factor, widen_lines
    from prmlab.gui.presenter.overlay import InkOverlay, plot_views

    _demo_loaded(panel, quick)
    panel.present(True)
    widen_lines(panel.figure, line_factor(15))  # the size at 1024x768
    (x0, x1), (y0, y1) = plot_views(panel.figure)[0].viewRange()
    t = np.linspace(0.0, 2.0 * np.pi, 60)
    strokes = [
        Stroke(
            0,
            k,
            np.c_[
                x0 + (x1 - x0) * (0.3 + 0.1 * k + 0.1 * np.cos(t)),
                y0 + (y1 - y0) * (0.5 + 0.2 * np.sin(t)),
            ],
        )
        for k in range(3)
    ]
    panel.bench_overlay = InkOverlay(panel.figure, lambda: strokes)
    panel.bench_overlay.set_laser(True)


def _play_with_laser(panel, quick: bool) -> tuple[float, float]:
    """(longest heartbeat gap in ms, overlay paints a second) while the demo plays from its
    reset and the mouse circles over the figure."""
    from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from prmlab.bench.ui import HEARTBEAT_MS, SETTLE_S, _timeout
    from prmlab.gui.app import wait_until_idle

    overlay, viewport = panel.bench_overlay, panel.figure.viewport()

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                Paints.count += 1
            return False

    paints = Paints()
    overlay.installEventFilter(paints)
    panel.reset_run()
    wait_until_idle(panel, _timeout(quick), settle_s=SETTLE_S)
    beats = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    panel.toggle_play()
    start = time.perf_counter()
    end, moves = start + (1.0 if quick else 4.0), 0
    while time.perf_counter() < end:
        if time.perf_counter() - start >= moves / MOUSE_HZ:
            moves += 1
            w, h = viewport.width(), viewport.height()
            at = QPointF(w * (0.5 + 0.3 * ((moves % 60) / 60 - 0.5)), h * 0.5)
            move = QMouseEvent(
                QEvent.Type.MouseMove,
                at,
                viewport.mapToGlobal(at),
                Qt.MouseButton.NoButton,
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.sendEvent(viewport, move)
        QApplication.processEvents()
        time.sleep(0.001)
    fps = Paints.count / (time.perf_counter() - start)
    panel.pause()
    wait_until_idle(panel, _timeout(quick), settle_s=SETTLE_S, poll_s=0.001)
    timer.stop()
    beats.append(time.perf_counter())
    overlay.removeEventFilter(paints)
    return 1000.0 * max(b - a for a, b in zip(beats, beats[1:])), fps


def presenter_stall_ms(panel, quick: bool) -> float:
    """The longest GUI-thread stall while the demo plays in presenter mode with the laser."""
    return _play_with_laser(panel, quick)[0]


def laser_fps(panel, quick: bool) -> float:
    """The laser pointer's repaints a second while the demo plays in presenter mode."""
    return _play_with_laser(panel, quick)[1]

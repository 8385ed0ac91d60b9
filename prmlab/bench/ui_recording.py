"""Recording's rows of ``python -m prmlab.bench --ui`` (issue #20): a panel's demo played as
fast as it goes for a few seconds, without and with its figure recorded to MP4 (grabbed on
the GUI thread at the playback's frame rate up to 30 fps, encoded in a worker):

- ``ui-record-fps``: the playback's steps per second (each drawn before the next: a tick
  is skipped while a step runs) while recording, in % of those without (goal: at least
  90 %); not the figure's paints, which the grabs themselves add to;
- ``ui-record-stall``: the longest 5 ms heartbeat gap while recording (goal: at most 50 ms).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

PLAY_RATE = 30.0  # steps a second asked for: the frame rate's cap
FPS_GOAL_PCT = 90.0


def _play(panel, seconds: float, path: Path | None) -> tuple[float, float]:
    """The playback's steps per second and the longest heartbeat gap (ms) while ``panel``
    plays for ``seconds``, recording its figure to ``path`` (None: not recording)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from prmlab.bench.ui import HEARTBEAT_MS, _timeout
    from prmlab.gui.app import wait_until_idle
    from prmlab.gui.recording.capture import Capture
    from prmlab.gui.recording.encode import open_writer
    from prmlab.gui.recording.headless import shown_playback
    from prmlab.gui.recording.live import live_fps

    playback = shown_playback(panel)
    playback.reset_button.click()
    wait_until_idle(panel, _timeout(True), settle_s=0.1)
    playback.speed.setValue(PLAY_RATE)
    steps = []  # the playback's ticks that stepped (a tick is skipped while a step runs)

    def count() -> None:
        steps.append(time.perf_counter())

    playback.sigStep.connect(count)
    beats = [time.perf_counter()]
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    capture = None
    if path is not None:
        fps = live_fps(panel)
        capture = Capture(open_writer(path, fps), fps, lambda: panel.figure)
    start = time.perf_counter()
    playback.play()
    while time.perf_counter() - start < seconds:
        QApplication.processEvents()
        time.sleep(0.001)
    rate = len(steps) / (time.perf_counter() - start)
    playback.pause()
    if capture is not None:
        closed = []
        capture.sigClosed.connect(closed.append)
        capture.stop()
        while not closed and time.perf_counter() - start < seconds + _timeout(True):
            QApplication.processEvents()
            time.sleep(0.001)
    heartbeat.stop()
    beats.append(time.perf_counter())
    playback.sigStep.disconnect(count)
    return rate, 1000.0 * max(b - a for a, b in zip(beats, beats[1:]))


def _measure(panel, quick: bool) -> tuple[float, float]:
    """(steps per second recording / without, in %; the longest stall recording, ms)."""
    seconds = 2.0 if quick else 5.0
    with tempfile.TemporaryDirectory() as folder:
        plain, _ = _play(panel, seconds, None)
        recorded, stall = _play(panel, seconds, Path(folder) / "bench.mp4")
    return 100.0 * recorded / max(plain, 1e-9), stall


def record_fps_pct(panel, quick: bool) -> float:
    """The playback's steps per second while the demo plays and is recorded, in % of those
    without recording."""
    return _measure(panel, quick)[0]


def record_stall_ms(panel, quick: bool) -> float:
    """The longest GUI-thread stall while the playing demo is recorded, in ms."""
    return _measure(panel, quick)[1]

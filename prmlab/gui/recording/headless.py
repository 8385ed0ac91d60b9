"""``--record``: play a panel's demo (or a session's State) with no display and write every
frame to an MP4 or GIF.

Frame k shows the State after ``floor(k * rate / fps)`` steps from the start, ``rate`` being
the panel's playback speed (steps a second): each step is run to its end and drawn before
the frame is grabbed, never what a timer happened to reach, so a seed records the same
frames on any machine.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from prmlab.gui.recording.encode import open_writer
from prmlab.gui.recording.grab import grab_rgb

HEADLESS_FIGURE = (1280, 800)  # the least figure size of a headless recording (w, h)
STEP_TIMEOUT_S = 60.0


def steps_before(frame: int, rate: float, fps: float) -> int:
    """How many steps frame ``frame`` shows, at ``rate`` steps a second and ``fps``."""
    return math.floor(frame * rate / fps + 1e-9)


def wait_drawn(panel, timeout_s: float = STEP_TIMEOUT_S) -> bool:
    """Process events until ``panel`` has nothing left to compute, draw or typeset; False
    on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if not (panel.busy() or panel.equations.busy()):
            QApplication.processEvents()  # the last part's paint
            return True
        time.sleep(0.002)
    return False


def fit_figure(window, panel, least: tuple[int, int] = HEADLESS_FIGURE) -> None:
    """Grow the window until the panel's figure is at least ``least`` (width, height)."""
    # the whiteboard takes a share of the panel's height, the column may fold: a few rounds
    for _ in range(8):
        QApplication.processEvents()
        figure = panel.figure
        dw, dh = least[0] - figure.width(), least[1] - figure.height()
        if dw <= 0 and dh <= 0:
            return
        window.resize(window.width() + max(dw, 0), window.height() + max(dh, 0))


def shown_playback(panel):
    """The panel's Step/Play/Reset bar that its mode shows (its first one if several)."""
    shown = [p for p in panel._playbacks if p.isVisibleTo(panel.controls_scroll)]
    return (shown or panel._playbacks)[0]


def record_panel(
    window,
    path: str | Path,
    *,
    seconds: float,
    fps: float,
    from_start: bool = True,
    least: tuple[int, int] = HEADLESS_FIGURE,
) -> int:
    """Record the window's shown panel for ``seconds`` of playback at ``fps`` into ``path``
    (checked by ``encode.check_output``); the number of frames written.

    ``from_start``: Reset the demo first (a session plays on from its saved State).
    """
    panel = window.current_panel()
    window.show()
    fit_figure(window, panel, least)
    wait_drawn(panel)
    playback = shown_playback(panel)
    if from_start:
        playback.reset_button.click()
        wait_drawn(panel)
    # what the demo drew can widen the controls beside the figure (Tracking's: 1280 -> 1208)
    fit_figure(window, panel, least)
    wait_drawn(panel)
    rate = float(playback.speed.value())
    writer = open_writer(path, fps)
    done = 0
    try:
        for frame in range(max(1, round(seconds * fps))):
            for _ in range(steps_before(frame, rate, fps) - done):
                playback.step_button.click()
                if not wait_drawn(panel):
                    print(f"prmlab: a {panel.name} step did not finish in time; recorded as is")
                done += 1
            writer.add(grab_rgb(panel.figure))
    finally:
        writer.close()
    return writer.frames

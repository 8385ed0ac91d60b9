"""Recording a demo to MP4 or GIF (issue #20): Ctrl+R in the window (``live``), ``--record``
headless (``headless``); frames are encoded by PyAV off the GUI thread (``encode``).

``install(window)`` is listed in ``prmlab.gui.window_features.WINDOW_FEATURES``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.recording.live import Recorder


def install(window: MainWindow) -> Recorder:
    """Add File > Record (Ctrl+R) and the recording indicator to ``window``."""
    from prmlab.gui.recording.live import Recorder

    recorder = Recorder(window)
    window.recorder = recorder
    return recorder

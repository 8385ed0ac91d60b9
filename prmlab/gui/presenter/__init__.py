"""Presenter mode (issue #20): F5 shows the current panel's figure and whiteboard full
screen, a clicker's keys step it, a pen and a laser pointer annotate it.

``install(window)`` is listed in ``prmlab.gui.window_features.WINDOW_FEATURES``: it adds
View ▸ Presenter mode (F5), Presenter view on the other screen and Presenter keys…, and
keeps the pen strokes in sessions. The parts: ``keys`` (key → action), ``placement`` (which
screen, what font size), ``ink`` (strokes as data, their session tree), ``overlay`` (the pen
and laser widget over a figure), ``drawer`` (the control column floating over the figure),
``mode`` (the ``Presenter`` that ties them together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.presenter.mode import Presenter


def install(window: MainWindow) -> Presenter:
    """Give ``window`` presenter mode (``window.presenter``)."""
    from prmlab.gui.presenter.mode import Presenter

    window.presenter = Presenter(window)
    return window.presenter

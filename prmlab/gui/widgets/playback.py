"""Step / Play / Pause / Reset with a speed slider, shared by every iterating panel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QStyle, QWidget

from prmlab.gui.widgets.params import ValueSlider


class Playback(QWidget):
    """Emits ``sigStep`` on Step and, while playing, ``rate`` times a second.

    The three buttons share the row equally, so toggling Play/Pause never moves a button
    under the mouse.

    A tick is skipped while ``busy()`` is true, so a slow step never queues up more.
    The panel calls ``pause()`` when its algorithm has converged.
    """

    sigStep = Signal()
    sigReset = Signal()
    sigPlayingChanged = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        busy: Callable[[], bool] | None = None,
        rate: float = 4.0,
        max_rate: float = 60.0,
        step_text: str = "Step",
    ) -> None:
        super().__init__(parent)
        self._busy = busy or (lambda: False)
        # Icons, not font glyphs: "⏸" was an empty box in fonts without it (DejaVu).
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.step_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), step_text
        )
        self.play_button = QPushButton(self._play_icon, "Play")
        self.play_button.setCheckable(True)
        self.reset_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Reset"
        )
        self.speed = ValueSlider(0.5, max_rate, rate, log=True, decimals=2)
        self.speed.setToolTip("Steps per second while playing")
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.step_button, 0, 0)
        grid.addWidget(self.play_button, 0, 1)
        grid.addWidget(self.reset_button, 0, 2)
        grid.addWidget(QLabel("Speed (/s)"), 1, 0)
        grid.addWidget(self.speed, 1, 1, 1, 2)
        for col in range(3):
            grid.setColumnStretch(col, 1)

        self.step_button.clicked.connect(self.sigStep)
        self.reset_button.clicked.connect(self._reset)
        self.play_button.toggled.connect(self._toggled)
        self.speed.valueChanged.connect(self._set_interval)
        self._set_interval(rate)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    def _toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        self.play_button.setIcon(self._pause_icon if on else self._play_icon)
        if on:
            self._timer.start()
        else:
            self._timer.stop()
        self.sigPlayingChanged.emit(on)

    def _set_interval(self, rate: float) -> None:
        self._timer.setInterval(max(1, int(1000 / max(rate, 1e-3))))

    def _tick(self) -> None:
        if not self._busy():
            self.sigStep.emit()

    def _reset(self) -> None:
        self.pause()
        self.sigReset.emit()

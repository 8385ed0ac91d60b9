"""The whiteboard pane under a panel's figure: the step's equations with its numbers, or
the topic's derivation.

``EquationPane.show_board(state, result, selection)`` computes the board
(``prmlab.lab.whiteboard.board_for``) and lays out any template not laid out yet in its
own job (a worker: layouts cost 20-100 ms, the board may need an E step on the data); the
GUI thread only turns new layouts into pictures once and paints cached pictures with new
numbers, so while playing only the numbers change. The pane is a whiteboard in both
themes: white, black ink.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prmlab.gui.jobs import Job
from prmlab.gui.widgets.equations import layout as lay
from prmlab.gui.widgets.equations.board import BoardView
from prmlab.lab.whiteboard import Board, board_for

MAX_PANEL_SHARE = 0.28  # of the panel's height; the rest is the figure's
FOLD_KEY = "whiteboard_folded"  # the setting that remembers a folded pane
FIRST_BOARD_WAIT_S = 1.0  # the longest the process's first board waits for its figure
FIRST_BOARD_POLL_MS = 10


def templates(board: Board) -> Iterator[tuple[str, dict[str, tuple[int, ...]]]]:
    """Every ``(template, slot shapes)`` the board needs laid out."""
    for eq in board.equations:
        yield eq.symbolic, {}
        if eq.live:
            yield eq.live, eq.shapes()
    for line in board.derivation:
        yield line.latex, {}


def compute(state: Any, result: Any, selection: Any) -> Iterator[None]:
    """The worker's part: the board (returned) and the layouts of its templates (cached),
    yielding after each new layout so that a newer board or closing the app cancels it
    between layouts (one takes up to ~0.7 s)."""
    board = board_for(state, result, selection)
    if board is not None:
        for template, shapes in templates(board):
            if lay.cached(template, shapes) is None:
                lay.layout(template, shapes)
                yield None
    return board


class EquationPane(QWidget):
    """Tabs "This step" / "Derivation" over a scrolled ``BoardView``, a fixed share of the
    panel's height (a board of another size never resizes the figure above it); hidden in
    a panel whose topic has no board (``shown`` False). The button beside the tabs folds it
    to its tab row (a small screen keeps the figure readable); ``sigFolded(bool)`` says so,
    and a click on a tab unfolds it. The panel also folds it for a while (``squeeze``) where
    its figure would be drawn too small; a click opens it until the panel's next resize
    (``release``)."""

    sigFolded = Signal(bool)

    def __init__(self, shown: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folded = False  # the user's fold, remembered (FoldSetting)
        self.squeezed = False  # the panel's fold for its figure's sake
        self.opened_by_user = False  # a click showed a squeezed pane, until release()
        self._share = (0, MAX_PANEL_SHARE)  # the panel's height and the share given to cap
        self.job = Job(self, label="Typesetting", on_error=self._failed)
        # Whether the figure above is being computed or drawn (the panel sets it): the
        # process's first board imports the typesetter, ~0.15 s holding the GIL, so it waits
        # until the figure is drawn (at most FIRST_BOARD_WAIT_S): at start-up the demo's
        # figure comes first (measured: 20 ms sooner), its equations just after.
        self.figure_busy: Callable[[], bool] = lambda: False
        self._waiting: tuple | None = None  # a first board's arguments, while it waits
        self._waiting_since = 0.0
        self._wait_timer = QTimer(self, singleShot=True, interval=FIRST_BOARD_POLL_MS)
        self._wait_timer.timeout.connect(self._show_waiting)
        self.tabs = QTabBar()
        self.tabs.addTab("Equations of this step")
        self.tabs.addTab("Derivation")
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self.tabs.currentChanged.connect(self._redraw)
        self.title = QLabel()
        # a long title wraps: one line of it set the pane's least width, and with it the
        # panel's (PCA's at fonts +4: 720 px, so the window grew when the column unfolded)
        self.title.setWordWrap(True)
        self.view = BoardView()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.view)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self.fold_button = QToolButton()
        self.fold_button.setAutoRaise(True)
        self.fold_button.clicked.connect(self._clicked_fold)
        self.tabs.tabBarClicked.connect(lambda _i: self.shows_folded and self._clicked_fold())
        head = self.head = QWidget()
        head_box = QHBoxLayout(head)
        head_box.setContentsMargins(0, 0, 0, 0)
        head_box.addWidget(self.tabs)
        head_box.addStretch(1)
        head_box.addWidget(self.fold_button)
        box.addWidget(head)
        box.addWidget(self.title)
        box.addWidget(self.scroll, 1)
        self.board: Board | None = None
        self._show_fold()
        self.setVisible(shown)

    def show_board(self, state: Any, result: Any, selection: Any = None) -> None:
        """Show the board of ``state`` and ``result`` (``selection``: what the numbers are
        about, the topic's default when None), computed and laid out in a worker."""
        if self._waits(state, result, selection):
            return
        self.job.run(compute, state, result, selection, on_done=self._take)

    def _waits(self, *board: Any) -> bool:
        """Whether ``board`` waits for the figure (the process's first board only)."""
        if lay.typesetter_loaded() or not self.figure_busy():
            self._waiting = None
            return False
        now = time.monotonic()
        if self._waiting is None:
            self._waiting_since = now
        elif now - self._waiting_since > FIRST_BOARD_WAIT_S:
            self._waiting = None
            return False
        self._waiting = board
        self._wait_timer.start()
        return True

    def _show_waiting(self) -> None:
        if self._waiting is not None:
            self.show_board(*self._waiting)

    def busy(self) -> bool:
        return self.job.running or self._waiting is not None

    def exported(self) -> QWidget | None:
        """What an exported figure shows under the plots: the whole board (also the part
        scrolled out of view), or None when no board is shown."""
        return self.view if self.isVisible() and self.board is not None else None

    def shutdown(self) -> None:
        self._waiting = None
        self._wait_timer.stop()
        self.job.shutdown()

    @property
    def shows_folded(self) -> bool:
        """Whether only the tab row shows: folded by the user, or squeezed by the panel
        and not opened since."""
        return self.folded or (self.squeezed and not self.opened_by_user)

    @property
    def share(self) -> float:
        """The share of the panel's height last given to ``cap``."""
        return self._share[1]

    def cap(self, panel_height: int, share: float = MAX_PANEL_SHARE) -> None:
        """Take ``share`` of a panel ``panel_height`` pixels tall (folded: its tab row)."""
        self._share = (panel_height, share)
        self.setFixedHeight(self.height_at(panel_height, share))

    def height_at(
        self, panel_height: int, share: float = MAX_PANEL_SHARE, folded: bool | None = None
    ) -> int:
        """The height ``cap`` gives it, folded (default: as it shows) or not."""
        if self.shows_folded if folded is None else folded:
            return self.head.sizeHint().height()
        return max(80, int(panel_height * share))

    def set_folded(self, folded: bool, by_user: bool = False) -> None:
        """Fold the pane to its tab row, or give it its share again; ``by_user``: a click,
        told through ``sigFolded`` (to be remembered)."""
        if folded != self.folded:
            self.folded = folded
            self._show_fold()
        if by_user:
            self.sigFolded.emit(folded)

    def squeeze(self, on: bool) -> None:
        """Fold to the tab row (``on``) for the figure's sake, not remembered."""
        if on != self.squeezed:
            self.squeezed = on
            self._show_fold()

    def release(self) -> None:
        """A new size or font: a squeezed pane the user opened may fold again."""
        if self.opened_by_user:
            self.opened_by_user = False
            self._show_fold()

    def _clicked_fold(self) -> None:
        if not self.shows_folded:
            self.set_folded(True, by_user=True)
            return
        self.opened_by_user = self.squeezed
        self._show_fold()
        if self.folded:
            self.set_folded(False, by_user=True)

    def _show_fold(self) -> None:
        folded = self.shows_folded
        self.title.setVisible(not folded)
        self.scroll.setVisible(not folded)
        self.fold_button.setText("▸ Show" if folded else "▾ Hide")
        self.fold_button.setToolTip(
            "Show the equations again"
            + (": the figure is then drawn smaller" if self.squeezed else "")
            if folded
            else "Fold the equations to this row: more room for the figure (remembered)"
        )
        if self._share[0]:
            self.cap(*self._share)

    def _take(self, board: Board | None) -> None:
        self.board = board
        self._redraw()

    def _failed(self, message: str) -> None:
        self.title.setText(f"The equations cannot be shown: {message}")

    def _redraw(self, *_args) -> None:
        board = self.board
        self.title.setText("" if board is None else f"  {board.title}")
        self.view.show(board, derivation=self.tabs.currentIndex() == 1)


class FoldSetting:
    """One fold for every panel's pane, remembered in ``settings`` (``FOLD_KEY``): a click on
    one pane's fold button folds or unfolds them all."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings
        value = settings.value(FOLD_KEY, False)
        # a native store gives a bool, an INI file the string "true"; anything else: unfolded
        self.folded = value is True or (isinstance(value, str) and value.lower() == "true")
        self.panes: list[EquationPane] = []

    def add(self, pane: EquationPane) -> None:
        """Fold ``pane`` as the setting says and follow its clicks."""
        self.panes.append(pane)
        pane.set_folded(self.folded)
        pane.sigFolded.connect(self._clicked)

    def _clicked(self, folded: bool) -> None:
        self.folded = folded
        self.settings.setValue(FOLD_KEY, folded)
        for pane in self.panes:
            pane.set_folded(folded)

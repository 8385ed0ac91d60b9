"""How a panel makes room for its figure on a small screen: where the figure would be drawn
below ``READABLE_SCALE`` of the font, the panel folds in two levels.

1. ``fold_wanted``: the control column folds away (a button beside it unfolds it) and the
   explanation shrinks to a few lines.
2. ``board_fold``: the whiteboard keeps its share where the figure is readable beside
   it, else takes ``FOLDED_BOARD_SHARE``; where that is still too small (at 1024x768 with fonts +4 the
   figures of PCA, EM/GMM, HMM, Tracking and MCMC were drawn at 0.66-0.84 of the font),
   or the whiteboard's share too small to show an equation, the whiteboard folds to its
   tab row (its "Show" opens it) and the explanation gives up
   its lines: the whiteboard's derivation says it, a click away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prmlab.gui.widgets.column import READABLE_SCALE, ControlColumn
from prmlab.gui.widgets.equations.pane import MAX_PANEL_SHARE

if TYPE_CHECKING:
    from prmlab.gui.widgets.equations.pane import EquationPane
    from prmlab.gui.widgets.explanation import Explanation
    from prmlab.gui.widgets.figure import Figure
    from prmlab.gui.widgets.messages import MessageBar

# the whiteboard's share of a folded panel's height (unfolded: its own MAX_PANEL_SHARE)
FOLDED_BOARD_SHARE = 0.15
# the least board a folded whiteboard shows, in text lines: in less (SVM's at 1024x768 with
# fonts +4: a caption and the top of a clipped equation) it folds to its tab row
BOARD_LEAST_LINES = 4
# a folded panel unfolds a little above READABLE_SCALE: one at the edge does not flip at
# every result
UNFOLD_MARGIN = 0.02


def fold_wanted(
    column: ControlColumn,
    figure: Figure,
    explanation: Explanation,
    panel_height: int,
    opened: tuple[float, float, float, float] | None = None,
) -> bool:
    """Whether the panel should fold: the figure, with the column and explanation as they
    are unfolded, would be drawn below ``READABLE_SCALE`` (a little above it to unfold, so
    a panel at the edge does not flip at every result).

    Folded, the figure is wider, its titles wrap less and the explanation's text is shorter,
    so an estimate from the folded layout unfolded a panel that then folded again: a folded
    panel is judged by ``opened``, the figure's width, height and least size when it was
    last unfolded at this size and font (its least size may have grown since).
    """
    width, height = figure.width(), figure.height()
    least_w, least_h = figure.least_size()
    folded = column.folded or explanation.folded
    if folded and opened is not None:
        width, height = opened[0], opened[1]
        least_w, least_h = max(least_w, opened[2]), max(least_h, opened[3])
    elif folded:
        if column.folded:
            width -= column.open_width() + max(column.parentWidget().layout().spacing(), 0)
        if explanation.folded and explanation.isVisible():
            text = explanation.sizeHint().height()
            full = min(text, explanation.height_cap(panel_height, folded=False))
            height -= max(0, full - explanation.height())
    margin = UNFOLD_MARGIN if folded else 0.0
    return min(width / least_w, height / least_h) < READABLE_SCALE + margin


def board_fold(
    column: ControlColumn,
    figure: Figure,
    explanation: Explanation,
    board: EquationPane,
    messages: MessageBar,
    panel_height: int,
) -> tuple[float, bool]:
    """A folded panel's whiteboard: ``(share, squeezed)``. Its whole share where the
    figure is still drawn at ``READABLE_SCALE`` beside it (a panel folded for its width
    keeps its board), else ``FOLDED_BOARD_SHARE``, else (the figure still too small, or
    that share shows less than ``BOARD_LEAST_LINES`` of the board) squeezed to its tab row.
    Judged from the layout as it is: the room the figure, the whiteboard, the explanation
    and the message bar share now, against what the whiteboard, the folded explanation and
    the bar's line (an open board keeps it: ``MessageBar.keep_line``) take. A squeezed
    panel gives that line to its figure; left out of its room, the squeezed SVM panel at
    1024x768 with fonts +2 judged 41 px too much, opened its board, and squeezed it again
    without end."""
    width = figure.width()
    if not column.folded:
        width += column.open_width() + max(column.parentWidget().layout().spacing(), 0)
    # the bar's line: its height when last laid out (given to the figure, it keeps that)
    bar = messages.height() + max(messages.parentWidget().layout().spacing(), 0)
    room = figure.height() + board.height()
    if messages.isVisible() or messages.sizePolicy().retainSizeWhenHidden():
        room += bar
    text = 0
    if explanation.isVisible():
        room += explanation.height()
        text = min(explanation.sizeHint().height(), explanation.height_cap(panel_height, True))
    least_w, least_h = figure.least_size()
    line = board.fontMetrics().lineSpacing()
    now = board.height_at(panel_height, board.share, board.folded) if not board.squeezed else 0
    for share in (MAX_PANEL_SHARE, FOLDED_BOARD_SHARE):
        height = board.height_at(panel_height, share, board.folded)
        if not board.folded and height - board.head.sizeHint().height() - line < (
            BOARD_LEAST_LINES * line
        ):
            continue
        margin = UNFOLD_MARGIN if height > now else 0.0  # more board than now: a margin
        figure_height = room - height - text - bar
        if min(width / least_w, figure_height / least_h) >= READABLE_SCALE + margin:
            return share, False
    return FOLDED_BOARD_SHARE, True

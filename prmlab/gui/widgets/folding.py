"""How a panel makes room for its figure on a small screen: where the figure would be drawn
below ``READABLE_SCALE`` of the font, the panel folds in two levels.

1. ``fold_wanted``: the control column folds away (a button beside it unfolds it), the
   explanation shrinks to a few lines and the whiteboard to ``FOLDED_BOARD_SHARE``.
2. ``squeeze_wanted``: where that is still too small (at 1024x768 with fonts +4 the
   figures of PCA, EM/GMM, HMM, Tracking and MCMC were drawn at 0.66-0.84 of the font),
   the whiteboard folds to its tab row (its "Show" opens it) and the explanation gives up
   its lines: the whiteboard's derivation says it, a click away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prmlab.gui.widgets.column import READABLE_SCALE, ControlColumn

if TYPE_CHECKING:
    from prmlab.gui.widgets.equations.pane import EquationPane
    from prmlab.gui.widgets.explanation import Explanation
    from prmlab.gui.widgets.figure import Figure

# the whiteboard's share of a folded panel's height (unfolded: its own MAX_PANEL_SHARE)
FOLDED_BOARD_SHARE = 0.15
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


def squeeze_wanted(
    column: ControlColumn,
    figure: Figure,
    explanation: Explanation,
    board: EquationPane,
    panel_height: int,
) -> bool:
    """Whether a folded panel should also squeeze: its figure, with the whiteboard at
    ``FOLDED_BOARD_SHARE`` and the explanation at its folded lines, would still be drawn
    below ``READABLE_SCALE``. Judged from the layout as it is (squeezed or not): the room
    the whiteboard and the explanation take now against what they take folded."""
    width, height = figure.width(), figure.height()
    if not column.folded:
        width += column.open_width() + max(column.parentWidget().layout().spacing(), 0)
    height += board.height() - board.height_at(panel_height, FOLDED_BOARD_SHARE, board.folded)
    if explanation.isVisible():
        text = explanation.sizeHint().height()
        height += explanation.height() - min(text, explanation.height_cap(panel_height, True))
    least_w, least_h = figure.least_size()
    margin = UNFOLD_MARGIN if board.squeezed else 0.0
    return min(width / least_w, height / least_h) < READABLE_SCALE + margin

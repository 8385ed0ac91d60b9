"""The panels' figure: a pyqtgraph layout that shrinks as a whole rather than being cut off."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter, QTextOption

MAX_REFITS = 8  # refits in a row without settling before a figure keeps its range


class Figure(pg.GraphicsLayoutWidget):
    """A ``GraphicsLayoutWidget`` whose plots always all show.

    pyqtgraph sizes the layout to the widget, but never below the layout's minimum (axis
    text, titles, legends), so in a small window (a 1024x768 projector) the right-hand plots
    were cut off. Below that minimum the whole figure is drawn scaled down to fit instead.
    The minimum grows when results arrive (longer tick labels, titles), so it is checked
    again before each paint.
    """

    sigMouseLeft = Signal()  # the mouse left the figure: hover tooltips are out of date
    # its size or least size changed (a resize, new results, fonts): the panel may fold
    sigFitChanged = Signal()
    # Hovers show tooltips and choose what the whiteboard's numbers are about. Off while
    # presenter mode's laser points: pointing is not inspecting (each point the laser
    # passed was chosen for the whiteboard, which laid its board out again)
    inspecting = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scene = self.scene()
        send_hover_events = scene.sendHoverEvents

        def hover_unless_dragging(ev, exitOnly: bool = False) -> None:
            # Mid-drag no item may accept a hover, and finding the items near the cursor cost
            # ~5 ms a mouse move (a third of a drag's move); the release sends them anew.
            if not self.inspecting:
                send_hover_events(ev, True)  # what was hovered is left, nothing new is
            elif exitOnly or not ev.buttons() or scene.dragItem is None:
                send_hover_events(ev, exitOnly)

        scene.sendHoverEvents = hover_unless_dragging

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        plain_numbers(self)  # every axis, nested layouts' too, whenever they were added

    def leaveEvent(self, ev) -> None:
        super().leaveEvent(ev)
        self.sigMouseLeft.emit()

    def resizeEvent(self, ev) -> None:
        if not self.closed:
            self._fit(force=True)
            self.sigFitChanged.emit()

    def paintEvent(self, ev) -> None:
        self._fit(force=False)
        if self.frame is None:
            super().paintEvent(ev)
            return
        self._paint_frame(ev.rect())
        painter = QPainter(self.viewport())
        painter.drawImage(QRectF(ev.rect()), self.frame, self._device(ev.rect()))
        painter.end()

    # -- a kept frame, for recording ---------------------------------------------------------
    frame: QImage | None = None  # while kept: what the screen shows, painted into first
    _refits = 0  # fits in a row that changed the range (``_fit``)
    frame_serial = 0  # counts the frame's paints: an unchanged serial, an unchanged frame

    def keep_frame(self, keep: bool) -> None:
        """Paint into an image kept as the figure's last frame, then show that (``keep``),
        or paint the screen directly again.

        A recording reads ``frame`` rather than grabbing the figure, which painted it all a
        second time: measured on Tracking at 1280x800, a grab cost 27 ms beside the screen's
        own paint, and both together stalled the playing demo 90-97 ms.
        """
        if keep == (self.frame is not None):
            return
        self.frame = self._new_frame() if keep else None
        self.frame_serial += 1
        if keep:
            self._paint_frame(self.viewport().rect())

    def _new_frame(self) -> QImage:
        ratio = self.viewport().devicePixelRatioF()
        image = QImage(self.viewport().size() * ratio, QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(ratio)
        return image

    def _device(self, rect):
        ratio = self.frame.devicePixelRatioF()
        return QRectF(
            rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio
        )

    def _paint_frame(self, rect) -> None:
        """Paint the scene's ``rect`` (viewport pixels) into the kept frame."""
        ratio = self.viewport().devicePixelRatioF()
        if self.frame.size() != self.viewport().size() * ratio:
            self.frame = self._new_frame()
            rect = self.viewport().rect()
        self.scene().prepareForPaint()  # as pyqtgraph's paintEvent: ranges, then paint
        painter = QPainter(self.frame)
        painter.setRenderHints(self.renderHints())
        painter.setClipRect(rect)
        self.render(painter, QRectF(rect), rect)
        painter.end()
        self.frame_serial += 1

    def least_size(self) -> tuple[float, float]:
        """The width and height under which the figure is drawn scaled down."""
        least = self.centralWidget.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        return max(least.width(), 1.0), max(least.height(), 1.0)

    def scale_at(self, width: float, height: float) -> float:
        """The scale the figure is drawn at in a ``width`` x ``height`` widget: 1, or less
        where its least size does not fit (its text is then that much smaller)."""
        least_w, least_h = self.least_size()
        return min(1.0, width / least_w, height / least_h)

    def _fit(self, force: bool) -> None:
        width, height = self.width(), self.height()
        least = self.least_size()
        if least != getattr(self, "_least", None):
            self._least = least
            self.sigFitChanged.emit()
        scale = self.scale_at(width, height)
        wanted = QRectF(0, 0, width / scale, height / scale)
        if force or wanted == self.range:
            self._refits = 0  # settled, or a new size
            if not force:
                return
        # Drawn scaled down, a legend or title can wrap into one more line at one scale and
        # one fewer at the next (Tracking compared at 800x800: 448 <-> 468 px), each fit
        # undoing the last: a repaint loop that froze the window. A few refits in a row
        # without settling stop there, until the next resize or a settled paint.
        elif self._refits >= MAX_REFITS:
            return
        else:
            self._refits += 1
        # at scale 1 pyqtgraph maps scene pixels to widget pixels itself (autoPixelRange)
        self.autoPixelRange = scale >= 1.0
        pg.GraphicsView.setRange(self, wanted, padding=0, disableAutoPixel=False)


# A title keeps at least this many average characters a line when it wraps.
TITLE_LEAST_CHARS = 14


def wrap_title(plot: pg.PlotItem) -> None:
    """Let a plot's title wrap onto more lines rather than set the figure's least width.

    pyqtgraph makes a ``LabelItem``'s least width its whole text's width
    (``LabelItem.updateMin``), so one long title ("Decision function f(x): boundary f = 0,
    margins f = ±1") set a least figure width over what a 1024x768 window has, and the whole
    figure was drawn scaled down: at fonts +4 to 0.55, plot text smaller than at the default
    size. Measured at 1024x768 +4: SVM's least width 1,069 px (707 of them its title) in a
    590 px figure; with wrapping titles it fits at full size. Replaces the label's
    ``updateMin`` and ``resizeEvent``, and lifts ``PlotItem.setTitle``'s fixed 30 px title row
    (which also cut titles at big fonts) to the wrapped text's height (pyqtgraph < 0.15;
    tests/gui/test_figure.py checks it).
    """
    label = plot.titleLabel
    if getattr(label, "wraps", False):
        return
    label.wraps = True
    item = label.item
    option = QTextOption(Qt.AlignmentFlag.AlignHCenter)
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    item.document().setDefaultTextOption(option)
    resize = label.resizeEvent

    def wrap_to_width() -> tuple[float, float]:
        """Wrap the text to the label's width; the (natural width, wrapped height)."""
        item.setTextWidth(-1)
        natural = item.boundingRect().width()
        width = label.rect().width()
        if 0 < width < natural:
            item.setTextWidth(width)
        return natural, item.boundingRect().height()

    def update_min() -> None:
        natural, height = wrap_to_width()
        # two lines at most: narrower than that, the figure is scaled down as a whole
        chars = TITLE_LEAST_CHARS * QFontMetricsF(item.font()).averageCharWidth()
        least = min(natural, max(chars, 0.55 * natural))
        label.setMinimumWidth(least)
        label.setMinimumHeight(height)
        if label.maximumHeight() > 0:  # shown: setTitle(None) hides it with height 0
            label.setMaximumHeight(height)
            plot.layout.setRowFixedHeight(0, height)
        label._sizeHint = {
            Qt.SizeHint.MinimumSize: (least, height),
            Qt.SizeHint.PreferredSize: (natural, height),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        label.updateGeometry()

    def resize_event(ev) -> None:
        wrap_to_width()  # pyqtgraph centres the item by its bounds: wrap first
        resize(ev)

    label.updateMin = update_min
    label.resizeEvent = resize_event
    update_min()


def settle_ranges(*plots: pg.PlotItem) -> None:
    """Auto-range ``plots`` now, with their new data, rather than at their next paint.

    pyqtgraph auto-ranges lazily, just before painting, and a range that changes there
    repaints the plot once more, together with whatever else is due: plots drawn in
    separate turns (``BasePanel.draw_in_turns``) then repainted all at once.
    """
    for plot in plots:
        plot.getViewBox().updateAutoRange()


# Below 1e-4 or from 1e7 on, tick labels would be long: there a "(x1e-06)" scale reads better.
SI_PREFIX_RANGES = ((0.0, 1e-4), (1e7, float("inf")))


def plain_numbers(view: pg.GraphicsView) -> None:
    """Tick labels as plain numbers wherever they fit, on every axis of ``view``: pyqtgraph
    scaled every axis whose values stay below 1 by an SI prefix, so 0.5 read "500" with a
    "(x0.001)" beside the axis (cut to a stray rotated "001" on a narrow vertical axis)."""
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem) and item.getSIPrefixEnableRanges() != SI_PREFIX_RANGES:
            item.setSIPrefixEnableRanges(SI_PREFIX_RANGES)
            item.updateAutoSIPrefix()


def integer_ticks(axis: pg.AxisItem) -> None:
    """Ticks at whole numbers only, for counts (iterations, pair updates, steps): pyqtgraph
    ticked a short count axis at 0.2, 0.4 or 1.0, 1.5, 2.0."""
    spacing = axis.tickSpacing

    def whole(lo: float, hi: float, size: float) -> list[tuple[float, float]]:
        levels = [(s, o) for s, o in spacing(lo, hi, size) if s >= 1 and float(s).is_integer()]
        return levels or [(1.0, 0.0)]

    axis.tickSpacing = whole


# Ends of a growing range: tenths of a decade, each ~25 % beyond the one before.
STEADY_ENDS = (1.0, 1.25, 1.6, 2.0, 2.5, 3.2, 4.0, 5.0, 6.4, 8.0, 10.0)


def steady_end(value: float) -> float:
    """The least of ``STEADY_ENDS`` × 10^k that is >= ``value`` (> 0; 1 otherwise): the end of
    a range that grows step by step (pair updates, iterations) and moves only when its data
    have grown ~25 %. Each move lays the axes and the plot's items out again (SVM's dual
    plot in a replay: 30 bottom-axis layouts in 30 steps, 12 with these ends)."""
    if not value > 0:
        return 1.0
    decade = 10.0 ** math.floor(math.log10(value))
    return next(e * decade for e in STEADY_ENDS if e * decade >= value)


# A vertical axis's labelled ticks are at least this many lines of its tick font apart.
LABEL_LINES_APART = 1.5


def labels_fit(axis: pg.AxisItem) -> None:
    """Tick labels on a vertical ``axis`` never run into each other.

    pyqtgraph gives every axis at least 2.25 intervals whatever its height, so a plot 40 px
    tall with 15 pt labels (Tracking's RMSE bars at 1024x768, fonts +4; PCA's scree) drew
    "10 8 6 4 2 0" over each other. Where major ticks would be closer than
    ``LABEL_LINES_APART`` lines, their spacing grows by 2, 5, 10, ... (the old one stays as
    unlabelled minor ticks). Wraps ``tickSpacing``, pyqtgraph's documented override point, as
    ``integer_ticks`` does.
    """
    if getattr(axis, "labels_fit", False):
        return
    axis.labels_fit = True
    spacing = axis.tickSpacing

    def fitting(lo: float, hi: float, size: float) -> list[tuple[float, float]]:
        levels = spacing(lo, hi, size)
        if not levels or not size > 0 or hi == lo:
            return levels
        apart = LABEL_LINES_APART * QFontMetricsF(axis.style["tickFont"] or QFont()).height()
        major, offset = levels[0]
        per_unit = size / abs(hi - lo)
        if major * per_unit >= apart:
            return levels
        factor = next((f for f in (2, 5, 10, 20, 50) if major * f * per_unit >= apart), 100)
        return [(major * factor, offset), (major, offset)]

    axis.tickSpacing = fitting

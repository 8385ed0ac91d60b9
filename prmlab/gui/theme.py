"""Light/dark theme and font size, applied to Qt widgets and to every pyqtgraph plot."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem, QWidget

from prmlab.gui.widgets.figure import labels_fit, wrap_title

THEMES = {
    # name: (plot background, plot foreground)
    "light": ("#FFFFFF", "#202020"),
    "dark": ("#1E1E1E", "#E0E0E0"),
}
DEFAULT_POINT_SIZE = 11
TYPICAL_TICK_TEXT = "−0.025"
MIN_POINT_SIZE, MAX_POINT_SIZE = 8, 28
LEAST_DATA_LINES = (5, 3)  # a data area is at least this many text lines wide and tall


# text, background of the message bar's levels; each pair passes WCAG AA (4.5:1)
MESSAGE_COLORS = {
    "light": {
        "error": ("#8B0000", "#FDE2E1"),
        "warning": ("#6B4A00", "#FFF3CD"),
        "note": ("#0B3D6B", "#E3F0FB"),
    },
    "dark": {
        "error": ("#FFB4AB", "#4A1D1D"),
        "warning": ("#FFD98A", "#40351A"),
        "note": ("#A8D1FF", "#1B3248"),
    },
}
INDICATOR_WINDOW = "#B4B4B4"  # dark theme: Fusion's outline, this darkened 1.4x, is #808080
# error text on the window background (an expression a panel cannot parse)
ERROR_TEXT = {"light": "#B00020", "dark": "#FFA8A0"}


def _dark_palette() -> QPalette:
    p = QPalette()
    text = QColor("#E6E6E6")
    # Fields are lighter than the window: Fusion draws a check box as a Base-filled square
    # with a darker outline, which vanished on a Base darker than the window.
    for role, c in (
        (QPalette.ColorRole.Window, QColor("#2D2D2D")),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, QColor("#4A4A4A")),
        (QPalette.ColorRole.AlternateBase, QColor("#545454")),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, QColor("#404040")),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.Light, QColor("#5A5A5A")),
        (QPalette.ColorRole.Midlight, QColor("#4A4A4A")),
        (QPalette.ColorRole.Mid, QColor("#353535")),
        (QPalette.ColorRole.Dark, QColor("#1E1E1E")),
        (QPalette.ColorRole.Shadow, QColor("#101010")),
        (QPalette.ColorRole.ToolTipBase, QColor("#3A3A3A")),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Highlight, QColor("#2F6EA5")),
        (QPalette.ColorRole.HighlightedText, QColor("#FFFFFF")),
        (QPalette.ColorRole.PlaceholderText, QColor("#A0A0A0")),
        (QPalette.ColorRole.Link, QColor("#8AB4F8")),
        (QPalette.ColorRole.LinkVisited, QColor("#C58AF9")),
        (QPalette.ColorRole.BrightText, QColor("#FF8A80")),
    ):
        p.setColor(role, c)
    # Disabled controls: grey text on a flatter face, so a disabled "Step M" looks disabled
    disabled = QPalette.ColorGroup.Disabled
    for role, c in (
        (QPalette.ColorRole.WindowText, QColor("#7A7A7A")),
        (QPalette.ColorRole.Text, QColor("#7A7A7A")),
        (QPalette.ColorRole.ButtonText, QColor("#7A7A7A")),
        (QPalette.ColorRole.Button, QColor("#333333")),
        (QPalette.ColorRole.Base, QColor("#383838")),
        (QPalette.ColorRole.Light, QColor("#333333")),
        (QPalette.ColorRole.Highlight, QColor("#505050")),
    ):
        p.setColor(disabled, role, c)
    return p


def current_theme() -> str:
    """The theme of the application's palette now: "dark" or "light"."""
    lightness = QApplication.palette().color(QPalette.ColorRole.Window).lightness()
    return "dark" if lightness < 128 else "light"


def apply_app_theme(app: QApplication, theme: str, point_size: int) -> None:
    """Fusion style with a light or dark palette, the chosen font size, and pyqtgraph defaults."""
    app.setStyle("Fusion")
    palette = _dark_palette() if theme == "dark" else app.style().standardPalette()
    app.setPalette(palette)
    # Fusion outlines a check box in the window colour darkened, invisible on a dark
    # window: check boxes and radio buttons get a light "window" for their outline only
    # (they paint no background of their own)
    indicators = QPalette(palette)
    if theme == "dark":
        indicators.setColor(QPalette.ColorRole.Window, QColor(INDICATOR_WINDOW))
    for cls in ("QCheckBox", "QRadioButton"):
        app.setPalette(indicators, cls)
    font = QFont(app.font())
    font.setPointSize(point_size)
    app.setFont(font)
    bg, fg = THEMES[theme]
    pg.setConfigOptions(background=bg, foreground=fg, antialias=True)


def plot_text(item: pg.TextItem) -> pg.TextItem:
    """Mark ``item`` as plot text that ``style_plots`` gives the theme's colour and the
    current font size (e.g. the RMSE bars' values, which stayed tiny after Ctrl+=)."""
    item.follows_theme = True
    return item


def ink(item: pg.ScatterPlotItem, fill: bool = False) -> pg.ScatterPlotItem:
    """Mark markers drawn in the theme's foreground: ``style_plots`` sets their outline (and
    with ``fill`` their inside) to it, so black marks do not vanish on the dark background."""
    item.ink_fill = fill
    return item


def _restyle_ink(item: pg.ScatterPlotItem, fg: str) -> None:
    pen = pg.mkPen(item.opts["pen"])
    pen.setColor(pg.mkColor(fg))
    item.setPen(pen)
    if item.ink_fill:
        item.setBrush(pg.mkBrush(fg))


def least_data_area(point_size: int) -> tuple[float, float]:
    """The least width and height of a plot's data area in a ``point_size`` font: a plot
    packed into a small figure had kept its axes and titles and a data area of a few
    pixels (SVM's map with its legend below it)."""
    font = QFont()
    font.setPointSize(point_size)
    line = QFontMetrics(font).lineSpacing()
    return LEAST_DATA_LINES[0] * line, LEAST_DATA_LINES[1] * line


def style_plots(root: QWidget, theme: str, point_size: int) -> None:
    """Restyle every pyqtgraph view under ``root``: background, axes, titles, legends, fonts."""
    bg, fg = THEMES[theme]
    tick_font = QFont()
    tick_font.setPointSize(point_size)
    # room for tick labels like "-0.025" from the start
    tick_text_width = QFontMetrics(tick_font).horizontalAdvance(TYPICAL_TICK_TEXT)
    for view in root.findChildren(pg.GraphicsView):
        view.setBackground(bg)
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setPen(fg)
                item.setTextPen(fg)
                # A vertical axis that resizes for its tick labels relays the whole figure
                # out and repaints every plot (~70 ms): it starts wide enough for typical
                # labels in this font and only grows. No unlabelled sub-minor ticks: making
                # them took ~40% of an axis's redraw, and new results redraw most axes.
                if item.orientation in ("left", "right"):
                    item.textWidth = tick_text_width
                    labels_fit(item)
                item.setStyle(tickFont=tick_font, maxTickLevel=1, autoReduceTextSpace=False)
                # kept as a pixmap between its changes: an axis is repainted with each plot
                # beside it, and replaying its text took ~2 ms a time (10 ms of an SVM step
                # in presenter mode). SVG export turns the cache off (widgets.export).
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                item.labelStyle["font-size"] = f"{point_size}pt"
                item.labelStyle["color"] = fg
                item._updateLabel()
            elif isinstance(item, pg.PlotItem):
                title = item.titleLabel
                wrap_title(item)
                style = {"color": fg, "size": f"{point_size + 2}pt", "bold": True}
                if title.text:
                    title.setText(title.text, **style)
                else:  # a title set later takes them: a LabelItem keeps its options
                    title.opts.update(style)
            elif isinstance(item, pg.TextItem) and getattr(item, "follows_theme", False):
                item.setColor(fg)
                item.setFont(tick_font)
            elif isinstance(item, pg.ScatterPlotItem) and hasattr(item, "ink_fill"):
                _restyle_ink(item, fg)
            elif isinstance(item, pg.ViewBox):
                # a data area no layout squeezes away: the figure is scaled down instead
                item.setMinimumSize(*least_data_area(point_size))
            elif isinstance(item, pg.LegendItem):
                card = QColor(bg)
                card.setAlpha(215)  # a card: the text stays readable over data
                item.setBrush(card)
                item.setLabelTextColor(fg)
                item.setLabelTextSize(f"{point_size}pt")
                for _, label in item.items:  # the setters only store the style: render again
                    label.setText(label.text)
                item.updateSize()  # its rows' widths in the new font

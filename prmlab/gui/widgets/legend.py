"""Legend rows that follow results without rebuilding the legend each frame."""

from __future__ import annotations

import pyqtgraph as pg


def set_legend_rows(legend: pg.LegendItem, rows: list[tuple[object, str]]) -> None:
    """Make ``legend`` show ``rows`` of ``(item, text)``, in order.

    With the same items the texts are changed in place; only other items rebuild the rows.
    A rebuild makes a label and a sample per row and lays the legend out again, which
    held the GUI thread for 10-40 ms when done for every drawn result.
    """
    if [sample.item for sample, _ in legend.items] != [item for item, _ in rows]:
        legend.clear()
        for item, text in rows:
            legend.addItem(item, text)
        return
    for (_, label), (_, text) in zip(legend.items, rows):
        if label.text != text:
            label.setText(text)

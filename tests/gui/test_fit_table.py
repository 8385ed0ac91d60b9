"""``fit_table``: a table sized to its cells, within the room a column gives it."""

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from prmlab.gui.widgets.column import fit_table


def _table(qtbot) -> QTableWidget:
    table = QTableWidget(2, 3)
    qtbot.addWidget(table)
    for r in range(2):
        for c in range(3):
            table.setItem(r, c, QTableWidgetItem(f"{r * 0.123456:.4f}"))
    return table


def test_a_table_takes_its_columns_width_up_to_the_room(qtbot):
    table = _table(qtbot)
    fit_table(table)
    full = table.minimumWidth()
    assert full > 3 * table.fontMetrics().horizontalAdvance("0.0000")
    fit_table(table, max_width=full // 2)
    assert table.minimumWidth() == full // 2  # then it scrolls sideways


def test_no_room_at_all_gives_no_negative_width(qtbot, qtlog):
    """A panel not laid out yet left -12 px (Qt warned "Negative sizes (-12,38)")."""
    table = _table(qtbot)
    fit_table(table, max_width=-12)
    assert table.minimumWidth() == 0
    assert not [r for r in qtlog.records if "Negative sizes" in r.message]

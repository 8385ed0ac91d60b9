"""A first start's window fits its screen: 1440x900 where there is room, else the whole
screen (a projector at 1024x768 had a window running off its edges)."""

import pytest
from PySide6.QtCore import QSettings, QSize, Qt

from prmlab.gui.main_window import DEFAULT_SIZE, MainWindow, first_size


@pytest.mark.parametrize(
    "room, size, maximised",
    [
        (None, DEFAULT_SIZE, False),
        (QSize(1920, 1040), DEFAULT_SIZE, False),
        (QSize(1440, 900), DEFAULT_SIZE, False),
        (QSize(1024, 740), QSize(1024, 740), True),
        (QSize(1600, 860), QSize(1440, 860), True),
    ],
)
def test_first_size(room, size, maximised):
    assert first_size(room) == (size, maximised)


def _first_start(qtbot, tmp_path, geometry=None):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    if geometry is not None:
        settings.setValue("geometry", geometry)
    window = MainWindow(settings=settings, warmup=False, autoload_demos=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_first_start_on_a_small_screen_fills_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.undo()  # the real offscreen screen, 800x800: no room for 1440x900
    window = _first_start(qtbot, tmp_path)
    room = window.screen().availableGeometry()
    assert window.windowState() & Qt.WindowState.WindowMaximized
    # (the offscreen platform draws its frame outside the screen: the inside is checked)
    assert window.width() <= room.width() and window.height() <= room.height()


def test_a_geometry_qt_cannot_read_is_replaced_by_one_that_fits(qtbot, tmp_path, monkeypatch):
    monkeypatch.undo()
    window = _first_start(qtbot, tmp_path, geometry=b"not a geometry")
    assert window.width() <= window.screen().availableGeometry().width()

"""View > Presenter keys: every key listed, the digits as many as the tabs, and a sheet that
fits its screen at a projector's font size (its OK button on the screen)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from prmlab.gui.panels import PANELS
from prmlab.gui.presenter.key_sheet import SCREEN_SHARE
from prmlab.gui.presenter.keys import KEY_HELP


def test_the_digits_listed_are_the_panels():
    assert (f"1 … {len(PANELS)}", f"show panel 1 … {len(PANELS)} (the tabs in order)") in KEY_HELP


def test_the_key_sheet_fits_its_screen_at_a_projector_font(qtbot, main_window):
    main_window.set_font_size(28)
    sheet = main_window.presenter.show_keys()
    qtbot.waitExposed(sheet)
    free = sheet.screen().availableGeometry()
    assert sheet.height() <= SCREEN_SHARE * free.height() + 1
    assert sheet.width() <= SCREEN_SHARE * free.width() + 1
    text = sheet.table.text()
    assert all(k in text and what in text for k, what in KEY_HELP)
    ok = sheet.findChild(QDialogButtonBox).buttons()[0]
    assert ok.isVisible() and sheet.rect().contains(ok.geometry().center())
    ok.click()
    assert not sheet.isVisible()

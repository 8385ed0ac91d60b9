"""Uncaught exceptions become a logged message and a dialog; the app keeps running.

Installed for ``sys.excepthook`` (slots on the GUI thread) and ``threading.excepthook``
(plain Python threads). Tests read ``ExceptionHook.errors`` since pytest-qt cannot see
exceptions raised in slots on PySide6 >= 6.5.2.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("prmlab")


class ExceptionHook(QObject):
    """Records every uncaught exception and shows it in a non-blocking dialog."""

    sigException = Signal(str, str)  # summary, full traceback

    def __init__(self, show_dialog: bool = True) -> None:
        super().__init__()
        self.errors: list[str] = []
        self.show_dialog = show_dialog
        # The dialogs on screen: a shown QMessageBox that nothing references is collected by
        # Python at once, and the user never saw it.
        self.dialogs: list[QMessageBox] = []
        self._previous = (sys.excepthook, threading.excepthook)
        # Queued: a worker thread's exception is shown by the GUI thread.
        self.sigException.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> ExceptionHook:
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def _sys_hook(
        self, etype: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(etype, KeyboardInterrupt):
            QApplication.quit()
            return
        self.report(value, tb)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value, args.exc_traceback)

    def report(self, exc: BaseException, tb: TracebackType | None = None) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))
        summary = f"{type(exc).__name__}: {exc}"
        self.errors.append(summary)
        log.error("Uncaught exception\n%s", text)
        self.sigException.emit(summary, text)

    @Slot(str, str)
    def _show(self, summary: str, text: str) -> None:
        if not self.show_dialog or QApplication.instance() is None:
            return
        if QThread.currentThread() is not QApplication.instance().thread():
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "prmlab: unexpected error", summary)
        box.setInformativeText("The app keeps running. Details are in the log.")
        box.setDetailedText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)
        self.dialogs.append(box)
        box.finished.connect(lambda _result, box=box: self._forget(box))
        box.show()

    def _forget(self, box: QMessageBox) -> None:
        if box in self.dialogs:
            self.dialogs.remove(box)

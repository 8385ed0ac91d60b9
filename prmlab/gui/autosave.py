"""Nothing the user made is lost: the session is saved every ~30 s and on quit to the
per-user data folder, and after a crash or a kill the next start offers to restore it.

A run holds a lock file in the folder (Qt's ``QLockFile`` knows a dead owner's lock is
stale) and leaves a ``running`` mark until it quits normally: a mark found by the next run
that gets the lock means the previous one did not quit. A second window running at the same
time does not get the lock and neither offers nor autosaves (one autosave file, one owner).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox

from prmlab.lab.session import SUFFIX, Session, SessionError, save_session

if TYPE_CHECKING:
    from prmlab.gui.main_window import MainWindow

log = logging.getLogger("prmlab")
INTERVAL_S = 30.0
ANSWERS = ("ask", "yes", "no")


def data_folder() -> Path:
    """The per-user data folder (QStandardPaths' AppDataLocation)."""
    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location))


class Autosave(QObject):
    """Owns the autosave file of one run: ``claim``, then ``start``; ``stop`` on quit."""

    def __init__(self, folder: Path | None = None, interval_s: float = INTERVAL_S) -> None:
        super().__init__()
        self.folder = folder or data_folder()
        self.path = self.folder / f"autosave{SUFFIX}"
        self._mark = self.folder / "running"
        self._lock = QLockFile(str(self.folder / "autosave.lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner makes it stale, never its age
        self._owner = False
        self._window: MainWindow | None = None
        self._timer = QTimer(self, interval=max(int(interval_s * 1000), 100))
        self._timer.timeout.connect(self.save_now)

    def claim(self) -> Path | None:
        """Take the folder for this run; the autosave left by a run that did not quit
        normally (None: nothing to restore, or another run owns the folder)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("Autosave off: cannot create %s (%s)", self.folder, exc.strerror)
            return None
        self._owner = self._lock.tryLock(0)
        if not self._owner:
            log.info("Autosave off: another prmlab window owns %s", self.folder)
            return None
        crashed = self._mark.exists() and self.path.is_file()
        self._mark.touch()
        return self.path if crashed else None

    def claim_and_offer(self, answer: str) -> Session | None:
        """``claim`` the folder; after a run that did not quit normally, the session it
        autosaved if ``answer`` says to restore it ("yes", "no", or "ask" the user), else None.
        An autosave that cannot be read is said in the log and not restored."""
        from prmlab.gui.sessions import read

        crashed = self.claim()
        if crashed is None or not wants_restore(answer, crashed):
            return None
        try:
            return read(crashed)
        except SessionError as exc:
            log.warning("The autosave could not be restored: %s", exc)
            return None

    def start(self, window: MainWindow) -> None:
        """Save ``window``'s session every interval from now on."""
        self._window = window
        if self._owner:
            self._timer.start()

    def save_now(self) -> None:
        if not self._owner or self._window is None:
            return
        try:
            save_session(self.path, self._window.sessions.session())
        except (SessionError, OSError) as exc:  # a full disk must not stop the user's work
            log.warning("Autosave failed: %s", exc)

    def stop(self) -> None:
        """The last save, then the run's mark and lock go: this run quit normally."""
        if not self._owner:
            return
        self._timer.stop()
        self.save_now()
        self._mark.unlink(missing_ok=True)
        self._lock.unlock()
        self._owner = False


def wants_restore(answer: str, path: Path) -> bool:
    """Whether to restore the autosave at ``path``: ``answer`` "yes"/"no" (tests, scripts)
    or "ask" the user in a dialog."""
    if answer != "ask":
        return answer == "yes"
    reply = QMessageBox.question(
        None,
        "Restore your work?",
        "prmlab did not quit normally last time.\n\n"
        f"Restore the work it saved automatically (in {path})?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return reply == QMessageBox.StandardButton.Yes

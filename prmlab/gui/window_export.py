"""Out of the main window: File ▸ Export figure (PNG/SVG) and Export results (CSV) of the
current panel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from prmlab.gui.widgets.text import elide


class ExportMixin:
    """``MainWindow``'s export part; a failure is said in the panel's message bar."""

    def export_figure(self, path: str | None = None) -> Path | None:
        """Write the current panel's figure to ``path`` (asking for it when None)."""
        from prmlab.gui.widgets.export import export_figure, figure_filter  # pandas: not at start

        panel = self.current_panel()
        path = self._save_path(path, "Export figure", f"{panel.name}.png", figure_filter())
        if path is None:
            return None
        panel.hide_transient()  # a hover tooltip describes the mouse, not the figure
        try:
            written = export_figure(panel.figure, path, below=panel.equations.exported())
        except (OSError, RuntimeError) as exc:
            panel.messages.error(f"Could not write the figure: {exc}")
            return None
        return self._written("Figure", written)

    def export_results(self, path: str | None = None) -> Path | None:
        """Write the current panel's results table to ``path`` (asking for it when None)."""
        from prmlab.gui.widgets.export import export_results

        panel = self.current_panel()
        frame = panel.results_frame()
        if frame is None:
            panel.messages.note("Nothing to export yet: run the panel first.")
            return None
        path = self._save_path(path, "Export results", f"{panel.name}-results.csv", "CSV (*.csv)")
        if path is None:
            return None
        try:
            written = export_results(frame, path)
        except OSError as exc:
            panel.messages.error(f"Could not write the results: {exc}")
            return None
        return self._written("Results", written)

    def _save_path(self, path: str | None, title: str, name: str, filters: str) -> str | None:
        """``path``, or the one the user picks (None: cancelled), starting at the last folder."""
        if path is not None:
            return path
        suggested = str(Path(self._last_dir()) / name)
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, filters)
        return path or None

    def _written(self, what: str, written: Path) -> Path:
        self._remember_dir(str(written))
        self.statusBar().showMessage(f"{what} written to {elide(str(written), 120)}", 8000)
        return written

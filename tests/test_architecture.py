"""engine/ and data/ import no Qt: checked in a fresh interpreter so nothing else leaks in."""

import pkgutil
import subprocess
import sys

import prmlab.data
import prmlab.engine

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "superqt", "qtpy")


def _modules(package) -> list[str]:
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        names.append(info.name)
    return names


def test_engine_and_data_import_no_qt():
    modules = _modules(prmlab.engine) + _modules(prmlab.data)
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt modules imported by engine/data: {out.stdout}"

"""Start-up: what the app imports before Qt, and what it leaves until it is needed (checked in
a fresh interpreter running ``main``, as ``prmlab`` starts)."""

import json
import subprocess
import sys

# Records which modules were loaded when PySide6 was first imported, runs the app's main
# (a screenshot of the SVM panel: no window on screen, no event loop left running, no
# warm-up), then prints both sets' parts that the test asks about.
PROBE = """
import importlib.abc
import json
import sys

at_qt = {}


class SeeQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "PySide6" and not at_qt:
            at_qt.update(dict.fromkeys(sys.modules))
        return None


sys.meta_path.insert(0, SeeQt())
from prmlab.gui.app import main

code = main(["--screenshot", sys.argv[1], "--panel", "svm"])
asked = ("numba", "numba.np.arraymath", "scipy.linalg", "prmlab.engine.svm", "av", "superqt")
print(json.dumps({
    "code": code,
    "before_qt": [m for m in asked if m in at_qt],
    "after_main": [m for m in asked if m in sys.modules],
}))
"""


def _run_probe(tmp_path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_panels_engine_loads_before_qt_and_numbas_registries_scipy_and_pyav_not_at_all(
    tmp_path,
):
    # PySide6 reads and searches the source of every module imported after it; the SVM demo's
    # kernels load from the cache without Numba's registries and SciPy's linalg (~0.2 s), and
    # PyAV is needed only once a recording starts
    _run_probe(tmp_path)  # fills Numba's cache if this is its first start
    seen = _run_probe(tmp_path)
    assert seen["code"] == 0
    assert (tmp_path / "svm.png").is_file()
    assert seen["before_qt"] == ["numba", "prmlab.engine.svm"]
    assert seen["after_main"] == ["numba", "prmlab.engine.svm"]

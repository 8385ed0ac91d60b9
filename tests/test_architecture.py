"""engine/, data/ and lab/ import no Qt, no floor imports one above it, and importing prmlab
changes nothing in the user's process: each checked in a fresh interpreter."""

import json
import pkgutil
import subprocess
import sys

import pytest

import prmlab.data
import prmlab.engine
import prmlab.lab

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "superqt", "qtpy")


def _modules(package) -> list[str]:
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        names.append(info.name)
    return names


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_engine_data_and_lab_import_no_qt():
    modules = _modules(prmlab.engine) + _modules(prmlab.data) + _modules(prmlab.lab)
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    assert _run(code) == "", "Qt modules imported by engine/data/lab"


@pytest.mark.parametrize(
    ("floor", "above"),
    [
        (prmlab.engine, ("prmlab.lab", "prmlab.gui", "prmlab.data")),
        (prmlab.data, ("prmlab.lab", "prmlab.gui", "prmlab.engine")),
        (prmlab.lab, ("prmlab.gui",)),
    ],
    ids=["engine", "data", "lab"],
)
def test_each_floor_imports_nothing_above_it(floor, above):
    """Data flows up: engine and data import no higher floor (nor each other), lab no GUI."""
    code = (
        "import importlib, sys\n"
        f"for m in {_modules(floor)!r}: importlib.import_module(m)\n"
        f"print(','.join(sorted(m for m in sys.modules if m.startswith({above!r}))))\n"
    )
    assert _run(code) == "", f"{floor.__name__} imports a floor above it"


# What the process looks like to a notebook: its environment, Numba's config (the threading
# layer, the cache folder) and every thread's priority (nice value, per thread on Linux).
SNAPSHOT = """
def snapshot():
    import os, numba
    tids = os.listdir("/proc/self/task") if os.path.isdir("/proc/self/task") else []
    return {
        "environ": dict(os.environ),
        "numba": {k: str(getattr(numba.config, k)) for k in (
            "THREADING_LAYER", "CACHE_DIR", "NUMBA_NUM_THREADS", "DISABLE_JIT")},
        "nice": {t: os.getpriority(os.PRIO_PROCESS, int(t)) for t in tids},
    }
"""


def test_importing_prmlab_changes_nothing_in_the_process():
    modules = ["prmlab"] + _modules(prmlab.engine) + _modules(prmlab.data)
    code = (
        SNAPSHOT
        + "import importlib, json\n"
        + "before = snapshot()\n"
        + f"for m in {modules!r}: importlib.import_module(m)\n"
        + "print(json.dumps([before, snapshot()]))\n"
    )
    before, after = json.loads(_run(code))
    assert after["environ"] == before["environ"]
    assert after["numba"] == before["numba"]
    # threads the libraries start (SciPy's OpenBLAS) keep the priority of the main thread
    main = before["nice"][min(before["nice"], key=int)]
    assert after["nice"] == {t: before["nice"].get(t, main) for t in after["nice"]}


def test_the_app_module_loads_before_numpy_so_its_tuning_can_apply():
    # main.py imports prmlab.gui.app; tune_process() in main() must run before NumPy loads
    code = "import sys, prmlab.gui.app\nprint(sorted({'numpy', 'numba', 'PySide6'} & set(sys.modules)))\n"
    assert _run(code) == "[]"


def test_tune_process_sets_only_what_the_user_did_not():
    code = (
        "import os\n"
        "os.environ['GOMP_SPINCOUNT'] = '7'\n"
        "from prmlab._process import tune_process\n"
        "layer = tune_process()\n"
        "import numba\n"
        "print(os.environ['OPENBLAS_THREAD_TIMEOUT'], os.environ['GOMP_SPINCOUNT'], layer,"
        " numba.config.THREADING_LAYER)\n"
    )
    timeout, spin, layer, config = _run(code).split()
    assert (timeout, spin) == ("4", "7")
    assert layer in ("tbb", "omp", "None")
    assert config == (layer if layer != "None" else "default")

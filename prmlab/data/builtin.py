"""Built-in data: real tables shipped in ``resources/datasets`` and seeded 2-D generators.

Every panel opens on one of these, so nothing here touches the disk beyond those three
small CSVs. Generators use ``np.random.default_rng(seed)`` only: same seed, same points.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np

from prmlab._checks import check_scalar
from prmlab.data.dataset import Dataset

#: The folder of the shipped CSVs in a checkout or an editable install, found relative to
#: this file so it works from any cwd. A wheel carries the same files as ``prmlab/datasets``
#: (``[tool.setuptools.package-dir]`` in pyproject), where ``importlib.resources`` finds them
#: in any install: ``--prefix``, ``--user``, a venv or the system's site-packages.
RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "datasets"
PACKAGED = "datasets"  # the tables' folder inside the installed ``prmlab`` package


def _resource(filename: str) -> Path:
    """A shipped CSV: the copy inside the installed package first, then the source tree's."""
    packaged = Path(str(resources.files("prmlab").joinpath(PACKAGED, filename)))
    for path in (packaged, RESOURCES / filename):
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"built-in data file {filename!r} is neither in {packaged.parent} (installed package) "
        f"nor in {RESOURCES} (source tree); reinstall prmlab"
    )


def _table(filename: str, name: str, label_column: str | None, source: str) -> Dataset:
    """A shipped CSV as a Dataset; these files are ours and clean, so read them directly."""
    import pandas as pd  # here: it takes ~0.3 s to import, and the app's first demo needs none

    frame = pd.read_csv(_resource(filename))
    y, class_names = None, []
    if label_column is not None:
        codes, uniques = pd.factorize(frame.pop(label_column))
        y, class_names = codes.astype(np.int64), [str(u) for u in uniques]
    return Dataset(
        X=np.ascontiguousarray(frame.to_numpy(dtype=np.float64)),
        feature_names=[str(c) for c in frame.columns],
        y=y,
        class_names=class_names,
        notes=[source],
        name=name,
    )


def iris() -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements in cm, 3 species."""
    return _table("iris.csv", "Iris", "class", "Fisher's iris data (1936), 150 x 4, 3 species")


def wine() -> Dataset:
    """UCI wine recognition: 178 wines, 13 chemical measurements, 3 cultivars."""
    return _table("wine.csv", "Wine", "class", "UCI wine recognition data, 178 x 13, 3 cultivars")


def old_faithful() -> Dataset:
    """Old Faithful geyser: eruption length and waiting time (minutes), 272 eruptions, no labels."""
    return _table(
        "old_faithful.csv",
        "Old Faithful",
        None,
        "Old Faithful geyser (R 'faithful', Haerdle 1991), 272 x 2: eruptions, waiting (min)",
    )


def _rng(seed: int | None) -> np.random.Generator:
    """The generators' one source of randomness; a bad seed is named as such."""
    if seed is not None:
        seed = check_scalar(seed, "seed", integer=True, ge=0)
    return np.random.default_rng(seed)


def _points(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator, name: str, note: str
) -> Dataset:
    """Shuffle generated points (so classes are not in blocks) and wrap them as a Dataset."""
    order = rng.permutation(len(y))
    n_classes = int(y.max()) + 1 if len(y) else 0
    return Dataset(
        X=np.ascontiguousarray(X[order], dtype=np.float64),
        feature_names=["x1", "x2"],
        y=y[order].astype(np.int64),
        class_names=[f"class {k}" for k in range(n_classes)],
        notes=[note],
        name=name,
    )


def _split(n_samples: int, k: int) -> np.ndarray:
    """How many of ``n_samples`` go to each of ``k`` groups, as evenly as possible."""
    return np.full(k, n_samples // k) + (np.arange(k) < n_samples % k)


def blobs(
    n_samples: int = 300,
    centers: int = 3,
    cluster_std: float = 1.0,
    seed: int | None = None,
) -> Dataset:
    """Isotropic Gaussian clusters with centres drawn uniformly in [-10, 10]^2."""
    n_samples = check_scalar(n_samples, "n_samples", integer=True, ge=1)
    centers = check_scalar(centers, "centers", integer=True, ge=1, le=n_samples)
    cluster_std = check_scalar(cluster_std, "cluster_std", ge=0)
    rng = _rng(seed)
    means = rng.uniform(-10.0, 10.0, size=(centers, 2))
    y = np.repeat(np.arange(centers), _split(n_samples, centers))
    X = means[y] + rng.normal(scale=cluster_std, size=(n_samples, 2))
    return _points(X, y, rng, "Blobs", f"{centers} Gaussian blobs, std {cluster_std:g}")


def moons(n_samples: int = 200, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Two interleaving half circles (not linearly separable)."""
    n_samples = check_scalar(n_samples, "n_samples", integer=True, ge=2)
    noise = check_scalar(noise, "noise", ge=0)
    rng = _rng(seed)
    n_out, n_in = _split(n_samples, 2)
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)]),
        ]
    )
    X += rng.normal(scale=noise, size=X.shape)
    y = np.repeat([0, 1], [n_out, n_in])
    return _points(X, y, rng, "Moons", f"two moons, noise {noise:g}")


def circles(
    n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = None
) -> Dataset:
    """A small circle (class 1, radius ``factor``) inside a unit circle (class 0)."""
    n_samples = check_scalar(n_samples, "n_samples", integer=True, ge=2)
    noise = check_scalar(noise, "noise", ge=0)
    factor = check_scalar(factor, "factor", gt=0, lt=1)
    rng = _rng(seed)
    n_out, n_in = _split(n_samples, 2)
    # endpoint=False: 0 and 2*pi would put two points on top of each other
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    X += rng.normal(scale=noise, size=X.shape)
    y = np.repeat([0, 1], [n_out, n_in])
    return _points(X, y, rng, "Circles", f"two circles, factor {factor:g}, noise {noise:g}")


def xor(n_samples: int = 200, noise: float = 0.2, seed: int | None = None) -> Dataset:
    """Points uniform in [-1, 1]^2, class 1 where x1 and x2 have the same sign, then jittered."""
    n_samples = check_scalar(n_samples, "n_samples", integer=True, ge=2)
    noise = check_scalar(noise, "noise", ge=0)
    rng = _rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (np.sign(X[:, 0]) == np.sign(X[:, 1])).astype(np.int64)
    X += rng.normal(scale=noise, size=X.shape)
    return _points(X, y, rng, "XOR", f"XOR quadrants, noise {noise:g}")


#: Menu name -> zero-argument-callable (generators use their defaults, seed None).
BUILTIN: dict[str, Callable[..., Dataset]] = {
    "Iris": iris,
    "Wine": wine,
    "Old Faithful": old_faithful,
    "Blobs": blobs,
    "Moons": moons,
    "Circles": circles,
    "XOR": xor,
}

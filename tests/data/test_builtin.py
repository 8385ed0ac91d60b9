"""Built-in datasets: the shipped tables are the real ones, generators are seeded and sane."""

from pathlib import Path

import numpy as np
import pytest

from prmlab.data import builtin
from prmlab.data.dataset import Dataset


def _check(ds: Dataset) -> None:
    assert ds.X.dtype == np.float64 and ds.X.ndim == 2
    assert np.isfinite(ds.X).all()
    assert len(ds.feature_names) == ds.n_features
    if ds.y is not None:
        assert ds.y.shape == (ds.n_samples,)
        assert ds.y.dtype.kind == "i"
        assert set(np.unique(ds.y)) == set(range(len(ds.class_names)))
    assert ds.name and ds.notes


def test_iris():
    ds = builtin.iris()
    _check(ds)
    assert ds.X.shape == (150, 4)
    assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert np.bincount(ds.y).tolist() == [50, 50, 50]
    np.testing.assert_allclose(ds.X.mean(axis=0), [5.843333, 3.057333, 3.758, 1.199333], atol=1e-5)


def test_wine():
    ds = builtin.wine()
    _check(ds)
    assert ds.X.shape == (178, 13)
    assert np.bincount(ds.y).tolist() == [59, 71, 48]
    assert ds.feature_names[0] == "alcohol" and ds.feature_names[-1] == "proline"


def test_old_faithful_is_r_faithful():
    ds = builtin.old_faithful()
    _check(ds)
    assert ds.X.shape == (272, 2) and ds.y is None
    assert ds.feature_names == ["eruptions", "waiting"]
    # R: mean(faithful$eruptions) = 3.487783, mean(faithful$waiting) = 70.89706
    np.testing.assert_allclose(ds.X.mean(axis=0), [3.487783, 70.89706], atol=1e-5)
    assert ds.X[:, 0].min() == 1.6 and ds.X[:, 0].max() == 5.1
    assert ds.X[:, 1].min() == 43 and ds.X[:, 1].max() == 96


@pytest.mark.parametrize("gen", [builtin.blobs, builtin.moons, builtin.circles, builtin.xor])
def test_generators_are_seeded_2d_and_labelled(gen):
    a, b, c = gen(seed=1), gen(seed=1), gen(seed=2)
    _check(a)
    assert a.n_features == 2
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert a.n_samples == gen.__defaults__[0]
    # shuffled: classes are not in one block each
    assert (np.diff(a.y) != 0).sum() > len(a.class_names)


@pytest.mark.parametrize("n", [2, 7, 301])
def test_generator_sizes(n):
    assert builtin.blobs(n_samples=n, centers=2, seed=0).n_samples == n
    assert builtin.moons(n_samples=n, seed=0).n_samples == n
    assert builtin.circles(n_samples=n, seed=0).n_samples == n
    assert builtin.xor(n_samples=n, seed=0).n_samples == n


def test_blobs_centers_and_classes():
    ds = builtin.blobs(n_samples=300, centers=4, cluster_std=0.0, seed=3)
    assert len(ds.class_names) == 4
    assert np.bincount(ds.y).tolist() == [75, 75, 75, 75]
    assert len(np.unique(ds.X, axis=0)) == 4  # std 0: every point sits on its centre


def test_noise_free_shapes():
    circ = builtin.circles(noise=0.0, factor=0.3, seed=0)
    r = np.hypot(*circ.X.T)
    np.testing.assert_allclose(r[circ.y == 0], 1.0)
    np.testing.assert_allclose(r[circ.y == 1], 0.3)
    x = builtin.xor(noise=0.0, seed=0)
    np.testing.assert_array_equal(x.y == 1, np.sign(x.X[:, 0]) == np.sign(x.X[:, 1]))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: builtin.blobs(n_samples=0), "n_samples"),
        (lambda: builtin.moons(noise=-1), "noise"),
        (lambda: builtin.circles(factor=1.5), "factor"),
        (lambda: builtin.xor(seed=-3), "seed must be >= 0"),
        (lambda: builtin.moons(seed=1.5), "seed must be an integer"),
        (lambda: builtin.blobs(n_samples=2, centers=5), "centers"),
    ],
)
def test_bad_parameters_are_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_builtin_menu_covers_all():
    for name, fn in builtin.BUILTIN.items():
        ds = fn()
        _check(ds)
        assert ds.name == name


def test_shipped_tables_found_in_the_package_then_the_source_tree(tmp_path, monkeypatch):
    package, source = tmp_path / "prmlab", tmp_path / "source"
    (package / builtin.PACKAGED).mkdir(parents=True)
    source.mkdir()
    real = builtin._resource("iris.csv")
    monkeypatch.setattr(builtin.resources, "files", lambda name: package)
    monkeypatch.setattr(builtin, "RESOURCES", source)
    with pytest.raises(FileNotFoundError, match="neither in") as info:
        builtin.iris()
    assert str(source) in str(info.value) and str(package) in str(info.value)
    (source / "iris.csv").write_bytes(real.read_bytes())
    assert builtin._resource("iris.csv") == source / "iris.csv"
    assert builtin.iris().X.shape == (150, 4)
    (package / builtin.PACKAGED / "iris.csv").write_text("a,class\n1,x\n")
    assert builtin._resource("iris.csv") == package / builtin.PACKAGED / "iris.csv"
    assert builtin.iris().X.shape == (1, 1)


def test_every_package_is_listed_for_the_wheel():
    """pyproject lists the packages by hand (the tables are mapped in as ``prmlab.datasets``):
    a package missing from the list would be missing from every non-editable install."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "prmlab").rglob("__init__.py")
    }
    listed = set(config["packages"])
    assert listed - {"prmlab.datasets"} == on_disk
    assert config["package-dir"]["prmlab.datasets"] == "resources/datasets"

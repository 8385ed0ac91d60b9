"""lab.table: the one standardising (ddof=0) and the 2-D views by the engine's PCA."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.engine.pca import PCA
from prmlab.lab.table import plane, standardise


def test_standardise_uses_ddof_0_and_leaves_constant_columns_at_zero():
    X = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    Z = standardise(X)
    np.testing.assert_allclose(Z[:, 0], (X[:, 0] - 3) / np.std(X[:, 0]))
    assert np.all(Z[:, 1] == 0)


def test_plane_is_two_columns_or_the_engines_pcs():
    X = np.random.default_rng(0).normal(size=(40, 3)) * [1.0, 3.0, 0.1]
    names = ("a", "b", "c")
    view = plane(X, names, x=2, y=0, standardised=True)
    np.testing.assert_array_equal(view.points, standardise(X)[:, [2, 0]])
    assert view.axis_names == ("c (z)", "a (z)")
    pcs = plane(X, names, view="pcs")
    np.testing.assert_array_equal(pcs.points, PCA(2).fit(X).transform(X))
    assert pcs.axis_names[0].startswith("PC1 (")


def test_plane_refuses_a_bad_view_or_column():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="view must be one of features, pcs, got 'pc'"):
        plane(X, ("a", "b"), view="pc")
    with pytest.raises(ValueError, match="y must be a column index in 0..1, got 5"):
        plane(X, ("a", "b"), y=5)

"""The Numba flags module: a per-user cache when the package folder is read-only, no fastmath."""

from __future__ import annotations

import os

import pytest

from prmlab.engine import _jit


def test_read_only_package_falls_back_to_a_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(_jit.sys, "platform", "linux")
    monkeypatch.setattr(_jit.os, "access", lambda path, mode: False)
    _jit._choose_cache_dir()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "prmlab" / "numba")


def test_writable_package_keeps_the_default_cache(monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(_jit.os, "access", lambda path, mode: True)
    _jit._choose_cache_dir()
    assert "NUMBA_CACHE_DIR" not in os.environ


def test_kernels_are_nogil_and_cached_and_fastmath_is_refused():
    @_jit.jit
    def add(a, b):
        return a + b

    assert add(1.0, 2.0) == 3.0
    assert add.targetoptions["nogil"] and add._cache.__class__.__name__ != "NullCache"
    with pytest.raises(TypeError, match="fastmath"):
        _jit.jit(fastmath=True)

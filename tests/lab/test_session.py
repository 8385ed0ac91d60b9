"""Session files: states round-trip exactly; damaged, hostile and too-new files are refused
with a message and leave nothing half-read."""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np
import pytest

from prmlab.lab import session as S


def _session() -> S.Session:
    rng = np.random.default_rng(0)
    svm = {
        "C": math.inf,
        "gamma": 0.5,
        "kernel": "rbf",
        "points": rng.normal(size=(50, 2)),
        "labels": np.arange(50) % 2,
        "window": (0.0, 1.0),
        "missing": math.nan,
        "low": -math.inf,
        "nested": {"flags": [True, False, None], "seed": 3},
    }
    gmm = {"k": 3, "means": rng.normal(size=(3, 2)).astype(np.float32), "empty": np.zeros((0, 2))}
    return S.Session(
        panels={"svm": S.PanelState(2, svm), "gmm": S.PanelState(1, gmm)}, current="gmm"
    )


def test_round_trip_is_exact(tmp_path):
    saved = _session()
    path = S.save_session(tmp_path / "demo.prmlab", saved)
    loaded = S.load_session(path)
    assert loaded.current == "gmm" and loaded.app_version == saved.app_version
    svm = loaded.panels["svm"]
    assert svm.version == 2
    assert svm.state["C"] == math.inf and svm.state["low"] == -math.inf
    assert math.isnan(svm.state["missing"])
    assert svm.state["window"] == [0.0, 1.0]  # tuples come back as lists
    assert svm.state["nested"] == {"flags": [True, False, None], "seed": 3}
    for key in ("points", "labels"):
        original = saved.panels["svm"].state[key]
        np.testing.assert_array_equal(svm.state[key], original)
        assert svm.state[key].dtype == original.dtype and svm.state[key].flags.writeable
    means = loaded.panels["gmm"].state["means"]
    assert means.dtype == np.float32
    assert loaded.panels["gmm"].state["empty"].shape == (0, 2)


def test_manifest_is_standard_json_with_versions(tmp_path):
    path = S.save_session(tmp_path / "a.prmlab", _session())
    with zipfile.ZipFile(path) as archive:
        text = archive.read(S.MANIFEST).decode()
    manifest = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard {c}"))
    assert manifest["format_version"] == S.FORMAT_VERSION
    assert manifest["panels"]["svm"]["state"]["C"] == {"$float": "inf"}
    assert all(len(meta["sha256"]) == 64 for meta in manifest["arrays"].values())


def test_a_million_points_round_trip(tmp_path):
    points = np.random.default_rng(1).normal(size=(1_000_000, 2))
    path = S.save_session(
        tmp_path / "big.prmlab", S.Session({"pca": S.PanelState(1, {"X": points})})
    )
    np.testing.assert_array_equal(S.load_session(path).panels["pca"].state["X"], points)


def test_unsaveable_values_are_named(tmp_path):
    with pytest.raises(S.SessionError, match=r"svm\.model: a object cannot"):
        S.save_session(
            tmp_path / "x.prmlab", S.Session({"svm": S.PanelState(1, {"model": object()})})
        )
    with pytest.raises(S.SessionError, match="Python objects"):
        S.save_session(
            tmp_path / "x.prmlab",
            S.Session({"svm": S.PanelState(1, {"a": np.array([{}, []], dtype=object)})}),
        )
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_a_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = S.save_session(tmp_path / "keep.prmlab", _session())
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np.lib.format, "write_array", disk_full)
    with pytest.raises(S.SessionError, match="No space left"):
        S.save_session(path, _session())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.prmlab"]


def _rewrite(path, edit) -> None:
    """Rewrite the session's members through ``edit(members) -> members``."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members = edit(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _manifest_edit(change):
    def edit(members):
        manifest = json.loads(members[S.MANIFEST])
        change(manifest)
        members[S.MANIFEST] = json.dumps(manifest).encode()
        return members

    return edit


def _npy(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.save(out, array, allow_pickle=True)
    return out.getvalue()


BAD = {
    "newer format": (_manifest_edit(lambda m: m.update(format_version=99)), "newer prmlab"),
    "no format": (_manifest_edit(lambda m: m.pop("format_version")), "integer format_version"),
    "missing array": (lambda m: {k: v for k, v in m.items() if k != "arrays/0.npy"}, "missing"),
    "changed array": (
        lambda m: {**m, "arrays/0.npy": _npy(np.ones((50, 2)))},
        "does not match its digest",
    ),
    "pickled array": (
        lambda m: {**m, "arrays/0.npy": _npy(np.array([{}, []], dtype=object))},
        "Python objects",
    ),
    "absurd shape": (
        lambda m: {
            **m,
            "arrays/0.npy": _npy(np.ones(4))[:10]
            + m["arrays/0.npy"][10:].replace(b"'shape': (50, 2)", b"'shape': (99999999999, 2)"),
        },
        "damaged",
    ),
    "truncated array": (lambda m: {**m, "arrays/0.npy": m["arrays/0.npy"][:200]}, "damaged"),
    "path traversal": (lambda m: {**m, "../../evil.txt": b"x"}, "outside the session"),
    "absolute path": (lambda m: {**m, "/etc/evil": b"x"}, "outside the session"),
    "json bomb": (
        lambda m: {**m, S.MANIFEST: b"[" * 100_000 + b"]" * 100_000},
        "not valid JSON|malformed",
    ),
    "Infinity": (
        _manifest_edit(lambda m: m["panels"]["svm"]["state"].update(C=math.inf)),
        "not valid JSON",
    ),
    "not json": (lambda m: {**m, S.MANIFEST: b"\xff\xfe garbage"}, "not valid JSON"),
    "no manifest": (lambda m: {k: v for k, v in m.items() if k != S.MANIFEST}, "no manifest"),
    "unlisted array": (
        _manifest_edit(lambda m: m["panels"]["svm"]["state"].update(points={"$array": "nope"})),
        "not listed",
    ),
    "bad float": (
        _manifest_edit(lambda m: m["panels"]["svm"]["state"].update(C={"$float": "big"})),
        "not a non-finite float",
    ),
    "bad panel": (_manifest_edit(lambda m: m["panels"].update(svm=[1, 2])), "malformed"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_sessions_are_refused_with_a_message(tmp_path, case):
    edit, message = BAD[case]
    path = S.save_session(tmp_path / "bad.prmlab", _session())
    _rewrite(path, edit)
    with pytest.raises(S.SessionError, match=message):
        S.load_session(path)


def test_files_that_are_no_session(tmp_path):
    text = tmp_path / "notes.prmlab"
    text.write_text("hello")
    with pytest.raises(S.SessionError, match="not a zip"):
        S.load_session(text)
    good = S.save_session(tmp_path / "good.prmlab", _session())
    cut = tmp_path / "cut.prmlab"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(S.SessionError):
        S.load_session(cut)
    with pytest.raises(S.SessionError, match="no such file"):
        S.load_session(tmp_path / "absent.prmlab")
    with pytest.raises(S.SessionError, match="folder"):
        S.load_session(tmp_path)


def test_migrations_bring_old_states_forward_and_newer_ones_are_refused(monkeypatch):
    monkeypatch.setattr(S, "_MIGRATIONS", {})
    S.register_migration("svm", 1, lambda s: {"gamma": s["g"]})
    S.register_migration("svm", 2, lambda s: {**s, "shrinking": True})
    old = S.PanelState(1, {"g": 0.5})
    assert S.migrate("svm", old, 3) == {"gamma": 0.5, "shrinking": True}
    assert S.migrate("svm", S.PanelState(3, {"x": 1}), 3) == {"x": 1}
    with pytest.raises(S.SessionError, match="newer prmlab"):
        S.migrate("svm", S.PanelState(4, {}), 3)
    with pytest.raises(S.SessionError, match="from version 0"):
        S.migrate("svm", S.PanelState(0, {}), 3)

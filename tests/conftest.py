"""Shared fixtures. Qt runs offscreen: set before anything imports Qt."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def private_user_folders(tmp_path_factory):
    """The run's own settings and data folders (QSettings, the autosave), inherited by the
    apps the tests start: the suite runs in parallel workers (``-n auto``), and a worker's
    stored window state or autosave must not change what another worker's window shows, nor
    the user's own settings."""
    saved = {name: os.environ.get(name) for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    home = tmp_path_factory.mktemp("user")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

"""The command line's arguments: ``python main.py --help`` lists them (``prmlab.gui.app``
runs them). Imports nothing heavy: the parser is built before the process is tuned."""

from __future__ import annotations

import argparse

from prmlab.gui.panels import PANEL_NAMES


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``main.py``'s arguments (every option with its help line)."""
    p = argparse.ArgumentParser(prog="prmlab", description="A visual lab for pattern recognition.")
    p.add_argument("--panel", choices=PANEL_NAMES, help="open on this panel")
    p.add_argument(
        "--data", metavar="FILE.csv", help="load this CSV into every panel that can use it"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of all randomness (default 0)")
    p.add_argument(
        "--screenshot",
        metavar="DIR",
        help="run each panel's demo, write DIR/<panel>.png and exit (works without a display)",
    )
    p.add_argument(
        "--session",
        metavar="FILE.prmlab",
        help="open this session: its panels show their saved States (no demo runs)",
    )
    p.add_argument(
        "--save-session",
        metavar="FILE.prmlab",
        help="write the session and exit: with --screenshot, of what was screenshotted; "
        "without, after the shown panel's demo has run",
    )
    p.add_argument(
        "--compare",
        nargs="?",
        const="",
        metavar="PRESET",
        help="open the panel (--panel) in compare mode with this comparison preset, matched "
        "case-insensitively by its start (bare: the panel's first)",
    )
    p.add_argument(
        "--record",
        metavar="FILE.mp4|FILE.gif",
        help="play the panel's demo (or the session's State) and record its figure to this "
        "MP4 or GIF, then exit (works without a display; needs PyAV)",
    )
    p.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        metavar="S",
        help="--record: seconds of playback (default 10)",
    )
    p.add_argument(
        "--fps",
        type=float,
        default=15.0,
        metavar="F",
        help="--record: frames a second, up to 30 (default 15)",
    )
    p.add_argument(
        "--theme",
        choices=("light", "dark"),
        help="the theme (screenshot and session modes use light, not the stored one)",
    )
    p.add_argument("--font-size", type=int, metavar="PT", help="the font size in points")
    p.add_argument(
        "--restore-autosave",
        choices=("ask", "yes", "no"),
        default="ask",
        help="after a crash, restore the autosaved work: ask (default), yes or no",
    )
    p.add_argument(
        "--autosave-every",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="autosave interval (default 30 s; also saved on quit)",
    )
    p.add_argument("--verbose", action="store_true", help="log more")
    return p

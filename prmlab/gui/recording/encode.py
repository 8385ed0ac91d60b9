"""Frames (``(height, width, 3)`` uint8 RGB arrays) to an MP4 (H.264) or a GIF through PyAV.

No Qt here: a writer is fed from a worker thread (PyAV releases the GIL while FFmpeg
encodes), and a test can drive it with plain arrays.

- MP4: libx264, yuv420p, which needs even sizes: frames are cropped by a pixel row/column.
- The first frame's size is the video's: a later frame of another size is scaled to fit it
  whole, letterboxed (``fit_frame``), in the writer's thread.
- GIF: FFmpeg's palettegen/paletteuse filters, in two passes: the frames are kept
  zlib-compressed (plots compress ~20x) until the end, one palette is made from all of them,
  then each frame is mapped onto it. One palette for the whole clip keeps the colours of a
  density map steady from frame to frame, and palettegen's choice does not band as
  Pillow's quantisers did (issue #20's measurements).
"""

from __future__ import annotations

import importlib.util
import zlib
from fractions import Fraction
from pathlib import Path
from typing import Protocol

import numpy as np

FORMATS = (".mp4", ".gif")
MAX_FPS = 30


class RecordingUnavailable(RuntimeError):
    """PyAV (the encoder) is not installed."""


NOT_INSTALLED = (
    "Recording needs PyAV, which is not installed: "
    'pip install "prmlab[record]" (or pip install "av<19").'
)


def unavailable_reason() -> str | None:
    """Why recording cannot work here, in words with the fix; None when it can.

    PyAV is looked for, not imported: the window asks at start-up, and importing it there
    took ~0.1 s (50 modules) before the first demo was drawn. ``open_writer`` imports it."""
    return NOT_INSTALLED if importlib.util.find_spec("av") is None else None


def check_output(path: str | Path, fps: float) -> Path:
    """``path`` as a Path if a recording can be written there at ``fps`` frames a second.

    Raises ValueError naming what is wrong and the fix (an unknown extension, a folder that
    does not exist or cannot be written, a frame rate out of range) before anything is
    recorded.
    """
    out = Path(path)
    if out.suffix.lower() not in FORMATS:
        raise ValueError(
            f"the recording's file must end in .mp4 or .gif, got {str(out)!r}: "
            "name it e.g. demo.mp4 or demo.gif"
        )
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"fps must be in (0, {MAX_FPS}], got {fps}: pick e.g. 15")
    folder = out.resolve().parent
    if not folder.is_dir():
        raise ValueError(
            f"the recording's folder {str(folder)!r} does not exist: create it or pick another"
        )
    if out.is_dir():
        raise ValueError(f"{str(out)!r} is a folder: give a file name ending in .mp4 or .gif")
    try:  # the one honest test of writability (ACLs, read-only mounts): create the file
        with open(out, "ab"):
            pass
    except OSError as exc:
        raise ValueError(
            f"cannot write the recording to {str(out)!r} ({exc.strerror}): pick another folder"
        ) from None
    return out


class FrameWriter(Protocol):
    """What ``open_writer`` returns: ``add`` frames, then ``close`` once."""

    frames: int

    def add(self, frame: np.ndarray) -> None: ...

    def close(self) -> None: ...


def open_writer(path: str | Path, fps: float) -> FrameWriter:
    """A writer of ``path`` (.mp4 or .gif, checked by ``check_output``) at ``fps``."""
    reason = unavailable_reason()
    if reason:
        raise RecordingUnavailable(reason)
    try:
        import av  # noqa: F401
    except ImportError as exc:  # found but not importable (a broken install)
        raise RecordingUnavailable(f"{NOT_INSTALLED} ({exc})") from exc
    out = Path(path)
    return GifWriter(out, fps) if out.suffix.lower() == ".gif" else Mp4Writer(out, fps)


def fit_frame(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``frame`` at ``size`` (height, width), the video's (its first frame's) size.

    A frame within a pixel of it is cropped or padded at its bottom/right (libx264's even
    size). One of another size (a window resized while recording, presenter mode's full
    screen) is scaled, its aspect ratio kept, and centred on the frame's background (its
    corners' colour when they agree, else white): the whole picture, never cropped.
    Scaled by FFmpeg's area-averaging scaler (PyAV's ``reformat``), off the GUI thread as
    the writers run there.
    """
    h, w = size
    fh, fw = frame.shape[:2]
    if (fh, fw) == (h, w):
        return frame
    if abs(fh - h) > 1 or abs(fw - w) > 1:
        scale = min(h / fh, w / fw)
        sh, sw = max(1, min(h, round(fh * scale))), max(1, min(w, round(fw * scale)))
        background = _background(frame)
        if (sh, sw) != (fh, fw):
            frame = _scaled(frame, sh, sw)
    else:
        background = np.full(3, 255, dtype=np.uint8)
        sh, sw = min(h, fh), min(w, fw)
    fitted = np.empty((h, w, 3), dtype=np.uint8)
    fitted[...] = background
    top, left = (h - sh) // 2, (w - sw) // 2
    fitted[top : top + sh, left : left + sw] = frame[:sh, :sw]
    return fitted


def _background(frame: np.ndarray) -> np.ndarray:
    """The colour around a letterboxed frame: its corners' when all four agree, else white."""
    corners = frame[[0, 0, -1, -1], [0, -1, 0, -1]]
    if (corners == corners[0]).all():
        return corners[0].copy()
    return np.full(3, 255, dtype=np.uint8)


def _scaled(frame: np.ndarray, height: int, width: int) -> np.ndarray:
    """``frame`` resampled to ``height`` x ``width`` (area averaging: smooth, no aliasing)."""
    import av

    video = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
    return video.reformat(
        width=width, height=height, format="rgb24", interpolation="AREA"
    ).to_ndarray()


class _Fitter:
    """``fit_frame`` to the first frame's size (``size``), the last result reused for the
    same array (a repeated frame: a late tick, an unchanged figure) rather than scaled
    again."""

    def __init__(self) -> None:
        self.size: tuple[int, int] | None = None
        self._last: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if self._last is not None and self._last[0] is frame:
            return self._last[1]
        fitted = fit_frame(frame, self.size)
        self._last = frame, fitted
        return fitted


class Mp4Writer:
    """H.264 in MP4, frames encoded as they come."""

    def __init__(self, path: Path, fps: float) -> None:
        import av

        self.path, self.fps, self.frames = path, fps, 0
        self._fit = _Fitter()
        self._container = av.open(str(path), mode="w")
        self._stream = None

    def add(self, frame: np.ndarray) -> None:
        import av

        if self._fit.size is None:  # libx264 refuses odd sizes: crop a row/column
            h, w = frame.shape[:2]
            self._fit.size = (max(2, h - h % 2), max(2, w - w % 2))
            stream = self._container.add_stream(
                "libx264", rate=Fraction(self.fps).limit_denominator(1001)
            )
            stream.height, stream.width = self._fit.size
            stream.pix_fmt = "yuv420p"
            # plots are flat colours and thin lines: a low CRF keeps the lines sharp
            stream.options = {"crf": "20", "preset": "veryfast"}
            self._stream = stream
        video = av.VideoFrame.from_ndarray(self._fit(frame), format="rgb24")
        video.pts = self.frames
        self._container.mux(self._stream.encode(video))
        self.frames += 1

    def close(self) -> None:
        if self._stream is not None:
            self._container.mux(self._stream.encode(None))
        self._container.close()


class GifWriter:
    """A GIF with one FFmpeg palette for the whole clip (two passes at ``close``)."""

    # error diffusion (FFmpeg's default) over one clip-wide palette: no bands on densities;
    # only each frame's changed rectangle is stored
    dither = "dither=sierra2_4a:diff_mode=rectangle"

    def __init__(self, path: Path, fps: float) -> None:
        self.path, self.fps, self.frames = path, fps, 0
        self._fit = _Fitter()
        self._kept: list[bytes] = []

    def add(self, frame: np.ndarray) -> None:
        if self._fit.size is None:
            self._fit.size = frame.shape[:2]
        # level 1: ~20x smaller for plots at a fraction of the encoding's time
        self._kept.append(zlib.compress(self._fit(frame).tobytes(), 1))
        self.frames += 1

    def _frames(self):
        import av

        h, w = self._fit.size
        for i, data in enumerate(self._kept):
            array = np.frombuffer(zlib.decompress(data), dtype=np.uint8).reshape(h, w, 3)
            video = av.VideoFrame.from_ndarray(array, format="rgb24")
            video.pts, video.time_base = i, self._time_base
            yield video

    @property
    def _time_base(self) -> Fraction:
        return 1 / Fraction(self.fps).limit_denominator(1001)

    def _palette(self):
        import av

        h, w = self._fit.size
        graph = av.filter.Graph()
        src = graph.add_buffer(width=w, height=h, format="rgb24", time_base=self._time_base)
        # full statistics: every frame's colours count, so the clip's last frames (the
        # densest picture of a demo) get their shades too
        gen = graph.add("palettegen", "stats_mode=full")
        sink = graph.add("buffersink")
        src.link_to(gen)
        gen.link_to(sink)
        graph.configure()
        for frame in self._frames():
            src.push(frame)
        src.push(None)
        return sink.pull()

    def close(self) -> None:
        import av

        container = av.open(str(self.path), mode="w", format="gif")
        if not self._kept:
            container.close()
            return
        palette = self._palette()
        h, w = self._fit.size
        graph = av.filter.Graph()
        src = graph.add_buffer(width=w, height=h, format="rgb24", time_base=self._time_base)
        pal = graph.add_buffer(
            width=palette.width,
            height=palette.height,
            format=palette.format.name,
            time_base=self._time_base,
        )
        use = graph.add("paletteuse", self.dither)
        sink = graph.add("buffersink")
        src.link_to(use, 0, 0)
        pal.link_to(use, 0, 1)
        use.link_to(sink)
        graph.configure()
        pal.push(palette)
        pal.push(None)
        stream = container.add_stream("gif", rate=Fraction(self.fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = w, h, "pal8"
        for frame in self._frames():
            src.push(frame)
            self._drain(sink, stream, container)
        src.push(None)
        self._drain(sink, stream, container)
        container.mux(stream.encode(None))
        container.close()
        self._kept.clear()

    @staticmethod
    def _drain(sink, stream, container) -> None:
        import av

        while True:
            try:
                frame = sink.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                return
            frame.pict_type = av.video.frame.PictureType.NONE
            container.mux(stream.encode(frame))

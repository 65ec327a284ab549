"""Small real videos made with ffmpeg for the tests (a few seconds each), made once per run.

Made once for all the run's processes (tests/shared.py), in the run's directory, which
tests/conftest.py removes after a green run; each test gets a copy of its own.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.shared import made_once


RECIPES = {
    # name: (ffmpeg output arguments, size, rate, with audio)
    "h264.mp4": (
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-movflags", "+faststart"],
        "640x360", "25", True,
    ),
    "prores.mov": (
        ["-c:v", "prores_ks", "-profile:v", "0", "-c:a", "pcm_s16le"],
        "480x270", "30000/1001", True,
    ),
    "xdcam.mxf": (
        ["-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-b:v", "8M", "-flags", "+ildct+ilme",
         "-top", "1", "-c:a", "pcm_s16le", "-f", "mxf"],
        "720x576", "25", True,
    ),
    "anamorphic.mxf": (
        ["-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-b:v", "8M", "-aspect", "16:9",
         "-c:a", "pcm_s16le", "-f", "mxf"],
        "720x576", "25", True,
    ),
    "silent.mp4": (
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
        "320x180", "50", False,
    ),
    "h264-1080.mp4": (
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-b:v", "12M",
         "-c:a", "aac"],
        "1920x1080", "25", True,
    ),
}  # fmt: skip


def make_video(name: str, seconds: float = 3) -> Path:
    """A test video (see RECIPES), generated once per run; returns a path to a fresh copy."""

    def generate(directory: Path) -> None:
        output_args, size, rate, with_audio = RECIPES[name]
        inputs = ["-f", "lavfi", "-i", "testsrc2=size=%s:rate=%s" % (size, rate)]
        if with_audio:
            inputs += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-t", str(seconds),
             *output_args, str(directory / name)],
            check=True,
        )  # fmt: skip

    cached = made_once("video-%s-%s" % (seconds, name), generate) / name
    copy = Path(tempfile.mkdtemp(prefix="newsroom-video-")) / name
    shutil.copyfile(cached, copy)
    return copy


def make_audio_only() -> Path:
    target = Path(tempfile.mkdtemp(prefix="newsroom-audio-")) / "interview.m4a"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         "sine=frequency=440:sample_rate=48000", "-t", "2", "-c:a", "aac", str(target)],
        check=True,
    )  # fmt: skip
    return target


def truncate(path: Path, keep: float = 0.5) -> Path:
    data = path.read_bytes()
    target = path.with_name("truncated-" + path.name)
    target.write_bytes(data[: int(len(data) * keep)])
    return target

"""Small real masters for the cutting tests, made with ffmpeg once per run (tests/shared.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.shared import made_once


X264_GOP12 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "12",
              "-keyint_min", "12", "-sc_threshold", "0", "-bf", "2"]  # fmt: skip
AAC = ["-c:a", "aac", "-b:a", "128k"]

MASTERS = {
    # name: (file name, size, rate, seconds, with audio, output arguments)
    "h264_25": ("h264-25.mp4", "320x180", "25", 3, True, [*X264_GOP12, *AAC]),
    "h264_2997": (
        "h264-2997.mp4", "320x180", "30000/1001", 3, True,
        ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "15",
         "-keyint_min", "15", "-sc_threshold", "0", *AAC],
    ),
    # B-frames after each I-frame in decode order show before it: open GOP
    "h264_open": (
        "h264-open.mp4", "320x180", "25", 3, True,
        ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-x264-params",
         "open-gop=1:keyint=12:min-keyint=12:scenecut=0:bframes=3:b-adapt=0", *AAC],
    ),
    "mpeg2_mxf": (
        "xdcam.mxf", "720x576", "25", 2, True,
        ["-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-b:v", "8M", "-flags", "+ildct+ilme",
         "-top", "1", "-c:a", "pcm_s16le", "-f", "mxf"],
    ),
    "prores": (
        "prores.mov", "320x180", "30000/1001", 2, True,
        ["-c:v", "prores_ks", "-profile:v", "0", "-c:a", "pcm_s16le"],
    ),
    # long enough (and re-encoded, open GOP) for a job to be seen running and killed
    "h264_open_long": (
        "h264-open-long.mp4", "640x360", "25", 12, True,
        ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-x264-params",
         "open-gop=1:keyint=12:min-keyint=12:scenecut=0:bframes=3:b-adapt=0", *AAC],
    ),
    "silent": ("silent.mp4", "320x180", "25", 3, False, X264_GOP12),
}  # fmt: skip


def make_master(kind: str) -> Path:
    """The master of that kind (see MASTERS); shared, so tests must not modify it."""
    name, size, rate, seconds, with_audio, output_args = MASTERS[kind]

    def generate(directory: Path) -> None:
        inputs = ["-f", "lavfi", "-i", "testsrc2=size=%s:rate=%s" % (size, rate)]
        if with_audio:
            inputs += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-t", str(seconds),
             *output_args, str(directory / name)],
            check=True,
        )  # fmt: skip

    return made_once("master-" + kind, generate) / name

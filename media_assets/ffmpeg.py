"""ffprobe/ffmpeg wrappers: argument lists (never a shell), local files only."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path


# ffmpeg may only open local files: no http, no hls playlists pointing elsewhere.
LOCAL_ONLY = ["-protocol_whitelist", "file"]
PROBE_TIMEOUT = 60
ENCODE_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class ProbeResult:
    duration: float
    width: int | None
    height: int | None
    frame_rate: Fraction | None
    video_codec: str
    audio_codec: str


def probe(path: Path) -> ProbeResult:
    completed = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            *LOCAL_ONLY,
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        check=True,
        timeout=PROBE_TIMEOUT,
    )
    data = json.loads(completed.stdout)
    video = next(
        (s for s in data.get("streams", []) if s.get("codec_type") == "video"), {}
    )
    audio = next(
        (s for s in data.get("streams", []) if s.get("codec_type") == "audio"), {}
    )
    rate = video.get("avg_frame_rate") or video.get("r_frame_rate") or "0/0"
    numerator, _sep, denominator = rate.partition("/")
    frame_rate = (
        Fraction(int(numerator), int(denominator))
        if denominator and int(denominator) and int(numerator)
        else None
    )
    return ProbeResult(
        duration=float(data.get("format", {}).get("duration") or 0),
        width=video.get("width"),
        height=video.get("height"),
        frame_rate=frame_rate,
        video_codec=video.get("codec_name", ""),
        audio_codec=audio.get("codec_name", ""),
    )


def extract_frame(source: Path, target: Path, at_seconds: float) -> None:
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            *LOCAL_ONLY,
            "-ss",
            "%.3f" % at_seconds,
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-q:v",
            "3",
            str(target),
        ],
        check=True,
        capture_output=True,
        timeout=PROBE_TIMEOUT,
    )


def make_preview(source: Path, target: Path, max_width: int = 640) -> None:
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", *LOCAL_ONLY, "-i", str(source),
            "-vf", "scale='min(%d,iw)':-2" % max_width,
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", str(target),
        ],
        check=True,
        capture_output=True,
        timeout=ENCODE_TIMEOUT,
    )  # fmt: skip

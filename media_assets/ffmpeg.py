"""ffprobe/ffmpeg, hardened: local files only, accepted containers only, bounded time and memory.

Every call passes an argument list (never a shell), ``-protocol_whitelist file`` (no network,
no ``data:``/``concat:`` tricks) and ``-format_whitelist`` of the broadcast containers we accept,
so a file that is really an HLS playlist (or anything else that makes ffmpeg open other files)
is refused before its first line is followed. After probing, ffmpeg is told the demuxer
explicitly (``-f mov``/``-f mxf``). Each process runs with an address-space limit and a timeout.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from media_assets import conf


logger = logging.getLogger(__name__)

# ffprobe's format_name for each container we accept, and the demuxer we then force.
ACCEPTED_FORMATS = {
    "mov,mp4,m4a,3gp,3g2,mj2": ("mov", "mp4"),  # MP4 and QuickTime MOV share a demuxer
    "mxf": ("mxf", "mxf"),
}
FORMAT_WHITELIST = "mov,mp4,m4a,3gp,3g2,mj2,mxf"
LOCAL_ONLY = ["-protocol_whitelist", "file", "-format_whitelist", FORMAT_WHITELIST]

# Broadcast frame rates: ffprobe's averages (e.g. 12500/501) snap to these when within 0.05 %.
BROADCAST_RATES = [
    Fraction(24000, 1001),
    Fraction(24),
    Fraction(25),
    Fraction(30000, 1001),
    Fraction(30),
    Fraction(48),
    Fraction(50),
    Fraction(60000, 1001),
    Fraction(60),
]


# What ffmpeg says when the address-space limit stops it (loading, or allocating later).
OUT_OF_MEMORY = (
    "failed to map segment",
    "Cannot allocate memory",
    "Out of memory",
    "malloc of size",
)


class MediaError(Exception):
    """ffmpeg/ffprobe refused or failed on a file; ``code`` is a models.ProcessingError value."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__("%s: %s" % (code, detail))
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ProbeResult:
    demuxer: str
    container: str
    duration: float
    width: int
    height: int
    frame_rate: Fraction | None
    scan_type: str
    video_codec: str
    audio_codec: str
    audio_channels: int
    bit_rate: int | None
    file_size: int

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_codec)

    @property
    def is_interlaced(self) -> bool:
        return self.scan_type.startswith("interlaced")


def limited(args: list[str], memory: int) -> list[str]:
    """The command run under util-linux's prlimit: an address-space limit, no core dump.

    prlimit sets the limits itself, so no Python runs between fork and exec (preexec_fn is
    unsafe once the checksum thread runs, and in threaded servers).
    """
    return ["prlimit", "--as=%d" % memory, "--core=0", "--", *args]


def run(args: list[str], *, timeout: float) -> subprocess.CompletedProcess:
    """Run ffmpeg/ffprobe within the memory limit and a timeout; MediaError on either."""
    try:
        completed = subprocess.run(
            limited(args, conf.ffmpeg_memory_limit()),
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise MediaError(
            "timeout", "%s stopped after %ds" % (args[0], timeout)
        ) from exc
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode == 127 or any(sign in stderr for sign in OUT_OF_MEMORY):
        raise MediaError("limit", _stderr_tail(completed))
    return completed


def _stderr_tail(completed: subprocess.CompletedProcess, lines: int = 6) -> str:
    text = completed.stderr.decode("utf-8", "replace").strip()
    return "\n".join(text.splitlines()[-lines:])


def probe_command(path: Path) -> list[str]:
    return [
        "ffprobe", "-v", "error", *LOCAL_ONLY,
        "-print_format", "json", "-show_format", "-show_streams", "file:" + str(path),
    ]  # fmt: skip


def exact_frame_rate(stream: dict) -> Fraction | None:
    candidates = []
    for key in ("r_frame_rate", "avg_frame_rate"):
        numerator, _sep, denominator = (stream.get(key) or "0/0").partition("/")
        try:
            if int(numerator) and int(denominator or 1):
                candidates.append(Fraction(int(numerator), int(denominator or 1)))
        except ValueError:
            continue
    for rate in candidates:
        for broadcast in BROADCAST_RATES:
            if abs(rate - broadcast) / broadcast < Fraction(5, 10000):
                return broadcast
    return candidates[0].limit_denominator(1001) if candidates else None


def scan_type(stream: dict) -> str:
    order = stream.get("field_order", "")
    if order == "progressive":
        return "progressive"
    if order in ("tt", "tb"):
        return "interlaced_tff"
    if order in ("bb", "bt"):
        return "interlaced_bff"
    return ""


# The first bytes of the containers we accept: an ISO/QuickTime box type, or the MXF header key.
QUICKTIME_BOXES = {
    b"ftyp",
    b"moov",
    b"mdat",
    b"wide",
    b"free",
    b"skip",
    b"pnot",
    b"uuid",
}
MXF_KEY = bytes.fromhex("060e2b34")


def _has_container_signature(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(16)
    return head[4:8] in QUICKTIME_BOXES or head.startswith(MXF_KEY)


def probe(path: Path) -> ProbeResult:
    """Read a master's technical metadata; MediaError when it is not a video we accept."""
    size = path.stat().st_size
    if size == 0:
        raise MediaError("empty")
    completed = run(probe_command(path), timeout=conf.probe_timeout())
    if completed.returncode != 0:
        detail = _stderr_tail(completed)
        # A known container that fails to parse is damaged or truncated; anything else
        # (text, images, playlists, other containers) is simply not an accepted video.
        damaged = _has_container_signature(path) and any(
            "[%s @" % name in detail for name in ACCEPTED_FORMATS
        )
        raise MediaError("damaged" if damaged else "not_video", detail)
    data = json.loads(completed.stdout or b"{}")
    format_info = data.get("format", {})
    format_name = format_info.get("format_name", "")
    if format_name not in ACCEPTED_FORMATS:
        raise MediaError("not_video", "container %r is not accepted" % format_name)
    streams = data.get("streams", [])
    videos = [
        stream
        for stream in streams
        if stream.get("codec_type") == "video"
        and not stream.get("disposition", {}).get("attached_pic")
    ]
    audios = [stream for stream in streams if stream.get("codec_type") == "audio"]
    if not videos:
        raise MediaError("audio_only" if audios else "not_video", "no video stream")
    video = videos[0]
    duration = float(format_info.get("duration") or video.get("duration") or 0)
    if duration <= 0 or not video.get("width"):
        raise MediaError("damaged", "no duration or picture size")
    demuxer, container = ACCEPTED_FORMATS[format_name]
    if container == "mp4" and "qt" in format_info.get("tags", {}).get(
        "major_brand", ""
    ):
        container = "mov"
    bit_rate = format_info.get("bit_rate")
    return ProbeResult(
        demuxer=demuxer,
        container=container,
        duration=duration,
        width=int(video["width"]),
        height=int(video["height"]),
        frame_rate=exact_frame_rate(video),
        scan_type=scan_type(video),
        video_codec=video.get("codec_name", ""),
        audio_codec=audios[0].get("codec_name", "") if audios else "",
        audio_channels=sum(int(stream.get("channels") or 0) for stream in audios),
        bit_rate=int(bit_rate) if bit_rate and bit_rate.isdigit() else None,
        file_size=size,
    )


def _input(source: Path, info: ProbeResult) -> list[str]:
    return [*LOCAL_ONLY, "-f", info.demuxer, "-i", "file:" + str(source)]


def poster_command(
    source: Path, target: Path, info: ProbeResult, *, at_seconds: float
) -> list[str]:
    # The thumbnail filter picks the most representative of the next 25 frames, skipping a
    # black or blurred one; interlaced masters are deinterlaced first.
    filters = ["bwdif" if info.is_interlaced else "null", "thumbnail=n=25"]
    return [
        "ffmpeg", "-nostdin", "-v", "error", "-y",
        "-ss", "%.3f" % at_seconds, *_input(source, info),
        "-vf", ",".join(filters), "-frames:v", "1", "-q:v", "3", "file:" + str(target),
    ]  # fmt: skip


def preview_command(source: Path, target: Path, info: ProbeResult) -> list[str]:
    # Square pixels at most PREVIEW_WIDTH wide, even sizes for x264; -xerror stops on the
    # first damaged packet, so a truncated master fails here instead of yielding half a preview.
    width = conf.preview_width()
    filters = [
        "bwdif" if info.is_interlaced else "null",
        "scale=w='min(%d,trunc(iw*sar/2)*2)':h='trunc(ow/dar/2)*2'" % width,
        "setsar=1",
    ]
    audio = (
        ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2"]
        if info.has_audio
        else ["-an"]
    )
    return [
        "ffmpeg", "-nostdin", "-v", "error", "-xerror", "-y", *_input(source, info),
        "-map", "0:v:0", *audio, "-sn", "-dn", "-map_metadata", "-1",
        "-vf", ",".join(filters),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-maxrate", "1500k",
        "-bufsize", "3000k", "-pix_fmt", "yuv420p", "-profile:v", "main",
        "-movflags", "+faststart", "-f", "mp4", "file:" + str(target),
    ]  # fmt: skip


def poster_time(info: ProbeResult) -> float:
    # A fifth into the video: past the slate and the countdown, inside the action.
    return round(info.duration * 0.2, 3)


def extract_poster(source: Path, target: Path, info: ProbeResult) -> None:
    completed = run(
        poster_command(source, target, info, at_seconds=poster_time(info)),
        timeout=conf.poster_timeout(),
    )
    if completed.returncode != 0 or not target.exists() or not target.stat().st_size:
        raise MediaError("damaged", _stderr_tail(completed))


def make_preview(source: Path, target: Path, info: ProbeResult) -> None:
    completed = run(
        preview_command(source, target, info),
        timeout=conf.preview_timeout(info.duration),
    )
    if completed.returncode != 0 or not target.exists() or not target.stat().st_size:
        raise MediaError("damaged", _stderr_tail(completed))


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()

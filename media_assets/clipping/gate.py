"""The quality gate: a frame-accurate part is served only if it holds exactly the frames asked for.

Checked on the result, never assumed from the recipe: the frame count (and continuous
timestamps); the first and last frame of each part against the master's frames at in and
out − 1 by PSNR, and against their neighbours so that a one-frame slip shows; a decode with no
error around every seam; audio that starts with the video and lasts as long.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import partial
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from media_assets import conf
from media_assets.clipping.index import MasterIndex, read_packets
from media_assets.ffmpeg import LOCAL_ONLY, run


MATCH_DB = 40.0  # the frame at a cut must match the master's at least this well
SLIP_MARGIN_DB = 3.0  # and the neighbouring master frames clearly less
STILL_DB = 50.0  # master neighbours this alike are the same picture: a slip cannot show
AUDIO_OFFSET = 0.001  # seconds
# ffmpeg runs of one gate at once: decoding a few frames is mostly waiting on the process
# start and the seek, so a small pool shortens the gate even on two cores.
PARALLEL_CHECKS = 4


@dataclass
class GateReport:
    frames: int = 0
    expected_frames: int = 0
    psnr: list[dict] = field(default_factory=list)
    decode_errors: str = ""
    audio_offset: float | None = None
    audio_drift: float | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {
            "passed": self.passed,
            "frames": self.frames,
            "expected_frames": self.expected_frames,
            "psnr": self.psnr,
            "decode_errors": self.decode_errors[:500],
            "audio_offset": self.audio_offset,
            "audio_drift": self.audio_drift,
            "failures": self.failures,
        }


def extract_frames(
    path: Path,
    target: Path,
    *,
    demuxer: str | None,
    count: int,
    at: Fraction | None = None,
    seeks: tuple[list[str], str] = ([], "null"),
) -> int:
    """Write `count` frames from `at` (seconds, -ss semantics) as 8-bit luma; return bytes."""
    before, trim = seeks
    if at is not None and at > 0:
        before = ["-ss", "%.6f" % at]
    fmt = ["-f", demuxer] if demuxer else []
    completed = run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", *before, *LOCAL_ONLY, *fmt,
            "-i", "file:" + str(path), "-vf", trim, "-map", "0:v:0", "-frames:v", str(count), "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "gray", "file:" + str(target),
        ],
        timeout=conf.probe_timeout() * 4,
    )  # fmt: skip
    if completed.returncode != 0 or not target.exists():
        return 0
    return target.stat().st_size


def psnr_against(
    reference: Path, others: Path, count: int, size: tuple[int, int]
) -> list[float]:
    """Luma PSNR of the single frame in `reference` against each of the `count` frames in `others`.

    Computed here as ffmpeg's psnr filter does (10·log10(255² / mean squared error), infinite
    when the frames are equal) on the 8-bit luma the gate extracted: an ffmpeg start costs
    more than the sum, and a check makes two of these.
    """
    pixels = size[0] * size[1]
    mine = Image.frombytes("L", size, reference.read_bytes()[:pixels])
    data = others.read_bytes()
    values = []
    for number in range(min(count, len(data) // pixels)):
        frame = Image.frombytes(
            "L", size, data[number * pixels : (number + 1) * pixels]
        )
        squares = ImageStat.Stat(ImageChops.difference(mine, frame)).sum2[0]
        values.append(
            math.inf if squares == 0 else 10 * math.log10(255**2 * pixels / squares)
        )
    return (values + [0.0] * count)[:count]


def _check_frame(
    report: GateReport,
    workdir: Path,
    output: Path,
    index: MasterIndex,
    *,
    label: str,
    output_frame: int,
    master_frame: int,
) -> None:
    size = (index.info.width, index.info.height)
    frame_bytes = size[0] * size[1]
    ours = workdir / ("gate-%s-out.gray" % label)
    theirs = workdir / ("gate-%s-master.gray" % label)
    extract_frames(
        output, ours, demuxer=None, at=Fraction(2 * output_frame - 1, 2) / index.rate,
        count=1,
    )  # fmt: skip
    first = max(0, master_frame - 1)
    last = min(index.frame_count - 1, master_frame + 1)
    got = extract_frames(
        index.path, theirs, demuxer=index.info.demuxer,
        seeks=index.decode_from(first), count=last - first + 1,
    ) // frame_bytes  # fmt: skip
    if (
        not ours.exists()
        or ours.stat().st_size != frame_bytes
        or got != last - first + 1
    ):
        report.failures.append("%s: frame not readable" % label)
        return
    values = psnr_against(ours, theirs, got, size)
    at = master_frame - first
    match = values[at] if len(values) > at else 0.0
    neighbours = [v for i, v in enumerate(values) if i != at]
    # master neighbours that are the same picture as the frame itself cannot reveal a slip
    centre = workdir / ("gate-%s-centre.gray" % label)
    centre.write_bytes(theirs.read_bytes()[at * frame_bytes : (at + 1) * frame_bytes])
    alike = psnr_against(centre, theirs, got, size)
    telling = [v for i, v in enumerate(values) if i != at and alike[i] < STILL_DB]
    entry = {
        "at": label,
        "match": _db(match),
        "neighbours": [_db(v) for v in neighbours],
    }
    report.psnr.append(entry)
    if match < MATCH_DB:
        report.failures.append("%s: PSNR %.1f dB < %.0f dB" % (label, match, MATCH_DB))
    elif telling and max(telling) > match - SLIP_MARGIN_DB:
        report.failures.append(
            "%s: a neighbouring frame matches as well (%.1f dB against %.1f dB)"
            % (label, max(telling), match)
        )


def _db(value: float) -> float | str:
    return "inf" if math.isinf(value) else round(value, 2)


def _audio_frames(
    path: Path, interval: str
) -> tuple[dict | None, list[tuple[float, float]]]:
    """The first audio stream (None without one) and its decoded frames in `interval`.

    Frames as (start, end) in seconds; `interval` as -read_intervals takes it. Decoded, not
    listed: an edit list's trim of the first packet is then applied.
    """
    completed = run(
        [
            "ffprobe", "-v", "error", *LOCAL_ONLY, "-select_streams", "a:0",
            "-read_intervals", interval, "-print_format", "json", "-show_entries",
            "stream=sample_rate,frame_size:frame=pts_time,nb_samples", "file:" + str(path),
        ],
        timeout=conf.probe_timeout() * 4,
    )  # fmt: skip
    data = json.loads(completed.stdout or b"{}")
    stream = (data.get("streams") or [None])[0]
    rate = int((stream or {}).get("sample_rate") or 0)
    frames = []
    for frame in data.get("frames", []):
        pts, samples = frame.get("pts_time"), frame.get("nb_samples")
        if rate and pts not in (None, "N/A") and samples:
            frames.append((float(pts), float(pts) + int(samples) / rate))
    return stream, frames


def _audio(
    path: Path, seconds: float
) -> tuple[dict | None, tuple[float, float] | None]:
    """The first audio stream (None without one) and its extent as decoded (None without frames).

    The extent: the start of its first frame and the end of its last, in seconds.
    """
    # from 0: the packets an edit list hides come before it (a GOP's worth after a copy);
    # the first and the last second in one run (each run reads the part's whole index)
    stream, frames = _audio_frames(path, "0%%+1,%.6f%%" % max(0.0, seconds - 1))
    if not frames:
        return stream, None
    return stream, (
        min(start for start, _end in frames),
        max(end for _start, end in frames),
    )


def check(
    output: Path,
    index: MasterIndex,
    spans: list[tuple[int, int]],
    *,
    workdir: Path,
    seams: list[int] | None = None,
    encoded: list[tuple[int, int]] | None = None,
) -> GateReport:
    """Check a frame-accurate part made of `spans` of the master (joined in order).

    `encoded`: the output frames a smart cut re-encoded; only they (and the frames just
    after each) are decoded, the copied GOPs being the master's own bytes.
    """
    report = GateReport(expected_frames=sum(end - start for start, end in spans))
    report.frames, video_start = _video_frames(output)
    if report.frames != report.expected_frames:
        report.failures.append(
            "%d frames instead of %d" % (report.frames, report.expected_frames)
        )
        return report
    checks = []
    offset = 0
    for number, (start, end) in enumerate(spans, start=1):
        checks.append(partial(
            _check_frame, workdir=workdir, output=output, index=index,
            label="part %d first" % number, output_frame=offset, master_frame=start,
        ))  # fmt: skip
        checks.append(partial(
            _check_frame, workdir=workdir, output=output, index=index,
            label="part %d last" % number, output_frame=offset + end - start - 1,
            master_frame=end - 1,
        ))  # fmt: skip
        offset += end - start
    checks.append(
        partial(
            _check_decoding,
            output=output,
            index=index,
            seams=seams or [0, report.frames],
            encoded=encoded,
        )
    )
    if index.info.has_audio:
        checks.append(
            partial(_check_audio, output=output, index=index, video_start=video_start)
        )
    # The checks are independent ffmpeg runs: side by side, each into a report of its own,
    # merged in order (the same report whatever finishes first).
    parts = [replace(report, psnr=[], failures=[]) for _each in checks]
    with ThreadPoolExecutor(max_workers=PARALLEL_CHECKS) as pool:
        list(pool.map(lambda run_check, part: run_check(part), checks, parts))
    for part in parts:
        report.psnr += part.psnr
        report.failures += part.failures
        report.decode_errors = report.decode_errors or part.decode_errors
        if part.audio_offset is not None:
            report.audio_offset, report.audio_drift = (
                part.audio_offset,
                part.audio_drift,
            )
    return report


def _video_frames(output: Path) -> tuple[int, float]:
    """The video frames a player shows, and the video's start time (seconds).

    The header's sample count less the frames an edit list hides (only ever at the start);
    packets are listed only where there is no count.
    """
    completed = run(
        [
            "ffprobe", "-v", "error", *LOCAL_ONLY, "-f", _demuxer(output),
            "-select_streams", "v:0", "-read_intervals", "%+#32", "-print_format", "json",
            "-show_entries", "stream=nb_frames,start_time:packet=flags",
            "file:" + str(output),
        ],
        timeout=conf.probe_timeout(),
    )  # fmt: skip
    data = json.loads(completed.stdout or b"{}")
    stream = (data.get("streams") or [{}])[0]
    start = float(stream.get("start_time") or 0)
    total = str(stream.get("nb_frames", ""))
    if not total.isdigit():
        return len(read_packets(output, _demuxer(output))), start
    hidden = sum("D" in packet.get("flags", "") for packet in data.get("packets", []))
    return int(total) - hidden, start


def _demuxer(path: Path) -> str:
    return "mxf" if path.suffix == ".mxf" else "mov"


# Frames decoded past a re-encoded piece: B-frames there may be reordered across the seam.
AFTER_SEAM = 8


def _check_decoding(
    report: GateReport,
    output: Path,
    index: MasterIndex,
    seams: list[int],
    encoded: list[tuple[int, int]] | None = None,
) -> None:
    """Decode around every seam (one GOP either side; copied GOPs are the master's own bytes).

    With `encoded`, each re-encoded piece (it starts on its own keyframe) and the frames
    just after it.
    """
    gop = max(
        [b - a for a, b in zip(index.keyframes, index.keyframes[1:], strict=False)]
        or [index.frame_count]
    )
    if encoded is not None:
        ranges = [(a, min(report.frames, b + AFTER_SEAM)) for a, b in encoded]
    else:
        ranges = [
            (max(0, seam - gop - 1), min(report.frames, seam + gop + 1))
            for seam in sorted(set(seams))
        ]
    windows: list[list[int]] = []
    for start, end in sorted(ranges):
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    errors = []
    for start, end in windows:
        seek = (
            ["-ss", "%.6f" % (Fraction(2 * start - 1, 2) / index.rate)] if start else []
        )
        completed = run(
            [
                "ffmpeg", "-nostdin", "-v", "error", *seek, *LOCAL_ONLY,
                "-i", "file:" + str(output), "-map", "0:v:0", "-frames:v", str(end - start),
                "-f", "null", "-",
            ],
            timeout=conf.probe_timeout() * 10,
        )  # fmt: skip
        text = completed.stderr.decode("utf-8", "replace").strip()
        if completed.returncode != 0 or text:
            errors.append(text or "exit %d" % completed.returncode)
    if errors:
        report.decode_errors = "\n".join(errors)
        report.failures.append("decoding errors: %s" % errors[0][:200])


def _check_audio(
    report: GateReport, output: Path, index: MasterIndex, video_start: float
) -> None:
    audio, extent = _audio(output, float(report.frames / index.rate))
    if audio is None:
        report.failures.append("no audio")
        return
    if extent is None:
        report.failures.append("no audio packets")
        return
    video_duration = report.frames / index.rate
    report.audio_offset = round(extent[0] - video_start, 6)
    report.audio_drift = round((extent[1] - extent[0]) - float(video_duration), 6)
    sample_rate = int(audio.get("sample_rate") or 48000)
    audio_frame = max(int(audio.get("frame_size") or 0), 1024) / sample_rate
    if abs(report.audio_offset) >= AUDIO_OFFSET:
        report.failures.append(
            "audio starts %.1f ms off" % (report.audio_offset * 1000)
        )
    if abs(report.audio_drift) > audio_frame:
        report.failures.append(
            "audio lasts %.1f ms longer than the video" % (report.audio_drift * 1000)
        )

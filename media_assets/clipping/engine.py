"""Cutting parts of a master: fast (stream copy from a keyframe) or frame-accurate.

Frame-accurate parts are made, in order of preference, by a plain copy (all-intra masters), a
smart cut (re-encode only up to the first keyframe and from the last one, copy the GOPs between,
with the master's own x264 settings so that the parameter sets are byte-identical), or a full
re-encode matching the master. Every frame-accurate result passes the quality gate (gate.py);
when the smart cut or the copy fails it, the part is re-encoded and the reason kept.

The smart cut is built on ffmpeg's command line rather than the `smartcut` library: the library
loses the last frame, breaks H.264 open GOPs, cannot write MXF, holds all audio in memory and pins
an exact PyAV; the command line reuses our hardened runner and its limits.
"""

from __future__ import annotations

import math
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from media_assets.clipping import gate
from media_assets.clipping.encoders import (
    Unsupported,
    reencode_video_args,
    smart_video_args,
)
from media_assets.clipping.index import MasterIndex, h264_parameter_sets
from media_assets.clipping.runner import run_ffmpeg
from media_assets.ffmpeg import LOCAL_ONLY, MediaError


FAST = "fast"
EXACT = "exact"

# How a part was made.
METHOD_FAST = "fast"
METHOD_COPY = "copy"
METHOD_SMART = "smart"
METHOD_REENCODE = "reencode"

# Containers ffmpeg writes, by the master's container; anything else becomes MOV.
WRITABLE = {"mp4": "mp4", "mov": "mov", "mxf": "mxf"}
EXTENSIONS = {"mp4": "mp4", "mov": "mov", "mxf": "mxf"}

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Piece:
    """Frames [start, end) of the master, copied (`packets` in decode order) or re-encoded."""

    start: int
    end: int
    copy: bool
    packets: int = 0


@dataclass
class PartResult:
    path: Path
    method: str
    requested: list[tuple[int, int]]
    real: list[tuple[int, int]]
    fallback_reason: str = ""
    gate: dict = field(default_factory=dict)


@dataclass
class Metadata:
    title: str = ""
    credit: str = ""
    copyright: str = ""

    def args(self, container: str = "") -> list[str]:
        args = ["-map_metadata", "-1"]
        if container == "mxf":
            # MXF has no title/artist/copyright tags in ffmpeg: the material package's name,
            # and user comments (TaggedValues, read back as comment_<name>)
            pairs = (
                ("material_package_name", self.title),
                ("comment_Title", self.title),
                ("comment_Credit", self.credit),
                ("comment_Copyright", self.copyright),
            )
        else:
            pairs = (
                ("title", self.title),
                ("artist", self.credit),
                ("comment", self.credit),
                ("copyright", self.copyright),
            )
        for key, value in pairs:
            if value:
                args += ["-metadata", "%s=%s" % (key, value)]
        return args


class _Progress:
    """Spreads the runs of one job over 0..1 by their share of the work."""

    def __init__(self, callback: Progress | None, weights: list[float]):
        self.callback = callback
        self.total = sum(weights) or 1
        self.done = 0.0

    def step(self, weight: float, seconds: float) -> Callable[[int], None] | None:
        if self.callback is None:
            return None
        base = self.done
        self.done += weight

        def report(out_us: int) -> None:
            share = min(1.0, out_us / 1e6 / seconds) if seconds > 0 else 1.0
            self.callback(min(1.0, (base + weight * share) / self.total))

        return report


def output_container(index: MasterIndex) -> str:
    return WRITABLE.get(index.info.container, "mov")


def validate_spans(index: MasterIndex, spans: list[tuple[int, int]]) -> None:
    for start, end in spans:
        if not (0 <= start < end <= index.frame_count):
            raise ValueError(
                "span %d-%d outside 0-%d" % (start, end, index.frame_count)
            )


# -- pieces -------------------------------------------------------------------------------


def plan(index: MasterIndex, spans: list[tuple[int, int]], method: str) -> list[Piece]:
    pieces = []
    for start, end in spans:
        if method == METHOD_COPY:
            pieces.append(Piece(start, end, copy=True, packets=end - start))
        elif method == METHOD_REENCODE:
            pieces.append(Piece(start, end, copy=False))
        elif method == METHOD_FAST:
            keyframe = index.keyframe_at_or_before(start)
            packets, real_end = index.copied_frames(keyframe, end)
            pieces.append(Piece(keyframe, real_end, copy=True, packets=packets))
        else:  # smart
            first = index.keyframe_at_or_after(start)
            if first is None or first >= end:
                pieces.append(Piece(start, end, copy=False))
                continue
            last = index.keyframe_at_or_before(end)
            if start < first:
                pieces.append(Piece(start, first, copy=False))
            if first < last:
                pieces.append(Piece(first, last, copy=True, packets=last - first))
            if last < end:
                pieces.append(Piece(last, end, copy=False))
    return pieces


def _copy_seek(index: MasterIndex, frame: int) -> list[str]:
    """-ss for a stream copy starting at keyframe `frame`.

    Its own time rounded up to the microsecond, so that the demuxer lands on that keyframe and
    its timestamp becomes 0: neither the keyframe before (whose GOP a stream copy would keep)
    nor a negative time (which it would drop).
    """
    if frame == 0:
        return []
    return ["-ss", _microseconds_up(index.time(frame))]


def _microseconds_up(seconds: Fraction) -> str:
    micro = math.ceil(seconds * 1_000_000)
    return "%d.%06d" % divmod(micro, 1_000_000)


def _master_input(index: MasterIndex) -> list[str]:
    return [*LOCAL_ONLY, "-f", index.info.demuxer, "-i", "file:" + str(index.path)]


def _piece_command(
    index: MasterIndex, piece: Piece, target: str, encode_args: list[str]
) -> list[str]:
    if piece.copy:
        return [
            "-y", *_copy_seek(index, piece.start), *_master_input(index),
            "-map", "0:v:0", "-c:v", "copy", "-frames:v", str(piece.packets),
            "-an", "-sn", "-dn", *_timescale(index), "-f", "mov", target,
        ]  # fmt: skip
    before, trim = index.decode_from(piece.start)
    return [
        "-y", *before, *_master_input(index), "-vf", trim,
        "-map", "0:v:0", "-frames:v", str(piece.end - piece.start), *encode_args,
        "-fps_mode", "passthrough", "-an", "-sn", "-dn", *_timescale(index),
        "-f", "mov", target,
    ]  # fmt: skip


def _timescale(index: MasterIndex) -> list[str]:
    # pieces count time in frames, so that the joined stream's rate is the master's (MXF
    # refuses the 1/12800 of an MP4 track); pieces joined with GOPs read from the master
    # count in the master's own time base (the concat demuxer does not convert)
    if reads_master_directly(index):
        return ["-video_track_timescale", str(index.video_time_base.denominator)]
    return ["-video_track_timescale", str(index.rate.numerator)]


def _audio_args(index: MasterIndex, container: str) -> list[str]:
    codec = index.info.audio_codec
    if codec.startswith("pcm_") and container in ("mov", "mxf"):
        if container == "mxf" and codec not in ("pcm_s16le", "pcm_s24le"):
            codec = "pcm_s24le"
        return ["-c:a", codec]
    if container == "mxf":
        return ["-c:a", "pcm_s24le" if "32" in index.audio_sample_fmt else "pcm_s16le"]
    return ["-c:a", "aac", "-b:a", str(max(index.audio_bit_rate, 192_000))]


def _audio_inputs(index: MasterIndex, spans: list[tuple[int, int]]) -> list[str]:
    args = []
    for start, end in spans:
        seek = ["-ss", "%.6f" % index.time(start)] if start else []
        args += [*seek, "-t", "%.6f" % (Fraction(end - start) / index.rate)]
        args += _master_input(index)
    return args


def _audio_map(
    index: MasterIndex, spans: list[tuple[int, int]], first: int
) -> list[str]:
    if not index.info.has_audio:
        return ["-an"]
    if len(spans) == 1:
        return ["-map", "%d:a:0" % first]
    labels = "".join("[%d:a:0]" % (first + n) for n in range(len(spans)))
    return [
        "-filter_complex", "%sconcat=n=%d:v=0:a=1[audio]" % (labels, len(spans)),
        "-map", "[audio]",
    ]  # fmt: skip


def _mux(
    index: MasterIndex,
    pieces: list[Piece],
    spans: list[tuple[int, int]],
    workdir: Path,
    target: Path,
    container: str,
    metadata: Metadata,
    *,
    copy_audio: bool,
    from_master: bool = False,
    on_progress,
) -> None:
    listing = workdir / "pieces.txt"
    listing.write_text(_listing(index, pieces, workdir, from_master=from_master))
    audio = ["-c:a", "copy"] if copy_audio else _audio_args(index, container)
    if copy_audio and method_is_exact(pieces):
        # keep the audio packet that straddles the in-point; the MP4/MOV edit list then
        # starts the sound exactly with the first frame (no re-encode, whatever the length)
        audio += ["-copypriorss:a", "1"]
    args = [
        "-y", "-protocol_whitelist", "file", "-f", "concat", "-safe", "1",
        "-i", listing.name,
        *(_audio_inputs(index, spans) if index.info.has_audio else []),
        "-map", "0:v:0", *_audio_map(index, spans, 1),
        "-c:v", "copy", *(audio if index.info.has_audio else []),
        *metadata.args(container), "-f", container, "file:" + str(target),
    ]  # fmt: skip
    run_ffmpeg(
        args,
        timeout=_timeout(spans, index),
        cwd=workdir,
        on_progress=on_progress,
    )


def reads_master_directly(index: MasterIndex) -> bool:
    """Whether a smart cut's copied GOPs can be read from the master by the join itself.

    The concat demuxer matches streams by position and ends a file by decoding time: it
    needs the video first among the master's streams and the master's decoding delay.
    """
    return (
        index.video_stream == 0
        and index.decode_delay is not None
        and index.video_time_base.numerator == 1
        and index.info.container in ("mp4", "mov")
        and not index.open_gop
    )


def method_is_exact(pieces: list[Piece]) -> bool:
    return any(not piece.copy for piece in pieces)


def _may_copy_audio(
    index: MasterIndex, method: str, spans: list[tuple[int, int]], container: str
) -> bool:
    """One span into the master's own container: its audio packets are copied, not encoded.

    Several spans are joined by the concat filter, which needs decoded audio.
    """
    if len(spans) != 1 or not index.info.has_audio:
        return False
    if method == METHOD_FAST:
        return True
    return method == METHOD_SMART and container == index.info.container


def _seconds(value: Fraction) -> str:
    return _microseconds_up(value) if value >= 0 else "%.6f" % value


def _listing(
    index: MasterIndex, pieces: list[Piece], workdir: Path, *, from_master: bool
) -> str:
    """The concat demuxer's list: re-encoded pieces, and copied GOPs from the master itself.

    Each entry's duration is given, so that the next one starts exactly (frames / rate);
    a copied span starts at its keyframe (inpoint, rounded up to the microsecond so that the
    demuxer lands on it) and ends before the next keyframe's decoding time (outpoint), half
    a frame early against rounding.
    """
    lines = ["ffconcat version 1.0"]
    link = workdir / ("master%s" % index.path.suffix.lower())
    for number, piece in enumerate(pieces):
        if piece.copy and from_master:
            if not link.exists():
                link.symlink_to(index.path.resolve())
            end = (
                index.raw_time(piece.end)
                - index.decode_delay
                - Fraction(1, 2) / index.rate
            )
            lines += [
                "file %s" % link.name,
                "inpoint %s" % _seconds(index.raw_time(piece.start)),
                "outpoint %s" % _seconds(end),
            ]
        else:
            lines.append("file piece-%03d.mov" % number)
        lines.append("duration %.6f" % (Fraction(piece.end - piece.start) / index.rate))
    return "\n".join(lines) + "\n"


def _timeout(spans: list[tuple[int, int]], index: MasterIndex) -> float:
    seconds = float(sum(end - start for start, end in spans) / index.rate)
    return 300 + 4 * seconds


def build(
    index: MasterIndex,
    spans: list[tuple[int, int]],
    method: str,
    workdir: Path,
    target: Path,
    metadata: Metadata,
    *,
    on_progress: Progress | None = None,
    copy_audio: bool = True,
    timings: dict | None = None,
) -> list[Piece]:
    """Make `target` from the master's `spans` by `method`; returns the pieces used.

    `copy_audio=False` re-encodes the audio even where its packets could be copied;
    `timings` receives the seconds spent on the pieces and on the join.
    """
    started = time.perf_counter()
    validate_spans(index, spans)
    workdir.mkdir(parents=True, exist_ok=True)
    pieces = plan(index, spans, method)
    container = target.suffix.lstrip(".") or "mov"
    if method == METHOD_SMART:
        encode_args = smart_video_args(index)
    elif method == METHOD_REENCODE:
        encode_args, _container = reencode_video_args(index)
    else:
        encode_args = []
    if method == METHOD_FAST and len(pieces) == 1:
        _fast_single(index, pieces[0], target, container, metadata, on_progress)
        return pieces
    seconds = [float((p.end - p.start) / index.rate) for p in pieces]
    weights = [
        s * (0.05 if p.copy else 1) for s, p in zip(seconds, pieces, strict=True)
    ]
    total = float(sum(end - start for start, end in spans) / index.rate)
    progress = _Progress(on_progress, [*weights, total * 0.05])
    from_master = method == METHOD_SMART and reads_master_directly(index)
    for number, piece in enumerate(pieces):
        if piece.copy and from_master:
            continue  # the join reads these GOPs straight from the master
        name = "piece-%03d.mov" % number
        run_ffmpeg(
            _piece_command(index, piece, name, encode_args),
            timeout=300 + 8 * seconds[number],
            cwd=workdir,
            on_progress=progress.step(weights[number], seconds[number]),
        )
        if method == METHOD_SMART and not piece.copy:
            _check_parameter_sets(index, workdir / name)
    real_spans = spans if method != METHOD_FAST else [(p.start, p.end) for p in pieces]
    joined = time.perf_counter()
    _mux(
        index, pieces, real_spans, workdir, target, container, metadata,
        copy_audio=copy_audio and _may_copy_audio(index, method, spans, container),
        from_master=from_master, on_progress=progress.step(total * 0.05, total),
    )  # fmt: skip
    if timings is not None:
        timings["pieces"] = round(joined - started, 3)
        timings["join"] = round(time.perf_counter() - joined, 3)
    if on_progress is not None:
        on_progress(1.0)
    return pieces


def _fast_single(index, piece, target, container, metadata, on_progress) -> None:
    """A fast part in one ffmpeg run on one input: video and audio copied from the master.

    The video stops after its packets (-frames:v, B-frames make -t unreliable for it), the
    audio at the part's duration (-t); the master is opened once (a second input for the
    audio cost 0.05-0.2 s on the 10-minute master, a quarter of the whole copy).
    """
    seconds = Fraction(piece.end - piece.start) / index.rate
    audio = ["-map", "0:a:0"] if index.info.has_audio else []
    run_ffmpeg(
        [
            "-y", *_copy_seek(index, piece.start), *_master_input(index),
            "-map", "0:v:0", *audio, "-c", "copy", "-frames:v", str(piece.packets),
            "-t", "%.6f" % seconds, *metadata.args(container), "-f", container,
            "file:" + str(target),
        ],
        timeout=300 + 4 * float(seconds),
        on_progress=_Progress(on_progress, [1]).step(1, float(seconds)),
    )  # fmt: skip
    if on_progress is not None:
        on_progress(1.0)


def _check_parameter_sets(index: MasterIndex, piece: Path) -> None:
    completed = run_ffmpeg(
        ["-i", "file:" + str(piece), "-map", "0:v:0", "-c:v", "copy",
         "-bsf:v", "h264_mp4toannexb", "-frames:v", "1", "-f", "h264",
         "file:" + str(piece.with_suffix(".h264"))],
        timeout=60,
    )  # fmt: skip
    del completed
    ours = h264_parameter_sets(piece.with_suffix(".h264").read_bytes())
    if ours != index.parameter_sets:
        raise Unsupported("parameter sets differ from the master's")


# -- parts --------------------------------------------------------------------------------


def preferred_method(index: MasterIndex) -> tuple[str, str]:
    """The frame-accurate method for this master, and why not a cheaper one."""
    if index.intra_only:
        return METHOD_COPY, ""
    try:
        smart_video_args(index)
    except Unsupported as exc:
        return METHOD_REENCODE, str(exc)
    return METHOD_SMART, ""


def make_part(
    index: MasterIndex,
    spans: list[tuple[int, int]],
    cut: str,
    workdir: Path,
    *,
    name: str,
    metadata: Metadata | None = None,
    on_progress: Progress | None = None,
    force_method: str | None = None,
) -> PartResult:
    """One file holding `spans` of the master, joined in order; made under `workdir`."""
    metadata = metadata or Metadata()
    container = output_container(index)
    if cut == FAST:
        target = workdir / ("%s.%s" % (name, EXTENSIONS[container]))
        pieces, target = _build_with_container_fallback(
            index, spans, METHOD_FAST, workdir / "fast", target, metadata, on_progress
        )
        shutil.rmtree(workdir / "fast", ignore_errors=True)
        return PartResult(
            path=target,
            method=METHOD_FAST,
            requested=list(spans),
            real=[(p.start, p.end) for p in pieces],
        )
    method, reason = preferred_method(index)
    if force_method:
        method = force_method
    attempt = 0
    copy_audio = True
    while True:
        attempt += 1
        target = workdir / ("%s.%s" % (name, EXTENSIONS[container]))
        piece_dir = workdir / ("%s-%d" % (method, attempt))
        timings: dict = {}
        try:
            pieces, target = _build_with_container_fallback(
                index, spans, method, piece_dir, target, metadata, on_progress,
                copy_audio=copy_audio, timings=timings,
            )  # fmt: skip
        except (Unsupported, MediaError) as exc:
            if method == METHOD_REENCODE:
                raise
            reason = "%s: %s" % (method, exc)
            method = METHOD_REENCODE
            continue
        seams = _seams(pieces)
        checked = time.perf_counter()
        report = gate.check(
            target, index, list(spans), workdir=piece_dir, seams=seams,
            encoded=_encoded(pieces) if method == METHOD_SMART else None,
        )  # fmt: skip
        timings["gate"] = round(time.perf_counter() - checked, 3)
        shutil.rmtree(piece_dir, ignore_errors=True)
        if report.passed:
            # where the time went (seconds): the re-encoded pieces, the join, the gate
            return PartResult(
                path=target,
                method=method,
                requested=list(spans),
                real=list(spans),
                fallback_reason=reason,
                gate={**report.as_dict(), "seconds": timings},
            )
        if method == METHOD_REENCODE:
            raise GateFailed(report)
        reason = "%s failed the quality gate: %s" % (method, "; ".join(report.failures))
        target.unlink(missing_ok=True)
        if method == METHOD_SMART and copy_audio and _only_audio(report):
            # ffmpeg 5.1 sometimes misplaces the edit list of copied audio that carries many
            # hidden packets (8 ms off, measured): the same cut with its audio re-encoded
            copy_audio = False
            reason += "; audio re-encoded"
            continue
        method = METHOD_REENCODE


def _only_audio(report: gate.GateReport) -> bool:
    return bool(report.failures) and all(
        failure.startswith(("audio", "no audio")) for failure in report.failures
    )


class GateFailed(Exception):
    def __init__(self, report: gate.GateReport):
        super().__init__("; ".join(report.failures))
        self.report = report


def _encoded(pieces: list[Piece]) -> list[tuple[int, int]]:
    """The output frames [a, b) that were re-encoded (the rest is the master's own bytes)."""
    ranges, position = [], 0
    for piece in pieces:
        length = piece.end - piece.start
        if not piece.copy:
            ranges.append((position, position + length))
        position += length
    return ranges


def _seams(pieces: list[Piece]) -> list[int]:
    seams, position = [0], 0
    for piece in pieces:
        position += piece.end - piece.start
        seams.append(position)
    return seams


def _build_with_container_fallback(
    index,
    spans,
    method,
    piece_dir,
    target,
    metadata,
    on_progress,
    copy_audio=True,
    timings=None,
) -> tuple[list[Piece], Path]:
    options = {"on_progress": on_progress, "copy_audio": copy_audio, "timings": timings}
    try:
        return build(
            index, spans, method, piece_dir, target, metadata, **options
        ), target
    except MediaError:
        if target.suffix == ".mov":
            raise
        # ffmpeg cannot write these streams in the master's container: MOV holds them all
        target.unlink(missing_ok=True)
        target = target.with_suffix(".mov")
        shutil.rmtree(piece_dir, ignore_errors=True)
        return build(
            index, spans, method, piece_dir, target, metadata, **options
        ), target


def make_zip(
    index: MasterIndex,
    spans: list[tuple[int, int]],
    cut: str,
    workdir: Path,
    *,
    name: str,
    names: list[str],
    metadata: Metadata | None = None,
    on_progress: Progress | None = None,
) -> PartResult:
    """One file per span, in a zip that is stored, not compressed (video does not compress)."""
    results = []
    for number, (span, part_name) in enumerate(zip(spans, names, strict=True)):

        def report(fraction: float, number=number) -> None:
            if on_progress is not None:
                on_progress((number + fraction) / len(spans))

        results.append(
            make_part(
                index,
                [span],
                cut,
                workdir / ("shot-%d" % number),
                name=part_name,
                metadata=metadata,
                on_progress=report,
            )  # fmt: skip
        )
    target = workdir / ("%s.zip" % name)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for result in results:
            archive.write(result.path, arcname=result.path.name)
    for result in results:
        result.path.unlink()
    return PartResult(
        path=target,
        method=",".join(sorted({r.method for r in results})),
        requested=list(spans),
        real=[span for r in results for span in r.real],
        fallback_reason="; ".join(
            r.fallback_reason for r in results if r.fallback_reason
        ),
        gate={"parts": [r.gate for r in results]},
    )

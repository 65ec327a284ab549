"""What a cut needs to know about a master, read from its packets (no decoding).

Frames are numbered from 0 in presentation order; a part is the half-open range [in, out).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from media_assets import conf
from media_assets.ffmpeg import LOCAL_ONLY, MediaError, ProbeResult, probe, run


# Codecs whose every frame is a keyframe: a stream copy is already frame-accurate.
INTRA_CODECS = {"prores", "dnxhd", "mjpeg", "dvvideo", "v210", "rawvideo", "jpeg2000"}

# The encoder options x264 writes in an SEI of every stream it makes.
X264_SEI = re.compile(rb"x264 - core \d+.*? - options: ([^\x00]*)")

START_CODE = re.compile(rb"\x00\x00\x01")


@dataclass(frozen=True)
class MasterIndex:
    """A master's frames: rate, count, keyframes, GOP structure and encoder settings."""

    path: Path
    info: ProbeResult
    rate: Fraction
    frame_count: int
    keyframes: tuple[int, ...]
    # frame numbers in decode order (what a stream copy's -frames:v counts)
    decode_order: tuple[int, ...]
    open_gop: bool
    # seconds from the file's start (what -ss counts from) to the first video frame
    video_offset: Fraction
    pix_fmt: str = ""
    profile: str = ""
    level: int = 0
    field_order: str = ""
    color: dict = field(default_factory=dict)
    sample_rate: int = 0
    audio_bit_rate: int = 0
    audio_sample_fmt: str = ""
    audio_channel_layout: str = ""
    x264_options: dict[str, str] = field(default_factory=dict)
    parameter_sets: tuple[bytes, ...] = ()
    # where the video is among the master's streams, and the time stamps a demuxer reads:
    # a frame's raw pts is time(frame) + format_start, its dts decode_delay earlier
    video_stream: int = -1
    video_time_base: Fraction = Fraction(0)
    format_start: Fraction = Fraction(0)
    decode_delay: Fraction | None = None

    @property
    def intra_only(self) -> bool:
        return self.info.video_codec in INTRA_CODECS or (
            len(self.keyframes) == self.frame_count
        )

    def time(self, frame: int | Fraction) -> Fraction:
        """The -ss position of a frame (seconds from the file's start)."""
        return self.video_offset + Fraction(frame) / self.rate

    def decode_from(self, frame: int) -> tuple[list[str], str]:
        """The input -ss and the filter that make a decode start exactly at `frame`.

        The input seek goes to the keyframe at or before `frame` (with open GOPs, the one
        before it: demuxers may pick a keyframe by its decoding time, and its leading frames
        need the GOP before); a trim
        half a frame before `frame` then drops exactly the earlier frames, and the timestamps
        start again from 0.
        """
        if frame == 0:
            return [], "setpts=PTS-STARTPTS"
        keyframe = self.keyframe_at_or_before(frame)
        earlier = keyframe
        if keyframe and self.open_gop:
            earlier = self.keyframe_at_or_before(keyframe - 1)
        start = self.time(earlier) if earlier else Fraction(0)
        skip = self.time(frame - Fraction(1, 2)) - start
        return (
            ["-ss", "%.6f" % start] if earlier else [],
            "trim=start=%.6f,setpts=PTS-STARTPTS" % skip,
        )

    def raw_time(self, frame: int) -> Fraction:
        """The demuxer's own pts of a frame, in seconds (what concat's inpoint counts)."""
        return self.time(frame) + self.format_start

    def keyframe_at_or_before(self, frame: int) -> int:
        found = 0
        for keyframe in self.keyframes:
            if keyframe > frame:
                break
            found = keyframe
        return found

    def copied_frames(self, start: int, end: int) -> tuple[int, int]:
        """A stream copy from keyframe `start` that holds every frame before `end`.

        Returns the number of packets to copy (decode order) and the frame after the last one
        shown (greater than `end` when frames past it are decoded before frames inside it).
        """
        position = self.decode_order.index(start)
        count = 0
        keyframes = set(self.keyframes)
        later_keyframes = 0
        for offset, frame in enumerate(self.decode_order[position:], start=1):
            if frame >= end and frame in keyframes:
                # frames decoded after the second keyframe past the end are all shown after
                # it (an open GOP's leading frames come only after the first): stop looking
                later_keyframes += 1
                if later_keyframes == 2:
                    break
            if start <= frame < end:
                count = offset
        shown = [
            f for f in self.decode_order[position : position + count] if f >= start
        ]
        return count, (max(shown) + 1 if shown else start)

    def keyframe_at_or_after(self, frame: int) -> int | None:
        for keyframe in self.keyframes:
            if keyframe >= frame:
                return keyframe
        return None


def _fraction(text: str | None) -> Fraction | None:
    if not text or text in ("0/0", "N/A"):
        return None
    numerator, _sep, denominator = text.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def read_packets(path: Path, demuxer: str) -> list[tuple[int, bool]]:
    """(pts, keyframe) of the first video stream's packets in decode order; no decoding."""
    completed = run(
        [
            "ffprobe", "-v", "error", *LOCAL_ONLY, "-f", demuxer, "-select_streams", "v:0",
            "-show_entries", "packet=pts,flags", "-of", "csv=p=0", "file:" + str(path),
        ],
        timeout=conf.probe_timeout() * 4,
    )  # fmt: skip
    if completed.returncode != 0:
        raise MediaError("damaged", completed.stderr.decode("utf-8", "replace")[-500:])
    packets = []
    for line in completed.stdout.decode().splitlines():
        pts, _sep, flags = line.partition(",")
        if not pts or pts == "N/A":
            continue
        if "D" in flags:  # discarded (e.g. before an edit list's start)
            continue
        packets.append((int(pts), "K" in flags))
    return packets


def first_packet_headers(path: Path, info: ProbeResult) -> bytes:
    """The first video access unit in Annex B form: parameter sets, SEI, first slice."""
    if info.video_codec not in ("h264", "hevc"):
        return b""
    completed = run(
        [
            "ffmpeg", "-nostdin", "-v", "error", *LOCAL_ONLY, "-f", info.demuxer,
            "-i", "file:" + str(path), "-map", "0:v:0", "-c:v", "copy",
            "-bsf:v", "%s_mp4toannexb" % info.video_codec, "-frames:v", "1",
            "-f", info.video_codec, "pipe:1",
        ],
        timeout=conf.probe_timeout(),
    )  # fmt: skip
    return completed.stdout if completed.returncode == 0 else b""


def h264_parameter_sets(annexb: bytes) -> tuple[bytes, ...]:
    """The SPS and PPS NAL units (types 7 and 8), as bytes, in stream order."""
    units = []
    for chunk in START_CODE.split(annexb):
        unit = chunk.rstrip(b"\x00")
        if unit and unit[0] & 0x1F in (7, 8):
            units.append(unit)
    return tuple(units)


def x264_options(annexb: bytes) -> dict[str, str]:
    found = X264_SEI.search(annexb)
    if not found:
        return {}
    options = {}
    for item in found.group(1).decode("ascii", "replace").split():
        key, _sep, value = item.partition("=")
        options[key] = value
    return options


def _decode_delay(first: list[dict], time_base: Fraction) -> Fraction | None:
    """How far decoding runs ahead: pts − dts of the first video packet, in seconds."""
    if not first or first[0].get("pts") is None or first[0].get("dts") is None:
        return None
    return (int(first[0]["pts"]) - int(first[0]["dts"])) * time_base


def index_master(path: Path) -> MasterIndex:
    """Probe a master and list its frames from the packets (no decoding).

    One ffprobe run lists the streams and every packet (each ffprobe start costs about 60 ms
    of loading ffmpeg's libraries, whatever the file): the video packets give the frames, the
    first of them (discarded or not) how far decoding runs ahead.
    """
    info = probe(path)
    completed = run(
        [
            "ffprobe", "-v", "error", *LOCAL_ONLY, "-f", info.demuxer, "-print_format", "json",
            "-show_entries",
            "format=start_time:stream=index,codec_type,time_base,start_time,pix_fmt,profile,"
            "level,field_order,color_range,color_space,color_transfer,color_primaries,"
            "sample_rate,bit_rate,sample_fmt,channel_layout,channels"
            ":packet=stream_index,pts,dts,flags",
            "file:" + str(path),
        ],
        timeout=conf.probe_timeout() * 4,
    )  # fmt: skip
    if completed.returncode != 0:
        raise MediaError("damaged", completed.stderr.decode("utf-8", "replace")[-500:])
    data = json.loads(completed.stdout or b"{}")
    streams = data.get("streams", [])
    video = next(s for s in streams if s.get("codec_type") == "video")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), {})
    time_base = _fraction(video.get("time_base")) or Fraction(1, 90000)
    rate = info.frame_rate
    if rate is None:
        raise MediaError("damaged", "no frame rate")
    video_packets = [
        packet
        for packet in data.get("packets", [])
        if packet.get("stream_index") == video.get("index")
    ]
    packets = [
        (int(packet["pts"]), "K" in packet.get("flags", ""))
        for packet in video_packets
        # no time, or discarded (e.g. before an edit list's start)
        if packet.get("pts") is not None and "D" not in packet.get("flags", "")
    ]
    if not packets:
        raise MediaError("damaged", "no video packets")
    first_pts = min(pts for pts, _key in packets)
    frame_duration = 1 / rate

    def frame_of(pts: int) -> int:
        return round((pts - first_pts) * time_base / frame_duration)

    keyframes = []
    open_gop = False
    highest_key = None
    for pts, key in packets:
        if key:
            keyframes.append(frame_of(pts))
            highest_key = pts
        elif highest_key is not None and pts < highest_key:
            # a frame shown before the keyframe but decoded after it: it refers to the
            # previous GOP (open GOP), so cutting at that keyframe breaks it
            open_gop = True
    format_start = Fraction(data.get("format", {}).get("start_time") or "0")
    annexb = first_packet_headers(path, info)
    return MasterIndex(
        path=path,
        info=info,
        rate=rate,
        frame_count=len(packets),
        keyframes=tuple(sorted(set(keyframes))),
        decode_order=tuple(frame_of(pts) for pts, _key in packets),
        open_gop=open_gop,
        video_offset=first_pts * time_base - format_start,
        pix_fmt=video.get("pix_fmt", ""),
        profile=video.get("profile", ""),
        level=int(video.get("level") or 0),
        field_order=video.get("field_order", ""),
        color={
            key: video[key]
            for key in (
                "color_range",
                "color_space",
                "color_transfer",
                "color_primaries",
            )
            if video.get(key) and video[key] != "unknown"
        },
        sample_rate=int(audio.get("sample_rate") or 0),
        audio_bit_rate=int(audio.get("bit_rate") or 0),
        audio_sample_fmt=audio.get("sample_fmt", ""),
        audio_channel_layout=audio.get("channel_layout", ""),
        x264_options=x264_options(annexb),
        parameter_sets=h264_parameter_sets(annexb)
        if info.video_codec == "h264"
        else (),
        video_stream=int(video.get("index", -1)),
        video_time_base=time_base,
        format_start=format_start,
        decode_delay=_decode_delay(video_packets[:1], time_base),
    )


# Raised when the index gains a field: cached indexes of an older version are listed again.
INDEX_VERSION = 2


def index_to_json(index: MasterIndex) -> str:
    data = dataclasses.asdict(index)
    data.pop("path")
    data["version"] = INDEX_VERSION
    data["format_start"] = str(index.format_start)
    data["video_time_base"] = str(index.video_time_base)
    data["decode_delay"] = (
        str(index.decode_delay) if index.decode_delay is not None else None
    )
    data["info"]["frame_rate"] = str(index.info.frame_rate)
    data["rate"] = str(index.rate)
    data["video_offset"] = str(index.video_offset)
    data["parameter_sets"] = [unit.hex() for unit in index.parameter_sets]
    return json.dumps(data)


def index_from_json(text: str, path: Path) -> MasterIndex:
    data = json.loads(text)
    if data.pop("version", None) != INDEX_VERSION:
        raise ValueError("an index of another version")
    info = data.pop("info")
    delay = data.pop("decode_delay")
    info["frame_rate"] = (
        Fraction(info["frame_rate"]) if info["frame_rate"] != "None" else None
    )
    return MasterIndex(
        path=path,
        info=ProbeResult(**info),
        rate=Fraction(data.pop("rate")),
        video_offset=Fraction(data.pop("video_offset")),
        format_start=Fraction(data.pop("format_start")),
        video_time_base=Fraction(data.pop("video_time_base")),
        decode_delay=Fraction(delay) if delay is not None else None,
        keyframes=tuple(data.pop("keyframes")),
        decode_order=tuple(data.pop("decode_order")),
        parameter_sets=tuple(
            bytes.fromhex(unit) for unit in data.pop("parameter_sets")
        ),
        **data,
    )

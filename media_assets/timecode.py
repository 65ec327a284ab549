"""SMPTE timecodes (HH:MM:SS:FF, drop-frame HH:MM:SS;FF) and seconds, at a given frame rate."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


TIMECODE_RE = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)([:;.])(\d{1,3})$")


class TimecodeError(ValueError):
    pass


def nominal_fps(fps: Fraction) -> int:
    return round(fps)


def is_drop_frame_rate(fps: Fraction) -> bool:
    # 29.97 and 59.94 (30000/1001, 60000/1001) use drop-frame timecode by convention.
    return fps.denominator == 1001 and nominal_fps(fps) in (30, 60)


def frames_to_timecode(
    frame: int, fps: Fraction, drop_frame: bool | None = None
) -> str:
    """Format a frame count as HH:MM:SS:FF (or HH:MM:SS;FF in drop-frame)."""
    base = nominal_fps(fps)
    if drop_frame is None:
        drop_frame = is_drop_frame_rate(fps)
    if drop_frame:
        dropped = 2 * (base // 30)
        frames_per_10min = base * 600 - dropped * 9
        frames_per_min = base * 60 - dropped
        tens, rest = divmod(frame, frames_per_10min)
        if rest > dropped:
            frame += dropped * 9 * tens + dropped * ((rest - dropped) // frames_per_min)
        else:
            frame += dropped * 9 * tens
    ff = frame % base
    total_seconds = frame // base
    separator = ";" if drop_frame else ":"
    return "%02d:%02d:%02d%s%02d" % (
        total_seconds // 3600,
        (total_seconds // 60) % 60,
        total_seconds % 60,
        separator,
        ff,
    )


def timecode_to_frames(value: str, fps: Fraction) -> int:
    """Parse HH:MM:SS:FF, HH:MM:SS;FF (drop-frame) or HH:MM:SS.mmm into a frame number."""
    match = TIMECODE_RE.match(value.strip())
    if not match:
        raise TimecodeError(value)
    hours, minutes, seconds, separator, tail = match.groups()
    hours, minutes, seconds = int(hours), int(minutes), int(seconds)
    base = nominal_fps(fps)
    if separator == ".":
        millis = Decimal(tail.ljust(3, "0")) / 1000
        total = Decimal(hours * 3600 + minutes * 60 + seconds) + millis
        return int(
            (
                total * Decimal(fps.numerator) / Decimal(fps.denominator)
            ).to_integral_value(ROUND_HALF_UP)
        )
    frames = int(tail)
    if frames >= base:
        raise TimecodeError(value)
    drop_frame = separator == ";" or is_drop_frame_rate(fps)
    total_minutes = hours * 60 + minutes
    frame = (total_minutes * 60 + seconds) * base + frames
    if drop_frame and is_drop_frame_rate(fps):
        dropped = 2 * (base // 30)
        if minutes % 10 != 0 and seconds == 0 and frames < dropped:
            raise TimecodeError(value)
        frame -= dropped * (total_minutes - total_minutes // 10)
    return frame


def seconds_to_frames(seconds: Decimal | float, fps: Fraction) -> int:
    return int(
        (Decimal(str(seconds)) * fps.numerator / fps.denominator).to_integral_value(
            ROUND_HALF_UP
        )
    )


def frames_to_seconds(frame: int, fps: Fraction) -> Decimal:
    return (Decimal(frame) * fps.denominator / fps.numerator).quantize(Decimal("0.001"))


def seconds_to_timecode(seconds: Decimal | float, fps: Fraction) -> str:
    return frames_to_timecode(seconds_to_frames(seconds, fps), fps)


def timecode_to_seconds(value: str, fps: Fraction) -> Decimal:
    return frames_to_seconds(timecode_to_frames(value, fps), fps)

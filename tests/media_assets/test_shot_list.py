from decimal import Decimal
from fractions import Fraction

import pytest

from media_assets.factories import ShotFactory, VideoFactory
from media_assets.models import Shot
from media_assets.timecode import (
    TimecodeError,
    frames_to_timecode,
    seconds_to_timecode,
    timecode_to_frames,
)
from tests.media_assets.admin_forms import edit_url, errors_of, video_form


NTSC = Fraction(30000, 1001)


@pytest.mark.parametrize(
    ("frame", "fps", "timecode"),
    [
        (0, Fraction(25), "00:00:00:00"),
        (24, Fraction(25), "00:00:00:24"),
        (90_000, Fraction(25), "01:00:00:00"),
        (1799, NTSC, "00:00:59;29"),
        (1800, NTSC, "00:01:00;02"),  # ;00 and ;01 are skipped at each minute…
        (17_982, NTSC, "00:10:00;00"),  # …except every tenth
        (107_892, NTSC, "01:00:00;00"),  # an hour of drop-frame is 107,892 frames
        (3600, Fraction(60000, 1001), "00:01:00;04"),
        (86_400, Fraction(24000, 1001), "01:00:00:00"),  # 23.976 has no drop-frame
        (180_000, Fraction(50), "01:00:00:00"),
    ],
)
def test_timecodes_of_known_frames(frame, fps, timecode):
    assert frames_to_timecode(frame, fps) == timecode
    assert timecode_to_frames(timecode, fps) == frame


def test_every_drop_frame_timecode_of_an_hour_round_trips():
    for frame in range(0, 107_892 + 1, 7):
        assert timecode_to_frames(frames_to_timecode(frame, NTSC), NTSC) == frame


@pytest.mark.parametrize(
    ("value", "fps"),
    [
        ("00:01:00;00", NTSC),  # a label drop-frame skips
        ("00:01:00;01", NTSC),
        ("00:00:01:25", Fraction(25)),  # frame 25 does not exist at 25 fps
        ("00:60:00:00", Fraction(25)),
        ("1:2:3", Fraction(25)),
        ("", Fraction(25)),
    ],
)
def test_invalid_timecodes_are_refused(value, fps):
    with pytest.raises(TimecodeError):
        timecode_to_frames(value, fps)


def video_at(fps: Fraction, duration: float):
    return VideoFactory(
        frame_rate_numerator=fps.numerator,
        frame_rate_denominator=fps.denominator,
        duration=duration,
    )


@pytest.mark.parametrize(
    ("fps", "shots", "expected"),
    [
        (
            Fraction(25),
            [("00:00:01:00", "00:00:04:12"), ("00:00:04:12", "00:00:10.5")],
            [
                (Decimal("1.000"), Decimal("4.480")),
                (Decimal("4.480"), Decimal("10.520")),  # 10.5 s snaps to frame 263,
            ],
        ),
        (
            NTSC,
            [("00:00:59;29", "00:01:00;02"), ("00:09:59;29", "00:10:00;00")],
            [
                (Decimal("60.027"), Decimal("60.060")),
                (Decimal("599.966"), Decimal("599.999")),
            ],
        ),
        (
            NTSC,
            [("00:00:10.000", "00:00:20.020")],
            [(Decimal("10.010"), Decimal("20.020"))],  # milliseconds land on a frame
        ),
    ],
    ids=[
        "pal_frames_and_milliseconds_case",
        "drop_frame_2997_case",
        "milliseconds_case",
    ],
)
def test_shots_are_saved_from_timecodes(admin_client, fps, shots, expected):
    # given
    video = video_at(fps, duration=900)
    rows = [(start, end, "Shot %d" % n) for n, (start, end) in enumerate(shots, 1)]

    # when
    response = admin_client.post(edit_url(video), video_form(shots=rows))

    # then
    assert response.status_code == 302, errors_of(response)
    assert [(s.start, s.end) for s in Shot.objects.order_by("sort_order")] == expected


def test_saved_shots_are_shown_again_as_timecodes(admin_client):
    # given
    video = video_at(NTSC, duration=900)
    ShotFactory(video=video, start=Decimal("60.060"), end=Decimal("599.999"))

    # when
    html = admin_client.get(edit_url(video)).content.decode()

    # then
    assert 'value="00:01:00;02"' in html
    assert 'value="00:10:00;00"' in html


@pytest.mark.parametrize(
    ("fps", "shots", "message"),
    [
        (
            Fraction(25),
            [("00:00:01:00", "00:00:02:00"), ("00:00:03", "00:00:04:00")],
            "Shot 2: “00:00:03” is not a valid in-point timecode. "
            "Write HH:MM:SS:FF (frames below 25) or HH:MM:SS.mmm.",
        ),
        (
            Fraction(25),
            [("00:00:01:25", "00:00:02:00")],
            "Shot 1: “00:00:01:25” is not a valid in-point timecode. "
            "Write HH:MM:SS:FF (frames below 25) or HH:MM:SS.mmm.",
        ),
        (
            NTSC,
            [("00:00:01;00", "00:00:02;00"), ("00:00:03;00", "00:01:00;00")],
            "Shot 2: “00:01:00;00” is not a valid out-point timecode. "
            "Write HH:MM:SS:FF (frames below 30) or HH:MM:SS.mmm.",
        ),
        (
            Fraction(25),
            [("00:00:05:00", "00:00:05:00")],
            "Shot 1: the out point 00:00:05:00 must come after the in point 00:00:05:00.",
        ),
        (
            Fraction(25),
            [("00:00:01:00", "00:00:03:00"), ("00:00:08:00", "00:00:06:10")],
            "Shot 2: the out point 00:00:06:10 must come after the in point 00:00:08:00.",
        ),
        (
            Fraction(25),
            [("00:00:55:00", "00:01:00:01")],
            "Shot 1: the out point 00:01:00:01 is after the end of the video (00:01:00:00).",
        ),
        (
            NTSC,
            [("00:00:10;00", "00:01:00;04")],
            "Shot 1: the out point 00:01:00;04 is after the end of the video (00:01:00;02).",
        ),
        (
            Fraction(25),
            [
                ("00:00:01:00", "00:00:03:00"),
                ("00:00:20:00", "00:00:30:00"),
                ("00:00:10:00", "00:00:15:00"),
            ],
            "Shot 3: the in point 00:00:10:00 comes before the in point of shot 2 "
            "(00:00:20:00). List the shots in the order they appear.",
        ),
    ],
    ids=[
        "malformed_case",
        "frame_beyond_rate_case",
        "dropped_label_case",
        "zero_length_case",
        "out_before_in_case",
        "after_the_end_case",
        "after_the_end_drop_frame_case",
        "out_of_order_case",
    ],
)
def test_bad_shot_lists_are_refused_naming_the_shot(admin_client, fps, shots, message):
    # given: a one-minute video (60.06 s at 29.97: 1800 frames)
    video = video_at(fps, duration=60 if fps == 25 else 60.06)
    ShotFactory(video=video, start=Decimal("0"), end=Decimal("1"), description="Kept")
    rows = [(start, end, "Shot %d" % n) for n, (start, end) in enumerate(shots, 1)]
    data = video_form(shots=rows)

    # when
    response = admin_client.post(edit_url(video), data)

    # then: the message, and nothing changed
    assert response.status_code == 200
    assert errors_of(response) == [message]
    assert list(Shot.objects.values_list("description", flat=True)) == ["Kept"]


def test_deleted_shots_are_not_counted_or_checked(admin_client):
    # given
    video = video_at(Fraction(25), duration=60)
    old = ShotFactory(video=video, start=Decimal("50"), end=Decimal("55"))
    data = video_form(
        shots=[
            ("00:00:50:00", "00:00:40:00", "Deleted, and wrong", old.pk),
            ("00:00:01:00", "00:00:02:00", "New first shot"),
        ],
        initial_shots=1,
    )
    data["shots-0-DELETE"] = "1"

    # when
    response = admin_client.post(edit_url(video), data)

    # then
    assert response.status_code == 302, errors_of(response)
    assert [(s.description, s.start) for s in Shot.objects.all()] == [
        ("New first shot", Decimal("1.000"))
    ]


def test_seconds_to_timecode_rounds_to_the_nearest_frame():
    assert seconds_to_timecode(Decimal("4.479"), Fraction(25)) == "00:00:04:12"

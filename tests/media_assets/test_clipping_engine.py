"""The cutting engine on small real masters: fast and frame-accurate parts, checked by the gate."""

from __future__ import annotations

import functools
import json
import subprocess
import zipfile
from fractions import Fraction

import pytest

from media_assets.clipping import engine, gate
from media_assets.clipping.index import index_master
from tests.media_assets.clip_masters import make_master


def stream_info(path):
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
         "-show_streams", str(path)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output)


def exact(index, spans, tmp_path, **kwargs):
    return engine.make_part(
        index, spans, engine.EXACT, tmp_path / "job", name="part",
        metadata=engine.Metadata(title="Press", credit="UN Photo", copyright="© UN 2026"),
        **kwargs,
    )  # fmt: skip


def assert_gate_passed(result, spans):
    report = result.gate
    assert report["passed"], report["failures"]
    assert report["frames"] == sum(end - start for start, end in spans)
    assert report["expected_frames"] == report["frames"]
    assert len(report["psnr"]) == 2 * len(spans)
    for entry in report["psnr"]:
        match = float(entry["match"])
        assert match >= gate.MATCH_DB
        for neighbour in entry["neighbours"]:
            assert float(neighbour) < match - gate.SLIP_MARGIN_DB
    assert report["decode_errors"] == ""


def assert_audio_with_video(result):
    assert abs(result.gate["audio_offset"]) < 0.001
    assert abs(result.gate["audio_drift"]) <= 1024 / 48000


@functools.cache
def indexed(kind: str):
    """The index of a master of that kind, made once per process (the engine only reads it)."""
    return index_master(make_master(kind))


@pytest.fixture(scope="module")
def h264_25():
    return indexed("h264_25")


def test_index_lists_keyframes_from_packets(h264_25):
    assert h264_25.rate == Fraction(25)
    assert h264_25.frame_count == 75
    assert h264_25.keyframes == (0, 12, 24, 36, 48, 60, 72)
    assert h264_25.open_gop is False
    assert h264_25.x264_options["keyint"] == "12"
    assert [unit[0] & 0x1F for unit in h264_25.parameter_sets] == [7, 8]


def test_open_gop_is_detected():
    index = indexed("h264_open")
    assert index.open_gop is True
    assert engine.preferred_method(index) == (engine.METHOD_REENCODE, "open GOP")


@pytest.mark.parametrize(
    "spans",
    [
        [(5, 40)],  # off keyframes, across GOPs
        [(0, 1)],  # the very first frame alone
        [(68, 75)],  # up to the very end
        [(14, 20)],  # inside one GOP
        [(30, 31)],  # one frame in the middle
    ],
)
def test_smart_cut_is_frame_accurate(h264_25, tmp_path, spans):
    result = exact(h264_25, spans, tmp_path)
    assert (result.method, result.fallback_reason) == (engine.METHOD_SMART, "")
    assert result.real == spans
    assert_gate_passed(result, spans)
    assert_audio_with_video(result)
    assert result.path.suffix == ".mp4"
    tags = stream_info(result.path)["format"]["tags"]
    assert tags["title"] == "Press"
    assert tags["copyright"] == "© UN 2026"
    assert tags["comment"] == "UN Photo"


def decoded_frame_hashes(path):
    lines = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-fps_mode",
         "passthrough", "-f", "framemd5", "-"],
        capture_output=True, check=True, text=True,
    ).stdout.splitlines()  # fmt: skip
    return [line.split(",")[-1].strip() for line in lines if not line.startswith("#")]


def test_smart_cut_copies_the_middle_gops_bit_for_bit(h264_25, tmp_path):
    result = exact(h264_25, [(5, 40)], tmp_path)
    master = decoded_frame_hashes(h264_25.path)
    part = decoded_frame_hashes(result.path)
    assert len(part) == 35
    # frames 12..35 of the master (two whole GOPs) are frames 7..30 of the part, copied
    assert part[7:31] == master[12:36]
    # the re-encoded head and tail are new pictures (matching by PSNR, not bit for bit)
    assert part[0] != master[5]
    assert part[-1] != master[39]


def test_several_shots_join_with_continuous_timestamps(h264_25, tmp_path):
    spans = [(3, 17), (40, 41), (50, 75)]
    result = exact(h264_25, spans, tmp_path)
    assert result.method == engine.METHOD_SMART
    assert_gate_passed(result, spans)
    assert_audio_with_video(result)


def test_gate_catches_a_one_frame_slip(h264_25, tmp_path):
    # a part of frames 6..25 checked as if it were 5..24: same length, one frame late
    result = exact(h264_25, [(6, 26)], tmp_path)
    report = gate.check(result.path, h264_25, [(5, 25)], workdir=tmp_path)
    assert not report.passed
    assert report.frames == 20
    assert any("first" in failure for failure in report.failures)


def test_gate_catches_a_wrong_frame_count(h264_25, tmp_path):
    result = exact(h264_25, [(6, 26)], tmp_path)
    report = gate.check(result.path, h264_25, [(6, 27)], workdir=tmp_path)
    assert report.failures == ["20 frames instead of 21"]


def test_gate_catches_a_part_that_does_not_decode_cleanly(h264_25, tmp_path):
    # given: a good part, then a few kilobytes of its video damaged
    spans = [(6, 26), (40, 70)]
    result = exact(h264_25, spans, tmp_path)
    data = bytearray(result.path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4000] = bytes(range(256)) * 15 + bytes(160)
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))

    # when
    report = gate.check(damaged, h264_25, spans, workdir=tmp_path, seams=[0, 20, 50])

    # then
    assert not report.passed
    assert report.decode_errors
    assert any(failure.startswith("decoding errors:") for failure in report.failures)


def test_forced_reencode_passes_the_same_gate(h264_25, tmp_path):
    result = exact(h264_25, [(5, 40)], tmp_path, force_method=engine.METHOD_REENCODE)
    assert result.method == engine.METHOD_REENCODE
    assert_gate_passed(result, [(5, 40)])
    assert_audio_with_video(result)


@pytest.mark.parametrize("spans", [[(7, 50)], [(0, 1)], [(80, 90)], [(16, 25)]])
def test_2997_smart_cut(tmp_path, spans):
    index = indexed("h264_2997")
    assert index.rate == Fraction(30000, 1001)
    result = exact(index, spans, tmp_path)
    assert result.method == engine.METHOD_SMART
    assert_gate_passed(result, spans)
    assert_audio_with_video(result)


@pytest.mark.parametrize("spans", [[(5, 40)], [(0, 1)], [(70, 75)], [(13, 20)]])
def test_open_gop_is_reencoded_exactly(tmp_path, spans):
    index = indexed("h264_open")
    result = exact(index, spans, tmp_path)
    assert result.method == engine.METHOD_REENCODE
    assert result.fallback_reason == "open GOP"
    assert_gate_passed(result, spans)
    assert_audio_with_video(result)


@pytest.mark.parametrize("spans", [[(5, 33)], [(0, 1)], [(45, 50)]])
def test_interlaced_mpeg2_mxf_is_reencoded_in_mxf(tmp_path, spans):
    index = indexed("mpeg2_mxf")
    assert index.info.is_interlaced
    result = exact(index, spans, tmp_path)
    assert result.method == engine.METHOD_REENCODE
    assert result.path.suffix == ".mxf"
    assert_gate_passed(result, spans)
    assert_audio_with_video(result)
    tags = stream_info(result.path)["format"]["tags"]
    assert (tags["material_package_name"], tags["comment_Title"]) == ("Press", "Press")
    assert tags["comment_Credit"] == "UN Photo"
    assert tags["comment_Copyright"] == "© UN 2026"
    video = stream_info(result.path)["streams"][0]
    assert (video["codec_name"], video["width"], video["height"]) == (
        "mpeg2video",
        720,
        576,
    )
    assert video["field_order"] in ("tt", "tb")


@pytest.mark.parametrize("spans", [[(5, 33)], [(0, 1)], [(55, 60)]])
def test_prores_is_copied_exactly(tmp_path, spans):
    index = indexed("prores")
    assert index.intra_only
    result = exact(index, spans, tmp_path)
    assert result.method == engine.METHOD_COPY
    assert result.path.suffix == ".mov"
    assert_gate_passed(result, spans)
    assert_audio_with_video(result)
    for entry in result.gate["psnr"]:
        assert entry["match"] == "inf"  # copied: the master's own frames


def test_master_without_audio(tmp_path):
    index = indexed("silent")
    result = exact(index, [(5, 40)], tmp_path)
    assert result.method == engine.METHOD_SMART
    assert_gate_passed(result, [(5, 40)])
    assert result.gate["audio_offset"] is None
    assert [s["codec_type"] for s in stream_info(result.path)["streams"]] == ["video"]


@pytest.mark.parametrize(
    ("spans", "real"),
    [
        ([(17, 30)], [(12, 30)]),  # starts at the keyframe before in: 5 frames earlier
        ([(0, 75)], [(0, 75)]),
        ([(72, 75)], [(72, 75)]),
    ],
)
def test_fast_cut_starts_on_the_keyframe_before(h264_25, tmp_path, spans, real):
    result = engine.make_part(
        h264_25, spans, engine.FAST, tmp_path / "job", name="part"
    )
    assert result.method == engine.METHOD_FAST
    assert result.real[0][0] == real[0][0]
    assert result.real[0][1] >= real[0][1]
    frames = gate.read_packets(result.path, "mov")
    assert len(frames) == result.real[0][1] - result.real[0][0]


def test_fast_cut_of_a_mxf_master_keeps_mxf(tmp_path):
    index = indexed("mpeg2_mxf")
    result = engine.make_part(
        index, [(13, 30)], engine.FAST, tmp_path / "job", name="p",
        metadata=engine.Metadata(title="Press", credit="UN Photo", copyright="© UN 2026"),
    )  # fmt: skip
    assert result.path.suffix == ".mxf"
    assert result.real[0][0] == index.keyframe_at_or_before(13)
    tags = stream_info(result.path)["format"]["tags"]
    assert (tags["comment_Credit"], tags["comment_Copyright"]) == (
        "UN Photo",
        "© UN 2026",
    )


def test_progress_reaches_one(h264_25, tmp_path):
    seen = []
    exact(h264_25, [(5, 70)], tmp_path, on_progress=seen.append)
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_one_file_per_shot_is_a_stored_zip(h264_25, tmp_path):
    result = engine.make_zip(
        h264_25, [(3, 17), (40, 52)], engine.EXACT, tmp_path / "job", name="parts",
        names=["shot-1", "shot-2"],
    )  # fmt: skip
    with zipfile.ZipFile(result.path) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == ["shot-1.mp4", "shot-2.mp4"]
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    assert [part["frames"] for part in result.gate["parts"]] == [14, 12]


def test_the_gate_finds_copied_audio_behind_more_than_a_second_of_hidden_packets(
    tmp_path,
):
    # given: one keyframe only, so a copy from 2 s keeps 2 s of audio packets that the
    # edit list hides (as a smart cut's copied audio does far from a keyframe)
    master = tmp_path / "one-gop.mp4"
    part = tmp_path / "part.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "3",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "100", "-c:a", "aac",
         str(master)],
        check=True,
    )  # fmt: skip
    subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", "2.0", "-t", "0.8", "-i", str(master),
         "-vn", "-c:a", "copy", "-copypriorss:a", "1", str(part)],
        check=True,
    )  # fmt: skip

    # when
    _stream, (start, end) = gate._audio(part, 0.8)

    # then: found, starting with the part and lasting as long (within one AAC frame; the
    # smart cut's gate then asks for less than 1 ms at the start)
    assert abs(start) < 1024 / 48000
    assert abs(end - 0.8) < 1024 / 48000


@pytest.fixture(scope="module")
def two_second_gops(tmp_path_factory):
    """8 s of x264 with a keyframe every 2 s (as the benchmark's master), AAC stereo."""
    path = tmp_path_factory.mktemp("gop50") / "gop50.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "50",
         "-keyint_min", "50", "-sc_threshold", "0", "-bf", "2", "-c:a", "aac",
         "-b:a", "192k", str(path)],
        check=True,
    )  # fmt: skip
    return index_master(path)


@pytest.mark.parametrize(
    ("_case", "start", "reason"),
    [
        ("audio copied", 20, ""),
        # ffmpeg places the copied audio's edit list 8 ms late here
        ("audio re-encoded", 27, "audio starts 8.0 ms off; audio re-encoded"),
    ],
)
def test_a_smart_cut_copies_its_audio_or_re_encodes_only_the_audio(
    two_second_gops, tmp_path, _case, start, reason
):
    # when
    result = exact(two_second_gops, [(start, start + 100)], tmp_path)

    # then: still a smart cut, its sound starting with the first frame
    assert_gate_passed(result, [(start, start + 100)])
    assert result.method == engine.METHOD_SMART
    assert result.fallback_reason.endswith(reason)
    assert result.gate["audio_offset"] == 0.0
    codec = [
        s for s in stream_info(result.path)["streams"] if s["codec_type"] == "audio"
    ]
    assert codec[0]["codec_name"] == "aac"

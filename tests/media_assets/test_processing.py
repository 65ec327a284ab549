import json
import subprocess
from fractions import Fraction
from pathlib import Path

from django.core.files.base import ContentFile

from wagtail.images.models import Image
from wagtail.models import Locale

import pytest

from media_assets.factories import VideoFactory
from media_assets.models import ProcessingState, Video
from media_assets.services import (
    IngestError,
    ingest_master,
    process_video,
    request_processing,
)
from media_assets.storage import private_storage
from tests.media_assets.videos import make_audio_only, make_video, truncate


def unprocessed_video(path: Path, **kwargs) -> Video:
    return VideoFactory(
        file__from_path=str(path),
        file__filename=path.name,
        poster=None,
        duration=0,
        width=None,
        height=None,
        frame_rate_numerator=None,
        frame_rate_denominator=None,
        video_codec="",
        audio_codec="",
        processing_state=ProcessingState.QUEUED,
        **kwargs,
    )


def ffprobe_streams(path: str) -> list[dict]:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", path],
        capture_output=True,
        check=True,
    )
    return json.loads(completed.stdout)["streams"]


@pytest.mark.parametrize(
    (
        "name",
        "container",
        "size",
        "rate",
        "scan_type",
        "video_codec",
        "audio_codec",
        "channels",
    ),
    [
        ("h264.mp4", "mp4", (640, 360), Fraction(25), "progressive", "h264", "aac", 1),
        (
            "prores.mov",
            "mov",
            (480, 270),
            Fraction(30000, 1001),
            "progressive",
            "prores",
            "pcm_s16le",
            1,
        ),
        (
            "xdcam.mxf",
            "mxf",
            (720, 576),
            Fraction(25),
            "interlaced_tff",
            "mpeg2video",
            "pcm_s16le",
            1,
        ),
    ],
    ids=["mp4_h264_case", "mov_prores_2997_case", "mxf_mpeg2_interlaced_case"],
)
def test_processing_stores_metadata_poster_and_preview(
    db, name, container, size, rate, scan_type, video_codec, audio_codec, channels
):
    # given
    master = make_video(name, seconds=3)
    video = unprocessed_video(master)

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY
    assert video.processing_error == ""
    assert video.container == container
    assert (video.width, video.height) == size
    assert video.frame_rate == rate
    assert video.scan_type == scan_type
    assert (video.video_codec, video.audio_codec) == (video_codec, audio_codec)
    assert video.audio_channels == channels
    assert abs(video.duration - 3) < 0.05
    assert video.file_size == master.stat().st_size
    assert video.bit_rate == pytest.approx(
        video.file_size * 8 / video.duration, rel=0.05
    )
    import hashlib

    assert video.checksum == hashlib.sha256(master.read_bytes()).hexdigest()
    assert video.processed_at is not None
    # the poster is a Wagtail image at the master's display size, renditions work
    assert video.poster.collection.name == "Video posters"
    assert video.poster.width == size[0]
    rendition = video.poster.get_rendition("width-320")
    assert rendition.width == 320
    # the preview: H.264 + AAC, at most 640 px wide, square pixels, moov before mdat
    preview_streams = ffprobe_streams(video.preview.path)
    assert [s["codec_name"] for s in preview_streams] == ["h264", "aac"]
    assert preview_streams[0]["width"] <= 640
    head = Path(video.preview.path).read_bytes()[:200_000]
    assert 0 <= head.find(b"moov") < head.find(b"mdat")


def test_preview_of_an_anamorphic_pal_master_has_square_pixels(db):
    # given: 720x576 with the 16:9 sample aspect ratio of PAL widescreen
    video = unprocessed_video(make_video("anamorphic.mxf"))

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    stream = ffprobe_streams(video.preview.path)[0]
    assert (stream["width"], stream["height"]) == (640, 360)


def test_processing_twice_is_idempotent(db):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    process_video(video_id=video.pk)
    video.refresh_from_db()
    first = (video.poster_id, video.preview.name, video.checksum, video.processed_at)

    # when: the task is delivered again (a retry, a redelivery after a crash)
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert (
        video.poster_id,
        video.preview.name,
        video.checksum,
        video.processed_at,
    ) == first
    assert Image.objects.count() == 1


def test_processing_again_after_a_crash_mid_way_ends_ready(db):
    # given: a worker died while processing (the state stayed "processing")
    video = unprocessed_video(make_video("h264.mp4"))
    Video.objects.filter(pk=video.pk).update(
        processing_state=ProcessingState.PROCESSING
    )

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY
    assert Image.objects.count() == 1


def test_forced_run_again_replaces_poster_and_preview_and_deletes_the_old_ones(
    db, django_capture_on_commit_callbacks
):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    process_video(video_id=video.pk)
    video.refresh_from_db()
    old_poster_id, old_preview_path = video.poster_id, Path(video.preview.path)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        process_video(video_id=video.pk, force=True)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY
    assert video.poster_id != old_poster_id
    assert list(Image.objects.values_list("pk", flat=True)) == [video.poster_id]
    assert Path(video.preview.path).exists()
    assert not old_preview_path.exists()


def test_an_editors_own_poster_is_kept(db):
    # given
    from wagtail_factories import ImageFactory

    chosen = ImageFactory(title="Official photo")
    video = unprocessed_video(make_video("h264.mp4"))
    video.poster = chosen
    video.save()

    # when
    process_video(video_id=video.pk, force=True)

    # then
    video.refresh_from_db()
    assert video.poster_id == chosen.pk
    assert Image.objects.count() == 1
    assert video.preview


def test_replacing_a_master_keeps_the_old_one_until_the_new_one_is_processed(
    db, django_capture_on_commit_callbacks
):
    # given
    old_master = make_video("h264.mp4")
    video = unprocessed_video(old_master)
    process_video(video_id=video.pk)
    video.refresh_from_db()
    old_name, old_poster_id = video.file.name, video.poster_id
    old_preview = Path(video.preview.path)

    # when: a MOV replacement waits beside the master, then is processed
    video.replacement.save(
        "new.mov", ContentFile(make_video("prores.mov").read_bytes())
    )
    waiting = Video.objects.get(pk=video.pk)

    # then (before processing) the old master and its derived files are in use
    assert waiting.file.name == old_name
    assert private_storage.exists(old_name)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY
    assert video.file.name.endswith(".mov")
    assert video.replacement.name == ""
    assert video.container == "mov"
    assert video.frame_rate == Fraction(30000, 1001)
    assert not private_storage.exists(old_name)
    assert not old_preview.exists()
    assert not Image.objects.filter(pk=old_poster_id).exists()


def test_a_bad_replacement_is_dropped_and_the_master_kept(
    db, django_capture_on_commit_callbacks
):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    process_video(video_id=video.pk)
    video.refresh_from_db()
    before = (video.file.name, video.poster_id, video.preview.name, video.checksum)
    video.replacement.save("broken.mp4", ContentFile(b"not a video at all\n" * 100))
    bad_name = video.replacement.name

    # when
    with django_capture_on_commit_callbacks(execute=True):
        process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.FAILED
    assert video.processing_error == "not_video"
    assert (
        video.file.name,
        video.poster_id,
        video.preview.name,
        video.checksum,
    ) == before
    assert private_storage.exists(video.file.name)
    assert video.replacement.name == ""
    assert not private_storage.exists(bad_name)


def bad_inputs():
    return {
        "empty_case": lambda: _written("empty.mp4", b""),
        "text_case": lambda: _written("notes.mp4", b"Press conference notes.\n" * 50),
        "corrupt_case": lambda: _corrupted(make_video("h264.mp4")),
        "truncated_faststart_case": lambda: truncate(make_video("h264.mp4")),
        "truncated_mxf_case": lambda: truncate(make_video("xdcam.mxf")),
        "audio_only_case": make_audio_only,
    }


def _written(name: str, data: bytes) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / name
    path.write_bytes(data)
    return path


def _corrupted(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    # keep the header and the index, garble the pictures
    start = data.find(b"mdat") + 4
    for index in range(start + 2000, len(data) - 1000, 7):
        data[index] = (data[index] * 31 + 17) % 256
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("empty_case", "empty", "The file is empty (0 bytes)."),
        ("text_case", "not_video", "This file is not a video in an accepted format."),
        ("corrupt_case", "damaged", "The file is damaged or truncated"),
        ("truncated_faststart_case", "damaged", "The file is damaged or truncated"),
        ("truncated_mxf_case", "damaged", "The file is damaged or truncated"),
        (
            "audio_only_case",
            "audio_only",
            "This file has no video stream: it is audio only.",
        ),
    ],
)
def test_bad_masters_fail_with_a_clear_reason_and_nothing_public(
    db, case, code, message
):
    # given
    video = unprocessed_video(bad_inputs()[case]())

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.FAILED
    assert video.processing_error == code
    assert video.processing_error_message.startswith(message)
    assert video.poster is None
    assert not video.preview
    assert video.checksum == ""
    assert Image.objects.count() == 0


def test_a_video_without_audio_is_processed_with_a_warning(db):
    # given
    video = unprocessed_video(make_video("silent.mp4"))

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY
    assert video.audio_codec == ""
    assert video.audio_channels == 0
    assert video.frame_rate == Fraction(50)
    assert [str(w) for w in video.warnings] == [
        "This master has no audio track: the preview is silent."
    ]
    assert [s["codec_type"] for s in ffprobe_streams(video.preview.path)] == ["video"]


def test_a_missing_master_file_fails_clearly(db):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    private_storage.delete(video.file.name)

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.FAILED
    assert video.processing_error == "missing"


def test_processing_a_deleted_video_does_nothing(db):
    assert process_video(video_id=-1) is None


def test_translations_share_the_technical_metadata(db, site_tree):
    # given: a French translation made before the master was processed
    video = unprocessed_video(make_video("h264.mp4"))
    french = video.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.title = "Vidéo"
    french.save()

    # when
    process_video(video_id=video.pk)

    # then
    french.refresh_from_db()
    video.refresh_from_db()
    assert french.processing_state == ProcessingState.READY
    assert (french.poster_id, french.preview.name, french.checksum) == (
        video.poster_id,
        video.preview.name,
        video.checksum,
    )
    assert french.frame_rate == Fraction(25)
    assert french.title == "Vidéo"


def test_request_processing_queues_then_processes_after_commit(
    db, django_capture_on_commit_callbacks
):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    Video.objects.filter(pk=video.pk).update(processing_state=ProcessingState.FAILED)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_processing(video=video)

    # then: queued until the transaction commits, then processed (inline here)
    assert Video.objects.get(pk=video.pk).processing_state == ProcessingState.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    assert Video.objects.get(pk=video.pk).processing_state == ProcessingState.READY


def test_ingest_master_processes_synchronously_and_raises_on_failure(db):
    # given
    good = unprocessed_video(make_video("h264.mp4"))
    bad = unprocessed_video(_written("bad.mp4", b"garbage" * 10))

    # when
    processed = ingest_master(video=good)

    # then
    assert processed.processing_state == ProcessingState.READY
    with pytest.raises(IngestError, match="could not be processed"):
        ingest_master(video=bad)

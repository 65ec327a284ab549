"""Asking for parts: validation, one clip per identical request, the job, the cache."""

from __future__ import annotations

import threading
from pathlib import Path

from django.db import connection
from django.utils import translation

import pytest

from accounts.factories import UserFactory
from media_assets import clips
from media_assets.choices import ClipCut, ClipError, ClipState
from media_assets.clipping import runner
from media_assets.factories import ShotFactory, VideoFactory
from media_assets.models import Clip, ClipRequest
from tests.media_assets.clip_videos import video_with_master


pytestmark = pytest.mark.django_db


def ask(video, spans, cut=ClipCut.EXACT, **kwargs):
    """Ask as a view does: the job is queued when the request's transaction commits."""
    if (
        connection.in_atomic_block
    ):  # the test's transaction: run on_commit callbacks now
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            clip = clips.request_part(video=video, spans=spans, cut=cut, **kwargs)
        clip.refresh_from_db()
        return clip
    return clips.request_part(video=video, spans=spans, cut=cut, **kwargs)


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("spans", "english", "french"),
    [
        ([(40, 30)], "The out-point is before the in-point.",
         "Le point de sortie est avant le point d’entrée."),
        ([(30, 30)], "The part has no frames: move the out-point later.",
         "L’extrait ne contient aucune image : placez le point de sortie plus loin."),
        ([(30, 76)], "The part goes past the end of the video (00:00:03:00).",
         "L’extrait dépasse la fin de la vidéo (00:00:03:00)."),
    ],
)  # fmt: skip
def test_bad_parts_are_refused_in_the_persons_language_and_nothing_is_queued(
    spans, english, french
):
    video = VideoFactory(duration=3.0, checksum="a" * 64)
    for language, message in (("en", english), ("fr", french)):
        with (
            translation.override(language),
            pytest.raises(clips.PartRequestError) as error,
        ):
            ask(video, spans)
        assert str(error.value) == message
    assert Clip.objects.count() == 0


def test_a_shot_of_another_video_is_refused():
    video = VideoFactory(duration=3.0, checksum="a" * 64)
    other = ShotFactory(video=VideoFactory(checksum="b" * 64))
    with translation.override("fr"), pytest.raises(clips.PartRequestError) as error:
        clips.shot_spans(video, [other.pk])
    assert str(error.value) == "Un des plans choisis appartient à une autre vidéo."


def test_shots_become_frame_spans_in_shot_list_order():
    video = VideoFactory(duration=12.0, checksum="a" * 64)
    late = ShotFactory(video=video, start="8.000", end="9.480")
    early = ShotFactory(video=video, start="1.040", end="2.000")
    assert clips.shot_spans(video, [late.pk, early.pk]) == [(26, 50), (200, 237)]


def test_too_many_parts_running_for_one_account(settings):
    settings.NEWSROOM_CLIPS_PER_ACCOUNT = 1
    user = UserFactory()
    video = VideoFactory(duration=3.0, checksum="a" * 64)
    first = Clip.objects.create(
        video=video, checksum=video.checksum, spans=[[0, 10]], spans_key="0-10",
        in_frame=0, out_frame=10, cut="fast", state=ClipState.RUNNING,
    )  # fmt: skip
    ClipRequest.objects.create(clip=first, user=user)
    with translation.override("fr"), pytest.raises(clips.PartRequestError) as error:
        ask(video, [(20, 30)], user=user)
    assert str(error.value) == (
        "Vous avez déjà 1 extraits en préparation : attendez qu’un soit prêt, "
        "puis demandez à nouveau."
    )
    assert Clip.objects.count() == 1


def test_a_part_is_made_once_and_found_again(settings):
    video = video_with_master()
    user = UserFactory()
    runs = runner.RUNS["ffmpeg"]

    clip = ask(video, [(5, 40)], user=user, language="fr")

    assert clip.state == ClipState.READY, clip.error_detail
    assert (clip.method, clip.real_spans, clip.progress) == ("smart", [[5, 40]], 1.0)
    assert (clip.gate["passed"], clip.gate["frames"]) == (True, 35)
    assert clip.file.name == "parts/%s/%d/video-%s_00-00-00-05_00-00-01-15.mp4" % (
        video.checksum[:2], clip.pk, video.title.split()[-1],
    )  # fmt: skip
    assert Path(clip.file.path).stat().st_size == clip.size
    made = runner.RUNS["ffmpeg"] - runs
    assert made >= 4

    # the same part again: the same clip, no ffmpeg run
    again = ask(video, [(5, 40)], user=UserFactory())
    assert again.pk == clip.pk
    assert runner.RUNS["ffmpeg"] - runs == made
    assert (
        clips.make_clip(clip.pk) == ClipState.READY
    )  # a redelivered job finds the file
    assert runner.RUNS["ffmpeg"] - runs == made
    assert ClipRequest.objects.filter(clip=clip).count() == 2
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    assert files_under(private / "parts") == [clip.file.name[len("parts/") :]]
    assert files_under(private / "parts-work") == []


def test_a_file_finished_before_a_crash_is_adopted_not_remade(settings):
    video = video_with_master()
    clip = ask(video, [(5, 40)], cut=ClipCut.FAST)
    name = clip.file.name
    # the worker died after the atomic move, before it saved the row
    Clip.objects.filter(pk=clip.pk).update(state=ClipState.RUNNING, file="", size=None)
    runs = runner.RUNS["ffmpeg"]
    assert clips.make_clip(clip.pk) == ClipState.READY
    assert runner.RUNS["ffmpeg"] == runs
    clip.refresh_from_db()
    assert (clip.state, clip.file.name) == (ClipState.READY, name)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_identical_concurrent_requests_are_one_clip_and_one_job():
    video = video_with_master()
    runs_before = runner.RUNS["ffmpeg"]
    barrier = threading.Barrier(10)
    results, errors = [], []

    def request():
        try:
            barrier.wait()
            results.append(ask(video, [(5, 40)], cut=ClipCut.FAST).pk)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1
    clip = Clip.objects.get()
    assert (clip.state, clip.attempts) == (ClipState.READY, 1)
    assert ClipRequest.objects.filter(clip=clip).count() == 10
    # a fast part of one span is one ffmpeg run (the copy with its audio), made once
    assert runner.RUNS["ffmpeg"] - runs_before == 1


def test_a_failed_part_says_why_and_can_be_retried():
    video = video_with_master()
    clip = ask(video, [(5, 40)])
    # as if the job had been stopped: no file, the reason on the row
    Path(clip.file.path).unlink()
    Clip.objects.filter(pk=clip.pk).update(
        state=ClipState.FAILED, error=ClipError.TIMEOUT, file=""
    )
    clip.refresh_from_db()
    with translation.override("fr"):
        assert clip.error_message == (
            "La préparation de l’extrait a pris trop de temps et a été arrêtée. Réessayez."
        )
    retried = ask(video, [(5, 40)])
    assert retried.pk == clip.pk
    assert (retried.state, retried.error, retried.attempts) == (ClipState.READY, "", 2)


def test_the_least_recently_downloaded_parts_are_evicted(settings):
    video = video_with_master()
    old = ask(video, [(0, 30)], cut=ClipCut.FAST)
    recent = ask(video, [(30, 60)], cut=ClipCut.FAST)
    clips.mark_downloaded(recent)
    settings.NEWSROOM_CLIP_CACHE_BYTES = recent.size + old.size // 2
    newest = ask(video, [(12, 24)], cut=ClipCut.FAST)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.state, old.file.name) == (ClipState.EXPIRED, "")
    assert not Path(
        settings.PRIVATE_MEDIA_ROOT, "parts", video.checksum[:2], str(old.pk)
    ).exists()
    assert (recent.state, newest.state) == (ClipState.READY, ClipState.READY)
    # asked again, an evicted part is made again
    assert ask(video, [(0, 30)], cut=ClipCut.FAST).state == ClipState.READY


def test_a_new_master_invalidates_its_parts(settings):
    video = video_with_master()
    clip = ask(video, [(0, 30)], cut=ClipCut.FAST)
    path = Path(clip.file.path)
    assert clips.invalidate_parts(video.translation_key, "f" * 64) == 1
    clip.refresh_from_db()
    assert (clip.state, clip.error, path.exists()) == (
        ClipState.EXPIRED, ClipError.CHANGED, False,
    )  # fmt: skip


def test_one_file_per_shot_is_a_zip(settings):
    video = video_with_master()
    clip = ask(video, [(3, 17), (40, 52)], per_shot=True)
    assert clip.state == ClipState.READY, clip.error_detail
    assert clip.file.name.endswith(".zip")
    assert clip.per_shot is True
    # the same shots as one file are another part
    joined = ask(video, [(3, 17), (40, 52)])
    assert joined.pk != clip.pk
    assert joined.file.name.endswith(".mp4")
    assert joined.gate["frames"] == 26


def test_the_masters_index_is_listed_once_and_kept_by_checksum(settings):
    video = video_with_master()
    clip = ask(video, [(0, 30)], cut=ClipCut.FAST)
    assert clip.state == ClipState.READY
    stored = Path(
        settings.PRIVATE_MEDIA_ROOT, "parts-index", "%s.json" % video.checksum
    )
    assert stored.exists()
    first = clips.cached_index(Path(video.file.path), video.checksum)
    clips._INDEXES.clear()  # a new worker process
    again = clips.cached_index(Path(video.file.path), video.checksum)
    assert again == first
    assert again.keyframes == (0, 12, 24, 36, 48, 60, 72)

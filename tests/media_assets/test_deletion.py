"""Deleting a video's row deletes only the files no other row uses, and only after the commit."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from wagtail.images.models import Image, Rendition

import wagtail_factories

from core.translation import translate_with
from media_assets import conf
from media_assets.factories import VideoFactory
from media_assets.models import Video
from media_assets.services import _poster_collection


def shared_video(site_tree, *, editors_poster: bool = False) -> tuple[Video, Video]:
    """A video with master, waiting replacement, preview and poster (with a rendition), in en and fr."""
    poster = wagtail_factories.ImageFactory(
        collection=(
            wagtail_factories.CollectionFactory(parent=None)
            if editors_poster
            else _poster_collection()
        )
    )
    poster.get_rendition("fill-64x36")
    video = VideoFactory(locale=site_tree.locales["en"], poster=poster, title="Summit")
    video.replacement.save("replacement.mp4", ContentFile(b"\x01" * 64), save=False)
    video.preview.save("preview.mp4", ContentFile(b"\x02" * 64), save=False)
    video.save()
    french = translate_with(video, site_tree.locales["fr"], lambda text: "[fr] " + text)
    return video, french


def paths(video: Video) -> list[Path]:
    image = Image.objects.get(pk=video.poster_id)
    return [
        Path(video.file.path),
        Path(video.replacement.path),
        Path(video.preview.path),
        Path(image.file.path),
        *[Path(rendition.file.path) for rendition in image.renditions.all()],
    ]


def test_deleting_one_translation_keeps_every_shared_file(
    site_tree, django_capture_on_commit_callbacks
):
    # given
    video, french = shared_video(site_tree)
    files = paths(video)
    assert len(files) == 5
    assert [path.exists() for path in files] == [True] * 5
    assert french.file.name == video.file.name

    # when: the French translation goes
    with django_capture_on_commit_callbacks(execute=True):
        french.delete()

    # then: the English video still has its master, replacement, preview, poster and rendition
    video.refresh_from_db()
    assert [path.exists() for path in files] == [True] * 5
    assert Image.objects.filter(pk=video.poster_id).count() == 1
    assert Rendition.objects.filter(image_id=video.poster_id).count() == 1


def test_deleting_the_last_row_deletes_every_file_and_the_poster(
    site_tree, django_capture_on_commit_callbacks
):
    # given
    video, french = shared_video(site_tree)
    files = paths(video)
    poster_id = video.poster_id

    # when: both languages go, one after the other
    with django_capture_on_commit_callbacks(execute=True):
        french.delete()
    with django_capture_on_commit_callbacks(execute=True):
        Video.objects.get(pk=video.pk).delete()

    # then
    assert [path.exists() for path in files] == [False] * 5
    assert Image.objects.filter(pk=poster_id).count() == 0
    assert Rendition.objects.filter(image_id=poster_id).count() == 0


def test_deleting_every_translation_at_once_deletes_the_files(
    site_tree, django_capture_on_commit_callbacks
):
    # given
    video, _french = shared_video(site_tree)
    files = paths(video)

    # when: a bulk delete (the admin's bulk action deletes a queryset)
    with django_capture_on_commit_callbacks(execute=True):
        Video.objects.filter(translation_key=video.translation_key).delete()

    # then
    assert [path.exists() for path in files] == [False] * 5


def test_files_stay_until_the_deletion_commits(site_tree):
    # given
    video, french = shared_video(site_tree)
    files = paths(video)

    # when: the deletion of every row is rolled back
    with transaction.atomic():
        Video.objects.filter(translation_key=video.translation_key).delete()
        transaction.set_rollback(True)

    # then
    assert Video.objects.filter(translation_key=video.translation_key).count() == 2
    assert [path.exists() for path in files] == [True] * 5


def test_an_editors_own_poster_stays_in_the_library(
    site_tree, django_capture_on_commit_callbacks
):
    # given: the poster was chosen from the image library, not made by processing
    video, french = shared_video(site_tree, editors_poster=True)
    image = Image.objects.get(pk=video.poster_id)
    assert image.collection.name != conf.poster_collection_name()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        Video.objects.filter(translation_key=video.translation_key).delete()

    # then
    image.refresh_from_db()
    assert Path(image.file.path).exists()
    assert not Path(video.file.path).exists()

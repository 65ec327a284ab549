"""`Video.public_since`: one stored fact, kept by `news` on commit, shared by translations."""

from __future__ import annotations

from wagtail.models import Locale, PageViewRestriction

import pytest

from media_assets.factories import VideoFactory
from media_assets.models import Video
from news.factories import ReleaseVideoFactory, translate_release
from news.models import NewsReleasePage
from news.publicity import refresh_public_videos


pytestmark = pytest.mark.real_publicity


def draft_with(site_tree, video, **fields):
    from news.factories import NewsReleasePageFactory

    page = NewsReleasePageFactory(parent=site_tree.news, live=False, **fields)
    ReleaseVideoFactory(page=page, video=video)
    page.save_revision()
    return NewsReleasePage.objects.get(pk=page.pk)


def public_since(video):
    return Video.objects.get(pk=video.pk).public_since


def test_publish_marks_the_video_public_on_commit_and_unpublish_withdraws_it(
    site_tree, django_capture_on_commit_callbacks
):
    # given
    video = VideoFactory()
    page = draft_with(site_tree, video)
    assert list(Video.objects.public()) == []

    # when: published; nothing changes before the commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page.get_latest_revision().publish()
        assert public_since(video) is None

    # then
    assert any("schedule_refresh" in repr(callback) for callback in callbacks)
    assert public_since(video) is not None
    assert list(Video.objects.public()) == [video]

    # when
    with django_capture_on_commit_callbacks(execute=True):
        NewsReleasePage.objects.get(pk=page.pk).unpublish()

    # then
    assert public_since(video) is None


def test_a_rolled_back_publish_changes_nothing(site_tree):
    # given: no commit ever happens in this test (callbacks not executed)
    video = VideoFactory()
    page = draft_with(site_tree, video)

    # when
    page.get_latest_revision().publish()

    # then
    assert public_since(video) is None


def test_translations_share_it_and_a_french_release_alone_makes_it_public(
    site_tree, django_capture_on_commit_callbacks
):
    # given: the English release stays a draft; only its French translation goes live
    video = VideoFactory(title="Arrivals")
    page = draft_with(site_tree, video)
    french = translate_release(page, Locale.objects.get(language_code="fr"))
    french_video = Video.objects.get(
        translation_key=video.translation_key, locale__language_code="fr"
    )
    NewsReleasePage.objects.filter(pk=page.pk).update(live=False)
    french.refresh_from_db()
    french.live = False
    french.save()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        french.save_revision().publish()

    # then
    assert public_since(video) == public_since(french_video)
    assert public_since(video) is not None


def test_delete_privacy_and_dropping_the_video_withdraw_it(
    site_tree, django_capture_on_commit_callbacks
):
    # given
    video, other = VideoFactory(), VideoFactory()
    page = draft_with(site_tree, video)
    ReleaseVideoFactory(page=page, video=other)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert {public_since(video) is not None, public_since(other) is not None} == {True}

    # when: a password on the news index
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=site_tree.news, restriction_type="password", password="x"
        )
    # then
    assert public_since(video) is None

    # when: lifted
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    # then
    assert public_since(video) is not None

    # when: a new revision no longer links `other`
    page = NewsReleasePage.objects.get(pk=page.pk)
    page.videos.filter(video=other).delete()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    # then
    assert public_since(other) is None
    assert public_since(video) is not None

    # when: deleted
    with django_capture_on_commit_callbacks(execute=True):
        NewsReleasePage.objects.get(pk=page.pk).delete()
    # then
    assert public_since(video) is None


def test_recompute_is_idempotent_and_keeps_the_first_date(site_tree):
    # given
    video = VideoFactory()
    page = draft_with(site_tree, video)
    page.get_latest_revision().publish()
    refresh_public_videos([str(video.translation_key)])
    first = public_since(video)

    # when
    assert refresh_public_videos() == (0, 0)

    # then
    assert public_since(video) == first

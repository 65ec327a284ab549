"""Embargo canary: only live, public content is ever in the archive index, its hits or its facets."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest
import time_machine

from media_assets.factories import ShotFactory, VideoFactory
from news.factories import (
    NewsReleasePageFactory,
    ReleaseTopicFactory,
    ReleaseVideoFactory,
)
from search.archive import archive_search, parse_query
from search.models import ArchiveDocument
from tests.search.archive import build_archive


CANARY = "zanzibarcanary"
SHOT_CANARY = "okapicanary"


def found(client, word: str) -> dict:
    """What the page says about `word` in every language, and every facet count of the archive."""
    results = archive_search(parse_query({"q": word}, page_language=None))
    everything = archive_search(parse_query({}, page_language=None))
    html = client.get("/en/search/", {"q": word, "language": "all"}).content.decode()
    return {
        "hits": [hit.kind for hit in results.hits],
        "hits on the page": html.count('<li class="archive-hit '),
        "facets": {
            name: {value.value: value.count for value in values}
            for name, values in everything.facets.items()
        },
    }


@pytest.fixture
def archive(site_tree, indexed):
    with indexed():
        return build_archive(site_tree)


@pytest.fixture
def scheduled(site_tree, archive, indexed):
    """A release going live tomorrow with a canary word, showing a new video with a canary shot."""
    go_live = timezone.now() + datetime.timedelta(days=1)
    with indexed():
        page = NewsReleasePageFactory(
            parent=site_tree.news,
            title="Harbour %s" % CANARY,
            slug="canary",
            live=False,
            release_date=datetime.date(2026, 1, 5),
            body=[],
        )
        ReleaseTopicFactory(page=page, topic=archive.topic)
        video = VideoFactory(title="Canary footage")
        ShotFactory(
            video=video, start=Decimal(3), end=Decimal(5), description=SHOT_CANARY
        )
        ReleaseVideoFactory(page=page, video=video)
        page.go_live_at = go_live
        page.save_revision().publish()
    page.refresh_from_db()
    return page, video, go_live


def test_a_scheduled_release_and_its_new_video_stay_out_until_go_live(
    client, archive, scheduled, indexed
):
    # given
    page, video, go_live = scheduled

    # when / then: before go-live nothing of it is anywhere, not even in a count
    assert page.live is False
    assert not ArchiveDocument.objects.filter(
        object_id=page.pk, kind="release"
    ).exists()
    assert not ArchiveDocument.objects.filter(video_id=video.pk).exists()
    before = found(client, CANARY)
    assert before["hits"] == []
    assert before["hits on the page"] == 0
    assert found(client, SHOT_CANARY)["hits"] == []
    assert before["facets"]["topic"] == {str(archive.topic.translation_key): 6}
    assert before["facets"]["year"] == {"2025": 6, "2023": 1}

    # when: the scheduled publishing runs after go-live
    with indexed(), time_machine.travel(go_live + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")

    # then
    after = found(client, CANARY)
    assert after["hits"] == ["release"]
    assert after["hits on the page"] == 1
    assert sorted(found(client, SHOT_CANARY)["hits"]) == ["release", "shot", "video"]
    assert after["facets"]["topic"] == {str(archive.topic.translation_key): 9}
    assert after["facets"]["year"] == {"2026": 3, "2025": 6, "2023": 1}
    assert (
        client.get("/en/search/", {"q": SHOT_CANARY})
        .content.decode()
        .count('href="%s#t=3"' % video.get_public_url("en"))
        == 1
    )

    # when: unpublished
    page.refresh_from_db()
    with indexed():
        page.unpublish()

    # then
    assert found(client, CANARY)["hits"] == []
    assert found(client, SHOT_CANARY)["hits"] == []
    assert found(client, CANARY)["facets"] == before["facets"]


def test_a_private_release_leaves_the_index_and_comes_back(client, archive, indexed):
    # given
    page = archive.english

    # when
    with indexed():
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )

    # then
    assert found(client, "quillwort")["hits"] == []
    assert found(client, "lighthouse")["hits"] == []
    assert found(client, "quillwort")["facets"]["language"] == {"en": 1, "fr": 3}

    # when
    with indexed():
        restriction.delete()

    # then
    assert found(client, "quillwort")["hits"] == ["release"]
    assert sorted(found(client, "lighthouse")["hits"]) == ["release", "shot", "video"]


def test_deleting_a_release_removes_it_and_the_video_only_it_showed(archive, indexed):
    # when
    with indexed():
        archive.english.delete()

    # then
    assert sorted(ArchiveDocument.objects.values_list("kind", "language")) == [
        ("release", "en"),
        ("release", "fr"),
        ("shot", "fr"),
        ("video", "fr"),
    ]


def test_editing_a_shot_or_a_speaker_reindexes_what_shows_them(archive, indexed):
    # given
    shot = archive.english_video.shots.get()

    # when
    with indexed():
        shot.description = "Exterior pelican"
        shot.save()
        archive.speaker.name = "Ottoline Featherstonehaugh"
        archive.speaker.save()

    # then
    assert found_kinds("pelican") == ["release", "shot", "video"]
    assert found_kinds("lighthouse") == []
    assert found_kinds("featherstonehaugh") == ["release"]


def found_kinds(word: str) -> list[str]:
    return sorted(
        hit.kind
        for hit in archive_search(parse_query({"q": word}, page_language=None)).hits
    )


def test_rebuild_command_restores_a_lost_index(archive, capsys):
    # given
    expected = sorted(
        ArchiveDocument.objects.values_list("kind", "object_id", "language")
    )
    ArchiveDocument.objects.filter(kind="shot").delete()
    stale = ArchiveDocument.objects.get(kind="release", language="fr")
    stale.title = "stale"
    stale.save()

    # when
    call_command("rebuild_archive_index")

    # then
    assert (
        sorted(ArchiveDocument.objects.values_list("kind", "object_id", "language"))
        == expected
    )
    assert found_kinds("quenouille") == ["release"]
    assert "7 documents" in capsys.readouterr().out

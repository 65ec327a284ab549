"""Embargo: an approved release with a future go-live is invisible everywhere until it lifts."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from wagtail.models import Revision

import pytest
import time_machine

from cms.celery import app as celery_app
from core.translation import translate_with
from media_assets.factories import VideoFactory
from news.factories import ReleaseVideoFactory
from news.models import NewsReleasePage
from news.roles import OFFICERS, REVIEWERS
from news.tasks import publish_scheduled_task
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for
from tests.workflow.test_roles import draft_release
from tests.workflow.test_workflow import submit, workflow_action_url


TITLE = "Allies meet the heads of intelligence"


def visible_places(release: NewsReleasePage, french: NewsReleasePage, tree) -> dict:
    """Where the release shows, for an anonymous visitor."""
    client = Client()
    english_url = release.get_url()
    full_url = release.get_full_url()
    home = client.get(tree.home.url).content.decode()
    return {
        "page": client.get(english_url).status_code,
        "listing": TITLE in client.get(tree.news.url).content.decode(),
        "landing": TITLE in home,
        "landing videos": "Arrival at headquarters" in home,
        "switcher of the translation": 'href="%s"' % english_url
        in client.get(french.url).content.decode(),
        "sitemap": "<loc>%s</loc>" % full_url
        in client.get("/sitemap-pages.xml").content.decode(),
        "rss": TITLE in client.get("/en/feeds/releases.rss").content.decode(),
        "atom": TITLE in client.get("/en/feeds/releases.atom").content.decode(),
    }


HIDDEN = {
    "page": 404,
    "listing": False,
    "landing": False,
    "landing videos": False,
    "switcher of the translation": False,
    "sitemap": False,
    "rss": False,
    "atom": False,
}
SHOWN = {
    "page": 200,
    "listing": True,
    "landing": True,
    "landing videos": True,
    "switcher of the translation": True,
    "sitemap": True,
    "rss": True,
    "atom": True,
}


@pytest.fixture
def embargoed_release(editorial):
    """A release approved by a reviewer with its go-live two hours ahead; its French version live."""
    officer = member(OFFICERS)
    reviewer = member(REVIEWERS)
    video = VideoFactory(title="Arrival at headquarters")
    release = draft_release(editorial.news, title=TITLE, slug="allies-meet")
    ReleaseVideoFactory(page=release, video=video)
    translate_with(video, editorial.locales["fr"], lambda text: text)
    french = translate_with(
        release, editorial.locales["fr"], lambda text: text, publish=True
    )
    go_live = (timezone.now() + datetime.timedelta(hours=2)).replace(
        second=0, microsecond=0
    )
    release = NewsReleasePage.objects.get(pk=release.pk)
    release.go_live_at = go_live
    release.save_revision(user=officer)

    task_state = submit(release, officer)
    response = client_for(reviewer).post(
        workflow_action_url(release, "approve", task_state)
    )
    assert response.status_code == 302
    return NewsReleasePage.objects.get(pk=release.pk), french, go_live


def test_embargoed_release_is_invisible_everywhere_until_go_live(
    editorial, embargoed_release
):
    # given
    release, french, go_live = embargoed_release

    # then: approved and scheduled, but not live anywhere
    assert release.live is False
    assert (
        Revision.page_revisions.get(
            object_id=str(release.pk), approved_go_live_at__isnull=False
        ).approved_go_live_at
        == go_live
    )
    assert visible_places(release, french, editorial) == HIDDEN
    assert client_for(member(OFFICERS)).get(release.get_url()).status_code == 404

    # when: a minute before go-live, the beat task runs: nothing changes
    with time_machine.travel(go_live - datetime.timedelta(minutes=1), tick=False):
        publish_scheduled_task.apply().get()
    assert visible_places(release, french, editorial) == HIDDEN

    # when: a minute after go-live, the beat task runs for real
    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        publish_scheduled_task.apply().get()

    # then
    release = NewsReleasePage.objects.get(pk=release.pk)
    assert release.live is True
    assert release.first_published_at == go_live + datetime.timedelta(minutes=1)
    assert visible_places(release, french, editorial) == SHOWN


def test_publish_scheduled_command_lifts_the_embargo_too(editorial, embargoed_release):
    # given
    release, _french, go_live = embargoed_release

    # when
    with time_machine.travel(go_live + datetime.timedelta(seconds=30), tick=False):
        call_command("publish_scheduled_loop", iterations=1, interval=0)

    # then
    assert NewsReleasePage.objects.get(pk=release.pk).live is True
    assert Client().get(release.get_url()).status_code == 200


def test_beat_runs_scheduled_publishing_every_minute():
    # then
    entry = celery_app.conf.beat_schedule["publish-scheduled-pages"]
    assert (
        entry["task"]
        == publish_scheduled_task.name
        == "news.tasks.publish_scheduled_task"
    )
    assert entry["schedule"] == 60.0

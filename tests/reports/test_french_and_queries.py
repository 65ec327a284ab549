"""The reports in French, their query counts, and the summary on the video edit page."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.users.models import UserProfile

import pytest

from accounts.factories import UserFactory
from media_assets.factories import DownloadFactory, VideoFactory
from media_assets.reports import rollup
from news.roles import OFFICERS


pytestmark = pytest.mark.django_db

NOVEMBER = "?period_from=2026-11-01&period_to=2026-11-30"


@pytest.fixture
def french_manager(manager) -> Client:
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "fr"
    profile.save()
    client = Client()
    client.force_login(manager)
    return client


def test_reports_speak_french(log, french_manager):
    # when
    response = french_manager.get(
        reverse("media_assets_reports:over_time") + NOVEMBER + "&bucket=month"
    )

    # then
    html = response.content.decode()
    assert "Téléchargements dans le temps" in html
    assert (
        "7 téléchargements (5 masters complets, 2 extraits)\u00a0; 1 dans la période"
        in html
    )
    assert "Évolution\u00a0: 600\u00a0%." in html
    assert "Par organisation" in html
    assert response.context["chart"]["locale"] == "fr"
    assert response.context["chart"]["labels"] == ["novembre 2026"]
    assert response.context["chart"]["datasets"][2]["label"] == "Période précédente"

    videos = french_manager.get(reverse("media_assets_reports:per_video") + NOVEMBER)
    html = videos.content.decode()
    assert "Arrivées au sommet" in html  # the French translation's title
    assert "Dernier téléchargement" in html
    assert "17/11/2026 08:00" in html

    exported = french_manager.get(
        reverse("media_assets_reports:per_organisation") + NOVEMBER + "&export=csv"
    )
    header = b"".join(exported.streaming_content).decode().splitlines()[0]
    assert header == (
        "Organisation,Téléchargements,Masters complets,Extraits,Comptes,Vidéos,"
        "Vidéos les plus téléchargées,Dernier téléchargement"
    )


def test_a_bad_period_is_explained_in_french(site_tree, french_manager):
    response = french_manager.get(
        reverse("media_assets_reports:log")
        + "?period_from=2026-11-30&period_to=2026-11-01"
    )
    assert response.status_code == 200
    assert (
        "La date de début doit précéder la date de fin ou lui être égale."
        in response.content.decode()
    )


def _more_downloads(count: int) -> None:
    for number in range(count):
        DownloadFactory(
            video=VideoFactory(title="Extra %d" % number),
            organisation="Outlet %d" % number,
            release_key=uuid.uuid4(),
            created_at=datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC),
        )
    rollup.rebuild()


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("over_time", 12),
        # PostgreSQL: the distinct counts of a page in one query (GROUPING SETS)
        ("per_video", 14),
        ("per_release", 14),
        ("per_organisation", 15),
        ("log", 12),
    ],
)
def test_query_count_does_not_grow_with_the_page(
    log, manager, django_assert_num_queries, name, queries
):
    # given: a warm client
    client = Client()
    client.force_login(manager)
    address = reverse("media_assets_reports:%s" % name) + NOVEMBER
    client.get(address)

    # then: the same number of queries for a page of 2 rows and a full page of 50
    with django_assert_num_queries(queries):
        assert client.get(address).status_code == 200
    _more_downloads(55)
    with django_assert_num_queries(queries):
        response = client.get(address)
    if name != "over_time":
        assert len(response.context["object_list"]) == 50


def test_video_edit_page_shows_30_days_of_downloads_to_managers(site_tree, manager):
    # given
    video = VideoFactory(title="Summit arrivals")
    french = video.copy_for_translation(site_tree.locales["fr"])
    french.save()
    now = timezone.now()
    DownloadFactory(video=video, organisation="AFP", created_at=now)
    DownloadFactory(video=french, organisation="afp", kind="part", created_at=now)
    DownloadFactory(video=video, created_at=now - datetime.timedelta(days=40))
    client = Client()
    client.force_login(manager)

    # when
    response = client.get(
        reverse("wagtailsnippets_media_assets_video:edit", args=[french.pk])
    )

    # then
    html = response.content.decode()
    assert (
        "Last 30 days, all languages: 2 downloads (1 parts) by 1 organisations." in html
    )
    assert "video=%s" % video.translation_key in html


def test_video_edit_page_hides_downloads_from_officers(site_tree):
    from news.roles import ensure_roles

    ensure_roles()
    officer = UserFactory()
    officer.groups.add(Group.objects.get(name=OFFICERS))
    video = VideoFactory()
    DownloadFactory(video=video)
    client = Client()
    client.force_login(officer)
    response = client.get(
        reverse("wagtailsnippets_media_assets_video:edit", args=[video.pk])
    )
    assert response.status_code == 200
    assert "all languages:" not in response.content.decode()

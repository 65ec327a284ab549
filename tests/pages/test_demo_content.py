"""The demo command: the day-one release in both languages, its video, the demo users; run twice."""

import json
import shutil
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from media_assets.models import Download, DownloadDay, Video
from news import roles
from news.models import NewsReleasePage, Speaker, Topic
from tests.database_snapshot import module_transaction
from tests.pages.demo import seed_the_demo


pytestmark = [
    pytest.mark.skipif(
        shutil.which("ffmpeg") is None, reason="the demo video needs ffmpeg"
    ),
    pytest.mark.module_media,
]

DAY_ONE_EN = "Secretary General meets the heads of allied intelligence services"
DAY_ONE_FR = (
    "Le secrétaire général rencontre les chefs des services de renseignement alliés"
)


@pytest.fixture(scope="module")
def seeded_once(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (videos included) for the module, rolled back after it.

    On PostgreSQL the demo seeded once per process (tests/pages/conftest.py) is put back
    inside the module's transaction; elsewhere it is seeded there. Each test runs in a
    savepoint inside this module's transaction, as `db` tests always do.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        demo = request.getfixturevalue("seeded_demo")
        with override_settings(**demo.paths), module_transaction(django_db_blocker):
            demo.put_back()
            yield demo.output
        return
    var_dir = tmp_path_factory.mktemp("demo-var")
    with (
        override_settings(
            VAR_DIR=var_dir,
            MEDIA_ROOT=var_dir / "media",
            PRIVATE_MEDIA_ROOT=var_dir / "private",
        ),
        module_transaction(django_db_blocker),
    ):
        yield seed_the_demo()


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_demo_has_the_day_one_release_in_english_and_french(seeded):
    # given
    english = NewsReleasePage.objects.get(locale__language_code="en", title=DAY_ONE_EN)
    french = NewsReleasePage.objects.get(locale__language_code="fr", title=DAY_ONE_FR)

    # then
    assert english.translation_key == french.translation_key
    assert (str(french.release_date), french.place) == ("2025-11-19", "Bruxelles")
    quotes = list(french.quotes.select_related("speaker").order_by("sort_order"))
    assert [quote.speaker.title for quote in quotes] == [
        "Secrétaire général",
        "Secrétaire général",
        "Président du Comité militaire",
    ]
    assert all(quote.speaker.locale.language_code == "fr" for quote in quotes)
    assert [link.topic.name for link in french.topics.order_by("sort_order")] == [
        "Renseignement",
        "Ukraine",
        "Technologies émergentes",
    ]
    video = french.videos.get().video
    assert video.locale.language_code == "fr"
    assert [shot.description for shot in video.shots.order_by("sort_order")] == [
        "Plan large du siège par un matin gris de novembre.",
        "Le secrétaire général accueille les chefs des services de renseignement.",
        "Réunion plénière conjointe des deux comités du renseignement.",
    ]
    assert (video.width, video.height, video.frame_rate_numerator) == (1280, 720, 25)
    assert round(video.duration) == 12
    assert video.poster is not None
    assert video.preview.storage.exists(video.preview.name)


def test_demo_release_page_renders_in_both_languages(client, seeded):
    english = client.get(NewsReleasePage.objects.get(title=DAY_ONE_EN).url)
    french = client.get(NewsReleasePage.objects.get(title=DAY_ONE_FR).url)

    assert english.status_code == french.status_code == 200
    assert "19 November 2025" in english.content.decode()
    assert "19 novembre 2025" in french.content.decode()
    assert "00:00:08:05" in french.content.decode()


def test_demo_users_one_per_role_with_printed_passwords(seeded, settings):
    # given
    saved = json.loads((settings.VAR_DIR / "demo-credentials.json").read_text())

    # then
    expected_groups = {
        "officer@newsroom.example": roles.OFFICERS,
        "reviewer@newsroom.example": roles.REVIEWERS,
        "translator.fr@newsroom.example": roles.TRANSLATORS_FR,
    }
    for email, group in expected_groups.items():
        user = User.objects.get(email=email)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(saved[email])
        assert saved[email] in seeded
    assert User.objects.get(email="editor@newsroom.example").is_superuser
    journalist = User.objects.get(email="journalist@newsroom.example")
    assert not journalist.is_staff
    assert EmailAddress.objects.get(user=journalist).verified
    assert "/admin/" in seeded


def test_demo_command_run_twice_changes_nothing(seeded, settings):
    # given
    counts = (
        NewsReleasePage.objects.count(),
        Speaker.objects.count(),
        Topic.objects.count(),
        Video.objects.count(),
        User.objects.count(),
        Download.objects.count(),
    )
    passwords = (settings.VAR_DIR / "demo-credentials.json").read_text()

    # when
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--demo", stdout=StringIO())

    # then
    # five demo users, and the twelve journalists of the demo download log
    assert counts == (8, 6, 10, 4, 17, 360)
    assert (
        NewsReleasePage.objects.count(),
        Speaker.objects.count(),
        Topic.objects.count(),
        Video.objects.count(),
        User.objects.count(),
        Download.objects.count(),
    ) == counts
    assert (settings.VAR_DIR / "demo-credentials.json").read_text() == passwords


def test_demo_has_a_download_log_that_the_reports_chart(seeded):
    from django.db.models import Count, Sum

    # a few hundred downloads over months, of every demo video, in both languages and kinds
    log = Download.objects.all()
    assert log.count() == 360
    assert log.values("video_key").distinct().count() == 2
    assert set(log.values_list("language", flat=True)) == {"en", "fr"}
    assert set(log.values_list("kind", flat=True)) == {"full", "part"}
    assert log.dates("created_at", "day").count() > 60
    assert log.filter(release_key__isnull=False).exists()
    # by a dozen people of some ten media, spelled as people type them, one account deleted
    assert log.values("organisation").distinct().count() == 12
    assert log.filter(user=None).exists()
    assert log.filter(requests__gt=1).exists()
    # rolled up for the reports
    rolled_up = DownloadDay.objects.aggregate(
        downloads=Sum("download_count"), days=Count("day", distinct=True)
    )
    assert rolled_up["downloads"] == 360

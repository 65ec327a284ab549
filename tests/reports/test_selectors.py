"""The report queries count the hand-made log of conftest.py exactly."""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.utils import timezone

import pytest

from media_assets.factories import DownloadFactory, VideoFactory
from media_assets.reports import selectors
from media_assets.reports.selectors import Period, ReportFilters


pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True, params=["roll-up", "log rows"])
def counted_from(request, settings):
    """Every count holds on the daily roll-up and on the log's own rows alike."""
    settings.NEWSROOM_REPORTS_ROLLUP = request.param == "roll-up"
    return request.param


def test_the_reports_read_the_roll_up_in_the_sites_time_zone(counted_from, november):
    expected = counted_from == "roll-up"
    assert selectors.source(november).rolled_up is expected
    # An admin in another time zone has other days: the log's rows answer.
    with timezone.override("America/New_York"):
        assert selectors.source(november).rolled_up is False


def test_over_time_per_day_counts_in_brussels_days_and_compares(log, november):
    # when
    report = selectors.downloads_over_time(november, bucket="day")

    # then
    assert len(report.buckets) == 30
    found = {b.start: (b.full, b.part) for b in report.buckets if b.downloads}
    assert found == {
        D(2026, 11, 2): (1, 0),
        D(2026, 11, 3): (1, 1),
        D(2026, 11, 10): (1, 0),
        D(2026, 11, 17): (1, 1),
        D(2026, 11, 30): (1, 0),
    }
    assert (report.full, report.part, report.downloads) == (5, 2, 7)
    # The previous 30 days (2 to 31 October), slot by slot: 20 October is the 19th slot.
    previous = {
        b.previous_start: b.previous_full for b in report.buckets if b.previous_full
    }
    assert previous == {D(2026, 10, 20): 1}
    assert report.buckets[18].previous_start == D(2026, 10, 20)
    assert report.previous_downloads == 1
    assert report.change == 6.0


def test_over_time_per_week_and_month(log, november):
    weeks = selectors.downloads_over_time(november, bucket="week")
    assert [(b.start, b.full, b.part) for b in weeks.buckets] == [
        (D(2026, 10, 26), 0, 0),
        (D(2026, 11, 2), 2, 1),
        (D(2026, 11, 9), 1, 0),
        (D(2026, 11, 16), 1, 1),
        (D(2026, 11, 23), 0, 0),
        (D(2026, 11, 30), 1, 0),
    ]
    months = selectors.downloads_over_time(november, bucket="month")
    assert [(b.start, b.full, b.part) for b in months.buckets] == [
        (D(2026, 11, 1), 5, 2)
    ]
    assert months.buckets[0].previous_start == D(2026, 10, 1)
    assert months.buckets[0].previous_downloads == 1


def test_over_time_filters_by_kind_language_and_video(log, november):
    parts = selectors.downloads_over_time(replace(november, kind="part"))
    assert (parts.full, parts.part) == (0, 2)
    french = selectors.downloads_over_time(replace(november, language="fr"))
    assert (french.full, french.part) == (2, 1)
    summit = selectors.downloads_over_time(
        replace(november, video_key=log.summit.translation_key)
    )
    assert (summit.full, summit.part, summit.previous_downloads) == (3, 1, 1)


def test_over_time_refuses_an_unknown_bucket(november):
    with pytest.raises(ValueError, match="Unknown bucket"):
        selectors.downloads_over_time(november, bucket="year")


def test_per_video_counts_one_video_across_languages(log, november):
    # when
    rows = selectors.attach_videos(
        selectors.attach_distinct_counts(
            november, selectors.downloads_per_video(november), group="video_key"
        ),
        language="fr",
    )

    # then
    assert [
        (
            r["title"],
            r["downloads"],
            r["full"],
            r["part"],
            r["language_en"],
            r["language_fr"],
            r["organisations"],
            r["accounts"],
        )
        for r in rows
    ] == [
        ("Arrivées au sommet", 4, 3, 1, 2, 2, 2, 3),
        ("Point de presse", 3, 2, 1, 2, 1, 1, 3),
    ]
    assert rows[0]["video"] == log.summit_fr
    assert rows[0]["last_download"] == datetime.datetime(
        2026, 11, 17, 7, 0, tzinfo=datetime.UTC
    )


def test_per_video_keeps_the_title_of_a_deleted_video(log, november):
    log.briefing_fr.delete()
    log.briefing.delete()
    rows = selectors.attach_videos(
        selectors.downloads_per_video(november), language="en"
    )
    assert [(r["title"], r["video"], r["downloads"]) for r in rows] == [
        ("Summit arrivals", log.summit, 4),
        ("Press briefing", None, 3),
    ]


def test_per_release(log, november):
    rows = selectors.attach_releases(
        selectors.attach_distinct_counts(
            november, selectors.downloads_per_release(november), group="release_key"
        ),
        language="en",
    )
    assert [
        (
            r["title"],
            r["downloads"],
            r["full"],
            r["part"],
            r["language_en"],
            r["language_fr"],
            r["organisations"],
            r["accounts"],
            r["videos"],
        )
        for r in rows
    ] == [
        ("Summit opens", 4, 3, 1, 2, 2, 2, 3, 1),
        ("Spokesperson's briefing", 2, 1, 1, 1, 1, 1, 2, 1),
        ("", 1, 1, 0, 1, 0, 1, 1, 1),
    ]
    assert rows[0]["release"].pk == log.summit_release.pk
    assert rows[2]["release"] is None


def test_per_organisation_groups_spellings_and_lists_top_videos(log, november):
    rows = selectors.attach_organisation_details(
        november,
        selectors.attach_distinct_counts(
            november,
            selectors.downloads_per_organisation(november),
            group="organisation_key",
        ),
    )
    assert [
        (
            r["organisation_key"],
            r["name"],
            r["downloads"],
            r["full"],
            r["part"],
            r["accounts"],
            r["videos"],
            [(v["title"], v["downloads"]) for v in r["top_videos"]],
        )
        for r in rows
    ] == [
        (
            "agence france-presse",
            "Agence France-Presse",
            3,
            2,
            1,
            2,
            1,
            [("Summit arrivals", 3)],
        ),
        (
            "reuters",
            "Reuters",
            3,
            2,
            1,
            2,
            2,
            [("Press briefing", 2), ("Summit arrivals", 1)],
        ),
        (None, "", 1, 1, 0, 1, 1, [("Point de presse", 1)]),
    ]


def test_top_videos_keeps_the_first_ones_only(log, november):
    rows = selectors.attach_organisation_details(
        november, selectors.downloads_per_organisation(november), top=1
    )
    assert [len(r["top_videos"]) for r in rows] == [1, 1, 1]
    assert rows[1]["top_videos"][0]["title"] == "Press briefing"


def test_log_filters(log, november):
    everything = selectors.download_log(november)
    assert [d.pk for d in everything] == [r.pk for r in reversed(log.rows[1:])]

    def count(**changes):
        return selectors.download_log(replace(november, **changes)).count()

    assert count(organisation=" AGENCE france-presse") == 3
    assert count(account="ALICE@afp.example") == 2
    assert count(account="deleted-account-901@example.invalid") == 2
    assert count(release_key=log.briefing_release.translation_key) == 2
    assert count(video_key=log.briefing.translation_key, language="en") == 2
    assert count(kind="part") == 2
    assert count(period=Period(D(2026, 11, 3), D(2026, 11, 3))) == 2


def test_a_deleted_accounts_rows_still_count(log, november):
    deleted = [r for r in selectors.download_log(november) if r.user_id is None]
    assert [r.email for r in deleted] == ["deleted-account-901@example.invalid"] * 2


def test_video_summary_over_the_last_30_days(site_tree):
    # given: two downloads of a video (in two languages) today and one 31 days ago
    video = VideoFactory()
    french = video.copy_for_translation(site_tree.locales["fr"])
    french.save()
    now = timezone.now()
    DownloadFactory(video=video, organisation="AP", kind="part", created_at=now)
    DownloadFactory(video=french, organisation="ap ", created_at=now)
    DownloadFactory(video=video, created_at=now - datetime.timedelta(days=31))

    # then
    assert selectors.video_downloads_summary(video_key=video.translation_key) == {
        "downloads": 2,
        "part": 1,
        "organisations": 1,
    }


def test_default_period_is_the_last_90_days():
    period = ReportFilters().period
    assert period.days == 90
    assert period.previous().days == 90
    assert period.previous().end == period.start - datetime.timedelta(days=1)

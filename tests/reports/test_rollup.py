"""The daily roll-up the reports read: built from the log, idempotent, kept up to date."""

from __future__ import annotations

import datetime

from django.core.management import CommandError, call_command
from django.db.models import Sum

import pytest

from accounts.factories import UserFactory
from cms.celery import app as celery_app
from media_assets.factories import DownloadFactory, VideoFactory
from media_assets.models import Download, DownloadDay
from media_assets.reports import rollup, selectors
from media_assets.tasks import rollup_downloads_task


pytestmark = pytest.mark.django_db

D = datetime.date


def _rows():
    return sorted(
        DownloadDay.objects.values_list(
            "day",
            "video_title",
            "language",
            "kind",
            "organisation",
            "organisation_key",
            "account_key",
            "download_count",
        )
    )


def test_the_roll_up_holds_each_day_of_the_log_in_brussels_days(log):
    # the log fixture has rebuilt it
    assert DownloadDay.objects.aggregate(total=Sum("download_count")) == {"total": 8}
    # 3 November 23:30 in Brussels is the 3rd, although it is 22:30 UTC
    bob = DownloadDay.objects.get(account_key=str(log.bob.pk))
    assert (bob.day, bob.organisation, bob.organisation_key) == (
        D(2026, 11, 3),
        "agence france-presse",
        "agence france-presse",
    )
    # the deleted account's rows count under their anonymised snapshot
    gone = DownloadDay.objects.filter(account_key="deleted-account-901@example.invalid")
    assert sorted(gone.values_list("day", flat=True)) == [
        D(2026, 11, 10),
        D(2026, 11, 17),
    ]
    # dave typed no organisation
    dave = DownloadDay.objects.get(account_key=str(log.dave.pk))
    assert (dave.organisation, dave.organisation_key) == ("", None)


def test_the_same_day_twice_adds_up_in_one_row(site_tree):
    # given: one person downloads the same video twice on a day
    video = VideoFactory()
    person = UserFactory()
    first = datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC)
    for when in (first, first + datetime.timedelta(hours=3)):
        DownloadFactory(
            video=video, user=person, email=person.email, organisation="AP",
            created_at=when,
        )  # fmt: skip

    # when
    written = rollup.rollup_days(D(2026, 11, 5), D(2026, 11, 5))

    # then
    assert written == 1
    row = DownloadDay.objects.get()
    assert row.download_count == 2
    assert row.last_download == first + datetime.timedelta(hours=3)


def test_recomputing_is_idempotent_and_follows_the_log(log):
    before = _rows()

    # when: the same days again
    rollup.rollup_days(D(2026, 10, 1), D(2026, 11, 30))
    rollup.rebuild()

    # then
    assert _rows() == before

    # when: a row leaves the log; only the recomputed days change
    log.rows[7].delete()
    rollup.rollup_days(D(2026, 11, 1), D(2026, 11, 29))
    assert _rows() == before
    rollup.rollup_days(D(2026, 11, 30), D(2026, 11, 30))
    assert len(_rows()) == len(before) - 1


def test_the_beat_task_recomputes_the_last_days(site_tree):
    # given: a download today and one four days ago, none rolled up
    today = rollup.today()
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=rollup.zone())
    DownloadFactory(created_at=noon)
    DownloadFactory(created_at=noon - datetime.timedelta(days=4))

    # when: what celery beat runs every five minutes (inline here)
    rollup_downloads_task.apply()

    # then: the last three days only
    assert list(DownloadDay.objects.values_list("day", flat=True)) == [today]
    schedule = celery_app.conf.beat_schedule["rollup-downloads"]
    assert schedule["task"] == "media_assets.tasks.rollup_downloads_task"


def test_the_command_rebuilds_everything_or_the_last_days(log, capsys):
    DownloadDay.objects.all().delete()

    call_command("rollup_downloads")
    assert "into 8 row(s)" in capsys.readouterr().out
    assert DownloadDay.objects.aggregate(total=Sum("download_count")) == {"total": 8}

    call_command("rollup_downloads", "--days", "2")
    assert "Rolled up 2 day(s)" in capsys.readouterr().out

    with pytest.raises(CommandError, match="at least 1"):
        call_command("rollup_downloads", "--days", "0")


def test_deleting_an_account_recomputes_its_days(
    log, django_capture_on_commit_callbacks
):
    # given
    filters = selectors.ReportFilters(
        period=selectors.Period(D(2026, 11, 1), D(2026, 11, 30))
    )
    rows = selectors.attach_distinct_counts(
        filters, list(selectors.downloads_per_video(filters)), group="video_key"
    )
    assert {row["video_key"]: row["accounts"] for row in rows}[
        log.summit.translation_key
    ] == 3  # alice, bob, the deleted account

    # when: bob deletes his account (the task runs inline here)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            log.bob.delete()
    finally:
        celery_app.conf.task_always_eager = previous

    # then: his download still counts, he no longer does as an account (as on the log)
    assert Download.objects.filter(email="", user=None).count() == 1
    rows = selectors.attach_distinct_counts(
        filters, list(selectors.downloads_per_video(filters)), group="video_key"
    )
    summit = {row["video_key"]: row for row in rows}[log.summit.translation_key]
    assert (summit["downloads"], summit["accounts"]) == (4, 2)

"""The download log's daily roll-up (`media_assets.DownloadDay`): how it is kept in step.

Why a roll-up: on a log of 1,000,000 rows over two years, grouping the raw rows of 90 days took
the per-video, per-release and per-organisation pages 0.6 to 2.7 s (bench/reports.py), most of
it in reading and hashing 120,000 wide rows per query. The roll-up holds a day's downloads of
one person, video, release, language, kind and organisation spelling in one narrow row: 3.5
times fewer rows on the benchmark's log, and every count the reports show is still exact,
distinct ones included (see the model's docstring).

Days are those of settings.TIME_ZONE. Every function here replaces whole days (delete, then
insert from the log, in one transaction): running one twice, or two at once, gives the same rows.
"""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Value
from django.db.models.functions import Coalesce, Trim, TruncDate

from media_assets.models import Download, DownloadDay
from media_assets.reports.selectors import account_key, organisation_key


logger = logging.getLogger(__name__)

# What the beat task recomputes each time: today and the two days before (a download whose row
# is written late, a task that did not run for a while).
RECENT_DAYS = 3
# A rebuild replaces this many days per transaction: readers never see a half-empty table.
REBUILD_CHUNK_DAYS = 31
# Serialises concurrent recomputations on PostgreSQL (any constant of our own).
_LOCK_ID = 140_014

_COLUMNS = (
    # (column of DownloadDay, the expression over the log's rows, in the SELECT's order)
    "video_key",
    "release_key",
    "language",
    "kind",
    "day",
    "organisation",
    "organisation_key",
    "account_key",
    "download_count",
    "last_download",
    "video_title",
)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today() -> datetime.date:
    return datetime.datetime.now(zone()).date()


def _bounds(start: datetime.date, end: datetime.date):
    lower = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone())
    upper = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone()
    )
    return lower, upper


def _grouped_log(start: datetime.date, end: datetime.date):
    lower, upper = _bounds(start, end)
    # values() puts the model's fields first, then the expressions, then the aggregates, each
    # in the order given: the order of _COLUMNS.
    return (
        Download.objects.filter(created_at__gte=lower, created_at__lt=upper)
        .order_by()
        .values(
            "video_key",
            "release_key",
            "language",
            "kind",
            rollup_day=TruncDate("created_at", tzinfo=zone()),
            rollup_organisation=Trim("organisation"),
            rollup_organisation_key=organisation_key(),
            rollup_account_key=account_key(),
        )
        .annotate(
            rollup_downloads=Count("pk"),
            rollup_last_download=Max("created_at"),
            rollup_video_title=Coalesce(Max("video_title"), Value("")),
        )
    )


def rollup_days(start: datetime.date, end: datetime.date) -> int:
    """Recompute the roll-up of the days from `start` to `end` (both included); rows written."""
    grouped = _grouped_log(start, end)
    sql, params = grouped.query.sql_with_params()
    table = connection.ops.quote_name(DownloadDay._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        DownloadDay.objects.filter(day__gte=start, day__lte=end).delete()
        # The SELECT and its parameters are Django's own, from the queryset above.
        cursor.execute(
            "INSERT INTO %s (%s) %s" % (table, columns, sql),
            params,
        )
        return cursor.rowcount


def rollup_recent(days: int = RECENT_DAYS) -> int:
    """Recompute the last `days` days, today included (the beat task)."""
    end = today()
    return rollup_days(end - datetime.timedelta(days=days - 1), end)


def rebuild(*, since: datetime.date | None = None) -> tuple[int, int]:
    """Recompute every day of the log (or from `since`); returns (days, rows written).

    Rows of days outside the log's range go; the rest are replaced a month at a time.
    """
    found = Download.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    if found["first"] is None:
        DownloadDay.objects.filter(**({"day__gte": since} if since else {})).delete()
        return 0, 0
    first = found["first"].astimezone(zone()).date()
    last = max(found["last"].astimezone(zone()).date(), today())
    if since:
        first = max(first, since)
    else:
        DownloadDay.objects.filter(day__lt=first).delete()
    DownloadDay.objects.filter(day__gt=last).delete()
    written = 0
    day = first
    while day <= last:
        chunk_end = min(day + datetime.timedelta(days=REBUILD_CHUNK_DAYS - 1), last)
        written += rollup_days(day, chunk_end)
        day = chunk_end + datetime.timedelta(days=1)
    return (last - first).days + 1, written


def days_of_account(user_id: int) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day the account downloaded on, or None."""
    found = Download.objects.filter(user_id=user_id).aggregate(
        first=Min("created_at"), last=Max("created_at")
    )
    if found["first"] is None:
        return None
    return (
        found["first"].astimezone(zone()).date(),
        found["last"].astimezone(zone()).date(),
    )

"""Response time of the download reports and of their exports on a log of real size.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom .venv/bin/python bench/reports.py
It creates a throw-away test database and fills it with COPY (psycopg 3): 20,000 accounts,
5,000 organisations (typed with varying case and spaces), 3,000 videos in two languages, 300
releases and 1,000,000 downloads over two years (skewed: a few videos and organisations take
most downloads). Then, as a superuser through Django's test client, it times every report page
(default period: the last 90 days; and a whole year) and the log's CSV and XLSX exports of about
100,000 rows (time and peak memory). Target: p50 < 300 ms per page.

`--rows N` changes the log's size; `--requests N` the number of timed requests per page;
`--keep` keeps the filled database for the next run (which then skips the filling: point
`DATABASE_URL` at a database of the benchmark's own, tests would wipe it).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django


django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_test_environment,
)
from django.utils import timezone  # noqa: E402


TARGET_MS = 300
ACCOUNTS = 20_000
ORGANISATIONS = 5_000
VIDEOS = 3_000
RELEASES = 300
DAYS = 730


def _skewed(count: int, rng: random.Random) -> int:
    """An index in [0, count) where low indexes are much more frequent (Pareto-like)."""
    return min(int(rng.paretovariate(1.2)) - 1, count - 1)


def _spelling(name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return name.lower()
    if roll < 0.08:
        return " %s " % name
    if roll < 0.10:
        return name.upper()
    return name


def fill(rows: int) -> None:
    from wagtail.models import Collection, Locale

    from home.services import ensure_site_tree
    from media_assets.models import Video

    rng = random.Random(14)
    tree = ensure_site_tree(hostname="testserver")
    english, french = tree.locales["en"], tree.locales["fr"]
    collection = Collection.get_first_root_node()
    assert Locale.objects.count() == 2

    keys = [uuid.uuid4() for _ in range(VIDEOS)]
    titles = ["Video %d of the archive" % n for n in range(VIDEOS)]
    videos = []
    for key, title in zip(keys, titles, strict=True):
        for locale in (english, french):
            videos.append(
                Video(
                    title=title if locale == english else "Vidéo " + title,
                    translation_key=key,
                    locale=locale,
                    collection=collection,
                    file="masters/bench.mp4",
                    type="video",
                )
            )
    Video.objects.bulk_create(videos, batch_size=2000)
    releases = [uuid.uuid4() for _ in range(RELEASES)]
    organisations = ["Media outlet %d" % n for n in range(ORGANISATIONS)]

    with connection.cursor() as cursor:
        copy_cursor = cursor.cursor
        joined = timezone.now() - datetime.timedelta(days=DAYS + 30)
        with copy_cursor.copy(
            "COPY accounts_user (password, is_superuser, first_name, last_name, is_staff,"
            " is_active, date_joined, email, organisation, language) FROM STDIN"
        ) as copy:
            for n in range(ACCOUNTS):
                copy.write_row(
                    (
                        "!",
                        False,
                        "",
                        "",
                        False,
                        True,
                        joined,
                        "journalist%d@example.org" % n,
                        organisations[_skewed(ORGANISATIONS, rng)],
                        "en",
                    )
                )
        cursor.execute(
            "SELECT id, email, organisation FROM accounts_user WHERE email LIKE 'journalist%%'"
        )
        accounts = cursor.fetchall()

        now = timezone.now()
        # The log is written as downloads happen: rows lie on disk in time order, as here.
        moments = sorted(rng.random() * DAYS * 86400 for _ in range(rows))
        start = time.perf_counter()
        with copy_cursor.copy(
            "COPY media_assets_download (user_id, email, organisation, video_key, video_title,"
            " language, release_key, kind, in_frame, out_frame, shots, cut, token, size,"
            " requests, bytes_sent, created_at, last_request_at) FROM STDIN"
        ) as copy:
            for n in range(rows):
                user_id, email, organisation = accounts[
                    _skewed(ACCOUNTS, rng) * 7 % ACCOUNTS
                ]
                video = _skewed(VIDEOS, rng) * 13 % VIDEOS
                part = rng.random() < 0.25
                when = now - datetime.timedelta(seconds=moments[rows - 1 - n])
                deleted = rng.random() < 0.02
                copy.write_row(
                    (
                        None if deleted else user_id,
                        "deleted-%d@example.invalid" % user_id if deleted else email,
                        _spelling(organisation, rng),
                        keys[video],
                        titles[video],
                        "en" if rng.random() < 0.6 else "fr",
                        releases[video % RELEASES] if rng.random() < 0.9 else None,
                        "part" if part else "full",
                        250 if part else None,
                        1000 if part else None,
                        "[]",
                        "copy" if part else "",
                        "bench-%d" % n,
                        2_000_000_000,
                        rng.randint(1, 12),
                        2_000_000_000,
                        when,
                        when,
                    )
                )
        print("COPY of %d downloads: %.1f s" % (rows, time.perf_counter() - start))
        cursor.execute("VACUUM ANALYZE media_assets_download")


DESIGN = """
design: the reports read a daily roll-up (media_assets.DownloadDay), not the log's rows.
On the log's rows, with every index in place, the per-video, per-release and per-organisation
pages of 90 days took 0.3 to 0.8 s p50 here (a year: up to 3.2 s; --raw times them again):
each query reads and hashes some 120,000 wide rows, which no index avoids. The roll-up has one
row per day, video, release, language, kind, organisation spelling and account (3.5 times
fewer rows), so distinct accounts, organisations and videos stay exact: they are counted among
roll-up rows as among log rows. The raw log and the video page's 30-day line read the log."""


def _seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def timed(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    response = client.get(url)  # warm
    assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)], len(queries)


def timed_export(client: Client, url: str, *, traced: bool) -> tuple[float, float, int]:
    """Seconds, peak Python memory in MB (with `traced`, else 0) and bytes of one export.

    tracemalloc slows Python down (four times on the CSV export), so the time comes from an
    untraced run and the memory from a traced one.
    """
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url)
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    elapsed = time.perf_counter() - start
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return elapsed, peak / 1024**2, size


def pages(today: datetime.date) -> list[tuple[str, str]]:
    year = "period_from=%s&period_to=%s" % (
        (today - datetime.timedelta(days=364)).isoformat(),
        today.isoformat(),
    )
    base = "/admin/reports/downloads/"
    return [
        ("over time, 90 days per day", base),
        ("over time, a year per week", base + "?bucket=week&" + year),
        ("per video, 90 days", base + "videos/"),
        ("per video, a year", base + "videos/?" + year),
        ("per video, 90 days, parts, fr", base + "videos/?kind=part&language=fr"),
        ("per release, 90 days", base + "releases/"),
        ("per organisation, 90 days", base + "organisations/"),
        ("per organisation, a year", base + "organisations/?" + year),
        ("log, 90 days", base + "log/"),
        ("log, a year, page 20", base + "log/?p=20&" + year),
        ("log, one organisation, 90 d.", base + "log/?organisation=media+outlet+3"),
    ]


def run_pages(client: Client, requests: int, label: str) -> None:
    today = timezone.localdate()
    print("\n%s" % label)
    # The reference: Wagtail's own site history report, an admin listing page of the same
    # furniture (menu, filters, pagination) over a near-empty log, timed in the same run.
    reference, _p95, _queries = timed(client, "/admin/reports/site-history/", requests)
    print("reference (Wagtail's site history report): p50 %.1f ms" % reference)
    print(
        "%-32s %8s %8s %8s %6s  %s"
        % ("page", "p50 ms", "p95 ms", "queries", "x ref", "target")
    )
    for name, url in pages(today):
        p50, p95, queries = timed(client, url, requests)
        verdict = "ok" if p50 < TARGET_MS else "MISSED"
        print(
            "%-32s %8.1f %8.1f %8d %6.2f  %s"
            % (name, p50, p95, queries, p50 / reference, verdict)
        )


def pages_and_rollup(client: Client, options) -> None:
    from media_assets.reports import rollup

    print(DESIGN)
    if options.raw:
        with override_settings(NEWSROOM_REPORTS_ROLLUP=False):
            run_pages(client, options.requests, "report pages on the log's rows")

    start = time.perf_counter()
    days, written = rollup.rebuild()
    print(
        "\nroll-up rebuilt: %d days, %d rows, %.1f s (manage.py rollup_downloads);"
        " the beat task's last %d days: %.2f s"
        % (
            days,
            written,
            time.perf_counter() - start,
            rollup.RECENT_DAYS,
            _seconds(rollup.rollup_recent),
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE media_assets_downloadday")
    run_pages(client, options.requests, "report pages on the daily roll-up")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--exports-only", action="store_true", help="time the exports, not the pages"
    )
    parser.add_argument(
        "--raw", action="store_true", help="time the pages on the log's rows first"
    )
    options = parser.parse_args()

    from accounts.factories import UserFactory

    setup_test_environment()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=options.keep
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM media_assets_download")
            filled = cursor.fetchone()[0]
        if filled == 0:
            fill(options.rows)
        else:
            print("kept database: %d downloads already there" % filled)
        client = Client()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        if not options.exports_only:
            pages_and_rollup(client, options)

        # The export of about 100,000 log rows (the last 73 days hold about a tenth of the log).
        today = timezone.localdate()
        period = "period_from=%s&period_to=%s" % (
            (today - datetime.timedelta(days=72)).isoformat(),
            today.isoformat(),
        )
        with connection.cursor() as cursor:
            start, end = (
                datetime.datetime.combine(
                    d, datetime.time.min, tzinfo=timezone.get_current_timezone()
                )
                for d in (
                    today - datetime.timedelta(days=72),
                    today + datetime.timedelta(days=1),
                )
            )
            cursor.execute(
                "SELECT count(*) FROM media_assets_download WHERE created_at >= %s AND created_at < %s",
                [start, end],
            )
            exported_rows = cursor.fetchone()[0]
        print("\nexport of the log, %d rows" % exported_rows)
        for fmt in ("csv", "xlsx"):
            address = "/admin/reports/downloads/log/?export=%s&%s" % (fmt, period)
            elapsed, _peak, size = timed_export(client, address, traced=False)
            _elapsed, peak, _size = timed_export(client, address, traced=True)
            print(
                "%-5s %6.1f s  peak Python memory %6.1f MB  file %6.1f MB"
                % (fmt, elapsed, peak, size / 1024**2)
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=options.keep)


if __name__ == "__main__":
    main()

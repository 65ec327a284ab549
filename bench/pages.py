"""Render time and query count of the landing and release pages.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom .venv/bin/python bench/pages.py
It creates a throw-away test database, fills it with 30 releases (each shaped like the day-one
release: two speakers, three quotes, two topics, a video with three shots) in English and French,
then times 200 requests per page through Django's test client. Target: p50 < 50 ms, < 20 queries.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django


django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


REQUESTS = 200
RELEASES = 30
TARGET_MS = 50
TARGET_QUERIES = 20


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm caches
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)], len(queries)


def main() -> None:
    from home.services import ensure_site_tree
    from news.factories import build_release, translate_release

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        tree = ensure_site_tree(hostname="testserver")
        french = tree.locales["fr"]
        release = None
        for number in range(RELEASES):
            release = build_release(
                tree.news, slug="release-%d" % number, title="Release %d" % number
            )
        french_release = translate_release(release, french)

        client = Client()
        print(
            "database: %s, %d releases, %d requests per page"
            % (
                settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                RELEASES,
                REQUESTS,
            )
        )
        print(
            "%-28s %8s %8s %8s  %s" % ("page", "p50 ms", "p95 ms", "queries", "target")
        )
        for label, url in (
            ("landing (en)", "/en/"),
            ("landing (fr)", "/fr/"),
            ("release (en)", release.url),
            ("release (fr)", french_release.url),
        ):
            p50, p95, queries = measure(client, url)
            verdict = "ok" if p50 < TARGET_MS and queries < TARGET_QUERIES else "MISSED"
            print("%-28s %8.1f %8.1f %8d  %s" % (label, p50, p95, queries, verdict))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""The archive search at scale, beside hand-written SQL and Wagtail's own database backend.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom .venv/bin/python bench/search.py
It creates a database of its own (--database; dropped at the end unless --keep) and fills it,
with COPY, with 100,000 releases (50,000
English, 50,000 French; text drawn from wordfreq's English and French word lists with their
frequencies), two quotes each by 2,000 speakers, 50 topics, 20,000 videos and 100,000 shots.
It measures the document builder (documents/s) on a sample, fills the rest of the archive index
with the same vectors in SQL, fills Wagtail's own index for the same releases, then times each
case (p50/p95 over RUNS runs) through `parse_query` and `archive_search` (what the page and the
API run), as one hand-written SQL statement doing the same work over the same rows, and through
Wagtail's `.search()` (fewer runs: it is slow). Finally, the time
from a publish to the release being found: published in a transaction, indexed on commit by a
real Celery worker (started as tests/celery_worker.py does, on CELERY_BROKER_URL's Redis),
found by polling `archive_search`.

Options: --releases N (default 100000), --runs N (default 200), --wagtail-runs N (default 20),
--database NAME (default newsroom_search_bench: a database of its own, never the tests'),
--keep (keep that database afterwards and reuse its rows next time: generate once, iterate on
the cases), --inline (time publish-to-searchable with the task run inline instead of through a
real worker).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django


django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


SEED = 20261129
# Words found in every other release (a "very common" word) and a phrase in 1 in 50.
COMMON = {"en": "organisation", "fr": "organisation"}
PHRASE = {"en": "ballistic missile", "fr": "missile balistique"}


def vocabulary(language: str, size: int = 20000):
    from wordfreq import top_n_list, word_frequency

    words = [
        word for word in top_n_list(language, size) if word.isalpha() and len(word) > 1
    ]
    weights = [word_frequency(word, language) for word in words]
    return words, weights


class Text:
    """Words drawn with their frequencies: a pool sampled once, read at random offsets."""

    POOL = 2_000_000

    def __init__(self, language: str, rng: random.Random):
        words, weights = vocabulary(language)
        self.rng = rng
        self.pool = rng.choices(words, weights=weights, k=self.POOL)

    def __call__(self, count: int) -> str:
        start = self.rng.randrange(self.POOL - count)
        return " ".join(self.pool[start : start + count])


def copy_rows(table: str, columns: list[str], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY %s (%s) FROM STDIN" % (table, ", ".join('"%s"' % c for c in columns))
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def reset_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM "
            + table
            + "))",
            [table],
        )


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM " + table)
        return cursor.fetchone()[0]


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(number: int) -> str:
    digits = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        digits = ALPHABET[digit] + digits
    return digits


def generate(tree, releases: int) -> dict:
    """Releases, quotes, speakers, topics, videos and shots, by COPY. Returns what the cases need."""
    from django.contrib.contenttypes.models import ContentType

    from media_assets.models import Shot, Video
    from news.models import (
        NewsReleasePage,
        ReleaseQuote,
        ReleaseTopic,
        ReleaseVideo,
        Speaker,
        Topic,
    )

    rng = random.Random(SEED)
    texts = {language: Text(language, rng) for language in ("en", "fr")}
    locales = {language: tree.locales[language].pk for language in ("en", "fr")}
    now = datetime.datetime.now(datetime.UTC)

    topic_keys = [uuid.uuid4() for _ in range(25)]
    speaker_keys = [uuid.uuid4() for _ in range(1000)]
    topic_ids, speaker_ids = {}, {}
    topic_id, speaker_id = next_id("news_topic"), next_id("news_speaker")
    topics, speakers = [], []
    for language in ("en", "fr"):
        for key in topic_keys:
            topics.append(
                (topic_id, key, texts[language](2).title(), locales[language])
            )
            topic_ids.setdefault(language, []).append(topic_id)
            topic_id += 1
        for key in speaker_keys:
            name = "%s %s" % (texts[language](1).title(), texts[language](1).title())
            speakers.append(
                (speaker_id, key, name, texts[language](3), "", locales[language])
            )
            speaker_ids.setdefault(language, []).append(speaker_id)
            speaker_id += 1
    copy_rows(
        Topic._meta.db_table, ["id", "translation_key", "name", "locale_id"], topics
    )
    copy_rows(
        Speaker._meta.db_table,
        ["id", "translation_key", "name", "title", "organisation", "locale_id"],
        speakers,
    )

    release_type = ContentType.objects.get_for_model(NewsReleasePage).pk
    page_id = next_id("wagtailcore_page")
    video_id = next_id(Video._meta.db_table)
    shot_id = next_id(Shot._meta.db_table)
    pages, details, quotes, links, videos, shots, video_links = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    per_language = releases // 2
    videos_per_language = per_language // 5
    start_date = datetime.date(2010, 1, 1)
    for language in ("en", "fr"):
        text = texts[language]
        parent = tree.news_in(language)
        for number in range(per_language):
            slug = "release-%d" % number
            title = text(8).capitalize()
            body_words = text(150)
            lead = text(25)
            if number % 2 == 0:
                lead += " " + COMMON[language]
            if number % 50 == 0:
                body_words += " " + PHRASE[language]
            pages.append(
                (
                    page_id, parent.path + step(number + 1), parent.depth + 1, 0, title, slug,
                    True, False, parent.url_path + slug + "/", "", False, "", False,
                    release_type, False, title, uuid.uuid4(), locales[language], now, now,
                )
            )  # fmt: skip
            body = json.dumps(
                [
                    {
                        "type": "paragraph",
                        "value": "<p>%s</p>" % body_words,
                        "id": str(uuid.uuid4()),
                    }
                ]
            )
            date = start_date + datetime.timedelta(days=(number * 5843) // per_language)
            details.append((page_id, date, text(1).title(), lead, body))
            for order in range(2):
                quotes.append(
                    (
                        uuid.uuid4(), text(20), locales[language], page_id,
                        rng.choice(speaker_ids[language]), order,
                    )
                )  # fmt: skip
            links.append(
                (
                    uuid.uuid4(),
                    locales[language],
                    page_id,
                    rng.choice(topic_ids[language]),
                    0,
                )
            )
            if number < videos_per_language:
                videos.append(
                    (
                        video_id, uuid.uuid4(), text(6).capitalize(), "video", 120.0, "",
                        now, "masters/bench.mp4", text(30), "", "h264", "aac", "", 1,
                        locales[language], "", "", "", "", "ready", "", "", now,
                    )
                )  # fmt: skip
                for shot in range(5):
                    shots.append(
                        (
                            shot_id, uuid.uuid4(), 4 * shot, 4 * shot + 4, text(10),
                            locales[language], video_id, shot,
                        )
                    )  # fmt: skip
                    shot_id += 1
                video_links.append(
                    (uuid.uuid4(), locales[language], page_id, video_id, 0)
                )
                video_id += 1
            page_id += 1
    copy_rows(
        "wagtailcore_page",
        [
            "id", "path", "depth", "numchild", "title", "slug", "live",
            "has_unpublished_changes", "url_path", "seo_title", "show_in_menus",
            "search_description", "expired", "content_type_id", "locked", "draft_title",
            "translation_key", "locale_id", "first_published_at", "last_published_at",
        ],
        pages,
    )  # fmt: skip
    copy_rows(
        NewsReleasePage._meta.db_table,
        ["page_ptr_id", "release_date", "place", "lead", "body"],
        details,
    )
    copy_rows(
        ReleaseQuote._meta.db_table,
        ["translation_key", "text", "locale_id", "page_id", "speaker_id", "sort_order"],
        quotes,
    )
    copy_rows(
        ReleaseTopic._meta.db_table,
        ["translation_key", "locale_id", "page_id", "topic_id", "sort_order"],
        links,
    )
    copy_rows(
        Video._meta.db_table,
        [
            "id", "translation_key", "title", "type", "duration", "thumbnail", "created_at",
            "file", "description", "credit", "video_codec", "audio_codec", "preview",
            "collection_id", "locale_id", "checksum", "container", "processing_error",
            "processing_error_detail", "processing_state", "replacement", "scan_type",
            "public_since",
        ],
        videos,
    )  # fmt: skip
    copy_rows(
        Shot._meta.db_table,
        [
            "id",
            "translation_key",
            "start",
            "end",
            "description",
            "locale_id",
            "video_id",
            "sort_order",
        ],
        shots,
    )
    copy_rows(
        ReleaseVideo._meta.db_table,
        ["translation_key", "locale_id", "page_id", "video_id", "sort_order"],
        video_links,
    )
    with connection.cursor() as cursor:
        for language in ("en", "fr"):
            cursor.execute(
                "UPDATE wagtailcore_page SET numchild = numchild + %s WHERE id = %s",
                [per_language, tree.news_in(language).pk],
            )
    for table in (
        "wagtailcore_page", Topic._meta.db_table, Speaker._meta.db_table, Video._meta.db_table,
        Shot._meta.db_table, ReleaseQuote._meta.db_table, ReleaseTopic._meta.db_table,
        ReleaseVideo._meta.db_table,
    ):  # fmt: skip
        reset_sequence(table)
    return {
        "speaker_key": str(speaker_keys[0]),
        "releases": len(pages),
        "videos": len(videos),
        "shots": len(shots),
        "quotes": len(quotes),
    }


# The archive rows of everything not built by the builder, in SQL: the same columns and vectors.
FILL_RELEASES = """
INSERT INTO search_archivedocument (kind, object_id, translation_key, language, published, year,
    has_video, title, lead, body_text, quotes_text, tags_text, extra_text, place, url, video_id,
    timecode, poster_url, indexed_at)
SELECT 'release', p.id, p.translation_key, l.language_code, r.release_date,
    extract(year FROM r.release_date), EXISTS (SELECT 1 FROM news_releasevideo v WHERE v.page_id = p.id),
    p.title, r.lead, regexp_replace(r.body->0->>'value', '<[^>]+>', '', 'g'),
    coalesce((SELECT string_agg(s.name || E'\\t' || q.text, E'\\n' ORDER BY q.sort_order)
              FROM news_releasequote q JOIN news_speaker s ON s.id = q.speaker_id WHERE q.page_id = p.id), ''),
    r.place || E'\\n' || coalesce((SELECT string_agg(t.name, E'\\n') FROM news_releasetopic rt
              JOIN news_topic t ON t.id = rt.topic_id WHERE rt.page_id = p.id), '')
          || E'\\n' || coalesce((SELECT string_agg(s.name || E'\\n' || s.title, E'\\n') FROM news_releasequote q
              JOIN news_speaker s ON s.id = q.speaker_id WHERE q.page_id = p.id), ''),
    coalesce((SELECT string_agg(v.title || E'\\n' || v.description || E'\\n' ||
              (SELECT string_agg(sh.description, E'\\n') FROM media_assets_shot sh WHERE sh.video_id = v.id), E'\\n')
              FROM news_releasevideo rv JOIN media_assets_video v ON v.id = rv.video_id WHERE rv.page_id = p.id), ''),
    r.place, '/' || l.language_code || '/news/' || p.slug || '/', NULL, NULL, '', now()
FROM wagtailcore_page p JOIN news_newsreleasepage r ON r.page_ptr_id = p.id
JOIN wagtailcore_locale l ON l.id = p.locale_id
WHERE NOT EXISTS (SELECT 1 FROM search_archivedocument d WHERE d.kind = 'release' AND d.object_id = p.id)
"""

FILL_VIDEOS = """
INSERT INTO search_archivedocument (kind, object_id, translation_key, language, published, year,
    has_video, title, lead, body_text, quotes_text, tags_text, extra_text, place, url, video_id,
    timecode, poster_url, indexed_at)
SELECT 'video', v.id, v.translation_key, l.language_code, r.release_date, extract(year FROM r.release_date),
    true, v.title, v.description, '', '', '',
    coalesce((SELECT string_agg(sh.description, E'\\n') FROM media_assets_shot sh WHERE sh.video_id = v.id), ''),
    '', '/' || l.language_code || '/news/' || p.slug || '/', v.id, NULL, '', now()
FROM media_assets_video v JOIN news_releasevideo rv ON rv.video_id = v.id
JOIN wagtailcore_page p ON p.id = rv.page_id JOIN news_newsreleasepage r ON r.page_ptr_id = p.id
JOIN wagtailcore_locale l ON l.id = v.locale_id
WHERE NOT EXISTS (SELECT 1 FROM search_archivedocument d WHERE d.kind = 'video' AND d.object_id = v.id);
INSERT INTO search_archivedocument (kind, object_id, translation_key, language, published, year,
    has_video, title, lead, body_text, quotes_text, tags_text, extra_text, place, url, video_id,
    timecode, poster_url, indexed_at)
SELECT 'shot', sh.id, sh.translation_key, d.language, d.published, d.year, true, d.title,
    sh.description, '', '', '', '', '', d.url, d.video_id, sh.start, '', now()
FROM media_assets_shot sh JOIN search_archivedocument d ON d.kind = 'video' AND d.object_id = sh.video_id
WHERE NOT EXISTS (SELECT 1 FROM search_archivedocument x WHERE x.kind = 'shot' AND x.object_id = sh.id);
INSERT INTO search_archivetag (document_id, facet, key)
SELECT DISTINCT d.id, 'topic', t.translation_key FROM search_archivedocument d
JOIN news_releasetopic rt ON rt.page_id = d.object_id JOIN news_topic t ON t.id = rt.topic_id
WHERE d.kind = 'release' AND NOT EXISTS (SELECT 1 FROM search_archivetag x WHERE x.document_id = d.id)
UNION ALL
SELECT DISTINCT d.id, 'speaker', s.translation_key FROM search_archivedocument d
JOIN news_releasequote q ON q.page_id = d.object_id JOIN news_speaker s ON s.id = q.speaker_id
WHERE d.kind = 'release' AND NOT EXISTS (SELECT 1 FROM search_archivetag x WHERE x.document_id = d.id);
"""

# Wagtail's own database backend, filled for the same releases as its indexer would (title and
# the other search fields in `body`, english configuration).
FILL_WAGTAIL = """
INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title, autocomplete, body,
    title_norm, title_text, body_text)
SELECT %s, p.id::text, to_tsvector('english', p.title), ''::tsvector,
    to_tsvector('english', r.lead || ' ' || regexp_replace(r.body->0->>'value', '<[^>]+>', '', 'g')
        || ' ' || r.place || ' ' || coalesce((SELECT string_agg(q.text, ' ') FROM news_releasequote q WHERE q.page_id = p.id), '')),
    1.0, p.title, r.lead
FROM wagtailcore_page p JOIN news_newsreleasepage r ON r.page_ptr_id = p.id
ON CONFLICT DO NOTHING
"""


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[
        min(len(timings) - 1, int(len(timings) * 0.95))
    ]


def timed(function, runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of `runs` calls, after one to warm up."""
    return timed_together([function], runs)[0]


def timed_together(functions, runs: int) -> list[tuple[float, float]]:
    """p50 and p95 of each function, its runs taken in turn with the others'.

    Alternating makes a ratio between them fair on a machine whose load changes.
    """
    for function in functions:
        function()  # warm
    timings: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, times in zip(functions, timings, strict=True):
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
    return [_percentiles(times) for times in timings]


def hand_sql(
    where_en: str,
    where_fr: str | None,
    order: str,
    offset: int,
    text: str | None,
    language: str,
    speaker: bool,
) -> str:
    """One statement by hand: the total and facets, the top topics and speakers, the page.

    The same work as the engine's statement (relevance over the newest 2,000 matches, the three
    headlines of each hit, the 20 most frequent topics and speakers with their names in
    `language` or else another language's, whether the speaker filtered on exists), without
    its Python.
    """
    branches = [where_en] + ([where_fr] if where_fr else [])
    matches = " UNION ALL ".join(
        "SELECT d.id, d.ctid AS tid, d.published, d.language, d.year, d.kind, d.topic_ids,"
        " d.speaker_ids, %s AS q, %s AS cfg FROM search_archivedocument d WHERE %s"
        % (query_sql, config, where)
        for query_sql, config, where in branches
    )
    marks = "StartSel=\x02, StopSel=\x03"
    headlines = (
        ", 'title_marked', ts_headline(p.cfg, d.title, p.q, 'HighlightAll=true, %s'),"
        " 'snippet_marked', ts_headline(p.cfg, d.lead || E'\\n' || d.tags_text || E'\\n'"
        " || d.body_text || E'\\n' || d.extra_text, p.q,"
        " 'MaxFragments=2, MaxWords=35, MinWords=15, %s'),"
        " 'quotes_marked', ts_headline(p.cfg, d.quotes_text, p.q, 'HighlightAll=true, %s')"
        % (marks, marks, marks)
        if text
        else ""
    )
    rank = "ts_rank(d.search_vector, r.q)" if text else "0"
    return (
        "WITH m AS MATERIALIZED (%s),"
        " page AS (SELECT r.id, r.published, r.q, r.cfg, %s AS rank FROM"
        " (SELECT * FROM m ORDER BY published DESC, id DESC LIMIT 2000) r"
        " JOIN search_archivedocument d ON d.ctid = r.tid ORDER BY %s LIMIT 20 OFFSET %d)"
        " SELECT (SELECT json_agg(x) FROM (SELECT language, year, kind, sum(n)::bigint FROM"
        "  (SELECT language, year, kind, count(*) AS n FROM m GROUP BY language, year, kind) c"
        "  GROUP BY GROUPING SETS ((), (language), (year), (kind))) x),"
        " (SELECT json_agg(json_build_array(y.facet, y.key, y.n, CASE y.facet"
        "  WHEN 'topic' THEN (SELECT x.name FROM news_topic x JOIN wagtailcore_locale l"
        "   ON l.id = x.locale_id WHERE x.translation_key = y.key"
        "   ORDER BY l.language_code = '%s' DESC, l.language_code, x.id LIMIT 1)"
        "  ELSE (SELECT x.name FROM news_speaker x JOIN wagtailcore_locale l"
        "   ON l.id = x.locale_id WHERE x.translation_key = y.key"
        "   ORDER BY l.language_code = '%s' DESC, l.language_code, x.id LIMIT 1) END))"
        "  FROM ((SELECT 'topic' AS facet, f.key, c.n FROM (SELECT id, n FROM (SELECT id,"
        "   count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r FROM (SELECT"
        "   unnest(topic_ids) AS id FROM m) k GROUP BY id) x WHERE r <= 20) c"
        "   JOIN search_facetkey f ON f.id = c.id ORDER BY n DESC, key LIMIT 20) UNION ALL"
        "   (SELECT 'speaker', f.key, c.n FROM (SELECT id, n FROM (SELECT id, count(*) AS n,"
        "   rank() OVER (ORDER BY count(*) DESC) AS r FROM (SELECT unnest(speaker_ids) AS id"
        "   FROM m) k GROUP BY id) x WHERE r <= 20) c JOIN search_facetkey f ON f.id = c.id"
        "   ORDER BY n DESC, key LIMIT 20)) y),"
        " (SELECT json_agg(json_build_object('id', d.id, 'kind', d.kind, 'language',"
        "  d.language, 'title', d.title, 'published', d.published, 'place', d.place, 'url',"
        "  d.url, 'video_id', d.video_id, 'timecode', d.timecode, 'poster_url',"
        "  d.poster_url, 'lead', d.lead%s) ORDER BY p.rank DESC, p.published DESC, p.id DESC)"
        "  FROM page p JOIN search_archivedocument d ON d.id = p.id)%s"
    ) % (
        matches,
        rank,
        order,
        offset,
        language,
        language,
        headlines,
        ", EXISTS (SELECT 1 FROM news_speaker WHERE translation_key = %s)"
        if speaker
        else "",
    )


def run_sql(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--wagtail-runs", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="profile each case once")
    parser.add_argument("--database", default="newsroom_search_bench")
    parser.add_argument(
        "--keep", action="store_true", help="keep and reuse the database"
    )
    parser.add_argument("--inline", action="store_true", help="publish: tasks inline")
    parser.add_argument(
        "--publish-only", action="store_true", help="only publish-to-searchable"
    )
    options = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL server"

    from django.contrib.contenttypes.models import ContentType

    from cms.celery import app as celery_app
    from home.services import ensure_site_tree
    from news.models import NewsReleasePage
    from search.documents import build_release, release_queryset, store

    celery_app.conf.task_always_eager = True
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = options.database
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=options.keep, serialize=False
    )
    try:
        tree = ensure_site_tree(hostname="testserver")
        if NewsReleasePage.objects.count() >= options.releases:
            print(
                "reusing the %d releases of %s" % (options.releases, options.database)
            )
            counts = {"releases": options.releases}
            bench_cases(options, counts, tree)
            return
        started = time.perf_counter()
        counts = generate(tree, options.releases)
        print(
            "generated %(releases)d releases, %(quotes)d quotes, %(videos)d videos, "
            "%(shots)d shots" % counts + " in %.0f s" % (time.perf_counter() - started)
        )

        # The document builder's own rate, on a sample of 2,000 releases.
        sample = list(
            NewsReleasePage.objects.order_by("pk").values_list("pk", flat=True)[:2000]
        )
        started = time.perf_counter()
        written = 0
        for offset in range(0, len(sample), 500):
            with transaction.atomic():
                pages = release_queryset().filter(pk__in=sample[offset : offset + 500])
                written += len(store(build_release(page) for page in pages))
        builder_rate = written / (time.perf_counter() - started)
        print(
            "document builder: %.0f documents/s (%d releases)" % (builder_rate, written)
        )

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL_RELEASES)
            cursor.execute(FILL_VIDEOS)
            cursor.execute(
                "SELECT array_agg(id) FROM search_archivedocument WHERE search_vector IS NULL"
            )
            ids = cursor.fetchone()[0] or []
        from search.documents import update_vectors

        for offset in range(0, len(ids), 20000):
            update_vectors(ids[offset : offset + 20000])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_archivedocument")
            cursor.execute("ANALYZE search_archivedocument")
            cursor.execute("ANALYZE search_archivetag")
            cursor.execute("SELECT count(*) FROM search_archivedocument")
            documents = cursor.fetchone()[0]
        bulk_seconds = time.perf_counter() - started
        print(
            "archive index: %d documents; bulk SQL fill with vectors %.0f s (%.0f documents/s)"
            % (documents, bulk_seconds, len(ids) / bulk_seconds)
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                FILL_WAGTAIL, [ContentType.objects.get_for_model(NewsReleasePage).pk]
            )
            cursor.execute("ANALYZE wagtailsearch_indexentry")
        print("Wagtail's index filled in %.0f s" % (time.perf_counter() - started))
        bench_cases(options, counts, tree)
    finally:
        if options.keep:
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def busiest_speaker() -> str:
    """The speaker of the most documents (for the "dates + speaker" case)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key::text FROM search_archivetag WHERE facet = 'speaker'"
            " GROUP BY key ORDER BY count(*) DESC, key LIMIT 1"
        )
        return cursor.fetchone()[0]


def bench_cases(options, counts: dict, tree) -> None:
    from news.models import NewsReleasePage
    from search.archive import PageNotFound, archive_search, parse_query

    if options.publish_only:
        publish_to_searchable(options, tree)
        return
    speaker = busiest_speaker()
    selective = pick_selective_words(counts["releases"])
    cases = [
        (
            "2 words, language, facets, highlights",
            {"q": selective, "language": "en"},
        ),
        ("2 words, all languages", {"q": selective, "language": "all"}),
        ("a word in half the rows", {"q": COMMON["en"], "language": "en"}),
        ("a phrase", {"q": '"%s"' % PHRASE["en"], "language": "en"}),
        (
            "dates + speaker, no words",
            {
                "from": "2015-01-01",
                "to": "2019-12-31",
                "speaker": speaker,
                "language": "all",
            },
        ),
        (
            "page 50 of a common query",
            {"q": COMMON["en"], "language": "en", "page": "50"},
        ),
    ]
    print(
        "\n%-40s %9s %9s %9s %9s %7s %10s %10s %8s"
        % (
            "case",
            "p50 ms",
            "p95 ms",
            "SQL p50",
            "SQL p95",
            "ratio",
            "Wagtail50",
            "Wagtail95",
            "x faster",
        )
    )
    for label, params in cases:
        query = parse_query(params, page_language=None)
        try:
            results = archive_search(query)
        except PageNotFound:
            print("%-40s (too few rows for this case)" % label)
            continue
        if options.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(archive_search, query)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(12)

            def show(execute, sql, params, many, context):
                start = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    print(
                        "%7.1f ms  %s"
                        % ((time.perf_counter() - start) * 1000, sql[:90])
                    )

            with connection.execute_wrapper(show):
                archive_search(query)
        # What the page and the API run: the parameters read and checked, then the search;
        # beside it, in turn, the hand-written statement.
        sql, sql_params = reference(query)
        ours, theirs = timed_together(
            [
                lambda params=params: archive_search(
                    parse_query(params, page_language=None)
                ),
                lambda sql=sql, sql_params=sql_params: run_sql(sql, sql_params),
            ],
            options.runs,
        )
        wagtail = None
        if query.text:
            wagtail_query = query.text
            wagtail = timed(
                lambda wagtail_query=wagtail_query, query=query: list(
                    NewsReleasePage.objects.live().search(
                        wagtail_query, operator="and"
                    )[query.offset : query.offset + 20]
                ),
                options.wagtail_runs,
            )
        print(
            "%-40s %9.1f %9.1f %9.1f %9.1f %7.2f %10s %10s %8s   (%s%d matches)"
            % (
                label, ours[0], ours[1], theirs[0], theirs[1], ours[0] / theirs[0],
                "%.0f" % wagtail[0] if wagtail else "-", "%.0f" % wagtail[1] if wagtail else "-",
                "%.0f" % (wagtail[0] / ours[0]) if wagtail else "-",
                "more than " if results.total_capped else "", results.total,
            )
        )  # fmt: skip

    publish_to_searchable(options, tree)


def publish_to_searchable(options, tree, runs: int = 20) -> None:
    """From `publish()` to the release being found: on commit, through Celery, the search."""
    import contextlib
    import tempfile

    from cms.celery import app as celery_app
    from news import tasks as news_tasks
    from news.factories import NewsReleasePageFactory
    from search import tasks as search_tasks
    from search.archive import archive_search, parse_query

    # The tasks a publish enqueues (tests/search/test_worker.py routes the same ones).
    tasks = [
        search_tasks.index_release_task,
        search_tasks.index_releases_task,
        search_tasks.remove_release_task,
        search_tasks.index_video_task,
        news_tasks.refresh_public_videos_task,
    ]

    def hits(word: str) -> int:
        return archive_search(parse_query({"q": word}, page_language=None)).total

    with contextlib.ExitStack() as stack:
        if options.inline:
            how = "on-commit indexing task run inline"
        else:
            from django.conf import settings

            from tests.celery_worker import celery_worker, tasks_on_queue

            assert settings.CELERY_BROKER_URL.startswith("redis://"), (
                "set CELERY_BROKER_URL to Redis, or pass --inline"
            )
            # The worker's var directory goes once the worker has stopped.
            work = stack.enter_context(
                tempfile.TemporaryDirectory(prefix="newsroom-search-bench-")
            )
            queue = stack.enter_context(celery_worker("search-bench", Path(work)))
            stack.enter_context(tasks_on_queue(tasks, queue))
            celery_app.conf.task_always_eager = False
            how = "on commit, through Redis to a real Celery worker"
        timings, after_commit, pages, committed = [], [], [], []
        for _run in range(runs):
            word = "benchcanary%s" % uuid.uuid4().hex[:8]
            start = time.perf_counter()
            with transaction.atomic():
                # First in line: the moment of the commit, before the indexing task is sent.
                transaction.on_commit(lambda: committed.append(time.perf_counter()))
                page = NewsReleasePageFactory(
                    parent=tree.news, title="Release %s" % word, slug=word, live=False
                )
                page.save_revision().publish()
            while not hits(word):
                assert time.perf_counter() - start < 60, "not searchable within 60 s"
                time.sleep(0.005)
            found = time.perf_counter()
            timings.append((found - start) * 1000)
            after_commit.append((found - committed[-1]) * 1000)
            pages.append(page)
        celery_app.conf.task_always_eager = True
    timings.sort()
    after_commit.sort()
    print(
        "\npublish to searchable (%s, polling the search every 5 ms), %d publishes:"
        " p50 %.0f ms, p95 %.0f ms from the start of the publishing transaction;"
        " p50 %.0f ms, p95 %.0f ms from its commit"
        % (
            how,
            runs,
            statistics.median(timings),
            timings[int(len(timings) * 0.95) - 1],
            statistics.median(after_commit),
            after_commit[int(len(after_commit) * 0.95) - 1],
        )
    )
    # The bench releases go, so that --keep reruns start from the same archive.
    for page in pages:
        with transaction.atomic():
            page.delete()


def pick_selective_words(releases: int) -> str:
    """Two words that each occur in about a fifth of the English releases."""
    english = releases // 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat($$SELECT search_vector FROM search_archivedocument"
            " WHERE language = 'en' AND kind = 'release'$$) WHERE ndoc BETWEEN %s AND %s"
            " AND length(word) > 4 ORDER BY ndoc DESC LIMIT 2",
            [english // 6, english // 4],
        )
        words = [row[0] for row in cursor.fetchall()]
    return " ".join(words)


def reference(query) -> tuple[str, list]:
    """The hand-written statement for a query, with its parameters."""
    filters = []
    params_filters: list = []
    if query.date_from:
        filters.append("d.published >= %s")
        params_filters.append(query.date_from)
    if query.date_to:
        filters.append("d.published <= %s")
        params_filters.append(query.date_to)
    if query.speaker:
        filters.append(
            "EXISTS (SELECT 1 FROM search_archivetag t WHERE t.document_id = d.id"
            " AND t.facet = 'speaker' AND t.key = %s)"
        )
        params_filters.append(query.speaker)
    extra = "".join(" AND " + condition for condition in filters)
    params: list = []
    if query.text:

        def branch(language):
            return (
                "websearch_to_tsquery('newsroom_%s', %%s)" % language,
                "'newsroom_%s'::regconfig" % language,
                "d.language = '%s' AND d.search_vector @@ websearch_to_tsquery('newsroom_%s', %%s)%s"
                % (language, language, extra),
            )

        en = branch("en")
        fr = branch("fr") if query.language is None else None
        params = [query.text, query.text, *params_filters]
        if fr:
            params += [query.text, query.text, *params_filters]
        order = "rank DESC, published DESC, id DESC"
    else:
        languages = (
            "('en', 'fr')" if query.language is None else "('%s')" % query.language
        )
        en = (
            "NULL::tsquery",
            "NULL::regconfig",
            "d.language IN %s%s" % (languages, extra),
        )
        fr = None
        params = list(params_filters)
        order = "published DESC, id DESC"
    if query.speaker:
        params.append(query.speaker)
    return hand_sql(
        en,
        fr,
        order,
        query.offset,
        query.text,
        query.display_language,
        bool(query.speaker),
    ), params


if __name__ == "__main__":
    main()

"""The PostgreSQL engine: the weighted vectors of `ArchiveDocument`, in one statement per search.

One statement answers a search: the match set is computed once (a materialized CTE, narrow:
ids, sort keys and facet values) and read for the facet counts with the total, for the most
frequent topics and speakers (the rows' `topic_ids` / `speaker_ids`, numbers of translation keys
in `search_facetkey`, with their names), and for the page of hits; `ts_headline` runs only on the
page's rows. The rows are narrow (migration 0005: long text in TOAST), so that a common word reads
few heap pages. Each language is its own branch of
the match set (`language = 'fr' AND v @@ q_fr`), joined by UNION ALL: the planner serves each
from that language's GIN index, where one combined condition scans (the notes measured 31 ms
against 57 ms). Relevance ranks only the newest matches (`NEWSROOM_SEARCH_RANK_CAP`): ranking
unpacks each vector it ranks. The indexes are migrations 0002, 0004 and 0005's.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection

from search import conf
from search.archive import FACET_VALUES, languages
from search.documents import config_for
from search.engines.base import (
    MARK_END,
    MARK_START,
    Engine,
    EngineResult,
    EngineRow,
    key_checks,
    label_sql,
    sql_filters,
)


if TYPE_CHECKING:
    from search.archive import ArchiveQuery


# The text the vectors were built from, with the stand-ins for < and > (search.documents).
def _text(expression: str) -> str:
    return "translate(%s, '<>', chr(4) || chr(5))" % expression


# What the match set keeps of each row: the sort keys, the facets' values, where the row is.
COLUMNS = (
    "d.id, d.ctid AS tid, d.published, d.language, d.year, d.kind <> 'release' AS is_video,"
    " d.topic_ids, d.speaker_ids"
)


def matches(query: ArchiveQuery) -> tuple[str, list]:
    """The matching rows as SQL, with COLUMNS (narrow: a common word matches half the rows).

    Each branch names its language as a constant, so that the planner picks that language's GIN
    index (migration 0004).
    """
    where, params = sql_filters(query)
    searched = [query.language] if query.language else languages()
    if not query.text:
        # Without words nothing is ranked (no ctid needed): an index-only scan of archive_browse
        # (migration 0004) serves the rows.
        return (
            "SELECT %s FROM search_archivedocument d WHERE %s"
            % (
                COLUMNS.replace("d.ctid AS tid", "NULL::tid AS tid"),
                " AND ".join(["d.language = ANY(%s)", *where]),
            ),
            [searched, *params],
        )
    branches, branch_params = [], []
    for language in searched:
        clauses = [
            "d.language = %s",
            "d.search_vector @@ websearch_to_tsquery(%s::regconfig, %s)",
            *where,
        ]
        branches.append(
            "SELECT %s FROM search_archivedocument d WHERE %s"
            % (COLUMNS, " AND ".join(clauses))
        )
        branch_params += [language, config_for(language), query.text, *params]
    return " UNION ALL ".join(branches), branch_params


def _queries(query: ArchiveQuery) -> tuple[str, list]:
    """Each searched language's tsquery and configuration, as a table to join on `language`."""
    searched = [query.language] if query.language else languages()
    rows, params = [], []
    for language in searched:
        rows.append("(%s, websearch_to_tsquery(%s::regconfig, %s), %s::regconfig)")
        params += [language, config_for(language), query.text, config_for(language)]
    return "(VALUES %s) AS qs(language, q, cfg)" % ", ".join(rows), params


HIT = """json_build_object(
    'id', d.id, 'kind', d.kind, 'language', d.language, 'title', d.title,
    'published', d.published, 'place', d.place, 'url', d.url, 'video_id', d.video_id,
    'timecode', d.timecode::text, 'poster_url', d.poster_url, 'lead', d.lead%s)"""

HEADLINES = """,
    'title_marked', ts_headline(p.cfg, {title}, p.q, %(all)s),
    'snippet_marked', ts_headline(p.cfg, {snippet}, p.q, %(snippet)s),
    'quotes_marked', ts_headline(p.cfg, {quotes}, p.q, %(all)s)""".format(
    title=_text("d.title"),
    snippet=_text(
        "d.lead || E'\\n' || d.tags_text || E'\\n' || d.body_text || E'\\n' || d.extra_text"
    ),
    quotes=_text("d.quotes_text"),
)

# One row: the facet counts with the total (the () grouping set, over the counts per language,
# year and kind: each match hashed once, not once per grouping set), the most frequent
# topics and speakers (counted by number from the rows' arrays; only the values ranked in the
# top N by count, ties included, map back to translation keys, by index: joining every value
# to search_facetkey read the whole key table; then the top N in key order for ties) with their
# names in the display language, the page's
# hits in order, whether the words were stop words only, and whether each topic or speaker
# filter names a topic or speaker. Each facet's most frequent values are a top-N of their own
# (ranked once grouped, not row by row) and only those few rows look their names up:
# with the lookups above the ranking of every value, the planner (which guesses ten keys a row)
# priced them so high that PostgreSQL's JIT compiled the statement, which then took seconds.
# One facet's most frequent values (its name, the match set's column of numbers); two
# parameters: the top N by count (ties included), then the N kept in key order.
TOP_VALUES = """(SELECT '{facet}' AS facet, fk.key, c.n FROM
        (SELECT id, n FROM (SELECT id, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r
                            FROM (SELECT unnest({column}) AS id FROM m) u GROUP BY id) x
         WHERE r <= %s) c
      JOIN search_facetkey fk ON fk.id = c.id
      ORDER BY c.n DESC, fk.key LIMIT %s)"""
TOP_FACETS = (("topic", "topic_ids"), ("speaker", "speaker_ids"))

STATEMENT = """
WITH m AS MATERIALIZED (%(matches)s),
page AS (%(page)s)
SELECT
  (SELECT json_agg(json_build_array(g, language, year, is_video, n)) FROM (
     SELECT GROUPING(language, year, is_video) AS g, language, year, is_video, sum(n)::bigint AS n
     FROM (SELECT language, year, is_video, count(*) AS n FROM m
           GROUP BY language, year, is_video) c
     GROUP BY GROUPING SETS ((), (language), (year), (is_video))) f),
  (SELECT json_agg(json_build_array(facet, key, n, %(label)s)) FROM (
     %(top_values)s) f),
  (SELECT json_agg(%(hit)s ORDER BY %(order)s)
   FROM page p JOIN search_archivedocument d ON d.id = p.id),
  %(stop_words)s,
  %(known)s
"""


def statement(query: ArchiveQuery) -> tuple[str, list]:
    """The one statement of a search, and its parameters."""
    sql, params = matches(query)
    if query.text:
        queries, page_params = _queries(query)
    else:
        queries = "(SELECT NULL::tsquery AS q, NULL::regconfig AS cfg) AS qs"
        page_params = []
    if query.sort == "relevance":
        # Rank the newest matches only (the row again by its ctid: one snapshot, one
        # statement), then keep the page.
        page = (
            "SELECT r.id, r.published, qs.q, qs.cfg, ts_rank(d.search_vector, qs.q) AS rank"
            " FROM (SELECT id, tid, published, language FROM m ORDER BY published DESC, id DESC LIMIT %%s) r"
            " JOIN %s ON qs.language = r.language"
            " JOIN search_archivedocument d ON d.ctid = r.tid"
            " ORDER BY rank DESC, r.published DESC, r.id DESC LIMIT %%s OFFSET %%s"
            % queries
        )
        page_params = [conf.rank_cap(), *page_params, query.page_size, query.offset]
        order = "p.rank DESC, p.published DESC, p.id DESC"
    else:
        direction = "DESC" if query.sort == "newest" else "ASC"
        order = "p.published %s, p.id %s" % (direction, direction)
        join = "ON qs.language = r.language" if query.text else "ON true"
        page = (
            "SELECT r.id, r.published, qs.q, qs.cfg FROM"
            " (SELECT id, published, language FROM m ORDER BY published %s, id %s"
            " LIMIT %%s OFFSET %%s) r JOIN %s %s"
            % (direction, direction, queries, join)
        )
        page_params = [query.page_size, query.offset, *page_params]
    stop_words, stop_params = "false", []
    if query.text:
        searched = [query.language] if query.language else languages()
        stop_words = " AND ".join(
            "numnode(websearch_to_tsquery(%s::regconfig, %s)) = 0" for _ in searched
        )
        for language in searched:
            stop_params += [config_for(language), query.text]
    label, label_params = label_sql("f.facet", "f.key", query.display_language)
    _names, checks, check_params = key_checks(query)
    return (
        STATEMENT
        % {
            "matches": sql,
            "page": page,
            "label": label,
            "hit": HIT % (HEADLINES % HEADLINE_OPTIONS if query.text else ""),
            "order": order,
            "stop_words": stop_words,
            "known": "json_build_array(%s)" % ", ".join(checks) if checks else "NULL",
            "top_values": " UNION ALL ".join(
                TOP_VALUES.format(facet=facet, column=column)
                for facet, column in TOP_FACETS
            ),
        },
        [
            *params,
            *page_params,
            *label_params,
            *[FACET_VALUES, FACET_VALUES] * len(TOP_FACETS),
            *stop_params,
            *check_params,
        ],
    )


HEADLINE_OPTIONS = {
    "all": "'HighlightAll=true, StartSel=%s, StopSel=%s'" % (MARK_START, MARK_END),
    "snippet": '\'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … ",'
    " StartSel=%s, StopSel=%s'" % (MARK_START, MARK_END),
}


def _row(hit: dict) -> EngineRow:
    hit["published"] = datetime.date.fromisoformat(hit["published"])
    if hit["timecode"] is not None:
        hit["timecode"] = Decimal(hit["timecode"])
    for name in ("title_marked", "snippet_marked", "quotes_marked"):
        hit[name] = hit.get(name) or ""
    return EngineRow(**hit)


class PostgresEngine(Engine):
    name = "postgresql"

    def search(self, query: ArchiveQuery) -> EngineResult:
        result = EngineResult()
        sql, params = statement(query)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            counts, tags, hits, stop_words_only, known = cursor.fetchone()
        names, _checks, _params = key_checks(query)
        result.unknown_filters = [
            name for name, exists in zip(names, known or (), strict=True) if not exists
        ]
        facets: dict = {
            name: {} for name in ("language", "year", "kind", "topic", "speaker")
        }
        total = 0
        for grouping, language, year, is_video, count in counts or ():
            if grouping == 7:
                total = count
            elif language is not None:
                facets["language"][language] = count
            elif year is not None:
                facets["year"][str(year)] = count
            elif is_video is not None:
                facets["kind"]["video" if is_video else "release"] = count
        if not total:
            result.stop_words_only = bool(stop_words_only)
            return result
        result.labels = {"topic": {}, "speaker": {}}
        for facet, key, count, label in tags or ():
            facets[facet][key] = count
            if label is not None:
                result.labels[facet][key] = label
        cap = conf.total_cap()
        result.total = min(total, cap)
        result.total_capped = total > cap
        if query.sort == "relevance":
            result.ranked = min(result.total, conf.rank_cap())
        result.facets = facets
        result.rows = [_row(hit) for hit in hits or ()]
        return result

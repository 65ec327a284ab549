"""The SQLite engine of `make run`: FTS5 over the archive documents (migration 0003).

The same features as PostgreSQL with these differences: no stemming ("meetings" does not find
"meeting"), accents folded by `unicode61 remove_diacritics 2`, ranking by bm25 with column
weights, and a short list of stop words per language instead of the dictionaries'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

from search import conf
from search.archive import languages
from search.engines.base import (
    MARK_END,
    MARK_START,
    Engine,
    EngineResult,
    EngineRow,
    sql_filters,
)
from search.syntax import parse


if TYPE_CHECKING:
    from search.archive import ArchiveQuery

STOP_WORDS = {
    "en": {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    },
    "fr": {
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "il",
        "ils",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "mais",
        "ne",
        "nous",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "vous",
        "à",
    },
}
# bm25 weights of title, lead, tags_text, body_text, quotes_text, extra_text.
BM25 = "bm25(search_archivedocument_fts, 10.0, 5.0, 5.0, 2.0, 2.0, 1.0)"


def fts_query(text: str, searched: list[str]) -> str | None:
    """Web-search syntax as an FTS5 query ("phrase", or, -word); None when only stop words."""
    stop = set.intersection(*(STOP_WORDS.get(language, set()) for language in searched))
    parsed = parse(text, stop)
    terms = [
        " OR ".join('"%s"' % term.text for term in group).join("()")
        if len(group) > 1
        else '"%s"' % group[0].text
        for group in parsed.groups
    ]
    if not terms:
        return None
    expression = " AND ".join(terms)
    for term in parsed.excluded:
        expression = '(%s) NOT "%s"' % (expression, term.text)
    return expression


def _filters(query: ArchiveQuery) -> tuple[list[str], list]:
    searched = [query.language] if query.language else languages()
    where, params = sql_filters(
        query,
        date=lambda value: value.isoformat(),
        key=lambda value: value.replace("-", ""),
    )
    language = "d.language IN (%s)" % ", ".join("%s" for _ in searched)
    return [language, *where], [*searched, *params]


COLUMNS = (
    "d.id AS id, d.published AS published, d.language AS language, d.year AS year,"
    " CASE WHEN d.kind = 'release' THEN 'release' ELSE 'video' END AS kind_group"
)


class SqliteEngine(Engine):
    name = "sqlite"

    def search(self, query: ArchiveQuery) -> EngineResult:
        result = EngineResult()
        searched = [query.language] if query.language else languages()
        where, params = _filters(query)
        match = None
        if query.text:
            match = fts_query(query.text, searched)
            if match is None:
                result.stop_words_only = True
                return result
            sql = (
                "SELECT %s, %s AS rank FROM search_archivedocument_fts f"
                " JOIN search_archivedocument d ON d.id = f.rowid"
                " WHERE search_archivedocument_fts MATCH %%s AND %s"
                % (COLUMNS, BM25, " AND ".join(where))
            )
            params = [match, *params]
        else:
            sql = "SELECT %s, 0 AS rank FROM search_archivedocument d WHERE %s" % (
                COLUMNS,
                " AND ".join(where),
            )
        cap = conf.total_cap()
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH m AS (%s) SELECT count(*) FROM (SELECT 1 FROM m LIMIT %%s)" % sql,
                [*params, cap + 1],
            )
            total = cursor.fetchone()[0]
            result.total = min(total, cap)
            result.total_capped = total > cap
            if not total:
                return result
            if query.sort == "relevance":
                rank_cap = conf.rank_cap()
                result.ranked = min(result.total, rank_cap)
                order = (
                    "SELECT id FROM (SELECT id, published, rank FROM m"
                    " ORDER BY published DESC, id DESC LIMIT %d)"
                    " ORDER BY rank, published DESC, id DESC" % rank_cap
                )
            else:
                direction = "DESC" if query.sort == "newest" else "ASC"
                order = "SELECT id FROM m ORDER BY published %s, id %s" % (
                    direction,
                    direction,
                )
            cursor.execute(
                "WITH m AS (%s) %s LIMIT %%s OFFSET %%s" % (sql, order),
                [*params, query.page_size, query.offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
            result.facets = self._facets(cursor, sql, params)
            result.rows = self._rows(cursor, ids, match)
        return result

    def _facets(self, cursor, sql, params) -> dict:
        facets: dict[str, dict[str, int]] = {}
        for name, column in (
            ("language", "language"),
            ("year", "year"),
            ("kind", "kind_group"),
        ):
            cursor.execute(
                "WITH m AS (%s) SELECT %s, count(*) FROM m GROUP BY %s"
                % (sql, column, column),
                params,
            )
            facets[name] = {str(value): count for value, count in cursor.fetchall()}
        facets["topic"], facets["speaker"] = {}, {}
        cursor.execute(
            "WITH m AS (%s) SELECT t.facet, t.key, count(*) FROM m"
            " JOIN search_archivetag t ON t.document_id = m.id GROUP BY t.facet, t.key"
            % sql,
            params,
        )
        for facet, key, count in cursor.fetchall():
            key = str(key)
            if len(key) == 32:
                key = "%s-%s-%s-%s-%s" % (
                    key[:8],
                    key[8:12],
                    key[12:16],
                    key[16:20],
                    key[20:],
                )
            facets[facet][key] = count
        return facets

    def _rows(self, cursor, ids: list[int], match: str | None) -> list[EngineRow]:
        if not ids:
            return []
        placeholders = ", ".join("%s" for _ in ids)
        fields = (
            "d.id, d.kind, d.language, d.title, d.published, d.place, d.url, d.video_id,"
            " d.timecode, d.poster_url, d.lead"
        )
        if match:
            marks = "'%s', '%s'" % (MARK_START, MARK_END)
            cursor.execute(
                "SELECT %s, highlight(search_archivedocument_fts, 0, %s),"
                " snippet(search_archivedocument_fts, 1, %s, ' … ', 30),"
                " snippet(search_archivedocument_fts, 2, %s, ' … ', 30),"
                " snippet(search_archivedocument_fts, 3, %s, ' … ', 30),"
                " snippet(search_archivedocument_fts, 5, %s, ' … ', 30),"
                " highlight(search_archivedocument_fts, 4, %s)"
                " FROM search_archivedocument_fts f"
                " JOIN search_archivedocument d ON d.id = f.rowid"
                " WHERE search_archivedocument_fts MATCH %%s AND d.id IN (%s)"
                % ((fields,) + (marks,) * 6 + (placeholders,)),
                [match, *ids],
            )
        else:
            cursor.execute(
                "SELECT %s FROM search_archivedocument d WHERE d.id IN (%s)"
                % (fields, placeholders),
                ids,
            )
        by_id = {}
        for row in cursor.fetchall():
            engine_row = EngineRow(*row[:11])
            if isinstance(engine_row.published, str):
                import datetime

                engine_row.published = datetime.date.fromisoformat(engine_row.published)
            if match:
                engine_row.title_marked = row[11] or ""
                engine_row.snippet_marked = next(
                    (text for text in row[12:16] if text and MARK_START in text), ""
                )
                engine_row.quotes_marked = row[16] or ""
            by_id[engine_row.id] = engine_row
        return [by_id[pk] for pk in ids if pk in by_id]

"""What every archive engine answers: rows of one page, a (capped) total and facet counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection


if TYPE_CHECKING:
    from search.archive import ArchiveQuery

# Sentinels around highlighted words: the text is escaped, then they become <mark>.
MARK_START = "\x02"
MARK_END = "\x03"
# Stand-ins for < and > that an editor typed, where a text search parser would read a tag.
LESS_THAN = "\x04"
GREATER_THAN = "\x05"


@dataclass
class EngineRow:
    id: int
    kind: str
    language: str
    title: str
    published: object
    place: str
    url: str
    video_id: int | None
    timecode: object
    poster_url: str
    lead: str
    # With sentinels around the words found (empty when nothing was highlighted).
    title_marked: str = ""
    snippet_marked: str = ""
    quotes_marked: str = ""


@dataclass
class EngineResult:
    rows: list[EngineRow] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False
    # How many of the matches the relevance order covers (all of them unless capped).
    ranked: int | None = None
    # {"language": {"en": 3}, "year": {"2025": 2}, "kind": {...}, "topic": {key: n}, "speaker": ...}
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    stop_words_only: bool = False
    # The engines that find them with the search give the names of the topics and speakers in
    # `facets` ({"topic": {key: name}}, `search.archive.label_sql`) and the topic and speaker
    # filters whose key names nothing (`key_checks`); None: `archive_search`
    # asks the database.
    labels: dict[str, dict[str, str]] | None = None
    unknown_filters: list[str] | None = None


def sql_filters(query: ArchiveQuery, *, date=None, key=None) -> tuple[list[str], list]:
    """The filters other than language as SQL conditions on `d` (search_archivedocument).

    `date` and `key` turn a date and a translation key into what the database stores
    (PostgreSQL takes them as they are; SQLite stores ISO dates and 32 hexadecimal digits).
    """
    date = date or (lambda value: value)
    key = key or (lambda value: value)
    where, params = [], []
    if query.date_from:
        where.append("d.published >= %s")
        params.append(date(query.date_from))
    if query.date_to:
        where.append("d.published <= %s")
        params.append(date(query.date_to))
    if query.has_video is not None:
        where.append("d.has_video = %s")
        params.append(query.has_video)
    if query.kind == "release":
        where.append("d.kind = 'release'")
    elif query.kind == "video":
        where.append("d.kind IN ('video', 'shot')")
    for facet, value in (("topic", query.topic), ("speaker", query.speaker)):
        if value:
            where.append(
                "EXISTS (SELECT 1 FROM search_archivetag t WHERE t.document_id = d.id"
                " AND t.facet = %s AND t.key = %s)"
            )
            params += [facet, key(value)]
    return where, params


# The tables whose rows' translation keys are the topic and speaker filter values.
FACET_TABLES = {"topic": "news_topic", "speaker": "news_speaker"}


def label_sql(facet: str, key: str, language: str) -> tuple[str, list]:
    """SQL for the name of a topic or speaker, and its parameters.

    `facet` and `key` are SQL expressions ('topic' or 'speaker', a translation key); the name is
    the one in `language` where translated, else the first language's. The PostgreSQL engine
    runs this inside its one statement, `facet_labels` for the other engines.
    """
    names = [
        "(SELECT x.name FROM %s x JOIN wagtailcore_locale l ON l.id = x.locale_id"
        " WHERE x.translation_key = %s"
        " ORDER BY l.language_code = %%s DESC, l.language_code, x.id LIMIT 1)"
        % (FACET_TABLES[name], key)
        for name in ("topic", "speaker")
    ]
    return "CASE %s WHEN 'topic' THEN %s ELSE %s END" % (facet, *names), [
        language,
        language,
    ]


def key_checks(query: ArchiveQuery) -> tuple[list[str], list[str], list]:
    """The topic and speaker filters of a query, and their SQL conditions and parameters.

    One condition per filter: that its translation key names a topic or speaker.
    """
    names, conditions, params = [], [], []
    for name, value in (("topic", query.topic), ("speaker", query.speaker)):
        if value:
            names.append(name)
            conditions.append(
                "EXISTS (SELECT 1 FROM %s WHERE translation_key = %%s)"
                % FACET_TABLES[name]
            )
            params.append(_db_key(uuid.UUID(value)))
    return names, conditions, params


def unknown_filters(query: ArchiveQuery) -> list[str]:
    """The filters whose key names no topic or speaker (one query; none without such filters)."""
    names, conditions, params = key_checks(query)
    if not names:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s" % ", ".join(conditions), params)
        known = cursor.fetchone()
    return [name for name, exists in zip(names, known, strict=True) if not exists]


def facet_labels(
    keys: dict[str, list[str]], language: str
) -> dict[str, dict[str, str]]:
    """Names of topics and speakers by translation key, in `language` where translated."""
    labels: dict[str, dict[str, str]] = {"topic": {}, "speaker": {}}
    wanted = [(name, key) for name in ("topic", "speaker") for key in keys[name]]
    if not wanted:
        return labels
    label, label_params = label_sql("k.facet", "k.key", language)
    values = " UNION ALL ".join("SELECT %s AS facet, %s AS key" for _ in wanted)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k.facet, k.key, %s FROM (%s) k" % (label, values),
            [
                *label_params,
                *(
                    item
                    for name, key in wanted
                    for item in (name, _db_key(uuid.UUID(key)))
                ),
            ],
        )
        for name, key, text in cursor.fetchall():
            if text is not None:
                labels[name][str(uuid.UUID(str(key)))] = text
    return labels


def _db_key(key: uuid.UUID):
    # PostgreSQL stores a uuid, SQLite 32 hexadecimal characters.
    return key if connection.vendor == "postgresql" else key.hex


class Engine:
    name = "base"

    def search(self, query: ArchiveQuery) -> EngineResult:
        raise NotImplementedError

    def index(self, ids: list[int]) -> None:
        """Engines that keep their own copy of the rows (Elasticsearch) update it here."""

    def remove(self, ids: list[int]) -> None:
        """The counterpart of `index` for rows that left the archive."""

    def rebuild(self) -> None:
        """Copy every row again (after `rebuild_archive_index` rebuilt the rows)."""

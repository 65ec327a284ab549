"""What every archive engine answers: rows of one page, a (capped) total and facet counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING


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

"""`archive_search(query) -> results`: the one function behind the search page and the JSON API."""

from __future__ import annotations

import datetime
import html
import math
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from media_assets.models import video_page_url
from search import conf
from search.engines import get_engine
from search.engines.base import (
    GREATER_THAN,
    LESS_THAN,
    MARK_END,
    MARK_START,
    EngineRow,
    facet_labels,
    unknown_filters,
)


SORTS = ("relevance", "newest", "oldest")
KINDS = ("release", "video")
ALL_LANGUAGES = "all"
# Topic and speaker values shown per facet.
FACET_VALUES = 20


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class InvalidQuery(ValueError):
    """The request itself is wrong (400); the message is for the person, in their language."""

    def __init__(self, message: str, *, parameter: str = ""):
        super().__init__(message)
        self.message = message
        self.parameter = parameter


class PageNotFound(LookupError):
    """A page past the end of the results (404)."""

    def __init__(self, message: str, *, last_page: int):
        super().__init__(message)
        self.message = message
        self.last_page = last_page


@dataclass(frozen=True)
class ArchiveQuery:
    text: str = ""
    # None: every language.
    language: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    topic: str | None = None
    speaker: str | None = None
    has_video: bool | None = None
    kind: str | None = None
    sort: str = "newest"
    page: int = 1
    page_size: int = 20
    # The language labels and links are given in.
    display_language: str = "en"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Hit:
    kind: str
    url: str
    language: str
    title: SafeString
    date: datetime.date
    place: str
    snippet: SafeString
    timecode: float | None = None
    timecode_label: str = ""
    poster_url: str = ""
    speaker: str = ""
    quote: SafeString | None = None


@dataclass
class ArchiveResults:
    query: ArchiveQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False
    page: int = 1
    page_count: int = 0
    ranked: int | None = None
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    stop_words_only: bool = False


# Parsing: the page and the API read the same parameters the same way.


def _text(value: str) -> str:
    if any(
        unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in " \t\n\r"
        for char in value
    ):
        raise InvalidQuery(
            _("Your search contains characters that cannot be searched."),
            parameter="q",
        )
    text = " ".join(value.split())
    limit = conf.max_query_length()
    if len(text) > limit:
        raise InvalidQuery(
            _("Your search is too long: use at most %(limit)d characters.")
            % {"limit": limit},
            parameter="q",
        )
    return text


def _date(value: str, parameter: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidQuery(
            _("Enter dates as year-month-day, for example 2025-11-19."),
            parameter=parameter,
        ) from None


def _key(value: str, parameter: str) -> str | None:
    """A translation key's form; whether it names a topic or speaker, `archive_search` checks."""
    if not value:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidQuery(_unknown_message(parameter), parameter=parameter) from None


def _unknown_message(parameter: str) -> str:
    if parameter == "topic":
        return _("This topic is not in the archive: choose one from the list.")
    return _("This speaker is not in the archive: choose one from the list.")


def _choice(value: str, choices, parameter: str) -> str | None:
    if not value:
        return None
    if value not in choices:
        raise InvalidQuery(
            _("“%(value)s” is not a valid choice here: use one of %(choices)s.")
            % {"value": value[:40], "choices": ", ".join(choices)},
            parameter=parameter,
        )
    return value


def parse_query(params, *, page_language: str | None) -> ArchiveQuery:
    """An `ArchiveQuery` from request parameters; raises `InvalidQuery` for a wrong request.

    `page_language` is the default of `language` (the page searches its own language; the API
    passes None: every language). `language=all` searches every language.
    """

    def get(name: str) -> str:
        value = params.get(name)
        return "" if value is None else str(value).strip()

    text = _text(str(params.get("q") or ""))
    language = get("language") or page_language or ALL_LANGUAGES
    _choice(language, [*languages(), ALL_LANGUAGES], "language")
    date_from = _date(get("from"), "from")
    date_to = _date(get("to"), "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidQuery(
            _("The start date is after the end date: swap them."), parameter="from"
        )
    has_video = _choice(get("has_video"), ("true", "false", "1", "0"), "has_video")
    sort = _choice(get("sort"), SORTS, "sort") or ("relevance" if text else "newest")
    page_text = get("page") or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= 100_000:
        raise InvalidQuery(
            _("The page number must be a whole number from 1."), parameter="page"
        )
    display = page_language or (language if language != ALL_LANGUAGES else "en")
    return ArchiveQuery(
        text=text,
        language=None if language == ALL_LANGUAGES else language,
        date_from=date_from,
        date_to=date_to,
        topic=_key(get("topic"), "topic"),
        speaker=_key(get("speaker"), "speaker"),
        has_video=None if has_video is None else has_video in ("true", "1"),
        kind=_choice(get("kind"), KINDS, "kind"),
        sort=sort,
        page=int(page_text),
        page_size=conf.page_size(),
        display_language=display,
    )


# Results.


def marked_html(text: str) -> SafeString:
    """Escape what an editor typed, then turn the engine's sentinels into <mark>."""
    # What django.utils.html.escape does, without its lazy-string wrapper (twice a hit).
    return mark_safe(  # noqa: S308 - escaped just before; only our sentinels become tags
        html.escape(text)
        .replace(MARK_START, "<mark>")
        .replace(MARK_END, "</mark>")
        .replace(LESS_THAN, "&lt;")
        .replace(GREATER_THAN, "&gt;")
    )


def _plain(text: str) -> str:
    return (
        text.replace(MARK_START, "")
        .replace(MARK_END, "")
        .replace(LESS_THAN, "<")
        .replace(GREATER_THAN, ">")
    )


def _timecode_label(seconds: Decimal) -> str:
    whole = int(seconds)
    return "%02d:%02d:%02d" % (whole // 3600, whole // 60 % 60, whole % 60)


def _video_url(row: EngineRow) -> str:
    return video_page_url(row.video_id, _plain(row.title), row.language)


def _hit(row: EngineRow) -> Hit:
    url = row.url
    timecode = None
    if row.kind != "release" and row.video_id:
        url = _video_url(row)
    if row.kind == "shot" and row.timecode is not None:
        timecode = float(row.timecode)
        url += "#t=%s" % ("%.3f" % timecode).rstrip("0").rstrip(".")
    snippet = row.snippet_marked if MARK_START in row.snippet_marked else ""
    hit = Hit(
        kind=row.kind,
        url=url,
        language=row.language,
        title=marked_html(row.title_marked or row.title),
        date=row.published,
        place=row.place,
        snippet=marked_html(snippet or _short(row.lead)),
        timecode=timecode,
        timecode_label=_timecode_label(row.timecode) if timecode is not None else "",
        poster_url=row.poster_url,
    )
    for line in row.quotes_marked.split("\n"):
        if MARK_START in line and "\t" in line:
            speaker, quote = line.split("\t", 1)
            hit.speaker = _plain(speaker)
            hit.quote = marked_html(quote)
            break
    return hit


def _short(text: str, words: int = 40) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _facets(
    raw: dict[str, dict[str, int]],
    language: str,
    labels: dict[str, dict[str, str]] | None = None,
) -> dict[str, list[FacetValue]]:
    """Facet values with their labels, most frequent first (years newest first).

    `labels`: the names of the topics and speakers when the engine gave them; else one query.
    """
    names = dict(settings.LANGUAGES)
    kinds = {"release": _("Releases"), "video": _("Videos")}
    facets: dict[str, list[FacetValue]] = {}
    for name in ("language", "kind", "year"):
        values = raw.get(name, {})
        choices = names if name == "language" else kinds if name == "kind" else {}
        items = [
            FacetValue(str(value), str(choices.get(value, value)), count)
            for value, count in values.items()
        ]
        if name == "year":
            items.sort(key=lambda item: item.value, reverse=True)
        else:
            items.sort(key=lambda item: (-item.count, item.label))
        facets[name] = items
    # The most frequent values only: their labels are one query, however many there are.
    top = {
        name: sorted(raw.get(name, {}).items(), key=lambda item: (-item[1], item[0]))[
            :FACET_VALUES
        ]
        for name in ("topic", "speaker")
    }
    if labels is None:
        labels = facet_labels(
            {name: [value for value, _count in values] for name, values in top.items()},
            language,
        )
    for name, values in top.items():
        items = [
            FacetValue(value, labels[name][value], count)
            for value, count in values
            if value in labels[name]
        ]
        items.sort(key=lambda item: (-item.count, item.label))
        facets[name] = items
    return facets


def archive_search(query: ArchiveQuery) -> ArchiveResults:
    """Search the archive: the hits of one page, the total, the facet counts.

    Raises `InvalidQuery` for a topic or speaker that is not in the archive, `PageNotFound` for
    a page past the end.
    """
    if query.sort == "relevance" and not query.text:
        query = replace(query, sort="newest")
    result = get_engine().search(query)
    unknown = result.unknown_filters
    if unknown is None:
        unknown = unknown_filters(query)
    if unknown:
        raise InvalidQuery(_unknown_message(unknown[0]), parameter=unknown[0])
    reachable = result.total
    if query.sort == "relevance" and result.ranked is not None:
        reachable = min(reachable, result.ranked)
    page_count = max(1, math.ceil(reachable / query.page_size)) if reachable else 0
    if query.page > max(page_count, 1):
        raise PageNotFound(
            _("There is no page %(page)d of these results: the last is page %(last)d.")
            % {"page": query.page, "last": max(page_count, 1)},
            last_page=max(page_count, 1),
        )
    return ArchiveResults(
        query=query,
        hits=[_hit(row) for row in result.rows],
        total=result.total,
        total_capped=result.total_capped,
        page=query.page,
        page_count=page_count,
        ranked=result.ranked,
        facets=_facets(result.facets, query.display_language, result.labels),
        stop_words_only=result.stop_words_only,
    )

"""The archive search as JSON: `/api/v1/search/`, with its OpenAPI schema and docs page.

Read-only and anonymous, rate-limited per client; errors are RFC 9457 problem documents
(`application/problem+json`) in the request's language (`?lang=` or `Accept-Language`).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import Throttled, ValidationError
from ninja.throttling import AnonRateThrottle

from search import conf
from search.archive import (
    InvalidQuery,
    PageNotFound,
    archive_search,
    languages,
    parse_query,
)


PROBLEM = "application/problem+json"


class ClientRateThrottle(AnonRateThrottle):
    """Requests per client address and minute (NEWSROOM_SEARCH_API_RATE), read at each request.

    The address is REMOTE_ADDR unless NINJA_NUM_PROXIES says how many proxies to trust in
    X-Forwarded-For (a client could otherwise pick its own address).
    """

    def __init__(self):
        super().__init__(conf.api_rate_limit())

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests, self.duration = self.parse_rate(conf.api_rate_limit())
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str | None:
        if getattr(settings, "NINJA_NUM_PROXIES", None):
            return super().get_ident(request)
        return request.META.get("REMOTE_ADDR")


class SearchApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error answers are documented as the problem documents they are."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status).startswith("4") and "application/json" in content:
                        response["content"] = {PROBLEM: content["application/json"]}
        return schema


api = SearchApi(
    title="Newsroom archive search",
    version="1",
    description=(
        "Releases, videos and shots of the newsroom's archive, in every language, with "
        "highlights, facets and pagination. Read-only and anonymous; rate-limited per client."
    ),
    urls_namespace="search-api",
    docs_url="/docs/",
    openapi_url="/openapi.json",
    throttle=[ClientRateThrottle()],
)


class Problem(Schema):
    """An error, as RFC 9457 describes it; `detail` is in the request's language."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    parameter: str = ""


class HitOut(Schema):
    """One result: a release, a video, or a shot of a video (with its timecode)."""

    kind: str = Field(..., description="release, video or shot")
    url: str = Field(
        ..., description="Where the hit leads; a shot's URL starts the player at it."
    )
    language: str
    title: str = Field(
        ..., description="HTML: escaped text with <mark> around the words found."
    )
    date: datetime.date
    place: str
    snippet: str = Field(
        ..., description="HTML: escaped text with <mark> around the words found."
    )
    timecode: float | None = Field(None, description="A shot's start, in seconds.")
    poster_url: str = ""
    speaker: str = Field(
        "", description="The speaker of the quote found, if the hit is a quote."
    )
    quote: str = Field("", description="HTML: the quote found, with <mark>.")


class FacetValueOut(Schema):
    value: str = Field(
        ..., description="The filter value (a topic's or speaker's translation key)."
    )
    label: str
    count: int


class FacetsOut(Schema):
    language: list[FacetValueOut]
    kind: list[FacetValueOut]
    year: list[FacetValueOut]
    topic: list[FacetValueOut]
    speaker: list[FacetValueOut]


class SearchOut(Schema):
    """One page of results."""

    total: int = Field(..., description="Matches, capped: see total_capped.")
    total_capped: bool = Field(
        ..., description="True when there are more matches than total."
    )
    page: int
    page_count: int
    next: str | None = None
    previous: str | None = None
    stop_words_only: bool = Field(
        ..., description="The words are all too common to search for."
    )
    hits: list[HitOut]
    facets: FacetsOut


class SearchParameters(Schema):
    q: str = Field(
        "", description='Words; "exact phrase", or, -excluded work.', max_length=1000
    )
    language: str = Field(
        "all", description="A language code (%s) or all." % ", ".join(languages())
    )
    date_from: str = Field("", alias="from", description="First date, YYYY-MM-DD.")
    to: str = Field("", description="Last date, YYYY-MM-DD.")
    topic: str = Field("", description="A topic's translation key (see facets).")
    speaker: str = Field("", description="A speaker's translation key (see facets).")
    has_video: str = Field("", description="true or false.")
    kind: str = Field("", description="release or video.")
    sort: str = Field("", description="relevance, newest or oldest.")
    page: int = Field(1, ge=1, le=100_000)
    lang: str = Field("", description="Language of the messages (en or fr).")


def _problem(request, status: int, title: str, detail: str, parameter: str = ""):
    if status == 404:
        request.urlconf = "search.api_urlconf"
    return JsonResponse(
        {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "parameter": parameter,
        },
        status=status,
        content_type=PROBLEM,
        json_dumps_params={"ensure_ascii": False},
    )


def _message_language(request) -> str:
    requested = (request.GET.get("lang") or "").split("-")[0]
    if requested in languages():
        return requested
    return translation.get_language_from_request(request).split("-")[0]


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    with translation.override(_message_language(request)):
        return _problem(
            request,
            422,
            _("Invalid parameters"),
            _("A parameter has a value of the wrong type or size."),
            ",".join(str(error.get("loc", [""])[-1]) for error in exc.errors),
        )


@api.exception_handler(Throttled)
def _throttled(request, exc):
    with translation.override(_message_language(request)):
        response = _problem(
            request,
            429,
            _("Too many requests"),
            _("Too many searches from your address: wait a minute and try again."),
        )
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


def _page_link(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(
        "?" + urlencode(sorted(params.lists()), doseq=True)
    )


@api.get(
    "/search/",
    response={200: SearchOut, 400: Problem, 404: Problem, 422: Problem, 429: Problem},
    summary="Search the archive",
    url_name="results",
)
def search(request, params: Query[SearchParameters]):
    """The same search as the archive page: words, filters, sort, facets and pages.

    400: a wrong value (unknown filter value, dates upside down, characters that cannot be
    searched, a query too long). 404: a page past the end. 422: a parameter of the wrong type.
    """
    with translation.override(_message_language(request)):
        raw = params.dict(by_alias=True)
        raw["page"] = str(raw["page"])
        try:
            query = parse_query(raw, page_language=None)
            results = archive_search(query)
        except InvalidQuery as error:
            return _problem(
                request, 400, _("Invalid search"), error.message, error.parameter
            )
        except PageNotFound as error:
            return _problem(request, 404, _("No such page"), error.message, "page")
        return {
            "total": results.total,
            "total_capped": results.total_capped,
            "page": results.page,
            "page_count": results.page_count,
            "next": _page_link(request, results.page + 1)
            if results.page < results.page_count
            else None,
            "previous": _page_link(request, results.page - 1)
            if results.page > 1
            else None,
            "stop_words_only": results.stop_words_only,
            "hits": [
                {
                    "kind": hit.kind,
                    "url": request.build_absolute_uri(hit.url),
                    "language": hit.language,
                    "title": str(hit.title),
                    "date": hit.date,
                    "place": hit.place,
                    "snippet": str(hit.snippet),
                    "timecode": hit.timecode,
                    "poster_url": request.build_absolute_uri(hit.poster_url)
                    if hit.poster_url
                    else "",
                    "speaker": hit.speaker,
                    "quote": str(hit.quote or ""),
                }
                for hit in results.hits
            ],
            "facets": {
                name: [
                    {"value": value.value, "label": value.label, "count": value.count}
                    for value in values
                ]
                for name, values in results.facets.items()
            },
        }

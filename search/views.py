"""The archive search page: a form, facets with counts, highlighted hits, pagination."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import get_language

from search.archive import (
    ALL_LANGUAGES,
    InvalidQuery,
    PageNotFound,
    archive_search,
    parse_query,
)


PARAMETERS = (
    "q",
    "language",
    "from",
    "to",
    "topic",
    "speaker",
    "has_video",
    "kind",
    "sort",
)


def _link(params: dict, **changes) -> str:
    merged = {**params, **changes}
    merged.pop("page", None) if "page" not in changes else None
    return "?" + urlencode({key: value for key, value in merged.items() if value})


def _facet_links(results, params: dict) -> dict:
    """Each facet value with the link that sets (or, when chosen, clears) its filter."""
    parameter = {
        "language": "language",
        "kind": "kind",
        "topic": "topic",
        "speaker": "speaker",
    }
    links = {}
    for name, values in results.facets.items():
        items = []
        for value in values:
            if name == "year":
                chosen = (
                    params.get("from") == "%s-01-01" % value.value
                    and params.get("to") == "%s-12-31" % value.value
                )
                url = (
                    _link(params, **{"from": "", "to": ""})
                    if chosen
                    else _link(
                        params,
                        **{
                            "from": "%s-01-01" % value.value,
                            "to": "%s-12-31" % value.value,
                        },
                    )
                )
            else:
                key = parameter[name]
                chosen = params.get(key) == value.value
                cleared = ALL_LANGUAGES if name == "language" else ""
                url = _link(params, **{key: cleared if chosen else value.value})
            items.append({"value": value, "url": url, "chosen": chosen})
        links[name] = items
    return links


def search_view(request):
    page_language = (get_language() or "en").split("-")[0]
    params = {name: request.GET.get(name, "") for name in PARAMETERS}
    context = {"params": params, "query": params["q"], "page_language": page_language}
    status = 200
    try:
        query = parse_query(request.GET, page_language=page_language)
        results = archive_search(query)
    except InvalidQuery as error:
        context["error"] = error.message
        status = 400
    except PageNotFound as error:
        context["error"] = error.message
        context["last_page_url"] = _link(params, page=error.last_page)
        status = 404
    else:
        context.update(
            {
                "results": results,
                "searched_all": query.language is None,
                "total_label": number_format(results.total, force_grouping=True),
                "facets": _facet_links(results, params),
                "previous_url": _link(params, page=results.page - 1)
                if results.page > 1
                else "",
                "next_url": _link(params, page=results.page + 1)
                if results.page < results.page_count
                else "",
                "this_language_url": _link(params, language=""),
                "all_languages_url": _link(params, language=ALL_LANGUAGES),
            }
        )
    return render(request, "pages/search_results.html", context, status=status)

"""Tunables of the archive search, read lazily so that override_settings works."""

from __future__ import annotations

from django.conf import settings


def page_size() -> int:
    return getattr(settings, "NEWSROOM_SEARCH_PAGE_SIZE", 20)


def max_query_length() -> int:
    return getattr(settings, "NEWSROOM_SEARCH_MAX_QUERY_LENGTH", 200)


def total_cap() -> int:
    """Above this many matches the total reads "more than 5,000" (an exact count is slow)."""
    return getattr(settings, "NEWSROOM_SEARCH_TOTAL_CAP", 5000)


def rank_cap() -> int:
    """Ranking unpacks each matching vector (~8 µs): rank only the newest N matches."""
    return getattr(settings, "NEWSROOM_SEARCH_RANK_CAP", 2000)


def elasticsearch_url() -> str:
    return getattr(settings, "ELASTICSEARCH_URL", "")


def elasticsearch_index() -> str:
    return getattr(settings, "ELASTICSEARCH_INDEX", "newsroom-archive")


def api_rate_limit() -> str:
    """Requests per client and minute on the JSON API."""
    return getattr(settings, "NEWSROOM_SEARCH_API_RATE", "120/m")

"""A query string we cannot read is the person's mistake (a 400 page), never a 500.

Django reads any query string it is given: a NUL byte, control characters, bytes that are
not UTF-8 (decoded to U+FFFD) or a 100 kB value all reach the views, and from there
PostgreSQL (which refuses NUL in text), the search backend or an integer column. Rather
than guard every view, every request's query string is checked once, here, before any view.
"""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import parse_qsl

from django.conf import settings
from django.utils.datastructures import MultiValueDictKeyError
from django.utils.translation import gettext as _

from core.views import bad_request


logger = logging.getLogger(__name__)

# The longest name or value of one query parameter we read (a search phrase, a page
# number, a return path); longer ones are not typed by a person.
MAX_PARAMETER_LENGTH = 2000
# Tab, line feed and carriage return may come from a text area; other control characters
# (NUL, ESC, DEL, …) never come from a person.
ALLOWED_CONTROL_CHARACTERS = frozenset("\t\n\r")
# The JSON API checks every parameter itself and answers problem documents naming the
# parameter (search.api; its schemathesis test finds no 5xx): it keeps its own answers.
SELF_VALIDATING_PREFIXES = ("/api/",)


def query_string_problem(environ_value: str) -> str | None:
    """Why this query string (as WSGI gives it) cannot be read, or None when it can."""
    try:
        raw = environ_value.encode("iso-8859-1")  # PEP 3333: the bytes, as latin-1
    except UnicodeEncodeError:
        raw = environ_value.encode("utf-8")  # already text
    try:
        query_string = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes that are not UTF-8"
    try:
        pairs = parse_qsl(
            query_string,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except UnicodeDecodeError:
        return "percent-encoded bytes that are not UTF-8"
    except ValueError:
        return "too many parameters"
    for name, value in pairs:
        for text in (name, value):
            if len(text) > MAX_PARAMETER_LENGTH:
                return "a parameter longer than %d characters" % MAX_PARAMETER_LENGTH
            if any(
                unicodedata.category(character) == "Cc"
                and character not in ALLOWED_CONTROL_CHARACTERS
                for character in text
            ):
                return "a control character"
    return None


class BadQueryStringMiddleware:
    """Answer 400, in the person's language, to a query string no view should see.

    After LocaleMiddleware (the page's language is known) and before any view. A form
    posted without fields its own page always sends (a StreamField's or formset's counts,
    e.g. a page revision revert posted by hand) is a 400 too: Wagtail's widgets read them
    as `data[name]` and would answer 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(SELF_VALIDATING_PREFIXES):
            return self.get_response(request)
        problem = query_string_problem(request.META.get("QUERY_STRING", ""))
        if problem is not None:
            logger.info("400 for %s: query string with %s", request.path, problem)
            return bad_request(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method == "POST" and isinstance(exception, MultiValueDictKeyError):
            logger.info("400 for %s: the form lacks %s", request.path, exception)
            return bad_request(
                request,
                message=_(
                    "The form arrived incomplete, so nothing was saved. Reload the page "
                    "and try again."
                ),
            )
        return None

"""The archive search page (a first version on Wagtail's search; the archive index is its own issue)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from wagtail.models import Locale

from news.models import NewsReleasePage


MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20


def search_view(request):
    query = request.GET.get("q", "").strip()
    error = ""
    results_page = None
    if len(query) > MAX_QUERY_LENGTH:
        error = _("Your search is too long: use at most %(limit)d characters.") % {
            "limit": MAX_QUERY_LENGTH
        }
    elif query:
        releases = (
            NewsReleasePage.objects.live().public().filter(locale=Locale.get_active())
        )
        results = releases.search(query, operator="and")
        paginator = Paginator(results, PAGE_SIZE)
        results_page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "pages/search_results.html",
        {"query": query, "error": error, "results": results_page},
        status=400 if error else 200,
    )

"""sitemap.xml (an index), its pages of at most 50,000 URLs with hreflang alternates, robots.txt.

Every URL comes from the Wagtail Site's configured root (its hostname and port, which `make run`
sets from WAGTAILADMIN_BASE_URL), never from whatever host the request named.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site


class LocalisedPagesSitemap(Sitemap):
    """Every locale's tree, each page linked to its translations (hreflang alternates).

    Wagtail's own sitemap covers the default site's tree only, which is one language. The list is
    paginated (``limit`` URLs per file, 50,000 by default as the protocol allows): a file's
    alternates are looked up for its own pages only, so each file costs the same at 100,000
    releases per language as at ten.

    A release under embargo is not live, so it is in neither the list nor anyone's alternates.
    """

    @property
    def limit(self) -> int:
        return getattr(settings, "NEWS_SITEMAP_LIMIT", 50_000)

    def items(self):
        return (
            Page.objects.live()
            .public()
            .filter(depth__gt=1)
            .select_related("locale")
            .order_by("path")
        )

    def get_urls(self, page=1, site=None, protocol=None):
        pages = list(self.paginator.page(page).object_list)
        translations = defaultdict(list)
        keys = {p.translation_key for p in pages}
        for other in self.items().filter(translation_key__in=keys):
            url = other.get_full_url(self.request)
            if url is not None:
                translations[other.translation_key].append(
                    {"lang_code": other.locale.language_code, "location": url}
                )
        entries = []
        for item in pages:
            url = item.get_full_url(self.request)
            if url is None:  # outside every site
                continue
            alternates = sorted(
                translations[item.translation_key], key=lambda a: a["lang_code"]
            )
            entries.append(
                {
                    "item": item,
                    "location": url,
                    "lastmod": item.last_published_at
                    or item.latest_revision_created_at,
                    "language": item.locale.language_code,
                    "alternates": alternates if len(alternates) > 1 else [],
                }
            )
        dates = [entry["lastmod"] for entry in entries if entry["lastmod"]]
        if dates and len(dates) == len(entries):
            self.latest_lastmod = max(dates)
        return entries


SITEMAPS = {"pages": LocalisedPagesSitemap}


def site_root_url(request) -> str:
    """The configured root of the site that serves this request (the default site otherwise)."""
    site = Site.find_for_request(request)
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return site.root_url


@require_safe
def sitemap_index(request):
    """The sitemap index: one entry per page of each section's sitemap."""
    root = site_root_url(request)
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class(request)
        location = root + reverse("sitemap-section", kwargs={"section": section})
        for number in sitemap.paginator.page_range:
            entries.append(
                {
                    "location": location
                    if number == 1
                    else "%s?p=%d" % (location, number),
                    "last_mod": None,
                }
            )
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers={"X-Robots-Tag": "noindex, noodp, noarchive"},
    )


@require_safe
def robots_txt(request):
    root = site_root_url(request)
    lines = [
        "User-agent: *",
        "Disallow: %s" % reverse("wagtailadmin_home"),
        "",
        "Sitemap: %s%s" % (root, reverse("sitemap-index")),
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

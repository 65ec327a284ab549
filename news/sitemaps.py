"""sitemap.xml: every live, public page of every language, with hreflang alternates."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class LocalisedPagesSitemap(Sitemap):
    """Every locale's tree, each page linked to its translations (hreflang alternates).

    Wagtail's own sitemap covers the default site's tree only, which is one language.

    A release under embargo is not live, so it is in neither the list nor anyone's alternates.
    """

    def items(self):
        return (
            Page.objects.live()
            .public()
            .filter(depth__gt=1)
            .select_related("locale")
            .order_by("path")
        )

    @cached_property
    def _entries(self) -> list[dict]:
        pages = list(self.items())
        by_key = defaultdict(list)
        entries = []
        for page in pages:
            url = page.get_full_url(self.request)
            if url is None:  # outside every site
                continue
            entry = {
                "item": page,
                "location": url,
                "lastmod": page.last_published_at or page.latest_revision_created_at,
                "language": page.locale.language_code,
                "alternates": by_key[page.translation_key],
            }
            by_key[page.translation_key].append(
                {"lang_code": entry["language"], "location": url}
            )
            entries.append(entry)
        for entry in entries:
            if len(entry["alternates"]) < 2:
                entry["alternates"] = []
        return entries

    def get_urls(self, page=1, site=None, protocol=None):
        urls = self._entries
        dates = [url["lastmod"] for url in urls if url["lastmod"]]
        if dates and len(dates) == len(urls):
            self.latest_lastmod = max(dates)
        return urls

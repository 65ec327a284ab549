"""Set up the site tree: locales, the home page per language, the news section."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from wagtail.models import Locale, Page, Site

from core.translation import translate_with
from home.models import HomePage
from news.models import NewsIndexPage


@dataclass
class SiteTree:
    home: HomePage
    news: NewsIndexPage
    locales: dict[str, Locale]

    def home_in(self, language: str) -> HomePage:
        return self.home.get_translation(self.locales[language])

    def news_in(self, language: str) -> NewsIndexPage:
        return self.news.get_translation(self.locales[language])


def site_address() -> tuple[str, int]:
    """Hostname and port of the configured base URL (WAGTAILADMIN_BASE_URL)."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default_port


def ensure_site_tree(
    *,
    home_title: str = "Newsroom",
    news_title: str = "News releases",
    translations: dict[str, dict[str, str]] | None = None,
    hostname: str | None = None,
    port: int | None = None,
) -> SiteTree:
    """Create (or find) the locales, the home page and the news index, and their translations.

    The Site's address defaults to WAGTAILADMIN_BASE_URL's (which `make run` sets to the address
    it serves), so that the sitemap, the feeds and robots.txt give URLs that work.
    Idempotent: a second call finds what the first made. Wagtail's default welcome page goes.
    Not atomic on purpose: see `translate_with`.
    """
    configured_hostname, configured_port = site_address()
    hostname = hostname or configured_hostname
    port = port or (configured_port if hostname == configured_hostname else 80)
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.LANGUAGES
    }
    source_locale = locales[settings.LANGUAGE_CODE]
    root = Page.get_first_root_node()

    for page in root.get_children():
        if not isinstance(page.specific, HomePage):
            page.delete()  # Wagtail's "Welcome to your new Wagtail site!" page, and its Site row
    home = HomePage.objects.filter(locale=source_locale).first()
    if home is None:
        home = HomePage(title=home_title, slug="home", locale=source_locale)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    site.hostname, site.port, site.root_page, site.site_name = (
        hostname,
        port,
        home,
        settings.WAGTAIL_SITE_NAME,
    )
    site.save()

    news = NewsIndexPage.objects.child_of(home).first()
    if news is None:
        news = NewsIndexPage(title=news_title, slug="news", locale=source_locale)
        home.add_child(instance=news)
        news.save_revision().publish()

    translations = translations or {}
    for code, locale in locales.items():
        if locale == source_locale:
            continue
        strings = translations.get(code, {})
        for page in (home, news):
            if not page.has_translation(locale):
                translate_with(
                    page, locale, lambda text, strings=strings: strings.get(text, text)
                )
    return SiteTree(home=home, news=news, locales=locales)

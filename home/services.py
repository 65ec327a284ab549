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
    Idempotent: a second call finds what the first made. Only Wagtail's untouched welcome page
    (and its site) goes; other pages under the root and an existing default site stay as they
    are. Not atomic on purpose: see `translate_with`.
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

    welcome = _wagtails_welcome_page(root)
    if welcome is not None:
        welcome.delete()  # and the Site row that pointed at it (created by Wagtail's migration)
    home = HomePage.objects.filter(locale=source_locale).first()
    if home is None:
        home = HomePage(
            title=home_title, slug=_free_slug(root, "home"), locale=source_locale
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    # An existing default site is someone's configuration: it is never changed here.
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            is_default_site=True,
            hostname=hostname,
            port=port,
            root_page=home,
            site_name=settings.WAGTAIL_SITE_NAME,
        )

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
                    page,
                    locale,
                    lambda text, strings=strings: strings.get(text, text),
                    publish=True,
                )
    return SiteTree(home=home, news=news, locales=locales)


WELCOME_TITLE = "Welcome to your new Wagtail site!"


def _wagtails_welcome_page(root: Page) -> Page | None:
    """The page Wagtail's first migration creates, if it is still there and untouched."""
    return (
        root.get_children()
        .filter(
            content_type__app_label="wagtailcore",
            content_type__model="page",
            title=WELCOME_TITLE,
            numchild=0,
        )
        .first()
    )


def _free_slug(parent: Page, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = "%s-%d" % (slug, number)
    return candidate

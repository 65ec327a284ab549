"""RSS and Atom feeds of the latest live releases, one pair per language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail.models import Locale

from news.models import NewsIndexPage, NewsReleasePage


class LatestReleasesFeed(Feed):
    """RSS 2.0; the Atom subclass shares everything but the format."""

    def get_object(self, request, *args, **kwargs):
        try:
            locale = Locale.objects.get(language_code=get_language())
        except Locale.DoesNotExist:
            raise Http404 from None
        news = (
            NewsIndexPage.objects.live()
            .public()
            .filter(locale=locale)
            .select_related("locale")
            .first()
        )
        if news is None:
            raise Http404
        return news

    def title(self, news):
        return _("%(site)s: latest news releases") % {
            "site": settings.WAGTAIL_SITE_NAME
        }

    def link(self, news):
        return news.url

    def description(self, news):
        return _("The latest news releases of the press office, in %(language)s.") % {
            "language": news.locale.get_display_name()
        }

    subtitle = description

    def items(self, news):
        return list(
            NewsReleasePage.objects.live()
            .public()
            .in_locale(news.locale)
            .for_listing()
            .defer_streamfields()[: settings.NEWS_FEED_SIZE]
        )

    def item_title(self, release):
        return release.title

    def item_description(self, release):
        return release.lead

    def item_link(self, release):
        return release.url

    def item_pubdate(self, release):
        return release.first_published_at

    def item_updateddate(self, release):
        return release.last_published_at


class LatestReleasesAtomFeed(LatestReleasesFeed):
    feed_type = Atom1Feed

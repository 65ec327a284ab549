"""RSS and Atom feeds of the latest live releases, one pair per language."""

from __future__ import annotations

import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail.models import Locale

from news.models import NewsIndexPage, NewsReleasePage, ReleaseVideo


class LatestReleasesFeed(Feed):
    """RSS 2.0; the Atom subclass shares everything but the format."""

    url_name = "news:feed-rss"

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
        # The feed's language is in <language>; its title and description are plain words.
        return _("Latest news releases")

    # Links are absolute from the Site's configured root (Django's feeds would otherwise take
    # the host the request named).
    def link(self, news):
        return news.get_full_url()

    def feed_url(self, news):
        return urljoin(news.get_full_url(), reverse(self.url_name))

    def description(self, news):
        return _("The latest news releases of the press office.")

    subtitle = description

    def items(self, news):
        releases = list(
            NewsReleasePage.objects.live()
            .public()
            .in_locale(news.locale)
            .for_listing()
            .defer_streamfields()
            .prefetch_related(
                Prefetch(
                    "videos",
                    queryset=ReleaseVideo.objects.select_related(
                        "video", "video__poster"
                    ).order_by("sort_order"),
                )
            )[: settings.NEWS_FEED_SIZE]
        )
        site_root = news.get_full_url()
        for release in releases:
            release.feed_enclosure = _enclosure(release, site_root)
        return releases

    def item_title(self, release):
        return release.title

    def item_description(self, release):
        return release.lead

    def item_link(self, release):
        return release.get_full_url()

    def item_pubdate(self, release):
        """The release's own date: a 2025 release published today is dated 2025.

        Releases of the same day keep the order they went live in.
        """
        published = release.first_published_at
        if published and timezone.localdate(published) == release.release_date:
            return published
        return datetime.datetime.combine(
            release.release_date,
            datetime.time.min,
            tzinfo=timezone.get_current_timezone(),
        )

    def item_updateddate(self, release):
        published = self.item_pubdate(release)
        if release.last_published_at and release.last_published_at > published:
            return release.last_published_at
        return published

    def item_enclosures(self, release):
        enclosure = getattr(release, "feed_enclosure", None)
        return [enclosure] if enclosure else []


class LatestReleasesAtomFeed(LatestReleasesFeed):
    feed_type = Atom1Feed
    url_name = "news:feed-atom"


def _enclosure(release, site_root: str) -> Enclosure | None:
    """The release's first video as an enclosure: its preview (MP4), else its poster."""
    for link in release.videos.all():
        video = link.video
        if video.preview:
            try:
                length = video.preview.size
            except OSError:
                continue
            return Enclosure(
                urljoin(site_root, video.preview.url), str(length), "video/mp4"
            )
        if video.poster is not None:
            poster = video.poster
            try:
                length = poster.file.size
            except OSError:
                continue
            mime = "image/png" if poster.file.name.endswith(".png") else "image/jpeg"
            return Enclosure(urljoin(site_root, poster.file.url), str(length), mime)
    return None

from __future__ import annotations

from news.factories import NewsReleasePageFactory, ReleaseVideoFactory
from news.models import NewsReleasePage


def release_showing(news_index, *videos, live=True, **fields) -> NewsReleasePage:
    """A release linking `videos`, published (links change only when a revision goes live)."""
    page = NewsReleasePageFactory(parent=news_index, live=False, **fields)
    for video in videos:
        ReleaseVideoFactory(page=page, video=video)
    revision = page.save_revision()
    if live:
        revision.publish()
    return NewsReleasePage.objects.get(pk=page.pk)

from __future__ import annotations

from media_assets.models import Video
from news.models import NewsReleasePage, ReleaseVideo


def latest_releases(locale, limit: int) -> list[NewsReleasePage]:
    return list(
        NewsReleasePage.objects.live().public().in_locale(locale).for_listing()[:limit]
    )


def latest_videos(locale, limit: int) -> list[Video]:
    """The newest public videos (Video.public_since) that this locale's live releases show.

    A video shown only by another language's release is public, but not this landing's news.
    """
    live_here = NewsReleasePage.objects.live().in_locale(locale).values("pk")
    return list(
        Video.objects.public()
        .filter(locale=locale)
        .filter(
            pk__in=ReleaseVideo.objects.filter(page_id__in=live_here).values("video_id")
        )
        .select_related("poster")
        .order_by("-public_since", "-created_at")[:limit]
    )

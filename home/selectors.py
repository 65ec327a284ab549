from __future__ import annotations

from media_assets.models import Video
from news.models import NewsReleasePage, ReleaseVideo


def latest_releases(locale, limit: int) -> list[NewsReleasePage]:
    return list(
        NewsReleasePage.objects.live().public().in_locale(locale).for_listing()[:limit]
    )


def latest_videos(locale, limit: int) -> list[Video]:
    """The newest videos that a live release of this locale shows (never an unpublished one)."""
    live_release_ids = (
        NewsReleasePage.objects.live().public().in_locale(locale).values("pk")
    )
    video_ids = (
        ReleaseVideo.objects.filter(page_id__in=live_release_ids)
        .values("video_id")
        .distinct()
    )
    return list(
        Video.objects.filter(pk__in=video_ids)
        .select_related("poster")
        .order_by("-created_at")[:limit]
    )

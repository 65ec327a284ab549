"""Reads for the public pages: each returns everything a template needs in a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch

from media_assets.models import Shot, Video


if TYPE_CHECKING:
    from news.models import NewsReleasePage


def videos_with_shots(queryset):
    return queryset.select_related("poster").prefetch_related(
        Prefetch("shots", queryset=Shot.objects.order_by("sort_order"))
    )


def release_detail(page: NewsReleasePage) -> dict:
    """Quotes with their speakers, topics and linked videos (with shots) of one release."""
    quotes = list(
        page.quotes.select_related("speaker", "speaker__photo").order_by("sort_order")
    )
    topics = [
        link.topic
        for link in page.topics.select_related("topic").order_by("sort_order")
    ]
    video_links = list(page.videos.order_by("sort_order"))
    video_ids = [link.video_id for link in video_links]
    by_id = {
        video.pk: video
        for video in videos_with_shots(Video.objects.filter(pk__in=video_ids))
    }
    videos = [by_id[pk] for pk in video_ids if pk in by_id]

    # Each speaker once, in order of first appearance, with their quotes.
    speakers = {}
    for quote in quotes:
        speakers.setdefault(quote.speaker_id, {"speaker": quote.speaker, "quotes": []})[
            "quotes"
        ].append(quote)
    return {
        "quotes": quotes,
        "speakers": list(speakers.values()),
        "topics": topics,
        "videos": videos,
    }

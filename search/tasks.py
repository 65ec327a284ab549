"""Idempotent indexing tasks: each makes the index match the database as it is when it runs."""

from __future__ import annotations

import logging

from celery import shared_task

from search.engines import get_engine


logger = logging.getLogger(__name__)


def _sync_release(page_id: int, video_ids: list[int] | None = None) -> None:
    from search.documents import refresh_videos, sync_release, video_ids_of_release

    engine = get_engine()
    removed, written = sync_release(page_id)
    engine.remove(removed)
    engine.index(written)
    video_ids = video_ids_of_release(page_id) if video_ids is None else video_ids
    refresh_videos(video_ids)
    for video_id in video_ids:
        _sync_video(video_id)


def _sync_video(video_id: int) -> None:
    from search.documents import sync_video

    engine = get_engine()
    removed, written = sync_video(video_id)
    engine.remove(removed)
    engine.index(written)


@shared_task(ignore_result=True, acks_late=True)
def index_release_task(page_id: int) -> None:
    """Index a release (in its language) and the videos it shows, or remove them."""
    _sync_release(page_id)


@shared_task(ignore_result=True, acks_late=True)
def index_releases_task(page_ids: list[int]) -> None:
    for page_id in page_ids:
        _sync_release(page_id)


@shared_task(ignore_result=True, acks_late=True)
def remove_release_task(page_id: int, video_ids: list[int]) -> None:
    """A deleted release leaves the index, and its videos are judged again without it."""
    _sync_release(page_id, video_ids)


@shared_task(ignore_result=True, acks_late=True)
def index_video_task(video_id: int) -> None:
    _sync_video(video_id)

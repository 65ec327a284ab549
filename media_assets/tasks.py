"""Video processing in the background, on the ``media`` queue."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from celery import shared_task


# A 10-minute 1080p master takes about two minutes; a two-hour one could take half an hour.
HARD_TIME_LIMIT = 4 * 60 * 60


@shared_task(
    acks_late=True,  # safe: processing is idempotent, so a redelivery after a crash does no harm
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    time_limit=HARD_TIME_LIMIT,
)
def process_video_task(video_id: int, force: bool = False) -> str:
    """Probe a video's master and make its poster and preview; returns the final state."""
    from media_assets.services import process_video

    video = process_video(video_id=video_id, force=force)
    return video.processing_state if video is not None else "gone"


@shared_task
def remove_abandoned_uploads_task() -> int:
    """Delete masters kept across a form error that nobody came back for (see kept_uploads)."""
    from media_assets.kept_uploads import remove_abandoned

    return remove_abandoned()

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


@shared_task(ignore_result=True)
def requeue_stuck_videos_task() -> None:
    """The sweep (Celery beat, every NEWSROOM_SWEEP_INTERVAL seconds): see the service."""
    from media_assets.services import requeue_stuck_videos

    requeue_stuck_videos()


# A frame-accurate re-encode of a whole two-hour master is the longest a part can take.
CLIP_TIME_LIMIT = 6 * 60 * 60


@shared_task(
    acks_late=True,  # safe: make_clip is idempotent (lock, finished file found, atomic move)
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    time_limit=CLIP_TIME_LIMIT,
)
def make_clip_task(clip_id: int) -> str:
    """Make a part of a master (``clips`` queue); returns the part's state."""
    from media_assets.clips import make_clip

    return make_clip(clip_id)


@shared_task
def requeue_stuck_clips_task() -> list[int]:
    """Re-queue the parts whose worker died in the middle (run every minute by beat)."""
    from media_assets.clips import requeue_stuck

    return requeue_stuck()


@shared_task(ignore_result=True)
def rollup_downloads_task(start: str | None = None, end: str | None = None) -> None:
    """Bring the download reports' daily roll-up up to date (beat: the last days).

    With `start` and `end` (ISO dates), recompute those days instead: after an account's
    deletion, whose rows change the key they count under.
    """
    import datetime

    from media_assets.reports import rollup

    if start and end:
        rollup.rollup_days(
            datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        )
    else:
        rollup.rollup_recent()

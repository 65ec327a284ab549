from __future__ import annotations

import logging

from django.core.management import call_command

from celery import shared_task


logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def publish_scheduled_task() -> None:
    """Publish what has reached its go-live time and unpublish what has expired (embargo).

    Wagtail's `publish_scheduled` command does the work; it is idempotent, so a late or doubled
    beat tick is harmless.
    """
    call_command("publish_scheduled")


@shared_task(ignore_result=True, acks_late=True)
def refresh_public_videos_task(keys: list[str] | None = None) -> None:
    """Recompute which videos are public (news.publicity); idempotent, so a retry is harmless."""
    from news.publicity import refresh_public_videos

    refresh_public_videos(keys)

"""Tunables of the video library, read lazily from settings.NEWSROOM_* so override_settings works."""

from __future__ import annotations

from django.conf import settings


def media_queue() -> str:
    """The Celery queue of video processing (a worker runs ``-Q media``)."""
    return getattr(settings, "NEWSROOM_MEDIA_QUEUE", "media")


def ffmpeg_memory_limit() -> int:
    """Address-space limit of each ffmpeg/ffprobe process, in bytes (default 3 GiB).

    Decoding 1080p and encoding a 640 px preview with x264 stays under 1 GiB of address space.
    """
    return getattr(settings, "NEWSROOM_FFMPEG_MEMORY_LIMIT", 3 * 1024**3)


def probe_timeout() -> float:
    """Seconds ffprobe may take (0.07 s measured on a 2.3 GB 10-minute master)."""
    return getattr(settings, "NEWSROOM_FFPROBE_TIMEOUT", 30)


def poster_timeout() -> float:
    return getattr(settings, "NEWSROOM_POSTER_TIMEOUT", 120)


def preview_timeout(duration: float) -> float:
    """Seconds the preview encode may take: a floor plus a multiple of the running time.

    The preview of a 10-minute 1080p25 master took 112 s (0.19x real time) on 2 vCPUs.
    """
    floor = getattr(settings, "NEWSROOM_PREVIEW_TIMEOUT_FLOOR", 300)
    factor = getattr(settings, "NEWSROOM_PREVIEW_TIMEOUT_FACTOR", 2.0)
    return floor + factor * duration


def preview_width() -> int:
    return getattr(settings, "NEWSROOM_PREVIEW_WIDTH", 640)


def poster_collection_name() -> str:
    """Posters are Wagtail images kept in their own collection (privacy is handled per video)."""
    return getattr(settings, "NEWSROOM_POSTER_COLLECTION", "Video posters")


def kept_upload_max_age() -> int:
    """Seconds a master kept across a form error waits for its form to come back (a day)."""
    return getattr(settings, "NEWSROOM_KEPT_UPLOAD_MAX_AGE", 24 * 60 * 60)


def reports_xlsx_max_rows() -> int:
    """Rows an XLSX export of a download report holds at most (CSV exports stream every row).

    openpyxl builds the workbook in memory: about 60 MB and 9 s for 100,000 log rows here.
    """
    return getattr(settings, "NEWSROOM_REPORTS_XLSX_MAX_ROWS", 100_000)


def stuck_after(duration: float) -> float:
    """Seconds after which a queued or running processing job counts as lost.

    A killed worker or a broker that lost the message leaves the video "queued" or
    "processing": the sweep re-queues it after this long. No run can legitimately take longer than its ffmpeg limits: the probe, the poster and the
    preview (a floor plus a multiple of the running time), plus a minute of margin; about
    27 minutes for a 10-minute master.
    """
    floor = getattr(settings, "NEWSROOM_STUCK_FLOOR", None)
    if floor is None:
        floor = (
            probe_timeout()
            + poster_timeout()
            + getattr(settings, "NEWSROOM_PREVIEW_TIMEOUT_FLOOR", 300)
            + 60
        )
    factor = getattr(settings, "NEWSROOM_STUCK_FACTOR", None)
    if factor is None:
        factor = getattr(settings, "NEWSROOM_PREVIEW_TIMEOUT_FACTOR", 2.0)
    return floor + factor * (duration or 0)


def clips_queue() -> str:
    """The Celery queue of partial downloads (a worker runs ``-Q clips``)."""
    return getattr(settings, "NEWSROOM_CLIPS_QUEUE", "clips")


def clip_cache_bytes() -> int:
    """Bytes the prepared parts may take; the least recently downloaded go first (50 GB)."""
    return getattr(settings, "NEWSROOM_CLIP_CACHE_BYTES", 50 * 1000**3)


def clips_per_account() -> int:
    """Parts one account may have waiting or being prepared at once."""
    return getattr(settings, "NEWSROOM_CLIPS_PER_ACCOUNT", 3)


def clip_stuck_seconds() -> float:
    """A running part with no sign of life for this long is re-queued (its worker died)."""
    return getattr(settings, "NEWSROOM_CLIP_STUCK_SECONDS", 120)


def reports_use_rollup() -> bool:
    """Whether the download reports read the daily roll-up (True) or the log's rows only."""
    return getattr(settings, "NEWSROOM_REPORTS_ROLLUP", True)

"""Choices of the video library (kept apart so forms and models can both import them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingState(models.TextChoices):
    QUEUED = "queued", _("queued")
    PROCESSING = "processing", _("processing")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class ScanType(models.TextChoices):
    PROGRESSIVE = "progressive", _("progressive")
    INTERLACED_TFF = "interlaced_tff", _("interlaced, top field first")
    INTERLACED_BFF = "interlaced_bff", _("interlaced, bottom field first")


class ProcessingError(models.TextChoices):
    """Why processing failed; the admin shows the sentence, in the editor's language."""

    EMPTY = "empty", _("The file is empty (0 bytes). Upload the master again.")
    NOT_VIDEO = (
        "not_video",
        _(
            "This file is not a video in an accepted format. Upload an MP4, MOV or MXF master."
        ),
    )
    AUDIO_ONLY = (
        "audio_only",
        _("This file has no video stream: it is audio only. Upload a video master."),
    )
    DAMAGED = (
        "damaged",
        _(
            "The file is damaged or truncated: ffmpeg could not read it to the end. "
            "Upload a complete copy of the master."
        ),
    )
    TIMEOUT = (
        "timeout",
        _(
            "Processing took too long and was stopped. Run it again, or upload a shorter master."
        ),
    )
    LIMIT = (
        "limit",
        _(
            "Processing needed more memory than it is allowed and was stopped. "
            "Ask the technical team to raise the limit."
        ),
    )
    MISSING = "missing", _("The master file is missing from storage. Upload it again.")
    UNEXPECTED = (
        "unexpected",
        _(
            "Processing failed for a reason we did not expect. Run it again; if it fails again, "
            "tell the technical team."
        ),
    )


class ClipState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("removed from the cache")


class ClipCut(models.TextChoices):
    FAST = "fast", _("fast (from the keyframe before the in-point)")
    EXACT = "exact", _("frame-accurate")


class ClipError(models.TextChoices):
    """Why a part could not be prepared; the person sees the sentence in their language."""

    MASTER = (
        "master",
        _(
            "The master of this video could not be read. Try again later, or ask the newsroom."
        ),
    )
    CHANGED = (
        "changed",
        _("The master of this video has been replaced. Choose the part again."),
    )
    TIMEOUT = (
        "timeout",
        _("Preparing the part took too long and was stopped. Try again."),
    )
    LIMIT = (
        "limit",
        _("Preparing the part needed more memory than allowed. Try a shorter part."),
    )
    GATE = (
        "gate",
        _(
            "The part did not pass the quality check, even re-encoded. "
            "Try the fast cut, or ask the newsroom."
        ),
    )
    FAILED = (
        "failed",
        _("The part could not be prepared. Try again, or ask the newsroom."),
    )

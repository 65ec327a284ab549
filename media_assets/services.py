"""Writes on videos: accept a master, process it (metadata, poster, preview), re-run processing.

Processing is idempotent. It reads the master (or the replacement waiting in
``Video.replacement``), writes the poster and the preview in a temporary directory, then commits
everything in one transaction that re-reads the row under a lock. If another upload
arrived meanwhile, that commit is abandoned (the newer upload's task does the work). A failed
replacement is dropped and the current master, poster and preview stay as they were.
"""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from wagtail.images.models import Image
from wagtail.models import Collection

from media_assets import conf, ffmpeg
from media_assets.models import (
    TECHNICAL_FIELDS,
    ProcessingError,
    ProcessingState,
    Video,
)
from media_assets.storage import private_storage


logger = logging.getLogger(__name__)

# Errors that say the file itself is bad: re-running cannot help, so a bad replacement is dropped.
BAD_INPUT = {
    ProcessingError.EMPTY,
    ProcessingError.NOT_VIDEO,
    ProcessingError.AUDIO_ONLY,
    ProcessingError.DAMAGED,
}


class IngestError(Exception):
    """Raised by ingest_master when the master could not be processed."""


def request_processing(*, video: Video, force: bool = False) -> None:
    """Mark the video queued and enqueue its processing once the current transaction commits.

    ``force`` re-makes the poster and the preview even when they are up to date (the admin's
    "run again" button).
    """
    from media_assets.tasks import process_video_task

    _sync(
        video,
        processing_state=ProcessingState.QUEUED,
        processing_error="",
        processing_error_detail="",
    )
    video_id = video.pk
    transaction.on_commit(
        lambda: process_video_task.apply_async(
            args=[video_id], kwargs={"force": force}, queue=conf.media_queue()
        )
    )


def place_upload(*, video: Video, previous_name: str) -> None:
    """Put a newly uploaded master where it belongs before the video is saved.

    A video whose current master was processed successfully keeps it: the upload waits in
    ``replacement`` until it is processed. A video without a good master simply takes the new
    file (the previous, unusable one is deleted after the commit).
    """
    uploaded = video.file
    if video.pk and video.processed_at and previous_name:
        if video.replacement:
            _delete_after_commit(private_storage, video.replacement.name)
        video.replacement = uploaded.file
        video.file = previous_name
    elif previous_name:
        _delete_after_commit(private_storage, previous_name)


def process_video(*, video_id: int, force: bool = False) -> Video | None:
    """Probe the master (or its waiting replacement), make the poster and the preview, store all.

    Returns the video in its final state, or None when it no longer exists.
    """
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            logger.info("Video %s has gone; nothing to process.", video_id)
            return None
        source = video.replacement or video.file
        if not force and not video.replacement and _is_up_to_date(video):
            return video
        source_name = source.name
        _sync(video, processing_state=ProcessingState.PROCESSING)

    try:
        if not source_name or not private_storage.exists(source_name):
            raise ffmpeg.MediaError(ProcessingError.MISSING, source_name)
        path = Path(private_storage.path(source_name))
        info = ffmpeg.probe(path)
        with (
            tempfile.TemporaryDirectory(prefix="newsroom-video-") as workdir,
            ThreadPoolExecutor(max_workers=1) as hasher,
        ):
            # The checksum reads the master while ffmpeg encodes (hashlib releases the GIL):
            # on the 10-minute benchmark master it then costs no wall-clock time.
            checksum = hasher.submit(ffmpeg.sha256, path)
            poster_path = Path(workdir) / ("poster-%d.jpg" % video_id)
            preview_path = Path(workdir) / ("preview-%d.mp4" % video_id)
            ffmpeg.extract_poster(path, poster_path, info)
            ffmpeg.make_preview(path, preview_path, info)
            return _store_results(
                video_id,
                source_name,
                info,
                checksum.result(),
                poster_path,
                preview_path,
            )
    except ffmpeg.MediaError as error:
        logger.warning("Processing video %s failed: %s", video_id, error)
        return _store_failure(video_id, source_name, error.code, error.detail)
    except Exception as error:
        logger.exception("Processing video %s failed unexpectedly.", video_id)
        _store_failure(video_id, source_name, ProcessingError.UNEXPECTED, repr(error))
        raise


def ingest_master(*, video: Video) -> Video:
    """Process a video's master synchronously (the demo seed uses it); IngestError on failure."""
    processed = process_video(video_id=video.pk, force=True)
    if processed is None or processed.processing_state != ProcessingState.READY:
        detail = processed.processing_error_detail if processed else "video deleted"
        raise IngestError(
            "Video %s could not be processed: %s" % (video.pk, detail or "unknown")
        )
    return processed


def _is_up_to_date(video: Video) -> bool:
    return bool(
        video.processing_state == ProcessingState.READY
        and video.checksum
        and video.preview
        and video.poster_id
    )


def _store_results(video_id, source_name, info, checksum, poster_path, preview_path):
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            return None
        if (video.replacement or video.file).name != source_name:
            logger.info(
                "Video %s got a newer master; its own task stores it.", video_id
            )
            return video
        collection = _poster_collection()
        old_poster = video.poster
        old_preview = video.preview.name
        replaced_master = video.file.name if video.replacement else ""

        if old_poster is None or old_poster.collection_id == collection.pk:
            poster = Image(title=video.title, collection=collection)
            with poster_path.open("rb") as handle:
                poster.file.save(poster_path.name, File(handle), save=False)
            poster.save()
            video.poster = poster
        with preview_path.open("rb") as handle:
            video.preview.save(preview_path.name, File(handle), save=False)
        if video.replacement:
            video.file = video.replacement.name
            video.replacement = ""

        video.duration = round(info.duration, 3)
        video.width, video.height = info.width, info.height
        video.frame_rate_numerator = (
            info.frame_rate.numerator if info.frame_rate else None
        )
        video.frame_rate_denominator = (
            info.frame_rate.denominator if info.frame_rate else None
        )
        video.scan_type = info.scan_type
        video.video_codec, video.audio_codec = info.video_codec, info.audio_codec
        video.audio_channels = info.audio_channels
        video.bit_rate = info.bit_rate
        video.file_size = info.file_size
        video.container = info.container
        video.checksum = checksum
        video.processing_state = ProcessingState.READY
        video.processing_error = ""
        video.processing_error_detail = ""
        video.processed_at = timezone.now()
        video.save()
        _sync(video)

        if replaced_master:
            # the parts cut from the previous master go with it
            key, checksum = video.translation_key, video.checksum
            transaction.on_commit(lambda: _invalidate_parts(key, checksum))
        if old_preview and old_preview != video.preview.name:
            _delete_after_commit(video.preview.storage, old_preview)
        if replaced_master:
            _delete_after_commit(private_storage, replaced_master)
        if old_poster is not None and old_poster.pk != video.poster_id:
            old_poster_id = old_poster.pk
            transaction.on_commit(
                lambda: Image.objects.filter(pk=old_poster_id).delete()
            )
    return video


def _invalidate_parts(translation_key, checksum: str) -> None:
    from media_assets.clips import invalidate_parts

    invalidate_parts(translation_key, checksum)


def _store_failure(video_id, source_name, code, detail):
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            return None
        if (video.replacement or video.file).name != source_name:
            return video
        fields = {
            "processing_state": ProcessingState.FAILED,
            "processing_error": code,
            "processing_error_detail": detail[:2000],
        }
        if video.replacement and code in BAD_INPUT:
            # The bad replacement goes; the current master and its poster and preview stay.
            _delete_after_commit(private_storage, video.replacement.name)
            fields["replacement"] = ""
        _sync(video, **fields)
    return video


def _sync(video: Video, **fields) -> None:
    """Write technical fields on the video and every translation of it (they share the files)."""
    for name, value in fields.items():
        setattr(video, name, value)
    if not fields:
        for name in TECHNICAL_FIELDS:
            field = Video._meta.get_field(name)
            value = getattr(video, field.attname)
            fields[field.attname] = (
                value.name if isinstance(value, FieldFile) else value
            )
    Video.objects.filter(translation_key=video.translation_key).update(**fields)


def _poster_collection() -> Collection:
    name = conf.poster_collection_name()
    existing = Collection.objects.filter(name=name).first()
    if existing:
        return existing
    return Collection.get_first_root_node().add_child(name=name)


def _delete_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def set_public_videos(*, shown_keys, keys=None) -> tuple[int, int]:
    """Store which videos are public: those whose translation key is in `shown_keys`.

    `shown_keys` is a queryset (or collection) of the translation keys that a live, public
    release shows; `news` computes it, so this app never reads pages. A video no longer shown
    loses ``public_since`` (whatever `keys` says: a release may have dropped it); one newly
    shown gets the current time, shared by all its translations. `keys` limits the second
    part to the videos concerned. Idempotent. Returns (withdrawn, published) row counts.
    """
    withdrawn = (
        Video.objects.filter(public_since__isnull=False)
        .exclude(translation_key__in=shown_keys)
        .update(public_since=None)
    )
    newly = Video.objects.filter(
        public_since__isnull=True, translation_key__in=shown_keys
    )
    if keys is not None:
        newly = newly.filter(translation_key__in=list(keys))
    published = newly.update(public_since=timezone.now())
    return withdrawn, published

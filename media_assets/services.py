"""Writes on videos: accept a master, process it (metadata, poster, preview), re-run processing.

Processing is idempotent. It reads the master (or the replacement waiting in
``Video.replacement``), writes the poster and the preview in a temporary directory, then commits
everything in one transaction that re-reads the row under a lock. If another upload
arrived meanwhile, that commit is abandoned (the newer upload's task does the work). A failed
replacement is dropped and the current master, poster and preview stay as they were.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from wagtail.images.models import Image
from wagtail.models import Collection

from kombu.exceptions import OperationalError as BrokerError

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


# Each run works in a directory named after the video and the process running it, so that the
# directories of runs killed mid-way (kill -9, a lost machine) are known and removed.
WORKDIR_PREFIX = "newsroom-processing-"


@dataclass
class ProcessingRequest:
    """What became of a processing request, known once the transaction commits.

    `queued` is False when the job service could not be reached (the sweep hands the job over
    once it is back), None until the commit.
    """

    video_id: int
    queued: bool | None = None


def request_processing(*, video: Video, force: bool = False) -> ProcessingRequest:
    """Mark the video queued and enqueue its processing once the current transaction commits.

    ``force`` re-makes the poster and the preview even when they are up to date (the admin's
    "run again" button). With the job service (the broker) down, the video stays queued and
    the request says so; nothing fails: the sweep queues it again when the service is back.
    """
    _sync(
        video,
        processing_state=ProcessingState.QUEUED,
        processing_error="",
        processing_error_detail="",
        processing_deadline=_deadline(video.duration),
    )
    request = ProcessingRequest(video_id=video.pk)
    transaction.on_commit(
        lambda: _enqueue(request, force=force, translation_key=video.translation_key)
    )
    return request


def _enqueue(request: ProcessingRequest, *, force: bool, translation_key) -> None:
    from media_assets.tasks import process_video_task

    options = {"kwargs": {"force": force}, "queue": conf.media_queue()}
    if process_video_task.app.conf.task_always_eager:
        # No job service (make run): the task runs here, and its errors are its own.
        process_video_task.apply_async(args=[request.video_id], **options)
        request.queued = True
        return
    try:
        # ignore_result: nobody waits for it here, and the result store (Redis too) would
        # otherwise be asked to subscribe, retrying for 20 s when it is down.
        process_video_task.apply_async(
            args=[request.video_id], ignore_result=True, **options
        )
    except (BrokerError, OSError):
        logger.warning(
            "The job service is unreachable: video %s stays queued until it is back.",
            request.video_id,
            exc_info=True,
        )
        # No deadline: the next sweep that reaches the job service hands it over at once.
        Video.objects.filter(translation_key=translation_key).update(
            processing_deadline=None
        )
        request.queued = False
    else:
        request.queued = True


def requeue_stuck_videos() -> list[int]:
    """Queue again every video left "queued" or "processing" past its deadline; the sweep.

    Run every minute by Celery beat (and by `make run`'s loop). Processing is idempotent, so a
    job that was only slow is at worst done twice. Also removes the working directories of
    runs that died on this machine. Returns the ids queued again.
    """
    remove_dead_workdirs()
    stuck = (
        Video.objects.filter(
            processing_state__in=[ProcessingState.QUEUED, ProcessingState.PROCESSING]
        )
        .filter(
            Q(processing_deadline__isnull=True)
            | Q(processing_deadline__lte=timezone.now())
        )
        .order_by("pk")
        .values_list("pk", "translation_key")
    )
    seen, requeued = set(), []
    for video_id, translation_key in stuck:
        if translation_key in seen:
            continue  # the translations share the job
        seen.add(translation_key)
        with transaction.atomic():
            video = (
                Video.objects.select_for_update()
                .filter(
                    Q(processing_deadline__isnull=True)
                    | Q(processing_deadline__lte=timezone.now()),
                    pk=video_id,
                    processing_state__in=[
                        ProcessingState.QUEUED,
                        ProcessingState.PROCESSING,
                    ],
                )
                .first()
            )
            if video is None:
                continue
            logger.warning(
                "Video %s was %s past its deadline: queued again.",
                video_id,
                video.processing_state,
            )
            request_processing(video=video)
        requeued.append(video_id)
    return requeued


def remove_dead_workdirs() -> list[Path]:
    """Remove the working directories of processing runs whose process is gone."""
    removed = []
    for path in Path(tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"):
        parts = path.name[len(WORKDIR_PREFIX) :].split("-")
        if len(parts) < 3 or not parts[1].isdigit() or _is_running(int(parts[1])):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _deadline(duration):
    return timezone.now() + timedelta(seconds=conf.stuck_after(duration or 0))


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
        _sync(
            video,
            processing_state=ProcessingState.PROCESSING,
            processing_deadline=_deadline(video.duration),
        )
    translation_key = video.translation_key
    remove_dead_workdirs()

    try:
        if not source_name or not private_storage.exists(source_name):
            raise ffmpeg.MediaError(ProcessingError.MISSING, source_name)
        path = Path(private_storage.path(source_name))
        info = ffmpeg.probe(path)
        # Now that the running time of this master is known, so is the run's real deadline.
        Video.objects.filter(translation_key=translation_key).update(
            processing_deadline=_deadline(info.duration)
        )
        with (
            tempfile.TemporaryDirectory(
                prefix="%s%d-%d-" % (WORKDIR_PREFIX, video_id, os.getpid())
            ) as workdir,
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

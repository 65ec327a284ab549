"""Partial downloads: asking for a part, the job that makes it, the cache that keeps it.

A part is a `Clip` row identified by the master's checksum, its frame spans and its cut, so
identical requests share one row, one job and one file. The job runs on the ``clips`` queue
(`media_assets.tasks.make_clip_task`) and is idempotent: a PostgreSQL advisory lock (released
by the database when a worker dies) lets one run at a time make a part; a finished file is
found and kept; work happens in a per-job directory and the file is moved into place
atomically, so a half-written file is never served.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from media_assets import conf
from media_assets.choices import ClipCut, ClipError, ClipState
from media_assets.clipping import engine
from media_assets.clipping.engine import GateFailed
from media_assets.clipping.index import index_from_json, index_master, index_to_json
from media_assets.ffmpeg import MediaError
from media_assets.models import Clip, ClipRequest, Shot, Video
from media_assets.storage import private_storage
from media_assets.timecode import frames_to_timecode, seconds_to_frames


logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 7_212  # pg advisory locks of clip jobs: (namespace, clip id)
PROGRESS_INTERVAL = 0.25  # seconds between two progress writes
PARTS_DIR = "parts"
WORK_DIR = "parts-work"
INDEX_DIR = "parts-index"
ACTIVE = (ClipState.QUEUED, ClipState.RUNNING)


class PartRequestError(Exception):
    """A request that cannot be queued; the message is for the person, in their language."""


# -- asking for a part --------------------------------------------------------------------


def frame_count(video: Video) -> int:
    return seconds_to_frames(Decimal(str(video.duration or 0)), video.fps)


def shot_spans(video: Video, shot_ids: list[int]) -> list[tuple[int, int]]:
    """The frames of the ticked shots, in shot-list order; refuses a shot of another video."""
    shots = {
        shot.pk: shot
        for shot in Shot.objects.filter(
            pk__in=shot_ids, video__translation_key=video.translation_key
        )
    }
    if len(shots) != len(set(shot_ids)):
        raise PartRequestError(_("One of the chosen shots belongs to another video."))
    ordered = sorted(shots.values(), key=lambda shot: (shot.start, shot.pk))
    return [
        (
            seconds_to_frames(shot.start, video.fps),
            seconds_to_frames(shot.end, video.fps),
        )
        for shot in ordered
    ]


def validate_spans(video: Video, spans: list[tuple[int, int]]) -> None:
    if not spans:
        raise PartRequestError(
            _("Choose a part: an in-point and an out-point, or shots.")
        )
    total = frame_count(video)
    for start, end in spans:
        if end < start:
            raise PartRequestError(_("The out-point is before the in-point."))
        if end == start:
            raise PartRequestError(
                _("The part has no frames: move the out-point later.")
            )
        if start < 0 or end > total:
            raise PartRequestError(
                _("The part goes past the end of the video (%(end)s).")
                % {"end": frames_to_timecode(total, video.fps)}
            )


def request_part(
    *,
    video: Video,
    spans: list[tuple[int, int]],
    cut: str,
    per_shot: bool = False,
    shots: list[int] | None = None,
    user=None,
    language: str = "",
) -> Clip:
    """The part for these frames (made once for everyone); queues its job when needed."""
    if not video.is_ready or not video.checksum:
        raise PartRequestError(_("This video is not ready yet."))
    if cut not in ClipCut.values:
        raise PartRequestError(_("Choose a cut: fast or frame-accurate."))
    spans = [(int(start), int(end)) for start, end in spans]
    validate_spans(video, spans)
    key = Clip.key_for(spans)
    if user is not None and user.is_authenticated:
        running = (
            ClipRequest.objects.filter(user=user, clip__state__in=ACTIVE)
            .exclude(clip__checksum=video.checksum, clip__spans_key=key, clip__cut=cut)
            .values("clip")
            .distinct()
            .count()
        )
        if running >= conf.clips_per_account():
            raise PartRequestError(
                _(
                    "You already have %(count)d parts being prepared: wait until one is "
                    "ready, then ask again."
                )
                % {"count": running}
            )
    with transaction.atomic():
        created = False
        try:
            with transaction.atomic():
                clip = Clip.objects.create(
                    video=video,
                    checksum=video.checksum,
                    spans=[list(span) for span in spans],
                    spans_key=key,
                    in_frame=spans[0][0],
                    out_frame=spans[-1][1],
                    shots=list(shots or []),
                    cut=cut,
                    per_shot=per_shot and len(spans) > 1,
                )
                created = True
        except IntegrityError:
            clip = Clip.objects.get(
                checksum=video.checksum,
                spans_key=key,
                cut=cut,
                per_shot=per_shot and len(spans) > 1,
            )
        queue = created or _reopen(clip)
        ClipRequest.objects.create(
            clip=clip,
            user=user if user is not None and user.is_authenticated else None,
            language=language,
        )
        if queue:
            clip_id = clip.pk
            transaction.on_commit(lambda: enqueue(clip_id))
    clip.refresh_from_db()
    return clip


def _reopen(clip: Clip) -> bool:
    """Queue a failed, evicted or lost part again; True for the one request that did it."""
    lost = clip.state == ClipState.READY and not _finished_file(clip)
    if clip.state not in (ClipState.FAILED, ClipState.EXPIRED) and not lost:
        return False
    return bool(
        Clip.objects.filter(pk=clip.pk, state=clip.state).update(
            state=ClipState.QUEUED,
            progress=0,
            error="",
            error_detail="",
            file="",
            size=None,
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
        )
    )


def enqueue(clip_id: int) -> None:
    from media_assets.tasks import make_clip_task

    make_clip_task.apply_async(args=[clip_id], queue=conf.clips_queue())


# -- the job ------------------------------------------------------------------------------


@contextlib.contextmanager
def job_lock(clip_id: int) -> Iterator[bool]:
    """Whether this process may work on the clip; PostgreSQL frees the lock if we die."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, clip_id])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, clip_id]
                )


def _clip_dir(clip: Clip) -> str:
    return "%s/%s/%d" % (PARTS_DIR, clip.checksum[:2], clip.pk)


def _finished_file(clip: Clip) -> str:
    """The part's file if a run finished it (moved into place whole), else ''."""
    directory = Path(private_storage.path(_clip_dir(clip)))
    if not directory.is_dir():
        return ""
    for entry in sorted(directory.iterdir()):
        if entry.is_file():
            return "%s/%s" % (_clip_dir(clip), entry.name)
    return ""


def _work_root() -> Path:
    return Path(private_storage.path(WORK_DIR))


def _remove_stray_work(clip_id: int) -> None:
    root = _work_root()
    if root.is_dir():
        for entry in root.glob("%d-*" % clip_id):
            shutil.rmtree(entry, ignore_errors=True)


def file_name(video: Video | None, clip: Clip) -> str:
    """The download's name: the video's title and the timecodes (no extension)."""
    title = slugify(video.title if video else "")[:60] or "part"
    fps = video.fps if video else None

    def tc(frame: int) -> str:
        if fps is None:
            return str(frame)
        return frames_to_timecode(frame, fps).replace(":", "-").replace(";", "-")

    return "%s_%s_%s" % (title, tc(clip.in_frame), tc(clip.out_frame))


_INDEXES: dict[tuple[str, str, int], object] = {}


def cached_index(path: Path, checksum: str):
    """The master's frame index, listed once per master (7 s for 10 minutes of 1080p).

    Kept in the worker's memory and in a JSON file beside the parts, by checksum.
    """
    key = (str(path), checksum, path.stat().st_mtime_ns)
    if key not in _INDEXES:
        if len(_INDEXES) >= 8:
            _INDEXES.pop(next(iter(_INDEXES)))
        stored = Path(private_storage.path("%s/%s.json" % (INDEX_DIR, checksum)))
        index = None
        if stored.exists():
            try:
                index = index_from_json(stored.read_text(), path)
            except (ValueError, KeyError, TypeError):
                index = None
        if index is None:
            index = index_master(path)
            stored.parent.mkdir(parents=True, exist_ok=True)
            partial = stored.with_suffix(".%s.tmp" % uuid.uuid4().hex[:8])
            partial.write_text(index_to_json(index))
            os.replace(partial, stored)
        _INDEXES[key] = index
    return _INDEXES[key]


def make_clip(clip_id: int) -> str:
    """Make the part's file (idempotent); returns the clip's state afterwards."""
    with job_lock(clip_id) as acquired:
        if not acquired:
            return "busy"  # another worker is making it right now
        clip = Clip.objects.select_related("video").filter(pk=clip_id).first()
        if clip is None:
            return "gone"
        if clip.state in (ClipState.FAILED, ClipState.EXPIRED):
            return clip.state
        finished = _finished_file(clip)
        if finished:
            if clip.state != ClipState.READY or clip.file.name != finished:
                _store_ready(clip, finished, None)
            return ClipState.READY
        Clip.objects.filter(pk=clip.pk).update(
            state=ClipState.RUNNING,
            progress=0,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
        _remove_stray_work(clip.pk)
        workdir = _work_root() / ("%d-%s" % (clip.pk, uuid.uuid4().hex[:8]))
        workdir.mkdir(parents=True)
        try:
            return _run(clip, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(clip: Clip, workdir: Path) -> str:
    video = clip.video
    if video is None or video.checksum != clip.checksum or not video.file:
        _store_failure(clip, ClipError.CHANGED, "the master changed or is gone")
        return ClipState.FAILED
    last_write = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if fraction < 1 and now - last_write[0] < PROGRESS_INTERVAL:
            return
        last_write[0] = now
        Clip.objects.filter(pk=clip.pk, state=ClipState.RUNNING).update(
            progress=round(min(fraction, 1.0), 4), heartbeat_at=timezone.now()
        )

    name = file_name(video, clip)
    metadata = engine.Metadata(
        title=video.title,
        credit=video.credit,
        copyright=video.credit and "© %s" % video.credit,
    )
    spans = [tuple(span) for span in clip.spans]
    try:
        index = cached_index(Path(video.file.path), clip.checksum)
        if clip.per_shot:
            names = ["%s_%02d" % (name, number) for number in range(1, len(spans) + 1)]
            result = engine.make_zip(
                index, spans, clip.cut, workdir / "job", name=name, names=names,
                metadata=metadata, on_progress=progress,
            )  # fmt: skip
        else:
            result = engine.make_part(
                index, spans, clip.cut, workdir / "job", name=name,
                metadata=metadata, on_progress=progress,
            )  # fmt: skip
    except GateFailed as exc:
        _store_failure(clip, ClipError.GATE, str(exc))
        return ClipState.FAILED
    except MediaError as exc:
        code = {"timeout": ClipError.TIMEOUT, "limit": ClipError.LIMIT}.get(
            exc.code,
            ClipError.MASTER if exc.code in ("damaged", "empty") else ClipError.FAILED,
        )
        _store_failure(clip, code, "%s: %s" % (exc.code, exc.detail))
        return ClipState.FAILED
    except (ValueError, OSError) as exc:
        _store_failure(clip, ClipError.FAILED, repr(exc))
        return ClipState.FAILED
    final_dir = Path(private_storage.path(_clip_dir(clip)))
    final_dir.mkdir(parents=True, exist_ok=True)
    os.replace(result.path, final_dir / result.path.name)  # same file system: atomic
    _store_ready(clip, "%s/%s" % (_clip_dir(clip), result.path.name), result)
    evict(keep=clip.pk)
    return ClipState.READY


def _store_ready(clip: Clip, name: str, result: engine.PartResult | None) -> None:
    fields = {
        "state": ClipState.READY,
        "progress": 1.0,
        "file": name,
        "size": private_storage.size(name),
        "finished_at": timezone.now(),
        "heartbeat_at": timezone.now(),
        "error": "",
        "error_detail": "",
    }
    if result is not None:
        fields.update(
            method=result.method,
            real_spans=[list(span) for span in result.real],
            fallback_reason=result.fallback_reason[:2000],
            gate=result.gate,
        )
    Clip.objects.filter(pk=clip.pk).update(**fields)


def _store_failure(clip: Clip, code: str, detail: str) -> None:
    logger.warning("Part %s failed: %s %s", clip.pk, code, detail)
    Clip.objects.filter(pk=clip.pk).update(
        state=ClipState.FAILED,
        error=code,
        error_detail=detail[:4000],
        finished_at=timezone.now(),
    )


# -- keeping the cache --------------------------------------------------------------------


def evict(*, keep: int | None = None, budget: int | None = None) -> list[int]:
    """Remove the least recently downloaded parts until the ready ones fit the budget."""
    budget = conf.clip_cache_bytes() if budget is None else budget
    ready = Clip.objects.filter(state=ClipState.READY)
    total = ready.aggregate(total=Sum("size"))["total"] or 0
    evicted = []
    if total <= budget:
        return evicted
    candidates = (
        ready.exclude(pk=keep)
        .annotate(used=Coalesce("last_downloaded_at", "finished_at", "created_at"))
        .order_by("used", "pk")
    )
    for clip in candidates:
        if total <= budget:
            break
        if Clip.objects.filter(pk=clip.pk, state=ClipState.READY).update(
            state=ClipState.EXPIRED, file="", size=None, progress=0
        ):
            _delete_part_files(clip)
            total -= clip.size or 0
            evicted.append(clip.pk)
    return evicted


def _delete_part_files(clip: Clip) -> None:
    shutil.rmtree(private_storage.path(_clip_dir(clip)), ignore_errors=True)


def invalidate_parts(translation_key, checksum: str) -> int:
    """A new master: the parts cut from the previous one go (their rows say why)."""
    stale = Clip.objects.filter(video__translation_key=translation_key).exclude(
        checksum=checksum
    )
    count = 0
    for clip in stale.exclude(state=ClipState.EXPIRED):
        Clip.objects.filter(pk=clip.pk).update(
            state=ClipState.EXPIRED, error=ClipError.CHANGED, file="", size=None
        )
        _delete_part_files(clip)
        count += 1
    return count


def requeue_stuck() -> list[int]:
    """Re-queue parts whose job died: running without a sign of life and without a lock."""
    limit = timezone.now() - timedelta(seconds=conf.clip_stuck_seconds())
    stuck = Clip.objects.filter(
        Q(state=ClipState.RUNNING, heartbeat_at__lt=limit)
        | Q(state=ClipState.QUEUED, created_at__lt=limit - timedelta(hours=1))
    )
    requeued = []
    for clip in stuck:
        with job_lock(clip.pk) as free:
            if not free:
                continue  # a live worker holds it: slow, not stuck
            if Clip.objects.filter(pk=clip.pk, state=clip.state).update(
                state=ClipState.QUEUED, heartbeat_at=timezone.now()
            ):
                requeued.append(clip.pk)
    for clip_id in requeued:
        enqueue(clip_id)
    return requeued


def parts_requested_by(user, *, limit: int = 50) -> list[Clip]:
    """The parts this person asked for, the latest request first, each once (one query)."""
    seen, parts = set(), []
    for request in (
        ClipRequest.objects.filter(user=user)
        .select_related("clip", "clip__video")
        .order_by("-created_at", "-pk")[: limit * 4]
    ):
        if request.clip_id not in seen and len(parts) < limit:
            seen.add(request.clip_id)
            parts.append(request.clip)
    return parts


def videos_in_language(clips: list[Clip], language: str) -> dict[int, Video]:
    """Each clip's video in `language`, by clip id: `.localized` for a list, in one query.

    A part is identified by its master, which every translation of a video shares: the
    person who asked second, in another language, gets the same part, and reads its title
    (and gets its file name) in their own language. Translations share `public_since`
    (TECHNICAL_FIELDS), so a translation is public exactly when the clip's video is. Where
    there is no translation in `language`, the clip's own video.
    """
    keys = {clip.video.translation_key for clip in clips if clip.video is not None}
    found = (
        {
            video.translation_key: video
            for video in Video.objects.filter(
                translation_key__in=keys, locale__language_code=language
            )
        }
        if keys
        else {}
    )
    return {
        clip.pk: found.get(clip.video.translation_key, clip.video)
        for clip in clips
        if clip.video is not None
    }


def mark_downloaded(clip: Clip) -> None:
    Clip.objects.filter(pk=clip.pk).update(last_downloaded_at=timezone.now())

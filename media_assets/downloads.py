"""Signed download links, the download log and the per-account limit.

A link is ``/downloads/<signed>/<file name>``: a signed, timestamped payload naming the person,
what to serve (a *target*: the master of a video here; the clips issue registers its parts)
and where the download started (release, language). It lives
``settings.NEWSROOM_DOWNLOAD_LINK_MAX_AGE`` seconds (24 hours by default), works outside the
browser session (``curl -C -``, ``wget -c``), and dies earlier when the account is deactivated
or loses its verified address, or when the target is withdrawn (the video is no longer public).

Each link has a random token: every request with it adds to the same `Download` row (requests,
bytes), so a download resumed with Range is one download. The row is written at the first
request; a new row is refused past ``settings.NEWSROOM_DOWNLOADS_PER_HOUR`` per account.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from media_assets.choices import ClipState
from media_assets.models import Clip, Download, DownloadKind, Video


SALT = "media_assets.download"


def link_max_age() -> int:
    return getattr(settings, "NEWSROOM_DOWNLOAD_LINK_MAX_AGE", 24 * 60 * 60)


def downloads_per_hour() -> int:
    return getattr(settings, "NEWSROOM_DOWNLOADS_PER_HOUR", 20)


@dataclass
class Target:
    """A private file a link may point to, and what the log records about it."""

    name: str  # the storage name
    storage_alias: str
    filename: str  # what the person's file is called
    available: bool  # False: withdrawn (a 404, like its video)
    video: Video | None
    log_fields: dict = field(default_factory=dict)


# kind -> resolver(object_id, payload) returning a Target or None; the clips issue adds "part".
_targets: dict[str, Callable[[int, dict], Target | None]] = {}


def register_target(kind: str, resolver: Callable[[int, dict], Target | None]) -> None:
    _targets[kind] = resolver


class LinkError(Exception):
    def __init__(self, reason: str, payload: dict | None = None):
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired", "account", "other-person", "gone"
        self.payload = payload or {}


def make_link(
    *,
    user,
    kind: str,
    object_id: int,
    filename: str,
    language: str = "",
    release_id: int | None = None,
    staff: bool = False,
) -> str:
    """A fresh signed link (a path) for `user` to the target `kind`/`object_id`."""
    payload = {
        "t": secrets.token_urlsafe(24),
        "u": user.pk,
        "k": kind,
        "o": object_id,
        "l": language,
        "r": release_id,
        "s": 1 if staff else 0,
        "f": filename,  # the name the file arrives with (signed: it cannot be altered)
    }
    signed = signing.dumps(payload, salt=SALT, compress=True)
    return reverse(
        "downloads:file",
        kwargs={"signed": signed, "filename": get_valid_filename(filename)},
    )


def read_link(signed: str, request_user) -> tuple[dict, object, Target]:
    """The payload, the person and the target of a link, or LinkError saying why not."""
    from accounts.services import download_access

    try:
        payload = signing.loads(signed, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired:
        try:
            payload = signing.loads(signed, salt=SALT)
        except signing.BadSignature:
            payload = {}
        raise LinkError("expired", payload) from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=payload.get("u")).first()
    if user is None or not user.is_active:
        raise LinkError("account", payload)
    if request_user.is_authenticated and request_user.pk != user.pk:
        raise LinkError("other-person", payload)
    if payload.get("s"):
        if not user.has_perm("wagtailadmin.access_admin"):
            raise LinkError("account", payload)
    elif download_access(user) != "verified":
        raise LinkError("account", payload)
    resolver = _targets.get(payload.get("k"))
    target = resolver(payload.get("o"), payload) if resolver else None
    if target is None or not (target.available or payload.get("s")):
        raise LinkError("gone", payload)
    return payload, user, target


def hourly_limit_reached(user) -> datetime.datetime | None:
    """When the person may start a new download again, or None if they may now."""
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = list(
        Download.objects.filter(user=user, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: downloads_per_hour()]
    )
    if len(recent) < downloads_per_hour():
        return None
    return recent[-1] + datetime.timedelta(hours=1)


class LimitReached(Exception):
    def __init__(self, retry_at):
        super().__init__("limit")
        self.retry_at = retry_at


def record_request(
    *, payload: dict, user, target: Target, size: int, sent: int, counted: bool
) -> Download:
    """Add one request to the link's row, creating it (and checking the limit) on the first."""
    now = timezone.now()
    token = payload["t"]
    row = Download.objects.filter(token=token).first()
    if row is None:
        if not payload.get("s"):
            retry_at = hourly_limit_reached(user)
            if retry_at is not None:
                raise LimitReached(retry_at)
        video = target.video
        fields = {
            "user": user,
            "email": user.email,
            "organisation": getattr(user, "organisation", ""),
            "video": video,
            "video_key": video.translation_key if video else None,
            "video_title": video.title if video else "",
            "language": payload.get("l") or "",
            "release_id": payload.get("r"),
            "kind": DownloadKind.FULL,
            "size": size,
            **target.log_fields,
        }
        try:
            with transaction.atomic():
                # counted as it is created: one query less for the link's first request
                return Download.objects.create(
                    token=token,
                    created_at=now,
                    requests=1 if counted else 0,
                    bytes_sent=sent,
                    last_request_at=now,
                    **fields,
                )
        except IntegrityError:  # a concurrent first request created it
            row = Download.objects.get(token=token)
    Download.objects.filter(pk=row.pk).update(
        requests=F("requests") + (1 if counted else 0),
        bytes_sent=F("bytes_sent") + sent,
        last_request_at=now,
    )
    return row


# --- the master of a video -------------------------------------------------------------------


def master_filename(video: Video, release=None) -> str:
    """``2025-11-19 Secretary General meets heads of allied intelligence services 1080i25.mxf``."""
    date = getattr(release, "release_date", None) or timezone.localdate(
        video.public_since or video.created_at
    )
    parts = [date.isoformat(), video.title.strip()]
    if video.height:
        parts.append(
            "%d%s%s"
            % (
                video.height,
                "i" if video.is_interlaced else "p",
                video.frame_rate_label,
            )
        )
    extension = (
        video.file.name.rsplit(".", 1)[-1].lower() if "." in video.file.name else ""
    )
    name = " ".join(part for part in parts if part)
    for character in '/\\:*?"<>|\x00':
        name = name.replace(character, " ")
    return "%s.%s" % (name, extension) if extension else name


def _resolve_master(object_id, payload) -> Target | None:
    video = Video.objects.filter(pk=object_id).first()
    if video is None or not video.file:
        return None
    from wagtail.models import Page

    release = None
    if payload.get("r"):
        page = Page.objects.filter(pk=payload["r"]).first()
        release = page.specific if page else None
    return Target(
        name=video.file.name,
        storage_alias="private",
        filename=payload.get("f") or master_filename(video, release),
        available=video.is_public,
        video=video,
        log_fields={
            "release_key": release.translation_key if release else None,
        },
    )


register_target("master", _resolve_master)


# --- a part of a video (media_assets.clips) ---------------------------------------------------


def _resolve_part(object_id, payload) -> Target | None:
    clip = Clip.objects.select_related("video").filter(pk=object_id).first()
    if clip is None or clip.video is None:
        return None
    ready = clip.state == ClipState.READY and bool(clip.file)
    return Target(
        name=clip.file.name if ready else "",
        storage_alias="private",
        filename=payload.get("f") or clip.file.name.rsplit("/", 1)[-1],
        # evicted, failed or cut from a replaced master: gone, like a withdrawn video
        available=ready
        and clip.checksum == clip.video.checksum
        and clip.video.is_public,
        video=clip.video,
        log_fields={
            "kind": DownloadKind.PART,
            "in_frame": clip.in_frame,
            "out_frame": clip.out_frame,
            "shots": clip.shots,
            "cut": clip.cut,
        },
    )


register_target("part", _resolve_part)


def anonymise_downloads_of(sender, instance, **kwargs) -> None:
    """An account is deleted: its downloads stay (reports count them), without the address.

    The reports' daily roll-up counted those rows under the account: its days are recomputed
    once the deletion commits (in the background; `rollup_downloads` catches up if the job
    service is down).
    """
    from media_assets.reports.rollup import days_of_account
    from media_assets.tasks import rollup_downloads_task

    days = days_of_account(instance.pk)
    Download.objects.filter(user=instance).update(email="", user=None)
    if days is not None:

        def recompute() -> None:
            rollup_downloads_task.delay(days[0].isoformat(), days[1].isoformat())

        transaction.on_commit(recompute, robust=True)

"""Masters kept across a form error, so that a 2 GB upload never has to be sent twice.

When the video form comes back with an error (a shot list mistake, a missing title), a master
that arrived whole is moved to private storage under ``kept-uploads/`` and the form carries a
signed token naming it (a hidden field). The next submission of that form uses the kept file as
if it had been uploaded again; saving moves it into place (a rename, no copy). The token is tied
to the person who uploaded and expires; kept files nobody came back for are removed by
``remove_abandoned`` (a periodic task, and at every new keep).
"""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from media_assets import conf
from media_assets.storage import private_storage


logger = logging.getLogger(__name__)

KEPT_DIRECTORY = "kept-uploads"
TOKEN_SALT = "media_assets.kept_upload"  # noqa: S105 (a signing namespace)
# The hidden field of the video form that carries the token.
FIELD_NAME = "kept_master"


@dataclass(frozen=True)
class KeptUpload:
    token: str
    name: str  # in private storage
    original_name: str
    size: int


class KeptUploadedFile(UploadedFile):
    """A kept master presented to the form as an upload already on disk.

    ``temporary_file_path`` makes the storage move it into place instead of copying it, and
    lets the form probe it where it lies.
    """

    def __init__(self, kept: KeptUpload):
        self.kept = kept
        self._path = private_storage.path(kept.name)
        super().__init__(
            file=open(self._path, "rb"),  # noqa: SIM115 (closed with the request's files)
            name=kept.original_name,
            content_type="application/octet-stream",
            size=kept.size,
        )

    def temporary_file_path(self) -> str:
        return self._path


def keep(uploaded, *, user_id: int | None) -> KeptUpload:
    """Move (or copy, for a small in-memory upload) an upload aside and sign a token for it."""
    remove_abandoned()
    suffix = Path(uploaded.name or "").suffix.lower()[:8]
    name = private_storage.save(
        "%s/%s%s" % (KEPT_DIRECTORY, uuid.uuid4().hex, suffix), uploaded
    )
    # The age of a kept file counts from now (a moved temporary file keeps its own times).
    os.utime(private_storage.path(name))
    payload = {
        "name": name,
        "original": os.path.basename(uploaded.name or name),
        "size": uploaded.size,
        "user": user_id,
    }
    token = signing.dumps(payload, salt=TOKEN_SALT, compress=True)
    return KeptUpload(
        token=token, name=name, original_name=payload["original"], size=uploaded.size
    )


def resolve(token: str, *, user_id: int | None) -> KeptUpload | None:
    """The kept upload a token names, or None.

    None unless the token is genuine, recent and this person's, and the file is still there.
    """
    if not token:
        return None
    try:
        payload = signing.loads(
            token, salt=TOKEN_SALT, max_age=conf.kept_upload_max_age()
        )
    except signing.BadSignature:
        return None
    name = payload.get("name", "")
    if (
        payload.get("user") != user_id
        or not name.startswith(KEPT_DIRECTORY + "/")
        or ".." in name
        or not private_storage.exists(name)
    ):
        return None
    return KeptUpload(
        token=token,
        name=name,
        original_name=payload.get("original", ""),
        size=int(payload.get("size", 0)),
    )


def discard(kept: KeptUpload) -> None:
    private_storage.delete(kept.name)


def remove_abandoned(*, now: datetime.datetime | None = None) -> int:
    """Delete kept uploads older than their token's lifetime; returns how many went."""
    if not private_storage.exists(KEPT_DIRECTORY):
        return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(
        seconds=conf.kept_upload_max_age()
    )
    removed = 0
    for filename in private_storage.listdir(KEPT_DIRECTORY)[1]:
        name = "%s/%s" % (KEPT_DIRECTORY, filename)
        try:
            if private_storage.get_modified_time(name) < cutoff:
                private_storage.delete(name)
                removed += 1
        except FileNotFoundError:
            continue  # used or removed meanwhile
    if removed:
        logger.info("Removed %d abandoned kept upload(s).", removed)
    return removed

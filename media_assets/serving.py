"""Hand a stored file to the client: one function, two small backends (NOTES-downloads.md).

- Production: nginx. The view answers with ``X-Accel-Redirect`` to an ``internal`` location
  that aliases the storage's directory (``settings.NEWSROOM_ACCEL_LOCATIONS``, per STORAGES
  alias); nginx does Range, If-Range and sendfile, Django's worker is free in milliseconds.
- Development and tests: `RangeFileResponse`, written here because Django has no Range
  support: one range (``bytes=a-b``, ``a-``, ``-n``), 206 with ``Content-Range``, 416 with
  ``bytes */size``, ``If-Range`` against a strong ETag, HEAD, ``Accept-Ranges``; the file is
  read in chunks, never whole, under WSGI and ASGI alike.
- Object storage (no local path): a redirect to the storage's short-lived (presigned) URL.

`serve_file` knows nothing about who may have the file: callers check that first.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.http import http_date

from media_assets.storage import get_storage


CHUNK_SIZE = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range asked for, None for the whole file, Unsatisfiable for a 416.

    Malformed headers and several ranges are ignored (the whole file, as RFC 9110 allows).
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last n bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - length, 0), size - 1)
    start = int(first)
    if start >= size:
        raise Unsatisfiable
    end = int(last) if last else size - 1
    if end < start:
        return None
    return ByteRange(start, min(end, size - 1))


def etag_for(name: str, size: int, mtime: float) -> str:
    """A strong validator: changes when the file is replaced (name, size or time)."""
    digest = hashlib.sha256(("%s:%d:%.6f" % (name, size, mtime)).encode()).hexdigest()
    return '"%s"' % digest[:32]


def content_disposition(filename: str, attachment: bool = True) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 ``filename*`` (RFC 8187)."""
    kind = "attachment" if attachment else "inline"
    ascii_name = (
        filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    )
    ascii_name = re.sub(r"[\x00-\x1f\x7f]", "", ascii_name).strip() or "download"
    header = '%s; filename="%s"' % (kind, ascii_name)
    if ascii_name != filename:
        header += "; filename*=UTF-8''%s" % quote(filename, safe="")
    return header


class RangeFileResponse(StreamingHttpResponse):
    """Bytes [start, end] of a local file, read in chunks; sync for WSGI, async for ASGI.

    Django's StreamingHttpResponse would read a synchronous iterator whole under ASGI (and an
    asynchronous one whole under WSGI): this response iterates either way itself.
    """

    def __init__(self, path: str, start: int, length: int, **kwargs):
        self._path, self._start, self._length = path, start, length
        super().__init__(self._chunks(), **kwargs)

    def _chunks(self) -> Iterator[bytes]:
        with open(self._path, "rb") as handle:
            handle.seek(self._start)
            remaining = self._length
            while remaining > 0:
                chunk = handle.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk

    def __iter__(self):
        return iter(self.streaming_content)

    async def __aiter__(self):
        from asgiref.sync import sync_to_async

        with open(self._path, "rb") as handle:
            await sync_to_async(handle.seek, thread_sensitive=False)(self._start)
            remaining = self._length
            read = sync_to_async(handle.read, thread_sensitive=False)
            while remaining > 0:
                chunk = await read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk


def accel_location(alias: str) -> str:
    return getattr(settings, "NEWSROOM_ACCEL_LOCATIONS", {}).get(alias, "")


def serve_file(
    request: HttpRequest,
    name: str,
    *,
    storage_alias: str = "default",
    filename: str | None = None,
    attachment: bool = False,
    cache_control: str = "private, no-store",
    content_type: str | None = None,
) -> HttpResponse:
    """Serve stored file `name` of the STORAGES alias, with Range, by the configured backend.

    Raises FileNotFoundError when the file is missing (callers answer 404).
    """
    storage = get_storage(storage_alias)
    content_type = (
        content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    location = accel_location(storage_alias)
    if location:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(
            location.rstrip("/") + "/" + posixpath.normpath(name).lstrip("/")
        )
        # Long downloads must not be buffered into nginx's temporary files.
        response["X-Accel-Buffering"] = "no"
    else:
        try:
            path = storage.path(name)
        except NotImplementedError:
            # Object storage: the storage signs a short-lived URL (django-storages' S3 does).
            return HttpResponseRedirect(storage.url(name))
        response = _local_response(request, path, name, content_type)
    response["Cache-Control"] = cache_control
    if filename:
        response["Content-Disposition"] = content_disposition(filename, attachment)
    return response


def _local_response(request, path: str, name: str, content_type: str) -> HttpResponse:
    import os

    stat = os.stat(path)  # FileNotFoundError goes to the caller
    size = stat.st_size
    etag = etag_for(name, size, stat.st_mtime)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": http_date(stat.st_mtime),
    }
    byte_range = None
    range_header = request.headers.get("Range", "")
    if range_header and request.method in ("GET", "HEAD"):
        if_range = request.headers.get("If-Range", "").strip()
        # If-Range with a stale (or weak, or date) validator: the whole file, 200.
        if not if_range or if_range == etag:
            try:
                byte_range = parse_range(range_header, size)
            except Unsatisfiable:
                response = HttpResponse(status=416, content_type=content_type)
                response["Content-Range"] = "bytes */%d" % size
                for key, value in headers.items():
                    response[key] = value
                return response
    start, length, status = 0, size, 200
    if byte_range is not None:
        start, length, status = byte_range.start, byte_range.length, 206
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        response = RangeFileResponse(
            path, start, length, status=status, content_type=content_type
        )
    response["Content-Length"] = str(length)
    if status == 206:
        response["Content-Range"] = "bytes %d-%d/%d" % (
            byte_range.start,
            byte_range.end,
            size,
        )
    for key, value in headers.items():
        response[key] = value
    return response

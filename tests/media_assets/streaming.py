"""A multipart/form-data request body streamed from disk, for upload tests and the benchmark."""

from __future__ import annotations

import uuid
from pathlib import Path


class MultipartFromDisk:
    """A file-like ``wsgi.input``: form fields, then one file read from disk in chunks.

    ``stop_after`` cuts the body short (a client that went away mid-upload) while
    CONTENT_LENGTH still announces the whole body.
    """

    def __init__(
        self,
        fields: dict[str, str],
        file_field: str,
        path: Path,
        *,
        content_type: str = "video/mp4",
        stop_after: int | None = None,
    ):
        self.boundary = "----newsroom%s" % uuid.uuid4().hex
        head = b""
        for name, value in fields.items():
            head += (
                '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                % (self.boundary, name, value)
            ).encode()
        head += (
            '--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
            "Content-Type: %s\r\n\r\n"
            % (self.boundary, file_field, path.name, content_type)
        ).encode()
        self.head = head
        self.tail = ("\r\n--%s--\r\n" % self.boundary).encode()
        self.path = path
        self.file_size = path.stat().st_size
        self.length = len(self.head) + self.file_size + len(self.tail)
        self.stop_after = stop_after
        self.position = 0
        self.handle = None

    @property
    def content_type(self) -> str:
        return "multipart/form-data; boundary=%s" % self.boundary

    def environ(self) -> dict:
        return {
            "wsgi.input": self,
            "CONTENT_LENGTH": str(self.length),
            "CONTENT_TYPE": self.content_type,
        }

    def read(self, size: int = -1) -> bytes:
        limit = self.length if self.stop_after is None else self.stop_after
        if size is None or size < 0:
            size = limit - self.position
        size = max(0, min(size, limit - self.position))
        out = bytearray()
        while size > 0:
            chunk = self._read_at(self.position, size)
            if not chunk:
                break
            out += chunk
            self.position += len(chunk)
            size -= len(chunk)
        return bytes(out)

    def readline(self, size: int = -1) -> bytes:
        # Django only needs it to exist (multipart parsing reads in chunks).
        line = bytearray()
        while size < 0 or len(line) < size:
            byte = self.read(1)
            if not byte:
                break
            line += byte
            if byte == b"\n":
                break
        return bytes(line)

    def _read_at(self, position: int, size: int) -> bytes:
        head_end = len(self.head)
        file_end = head_end + self.file_size
        if position < head_end:
            return self.head[position : min(head_end, position + size)]
        if position < file_end:
            if self.handle is None:
                self.handle = self.path.open("rb")
            self.handle.seek(position - head_end)
            return self.handle.read(min(size, file_end - position))
        offset = position - file_end
        return self.tail[offset : offset + size]

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()

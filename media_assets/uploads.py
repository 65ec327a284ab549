"""Upload handling: notice a file whose data stopped before its end."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler


class InterruptedUploadHandler(FileUploadHandler):
    """Remembers, on the request, the file fields whose upload was cut off mid-way.

    Django silently drops such a file and keeps the fields that came before it; the video
    form refuses the whole submission instead, so an interrupted replacement changes nothing.
    It passes every chunk on untouched: the next handlers (memory, then temporary file on
    disk) store the data. It must come first in FILE_UPLOAD_HANDLERS.
    """

    def handle_raw_input(self, *args, **kwargs):
        if self.request is not None:
            self.request.interrupted_uploads = set()

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if self.request is not None:
            self.request.interrupted_uploads.add(field_name)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        if self.request is not None:
            self.request.interrupted_uploads.discard(self.field_name)


def interrupted_uploads(request) -> set[str]:
    """The file fields of this request that did not arrive whole."""
    return getattr(request, "interrupted_uploads", set())

"""Stop writing an uploaded file to disk once it passes its limit.

A view says how large each of its file fields may be with `upload_limits`; the
`LimitedUploadHandler` (first in `FILE_UPLOAD_HANDLERS`) then passes a file's bytes on
to Django's own handlers only up to that limit and drops the rest, so a 5 GB upload
never fills the disk. The form still gets a file for that field: a
`OversizedUpload` that holds no bytes and knows how many arrived, so the form's
validators refuse it with the usual "too large" message in the person's language.

Nginx's `client_max_body_size` refuses a request whose Content-Length is beyond
every limit before it reaches Django (deploy/nginx/komak.conf).
"""

import io
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

# field name -> the most bytes that field's file may have, or None for no limit here.
FieldLimits = Callable[[str], int | None]


def upload_limits(limits: FieldLimits):
    """Mark a view so that `LimitedUploadHandler` applies `limits` to its uploads.

    The mark is an attribute of the view function; Django's and Wagtail's view
    decorators copy it (functools.wraps copies `__dict__`)."""

    def mark(view):
        view.upload_limits = limits
        return view

    return mark


class OversizedUpload(UploadedFile):
    """What stands for a file that was larger than its limit: no content, and the
    size that was sent, for the message."""

    def __init__(self, *, name: str, content_type: str, size: int, limit: int):
        super().__init__(
            file=io.BytesIO(b""),
            name=name,
            content_type=content_type,
            size=size,
            charset=None,
        )
        self.limit = limit


class LimitedUploadHandler(FileUploadHandler):
    """Drop the bytes of a file beyond its view's limit (see `upload_limits`)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit: int | None = None
        self.oversized = False

    def _limits(self) -> FieldLimits | None:
        # Set by Django before the view's middleware reads the body; a body read
        # earlier than that gets no limit here and is checked by the form alone.
        match = getattr(self.request, "resolver_match", None)
        return getattr(match.func, "upload_limits", None) if match else None

    def new_file(self, field_name, file_name, content_type, content_length, *args):
        super().new_file(field_name, file_name, content_type, content_length, *args)
        limits = self._limits()
        self.limit = limits(field_name) if limits else None
        self.oversized = False

    def receive_data_chunk(self, raw_data, start):
        if self.limit is None:
            return raw_data
        if self.oversized or start + len(raw_data) > self.limit:
            # None keeps the chunk from the handlers after this one (the ones that
            # write it to memory or to a temporary file).
            self.oversized = True
            return None
        return raw_data

    def file_complete(self, file_size):
        if not self.oversized:
            return None  # the next handler's file is the upload
        return OversizedUpload(
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            limit=self.limit,
        )

"""Upload checks shared by every app that takes files: the declared size of a request body,
checked before anything (CSRF included) reads and spools it, and the type of one file by its
extension and first bytes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

MB = 1024 * 1024
MULTIPART_SLACK = MB  # multipart headers around the files
MAX_ATTACHMENT_BYTES = 10 * MB
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
}

View = Callable[..., HttpResponse]


def declared_over(request: HttpRequest, limit: int) -> bool:
    """Whether the request says its body is longer than ``limit`` bytes (plus multipart
    headers); a missing or garbled length is left to the form's own checks."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit + MULTIPART_SLACK


def size_guard(limit: int, message: Any) -> Callable[[View], View]:
    """Refuse a POST declared larger than ``limit`` with 413 and ``message`` (which may use
    ``%(limit)d``, in MB) before anything reads its body; the view stays CSRF-protected."""

    def wrap(view: View) -> View:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and declared_over(request, limit):
                text = str(message) % {"limit": limit // MB}
                return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")
            return protected(request, *args, **kwargs)

        return guarded

    return wrap


def check_upload(upload: UploadedFile, *, max_bytes: int = MAX_ATTACHMENT_BYTES) -> None:
    """Refuse a file of another type (by extension and its first bytes) or too large."""
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in MAGIC:
        raise forms.ValidationError(
            _("“%(name)s”的类型不支持：只能上传 PDF、JPG、PNG、Excel (.xlsx) 或 Word (.docx) 文件")
            % {"name": name},
            code="type",
        )
    if (upload.size or 0) > max_bytes:
        raise forms.ValidationError(
            _("“%(name)s”过大：每个文件不超过 %(limit)d MB")
            % {"name": name, "limit": max_bytes // MB},
            code="size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in MAGIC[suffix]):
        raise forms.ValidationError(
            _("“%(name)s”已损坏或与扩展名不符（只改了扩展名？）") % {"name": name}, code="magic"
        )


def stored_file_response(stored: Any, name: str, content_type: str) -> FileResponse:
    """A stored upload (a ``FieldFile``) as a download under the name it was uploaded with:
    404 when the file is gone, and never sniffed into another type by the browser."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response

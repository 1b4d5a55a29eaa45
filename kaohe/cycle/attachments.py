"""Checks on files attached to the cycle's records (CYCLE-2, CYCLE-3).

An attachment must have an allowed extension, be no larger than
``CYCLE_ATTACHMENT_MAX_MB`` and its first bytes must be what its extension says: a
PDF starts ``%PDF``, a picture with its format's signature, a Word or Excel file is a
zip (new formats, checked with ``kaohe.core.uploads.open_zip``) or an OLE container
(old formats and WPS), a text file is text. So a renamed program or web page is
refused, with a message the person can act on. Files are stored under a random name.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaohe.core.uploads import UploadRefused, open_zip

ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "txt", "jpg", "jpeg", "png"]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "doc": (OLE,),
    "xls": (OLE,),
    "wps": (OLE,),
    "et": (OLE,),
}
ZIPPED = {"docx", "xlsx"}


def attachment_path(instance, filename: str) -> str:
    """A random name under the year, keeping only the extension of what was uploaded."""
    from django.utils import timezone

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"cycle/{timezone.localdate():%Y}/{uuid.uuid4().hex}{suffix}"


def max_bytes() -> int:
    return int(settings.CYCLE_ATTACHMENT_MAX_MB) * 1024 * 1024


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    # The first bytes may cut a character in two.
    try:
        head[:-3].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def validate_attachment(upload) -> None:
    """Refuse a file that is too large or is not what its extension says."""
    if upload is None:
        return
    if getattr(upload, "_committed", True) and not hasattr(upload, "content_type"):
        return  # a file already stored (an unchanged form): checked when it was uploaded
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)s MB.")
            % {"name": PurePath(upload.name).name, "mb": settings.CYCLE_ATTACHMENT_MAX_MB}
        )
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    wrong = ValidationError(
        _("“%(name)s” is not a real .%(ext)s file; it is refused.")
        % {"name": PurePath(upload.name).name, "ext": extension}
    )
    if extension in SIGNATURES:
        if not head.startswith(SIGNATURES[extension]):
            raise wrong
    elif extension in ZIPPED:
        if not head.startswith(b"PK\x03\x04"):
            raise wrong
        data = upload.read(max_bytes() + 1)
        upload.seek(0)
        try:
            open_zip(data).close()
        except UploadRefused as refused:
            raise ValidationError(refused.message) from None
    elif extension == "txt":
        if not _is_text(head):
            raise wrong

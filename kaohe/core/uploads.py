"""Checks on uploaded archives before anything reads them: workbooks (an .xlsx is a zip) and zips of files.

A zip can claim little and expand to gigabytes (a "zip bomb"), hold thousands of members, or
one member can be compressed a thousand to one. ``open_zip`` opens an archive only when the
number of members, their total expanded size, each member's size and each large member's
compression ratio are within bounds; ``read_member`` then reads a member no further than its
declared size (``zipfile`` itself stops there and checks the CRC, so a member cannot lie its way
past the limit). ``open_workbook`` does the same for a workbook and opens it with openpyxl in
read-only mode, which reads sheets as a stream; openpyxl parses the workbook's XML through
defusedxml (pinned in requirements.txt), so entities and DTD tricks in it are refused.

Every refusal is an ``UploadRefused`` whose ``message`` a person can act on.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024


class UploadRefused(Exception):
    """The upload is refused as a whole; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 2000
    max_total: int = 200 * MB  # all members expanded
    max_member: int = 20 * MB  # one member expanded
    max_ratio: int = 100  # expanded / compressed, checked for members over ``ratio_from`` bytes
    ratio_from: int = 1 * MB


def workbook_limits() -> ZipLimits:
    """The limits for an uploaded workbook, from settings (``PORTAL_WORKBOOK_*``). A workbook
    of 50,000 rows expands to about 60 MB; its parts are few."""
    return ZipLimits(
        max_members=settings.PORTAL_WORKBOOK_MAX_PARTS,
        max_total=settings.PORTAL_WORKBOOK_MAX_TOTAL_MB * MB,
        max_member=settings.PORTAL_WORKBOOK_MAX_SHEET_MB * MB,
        max_ratio=settings.PORTAL_WORKBOOK_MAX_RATIO,
    )


def _is_sheet(name: str) -> bool:
    # openpyxl's read-only mode streams these; every other part is parsed whole.
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def size_of(upload) -> int | None:
    size = getattr(upload, "size", None)
    if size is None and isinstance(upload, bytes | bytearray):
        size = len(upload)
    return size


def read_upload(upload, *, max_bytes: int, what: str) -> bytes:
    """The bytes of an uploaded file (or bytes), refused when larger than ``max_bytes``."""
    size = size_of(upload)
    if size is not None and size > max_bytes:
        raise UploadRefused(
            _("%(what)s is larger than %(mb)s MB.") % {"what": what, "mb": round(max_bytes / MB)},
        )
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(_("%(what)s is larger than %(mb)s MB.") % {"what": what, "mb": round(max_bytes / MB)})
    return data


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(BytesIO(data))


def open_zip(data: bytes, limits: ZipLimits = ZipLimits()) -> zipfile.ZipFile:
    """The archive, once its declared sizes are within ``limits``; else ``UploadRefused``."""
    if not is_zip(data):
        raise UploadRefused(_("The file is not a zip archive."))
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UploadRefused(_("The archive cannot be read; it may be damaged.")) from None
    if len(members) > limits.max_members:
        raise UploadRefused(
            _("The archive holds %(count)s files; at most %(max)s are accepted.")
            % {"count": len(members), "max": limits.max_members}
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UploadRefused(_("The archive is encrypted; upload it without a password."))
        if member.file_size > limits.max_member:
            raise UploadRefused(
                _("“%(name)s” in the archive expands to more than %(mb)s MB.")
                % {"name": member.filename[:100], "mb": round(limits.max_member / MB)}
            )
        if member.file_size > limits.ratio_from and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise UploadRefused(
                _("“%(name)s” in the archive is compressed suspiciously well (a zip bomb?); it is refused.")
                % {"name": member.filename[:100]}
            )
        total += member.file_size
        if total > limits.max_total:
            raise UploadRefused(_("The archive expands to more than %(mb)s MB.") % {"mb": round(limits.max_total / MB)})
    return archive


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes; ``UploadRefused`` when it is damaged or lies about its size."""
    try:
        with archive.open(member) as handle:
            data = handle.read(member.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise UploadRefused(
            _("“%(name)s” in the archive cannot be read; it may be damaged.") % {"name": member.filename[:100]}
        ) from None
    if len(data) > member.file_size:
        raise UploadRefused(_("“%(name)s” in the archive is damaged.") % {"name": member.filename[:100]})
    return data


def open_workbook(data: bytes, limits: ZipLimits | None = None):
    """An openpyxl workbook in read-only mode with formulas kept as formulas (so they can be refused).

    Before openpyxl parses anything, the archive is held to ``limits`` (``workbook_limits()``
    by default) and every part other than a sheet to ``PORTAL_WORKBOOK_MAX_PART_MB``: sheets
    are read as a stream, the rest whole. The caller closes it (``workbook.close()``).
    """
    from openpyxl import load_workbook

    limits = limits or workbook_limits()
    if not is_zip(data):
        raise UploadRefused(_("This is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again."))
    try:
        archive = open_zip(data, limits)
        max_part = settings.PORTAL_WORKBOOK_MAX_PART_MB * MB
        for member in archive.infolist():
            if not _is_sheet(member.filename) and member.file_size > max_part:
                raise UploadRefused(
                    _("“%(name)s” in the archive expands to more than %(mb)s MB.")
                    % {"name": member.filename[:100], "mb": round(max_part / MB)}
                )
    except UploadRefused as refused:
        raise UploadRefused(_("The workbook is refused: %(reason)s") % {"reason": refused.message}) from None
    names = set(archive.namelist())
    archive.close()
    if "xl/workbook.xml" not in names and not any(name.endswith("/workbook.xml") for name in names):
        raise UploadRefused(_("This is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again."))
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl and defusedxml raise many kinds on damaged or hostile files
        raise UploadRefused(_("The workbook cannot be read; it may be damaged. Save it again as .xlsx.")) from None

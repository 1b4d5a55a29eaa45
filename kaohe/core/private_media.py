"""Uploaded files that not everyone may read, served only after a rights check (issue 12 item 9).

Summary documents of progress reports (unsubmitted ones are the unit's own), documents of
private collections and the workbooks of imports lie under ``MEDIA_ROOT``, which the web
server must not hand out by itself: nginx serves ``/media/images/`` (page pictures) only. A
Django view checks the reader's right, then calls ``serve_private``:

- behind nginx (``PORTAL_PRIVATE_MEDIA_ACCEL`` set, e.g. ``/protected-media/``), the answer is
  empty with ``X-Accel-Redirect`` naming the file under that ``internal`` location, and nginx
  sends the bytes (no gunicorn worker is held by a large download);
- without it (development), Django streams the file.

``sendfile`` is the same for Wagtail's document view (``SENDFILE_BACKEND``), which checks a
document's collection privacy before calling it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse


def serve_private(request, path, *, filename: str | None = None, attachment: bool = False) -> HttpResponse:
    """The file at ``path`` (under ``MEDIA_ROOT``) for a reader whose right was checked."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = Path(path).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404
    name = filename or path.name
    prefix = getattr(settings, "PORTAL_PRIVATE_MEDIA_ACCEL", "")
    if prefix:
        response = HttpResponse(content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(path.relative_to(root).as_posix())
        disposition = "attachment" if attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    else:
        response = FileResponse(path.open("rb"), as_attachment=attachment, filename=name)
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def sendfile(request, filename, mimetype=None, **kwargs):
    """Wagtail's ``SENDFILE_BACKEND`` interface (``wagtail.utils.sendfile``)."""
    response = serve_private(request, filename)
    if mimetype:
        response["Content-Type"] = mimetype
    return response

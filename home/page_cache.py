"""Whole-page cache for the public (issue 16): results day sends the county to the portal at once.

What is cached: a GET of a public page by a visitor who is not signed in, as the page was
rendered for the public, keyed on the host, the path with its query and the visitor's
language. Nothing a signed-in reader sees is ever stored or served from here:

- a request carrying any cookie other than the language choice and the CSRF token (a
  session, a message, an evaluator's sign-in) is neither served from nor stored in the
  cache, and is rendered for that visitor;
- a response is stored only when it is a 200 HTML page that sets no cookie and does not
  say ``Cache-Control: private``/``no-store``/``no-cache``;
- the per-visitor values of a form the public may post (the CSRF token, the comment
  form's signed start time) are not kept: the stored page holds a placeholder, and each
  visitor served from the cache gets their own, so the CSRF cookie and the comments' speed
  check work as on a page rendered for them;
- the admin, the evaluation, sign-in, comment-posting, API and document-serving URLs are
  never cached.

Invalidation: every key carries a generation number kept in the shared ``default``
cache, so every worker and every app server sees a change at once. The generation
moves on whenever a page is published, unpublished, moved or deleted, and whenever a
record of the apps whose data the public pages show is saved or deleted (units, teams,
cadres, goals, progress reports, comments and their answers, rights, results, documents,
Wagtail's own records and log entries): see ``home.signals``. ``PORTAL_PAGE_CACHE_SECONDS``
(default 300) bounds how long any page lives even so.

The pages themselves are kept in the ``pages`` cache (per process memory by default: the
shared cache's culling must never evict throttle counts to make room for pages).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)
GENERATION_KEY = "portal:page-cache:generation"
NEVER_CACHED = (
    "/admin/",
    "/ceping/",
    "/accounts/",
    "/comments/",
    "/api/",
    "/documents/",
    "/i18n/",
    "/static/",
    "/media/",
)
HEADER = "X-Portal-Cache"


def _comment_form_started(request) -> str:
    from kaohe.comments.spam import form_started_token

    return form_started_token()


# Hidden fields whose value is the visitor's own: name -> how to make it for a request.
FRESH_FIELDS = {
    "csrfmiddlewaretoken": get_token,
    "started": _comment_form_started,
}
_FIELD = re.compile(
    rb'(<input type="hidden" name="(%s)" value=")[^"]*(")' % b"|".join(re.escape(n.encode()) for n in FRESH_FIELDS)
)
_TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")  # a masked CSRF token's shape
_HOLE = re.compile(rb"\x00portal-fresh:(\w+)\x00")


def _with_holes(content: bytes) -> bytes:
    return _FIELD.sub(lambda m: m.group(1) + b"\x00portal-fresh:" + m.group(2) + b"\x00" + m.group(3), content)


def _filled(content: bytes, request) -> bytes:
    return _HOLE.sub(lambda m: FRESH_FIELDS[m.group(1).decode()](request).encode(), content)


def enabled() -> bool:
    return getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) > 0


def shareable_request(request) -> bool:
    if request.method != "GET" or request.path.startswith(NEVER_CACHED):
        return False
    allowed = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    return all(name in allowed for name in request.COOKIES)


def _fresh_generation() -> int:
    """A generation no earlier one can equal: the shared cache may evict the key (the database
    cache culls when full), and starting again from 1 would bring back pages retired since."""
    return time.time_ns() // 1000


def generation() -> int:
    return caches["default"].get_or_set(GENERATION_KEY, _fresh_generation, timeout=None)


def key_for(request) -> str | None:
    """The cache key of this request's page for the public, or None if it must be rendered for this visitor."""
    if not enabled() or not shareable_request(request):
        return None
    from .middleware import chosen_language

    where = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"portal:page:{generation()}:{chosen_language(request)}:{where}"


def fetch(key: str, request) -> HttpResponse | None:
    cached = caches["pages"].get(key)
    if cached is None:
        return None
    content, content_type = cached
    response = HttpResponse(_filled(content, request), content_type=content_type)
    response[HEADER] = "hit"
    finish(response)
    return response


def store(key: str, request, response) -> None:
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or not response.get("Content-Type", "").startswith("text/html")
        or any(word in response.get("Cache-Control", "") for word in ("private", "no-store", "no-cache"))
        or getattr(getattr(request, "user", None), "is_authenticated", False)
    ):
        return
    content = _with_holes(response.content)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and _TOKEN_LIKE.search(content):
        return  # a CSRF token outside the fields refilled above: this visitor's secret must not be shared
    caches["pages"].set(key, (content, response["Content-Type"]), settings.PORTAL_PAGE_CACHE_SECONDS)
    response[HEADER] = "miss"
    finish(response)


def finish(response) -> None:
    """Headers of a page fit to share: a reverse proxy may keep it briefly when one is configured."""
    patch_vary_headers(response, ("Cookie",))
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        patch_cache_control(response, public=True, max_age=settings.PORTAL_FRONTEND_CACHE_SECONDS)


def _bump() -> None:
    cache = caches["default"]
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)
    except DatabaseError:
        # The database cache's table is not there yet (the first migrate): nothing is cached either.
        logger.warning("The page cache's generation could not be moved on.", exc_info=True)


def invalidate() -> None:
    """Retire every cached public page: at once, or when the current transaction commits (once per transaction)."""
    if not enabled():
        return
    if connection.in_atomic_block:
        if any(func is _bump for _sids, func, _robust in connection.run_on_commit):
            return
        transaction.on_commit(_bump)
    else:
        _bump()

"""Keeping robots and floods out of the comment forms (CMT-1, public comments).

- a honeypot field people never see nor fill (robots fill every field);
- a signed time stamp of when the form was shown: a form sent back sooner than
  a person could write is refused, and so is one older than a day;
- a rate limit per visitor, counted in the shared cache (``kaohe.core.throttle``) both by
  the client's address (``kaohe.core.net.client_address``) and by session, so neither a new
  session nor a new address alone gets round it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing

from kaohe.core.net import client_address
from kaohe.core.throttle import Counter, Limit

SALT = "kaohe.comments.form-started"
MAX_FORM_AGE = 24 * 3600


def min_seconds() -> float:
    return float(getattr(settings, "COMMENTS_MIN_SECONDS", 4))


def rate_limit() -> tuple[int, int]:
    """(comments allowed, per this many seconds) for one visitor."""
    return (
        int(getattr(settings, "COMMENTS_RATE_LIMIT", 5)),
        int(getattr(settings, "COMMENTS_RATE_WINDOW", 600)),
    )


def form_started_token(now: float | None = None) -> str:
    return signing.dumps(now if now is not None else time.time(), salt=SALT)


def form_age(token: str, now: float | None = None) -> float | None:
    """Seconds since the form was shown, or None if the token is not ours."""
    try:
        started = float(signing.loads(token or "", salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return (now if now is not None else time.time()) - started


def too_fast_or_stale(token: str) -> bool:
    age = form_age(token)
    return age is None or age < min_seconds() or age > MAX_FORM_AGE


def _counter() -> Counter:
    return Counter("comments", rate_limit()[1])


def _limits(request) -> list[Limit]:
    """The visitor by address (from trusted proxies only: behind nginx, every request comes
    from nginx) and by session."""
    limit, _window = rate_limit()
    if not request.session.session_key:
        request.session.save()
    return [
        Limit("address", client_address(request) or "-", limit),
        Limit("session", request.session.session_key, limit),
    ]


def rate_limited(request) -> bool:
    """Whether this visitor has used up their comments for the window."""
    return _counter().retry_after(_limits(request)) is not None


def count_comment(request) -> None:
    _counter().record(_limits(request))

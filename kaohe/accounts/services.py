"""Writes for accounts: sign-in records and throttling."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kaohe.core.net import client_address

from .models import SignInEvent, User


def sign_in_event_record(*, request, username: str, user: User | None, outcome: str) -> SignInEvent:
    """Store one sign-in attempt with its address and browser."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return SignInEvent.objects.create(
        username=(username or "")[:150],
        user=user,
        outcome=outcome,
        ip_address=client_address(request),
        user_agent=agent,
    )


def sign_in_is_locked(*, request, username: str) -> bool:
    """True when this user name or this address failed too often in the window.

    Counting from the log itself means every worker process sees the same
    numbers without a shared cache.
    """
    since = timezone.now() - timedelta(seconds=settings.PORTAL_LOGIN_WINDOW_SECONDS)
    failures = SignInEvent.objects.filter(
        timestamp__gte=since,
        outcome__in=[SignInEvent.Outcome.FAILURE, SignInEvent.Outcome.LOCKED],
    )
    per_name = settings.PORTAL_LOGIN_MAX_FAILURES
    if failures.filter(username__iexact=username or "")[:per_name].count() >= per_name:
        return True
    # A meeting room shares one address behind NAT, so the address limit is wider.
    ip = client_address(request)
    per_ip = settings.PORTAL_LOGIN_MAX_FAILURES_PER_IP
    return bool(ip) and failures.filter(ip_address=ip)[:per_ip].count() >= per_ip

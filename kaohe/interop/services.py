"""Writes of the interop area: API clients and the exchange log (SYS-3, SYS-8)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import ApiClient, ExchangeRecord

# A refused bulk push may hold thousands of bad records; the log keeps the
# first ones, which is enough to see what went wrong.
MAX_LOGGED_REFUSALS = 1000


@transaction.atomic
def api_client_create(*, name: str, scopes: list[str], description: str = "", created_by=None) -> tuple[ApiClient, str]:
    """Create a client and return it with its key, which is never stored in clear."""
    client = ApiClient(name=name, scopes=list(scopes), description=description, created_by=created_by)
    key = client.set_new_key()
    client.save()
    log(client, "wagtail.create", user=created_by)
    return client, key


@transaction.atomic
def api_client_revoke(*, client: ApiClient, revoked_by=None) -> ApiClient:
    """Revoke a client's key for good; its next request gets 401."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.revoked_by = revoked_by
        client.save(update_fields=["revoked_at", "revoked_by"])
        log(client, "interop.revoke", user=revoked_by)
    return client


def api_client_touch(*, client: ApiClient) -> None:
    """Note when a client was last seen, at most once a minute (no write on every request)."""
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


def exchange_record(
    *,
    direction: str,
    operation: str,
    outcome: str,
    started_at=None,
    client: ApiClient | None = None,
    user=None,
    refusals: list[dict] | None = None,
    **fields,
) -> ExchangeRecord:
    """Write one line of the exchange log."""
    started_at = started_at or timezone.now()
    duration = int((timezone.now() - started_at).total_seconds() * 1000)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    message = fields.pop("message", "")
    return ExchangeRecord.objects.create(
        direction=direction,
        operation=operation[:60],
        outcome=outcome,
        started_at=started_at,
        duration_ms=max(duration, 0),
        client=client,
        user=user,
        refusals=(refusals or [])[:MAX_LOGGED_REFUSALS],
        message=str(message)[:500],
        **fields,
    )

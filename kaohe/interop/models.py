"""API clients of the county's cadre-management system and the log of every exchange (SYS-3, SYS-9).

A client's key is shown once when it is created; only its SHA-256 hash is
kept. Keys are 256 random bits, so a plain hash is enough: there is nothing
to guess, and a slow password hash would cost every request.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KEY_SEPARATOR = "."


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiClient(models.Model):
    """A system allowed to call the portal's REST API with a key (SYS-3)."""

    class Scope(models.TextChoices):
        READ_CADRES = "read_cadres", _("Read units, teams, cadres and memberships")
        WRITE_CADRES = "write_cadres", _("Write units, teams, cadres and memberships")
        READ_RESULTS = "read_results", _("Read assessment results, grades and goals")

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Which system uses this key, and who to call about it.")
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    key_prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False, db_index=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    # DRF treats whatever authentication returns as ``request.user``.
    is_authenticated = True
    is_anonymous = False
    is_superuser = False

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in (self.scopes or [])

    def scope_labels(self) -> str:
        labels = dict(self.Scope.choices)
        return "、".join(str(labels.get(code, code)) for code in self.scopes or [])

    scope_labels.short_description = _("scopes")

    def set_new_key(self) -> str:
        """Give the client a fresh key and return it: the only time it exists in clear."""
        self.key_prefix = secrets.token_hex(4)
        while ApiClient.objects.filter(key_prefix=self.key_prefix).exclude(pk=self.pk).exists():
            self.key_prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        self.key_hash = hash_secret(secret)
        return f"{self.key_prefix}{KEY_SEPARATOR}{secret}"

    def set_key(self, key: str) -> None:
        """Store a given key (the demo's well-known key)."""
        prefix, _sep, secret = key.partition(KEY_SEPARATOR)
        self.key_prefix = prefix
        self.key_hash = hash_secret(secret)

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_secret(secret))

    def masked_key(self) -> str:
        return f"{self.key_prefix}{KEY_SEPARATOR}…"

    masked_key.short_description = _("key")


class ExchangeRecord(models.Model):
    """One exchange with the cadre-management system: who, when, how many records, outcome."""

    class Direction(models.TextChoices):
        PUSH = "push", _("Pushed to the portal")
        READ = "read", _("Read from the portal")
        PULL = "pull", _("Pulled by the portal")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Succeeded")
        PARTIAL = "partial", _("Partly refused")
        REFUSED = "refused", _("Refused")
        DENIED = "denied", _("Access denied")
        ERROR = "error", _("Failed")

    started_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("API client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchanges",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, db_index=True)
    operation = models.CharField(_("operation"), max_length=60, db_index=True)
    method = models.CharField(_("HTTP method"), max_length=10, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, db_index=True)
    record_count = models.PositiveIntegerField(_("records"), default=0)
    created_count = models.PositiveIntegerField(pgettext_lazy("records", "created"), default=0)
    updated_count = models.PositiveIntegerField(pgettext_lazy("records", "updated"), default=0)
    unchanged_count = models.PositiveIntegerField(pgettext_lazy("records", "unchanged"), default=0)
    refused_count = models.PositiveIntegerField(pgettext_lazy("records", "refused"), default=0)
    remote_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    refusals = models.JSONField(
        _("refused records"), default=list, blank=True, help_text=_("Each refused record with the reasons.")
    )

    class Meta:
        verbose_name = _("data exchange")
        verbose_name_plural = _("data exchange log")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.get_direction_display()} {self.operation} {self.started_at:%Y-%m-%d %H:%M:%S}"

    def who(self) -> str:
        if self.client_id:
            return str(self.client)
        if self.user_id:
            return str(self.user)
        return ""

    who.short_description = _("who")

    def refusals_text(self) -> str:
        """The refused records, one a line, for the admin's inspect view and exports."""
        lines = []
        for item in self.refusals or []:
            reasons = "；".join(
                f"{field}: {'、'.join(str(m) for m in messages)}"
                for field, messages in (item.get("errors") or {}).items()
            )
            label = item.get("external_id") or f"#{item.get('index')}"
            lines.append(f"{label} — {reasons}")
        return "\n".join(lines)

    refusals_text.short_description = _("refused records")

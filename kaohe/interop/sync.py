"""Upserting units, teams, cadres and memberships keyed by the other system's identifiers (SYS-3).

Used by the REST API (pushes) and by ``manage.py pull_cadres`` (pulls), so a
record is applied the same way whichever side starts the exchange.

Every record is checked by its serializer (types, references) and then by the
model's own ``full_clean`` (unique names, overlapping seats, loops of units):
the same rules as the admin's forms. Each record is written in its own
savepoint, so a refused record changes nothing and the others still land.

A bulk upsert writes rows without Django's per-save signals and then updates
the site search index and Wagtail's reference index once for the whole batch:
indexing record by record would cost three times the writes themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from wagtail.signal_handlers import disable_reference_index_auto_update

from kaohe.core.indexing import index_written
from kaohe.core.text import storable
from kaohe.org.models import Cadre, Membership, Team, Unit

from .api.serializers import (
    CadreRecordSerializer,
    MembershipRecordSerializer,
    TeamRecordSerializer,
    UnitRecordSerializer,
)

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"

# What the exchange is about: the URL segment, the model and its serializer.
KINDS = {
    "units": (Unit, UnitRecordSerializer),
    "teams": (Team, TeamRecordSerializer),
    "cadres": (Cadre, CadreRecordSerializer),
    "memberships": (Membership, MembershipRecordSerializer),
}

# Fields that change without the other system saying so.
_IGNORED_FIELDS = {"id", "updated_at", "latest_revision_id", "sort_order"}

_LOOKUP_CHUNK = 500


@dataclass
class RecordOutcome:
    index: int
    external_id: str | None
    outcome: str
    id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    instance: object = None

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "external_id": self.external_id,
            "outcome": self.outcome,
            "id": self.id,
            "errors": self.errors,
        }


@dataclass
class UpsertReport:
    outcomes: list[RecordOutcome]

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.outcomes if item.outcome == outcome)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "total": len(self.outcomes),
            CREATED: self.count(CREATED),
            UPDATED: self.count(UPDATED),
            UNCHANGED: self.count(UNCHANGED),
            REFUSED: self.count(REFUSED),
        }

    def refusals(self) -> list[dict]:
        return [item.as_dict() for item in self.outcomes if item.outcome == REFUSED]


def _snapshot(instance) -> dict:
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in _IGNORED_FIELDS
    }


def _restore(instance, snapshot: dict) -> None:
    for attname, value in snapshot.items():
        setattr(instance, attname, value)
    # Cached related objects would otherwise keep the refused values.
    for f in instance._meta.concrete_fields:
        if f.is_relation and f.is_cached(instance):
            f.delete_cached_value(instance)


def _plain_errors(errors) -> dict[str, list[str]]:
    plain: dict[str, list[str]] = {}
    for name, messages in errors.items():
        key = "non_field_errors" if name == NON_FIELD_ERRORS else name
        if isinstance(messages, dict):
            messages = [f"{k}: {v}" for k, v in messages.items()]
        elif not isinstance(messages, list | tuple):
            messages = [messages]
        plain[key] = [str(message) for message in messages]
    return plain


def _key(value) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool) and storable(value):
        return str(value).strip() or None
    return None


class _ReferenceCache:
    """Remembers the records that references resolved to during one upsert.

    Only hits are remembered: a record created later in the same list is
    then found by the next lookup.
    """

    def __init__(self, serializer):
        self.fields = [
            f for f in serializer.fields.values() if isinstance(f, serializers.SlugRelatedField) and not f.read_only
        ]
        self.hits: dict[tuple[str, str], object] = {}
        for f in self.fields:
            f.to_internal_value = self._cached(f, f.to_internal_value)

    def _cached(self, f, lookup):
        def to_internal_value(data):
            key = (f.field_name, data) if isinstance(data, str) else None
            if key is not None and key in self.hits:
                return self.hits[key]
            value = lookup(data)
            if key is not None:
                self.hits[key] = value
            return value

        return to_internal_value


class Upserter:
    """Applies records of one kind, one by one, each in its own savepoint."""

    def __init__(self, kind: str, *, batch: bool, savepoints: bool = True):
        self.kind = kind
        self.savepoints = savepoints
        self.model, serializer_class = KINDS[kind]
        self.batch = batch
        # One serializer validates every record (as DRF's ListSerializer does
        # with its child): building its fields costs more than validating.
        self.serializer = serializer_class()
        if kind != "units":
            # A unit's parent is read fresh each time: its own parent may have
            # changed earlier in the list, and the check for loops needs that.
            self.references = _ReferenceCache(self.serializer)
        self.existing: dict[str, object] = {}
        self.created: list = []
        self.updated: list = []
        self.references_changed: list = []
        self.reference_attnames = {f.attname for f in self.model._meta.concrete_fields if f.is_relation}
        self.has_updated_at = any(f.name == "updated_at" for f in self.model._meta.concrete_fields)

    def load_existing(self, keys) -> None:
        wanted = sorted({key for key in keys if key})
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            for instance in self.model._default_manager.filter(external_id__in=wanted[start : start + _LOOKUP_CHUNK]):
                self.existing[instance.external_id] = instance

    def apply(self, index: int, record) -> RecordOutcome:
        if not isinstance(record, dict):
            return RecordOutcome(
                index, None, REFUSED, errors={"non_field_errors": [_("Each record must be a JSON object.")]}
            )
        unreadable = {
            name: [_("Text may not contain NUL characters or broken Unicode.")]
            for name, value in record.items()
            if name in self.serializer.fields and not storable(value)
        }
        label = _key(record.get("external_id"))
        if unreadable:
            return RecordOutcome(index, label, REFUSED, errors=unreadable)
        instance = self.existing.get(label) if label else None
        try:
            data = self.serializer.run_validation(record)
        except serializers.ValidationError as exc:
            return RecordOutcome(index, label, REFUSED, errors=_plain_errors(exc.detail))

        before = _snapshot(instance) if instance is not None else None
        target = instance if instance is not None else self.model()
        for name, value in data.items():
            setattr(target, name, value)
        exclude = None
        if self.batch:
            # The external identifier was looked up above and the references
            # were resolved by the serializer: checking them again would cost
            # a query each. The database's unique index and foreign keys still
            # guard against a race with another writer.
            exclude = ["external_id", *(name for name in data if self.model._meta.get_field(name).is_relation)]
        try:
            target.full_clean(exclude=exclude)
        except ValidationError as exc:
            self._undo(target, before)
            return RecordOutcome(index, label, REFUSED, errors=_plain_errors(exc.message_dict))

        if before is not None and before == _snapshot(target):
            return RecordOutcome(index, label, UNCHANGED, id=target.pk, instance=target)
        if not self.savepoints:
            self._write(target, created=before is None, before=before)  # an IntegrityError ends the whole try
        else:
            try:
                with transaction.atomic():
                    self._write(target, created=before is None, before=before)
            except IntegrityError as exc:
                self._undo(target, before)
                # The database's own text names tables, constraints and other records' values:
                # it goes to the server log, the client gets a sentence.
                logger.warning("%s record %s refused by the database: %s", self.model.__name__, label, exc)
                return RecordOutcome(
                    index,
                    label,
                    REFUSED,
                    errors={
                        "non_field_errors": [
                            _(
                                "The database refused the record: it clashes with another record (perhaps one "
                                "written at the same moment) or names one that no longer exists. Send it again."
                            )
                        ]
                    },
                )
        self.existing[target.external_id] = target
        return RecordOutcome(index, label, CREATED if before is None else UPDATED, id=target.pk, instance=target)

    def _undo(self, target, before) -> None:
        if before is not None:
            _restore(target, before)
        else:
            target.pk = None

    def _write(self, target, *, created: bool, before: dict | None) -> None:
        if not self.batch:
            target.save()
            return
        if created:
            self.model._default_manager.bulk_create([target])
            self.created.append(target)
            return
        changes = {name: value for name, value in _snapshot(target).items() if before.get(name) != value}
        if self.has_updated_at:
            target.updated_at = changes["updated_at"] = timezone.now()
        self.model._default_manager.filter(pk=target.pk).update(**changes)
        self.updated.append(target)
        if changes.keys() & self.reference_attnames:
            self.references_changed.append(target)

    def finish(self) -> None:
        """Index the batch's records for site search and Wagtail's reference index."""
        if not self.batch:
            return
        index_written(
            self.model, created=self.created, updated=self.updated, references_changed=self.references_changed
        )


def record_upsert(*, kind: str, external_id: str, record) -> RecordOutcome:
    """Create or update one record keyed by ``external_id``; a refused record changes nothing."""
    if isinstance(record, dict):
        given = _key(record.get("external_id"))
        if record.get("external_id") is not None and given != external_id:
            return RecordOutcome(
                0,
                external_id,
                REFUSED,
                errors={"external_id": [_("The identifier in the record differs from the one in the address.")]},
            )
        record = {**record, "external_id": external_id}
    upserter = Upserter(kind, batch=False)
    upserter.load_existing([external_id])
    return upserter.apply(0, record)


def records_upsert(*, kind: str, records: list) -> UpsertReport:
    """Create or update each record by its ``external_id`` and say what happened to each.

    Records are applied in order, so a record may refer to one pushed earlier
    in the same list. All of them are written in one transaction, and a
    refused record is refused before anything of it is written, so the report
    matches what was committed.

    Every record was checked before its write, so a write the database still
    refuses (another writer got there first) is rare: then the whole batch is
    rolled back and applied again with a savepoint around each record, which
    refuses that record alone. Savepoints every time would cost two more
    round trips per record.
    """
    keys = [_key(record.get("external_id")) for record in records if isinstance(record, dict)]

    def run(*, savepoints: bool) -> list[RecordOutcome]:
        upserter = Upserter(kind, batch=True, savepoints=savepoints)
        upserter.load_existing(keys)
        with transaction.atomic(), disable_reference_index_auto_update():
            outcomes = [upserter.apply(index, record) for index, record in enumerate(records)]
            upserter.finish()
        return outcomes

    try:
        return UpsertReport(run(savepoints=False))
    except IntegrityError:
        return UpsertReport(run(savepoints=True))

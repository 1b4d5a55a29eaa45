"""Writing an import's planned records: in bulk, then indexed and logged once for the whole import.

Rows are written with ``bulk_create``/``bulk_update`` (thousands of cadres in a few
statements), so no ``post_save`` runs: the site search index, Wagtail's reference index and the
operations log (one "created" or "edited" entry per record, all sharing the import's id) are
written here instead.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry, ReferenceIndex

from kaohe.core.indexing import index_written

from .common import RowPlan

BATCH = 500


class ImportWriter:
    def __init__(self, *, user, run_id: int):
        self.user = user
        self.run_id = run_id
        self.uuid = uuid.uuid4()
        self.now = timezone.now()
        self.created: dict[type, list] = defaultdict(list)
        self.updated: dict[type, list] = defaultdict(list)
        self.references_changed: dict[type, list] = defaultdict(list)
        self.parents_to_reindex: dict[int, object] = {}

    def create(self, model, plans: list[RowPlan]) -> list:
        objects = [plan.instance for plan in plans]
        if objects:
            model._default_manager.bulk_create(objects, batch_size=BATCH)
            self.created[model].extend(objects)
        return objects

    def update(self, model, plans: list[RowPlan]) -> list:
        objects = [plan.instance for plan in plans]
        fields = sorted({name for plan in plans for name in plan.changed_fields})
        if not objects or not fields:
            return objects
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            for obj in objects:
                obj.updated_at = self.now
            fields.append("updated_at")
        model._default_manager.bulk_update(objects, fields, batch_size=BATCH)
        self.updated[model].extend(objects)
        relations = {f.name for f in model._meta.concrete_fields if f.is_relation}
        self.references_changed[model].extend(
            plan.instance for plan in plans if relations.intersection(plan.changed_fields)
        )
        return objects

    def reindex_parent(self, obj) -> None:
        """A clusterable parent (a team) whose children (its seats) changed: its references are refreshed."""
        self.parents_to_reindex[id(obj)] = obj

    def finish(self) -> None:
        for model in {*self.created, *self.updated}:
            index_written(
                model,
                created=self.created.get(model, ()),
                updated=self.updated.get(model, ()),
                references_changed=self.references_changed.get(model, ()),
            )
        for obj in self.parents_to_reindex.values():
            if ReferenceIndex.is_indexed(type(obj)):
                ReferenceIndex.create_or_update_for_object(obj)
        entries = []
        for action, groups in (("wagtail.create", self.created), ("wagtail.edit", self.updated)):
            for model, objects in groups.items():
                content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
                entries.extend(
                    ModelLogEntry(
                        content_type=content_type,
                        label=str(obj)[:250],
                        action=action,
                        data={"import": self.run_id},
                        timestamp=self.now,
                        uuid=self.uuid,
                        user=self.user,
                        object_id=str(obj.pk),
                        content_changed=True,
                    )
                    for obj in objects
                )
        ModelLogEntry.objects.bulk_create(entries, batch_size=BATCH)

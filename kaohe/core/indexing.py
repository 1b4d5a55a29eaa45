"""Keeping site search and Wagtail's reference index right after writes made in bulk.

``bulk_create`` and queryset ``update`` send no ``post_save``, so the search index and the
reference index (what "used by" counts read) would miss the records. Bulk writers (the API's
upserts, organisation imports) call ``index_written`` once per batch instead: one insert for
the new records' references rather than two queries each.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from modelsearch.backends import get_search_backends
from modelsearch.index import get_indexed_instance
from wagtail.models import ReferenceIndex


def index_written(model, *, created=(), updated=(), references_changed=()) -> None:
    """Index ``created`` and ``updated`` records of ``model`` for search; record the references of
    ``created`` ones and refresh those of ``references_changed`` ones (records whose foreign keys changed)."""
    touched = list({obj.pk: obj for obj in [*created, *updated]}.values())
    if touched and hasattr(model, "search_fields"):
        indexed = [item for item in (get_indexed_instance(obj, check_exists=False) for obj in touched) if item]
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, indexed)
    if ReferenceIndex.is_indexed(model):
        reference_index_created(list(created))
        for obj in references_changed:
            ReferenceIndex.create_or_update_for_object(obj)


def reference_index_created(objects) -> None:
    """Wagtail's reference index rows of new records: what ``create_or_update_for_object``
    writes for an object that has none yet, in one insert instead of two queries each."""
    if not objects:
        return
    model = type(objects[0])
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    base_content_type = ReferenceIndex._get_base_content_type(model)
    rows = [
        ReferenceIndex(
            content_type=content_type,
            base_content_type=base_content_type,
            object_id=obj.pk,
            to_content_type_id=to_content_type_id,
            to_object_id=to_object_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for obj in objects
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(obj)
        )
    ]
    ReferenceIndex.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)

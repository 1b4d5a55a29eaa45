"""Writes of organisation data that are more than one form's save: imports (SYS-10)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.signal_handlers import disable_reference_index_auto_update

from kaohe.core.rules import is_office
from kaohe.core.uploads import UploadRefused, read_upload

from .imports import lrmx
from .imports.common import ImportPlan
from .imports.context import ImportContext
from .imports.workbook import MAX_BYTES as WORKBOOK_MAX_BYTES
from .imports.workbook import plan_workbook, read_workbook, rows_from_payload, rows_to_payload
from .imports.writer import ImportWriter
from .models import PUBLIC_PAGE_FIELDS, OrgImport, Unit, UnitPageChange, WorkGroup, WorkGroupMember


class ImportNotApplicable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _plan(*, source: str, payload: bytes, file_name: str, options: dict, ctx: ImportContext) -> ImportPlan:
    if source == OrgImport.Source.WORKBOOK:
        return plan_workbook(rows_from_payload(payload), ctx)
    files = lrmx.files_from_zip(payload) if options.get("packed") else [(file_name, payload)]
    unit = Unit.objects.filter(pk=options["unit"]).first() if options.get("unit") else None
    if unit is not None:
        unit = next((u for u in ctx.units if u.pk == unit.pk), unit)
    return lrmx.plan_forms(files, ctx, unit=unit)


def _store(run: OrgImport, plan: ImportPlan, payload: bytes | None) -> None:
    run.summary = plan.summary()
    run.rows = [row.as_json() for row in plan.rows]
    run.fingerprint = plan.fingerprint()
    run.payload = payload if plan.ok else None


def org_import_check(*, user, source: str, files: list, options: dict | None = None) -> OrgImport:
    """Read an upload and plan every row against the portal's data, writing nothing but the
    import's own record: its preview (each row's outcome), kept with the file until applied.

    ``files`` are uploaded files: one workbook, or any number of ``.lrmx`` files and zips of them.
    A workbook's rows are kept (not the workbook itself); forms are kept as uploaded.
    Raises ``UploadRefused`` when the upload cannot be read at all.
    """
    options = dict(options or {})
    if source == OrgImport.Source.WORKBOOK:
        if len(files) != 1:
            raise UploadRefused(_("Upload one workbook."))
        data = read_upload(files[0], max_bytes=WORKBOOK_MAX_BYTES, what=_("The workbook"))
        file_name = files[0].name
        found, errors = read_workbook(data)
        del data
        if errors:
            run = OrgImport(source=source, file_name=file_name[:255], options=options, created_by=user)
            _store(run, ImportPlan(errors=errors), None)
            return _save_new(run, user)
        payload = rows_to_payload(found)
    else:
        if not files:
            raise UploadRefused(_("Choose the .lrmx files or zips to upload."))
        read, total = [], 0
        for upload in files:
            data = read_upload(upload, max_bytes=lrmx.MAX_UPLOAD - total, what=_("The upload"))
            total += len(data)
            read.append((upload.name, data))
        if len(read) == 1:
            payload, file_name = read[0][1], read[0][0]
        else:
            payload, file_name = lrmx.pack(read), _("%(count)s files") % {"count": len(read)}
            options["packed"] = True
    ctx = ImportContext(user=user)
    if source == OrgImport.Source.WORKBOOK:
        plan = plan_workbook(found, ctx)
    else:
        plan = _plan(source=source, payload=payload, file_name=file_name, options=options, ctx=ctx)
    run = OrgImport(source=source, file_name=file_name[:255], options=options, created_by=user)
    _store(run, plan, payload)
    return _save_new(run, user)


def _save_new(run: OrgImport, user) -> OrgImport:
    with transaction.atomic():
        # An earlier preview of the same person is dropped: only the newest can be applied.
        OrgImport.objects.filter(created_by=user, status=OrgImport.Status.CHECKED).update(
            status=OrgImport.Status.DISCARDED, payload=None
        )
        run.save()
    return run


def org_import_apply(*, run_id: int, user) -> tuple[OrgImport, bool]:
    """Apply a checked import: every row, or none.

    The file is planned again against the data as it is now; if any row's outcome differs
    from the preview the person saw (someone changed a record meanwhile), nothing is written,
    the preview is refreshed and ``(run, False)`` is returned so they can look again.
    """
    with transaction.atomic():
        run = OrgImport.objects.select_for_update().get(pk=run_id)
        if run.status != OrgImport.Status.CHECKED or run.payload is None:
            raise ImportNotApplicable(_("This import cannot be applied: it was applied, discarded, or has errors."))
        payload = bytes(run.payload)
        ctx = ImportContext(user=user)
        plan = _plan(source=run.source, payload=payload, file_name=run.file_name, options=run.options, ctx=ctx)
        if not plan.ok or plan.fingerprint() != run.fingerprint:
            _store(run, plan, payload)
            run.save()
            return run, False
        writer = ImportWriter(user=user, run_id=run.pk)
        with disable_reference_index_auto_update():
            for result in plan.sheets:
                ctx.sheets[result.key].apply(result.rows, writer)
            writer.finish()
        run.status = OrgImport.Status.APPLIED
        run.applied_at = timezone.now()
        run.applied_by = user
        run.payload = None
        run.save()
    return run, True


def org_import_discard(*, run: OrgImport) -> None:
    """Drop a checked import and its file."""
    if run.status == OrgImport.Status.CHECKED:
        run.status = OrgImport.Status.DISCARDED
        run.payload = None
        run.save(update_fields=["status", "payload"])


def work_group_year_name(*, name: str, year_from: int, year_to: int) -> str:
    """The name of a work group's copy for ``year_to``: the year in the name moves on, else it is added."""
    if str(year_from) in name:
        return name.replace(str(year_from), str(year_to))
    return f"{name}（{year_to}）"


# What ``work_group_copy`` carries over from each member.
MEMBER_COPIED_FIELDS = ("name", "user_id", "post", "duties", "unit_and_position", "telephone", "sort_order")


@transaction.atomic
def work_group_copy(*, group: WorkGroup, year: int, user) -> WorkGroup:
    """``group`` again for ``year``: its kind, duties, units and members (their posts and share
    of the work), under the name ``work_group_year_name`` gives; logged as created."""
    copy = WorkGroup(
        name=work_group_year_name(name=group.name, year_from=group.year or year - 1, year_to=year),
        kind=group.kind,
        year=year,
        duties=group.duties,
    )
    copy.units.set(list(group.units.all()))
    copy.save()
    WorkGroupMember.objects.bulk_create(
        WorkGroupMember(group=copy, **{field: getattr(member, field) for field in MEMBER_COPIED_FIELDS})
        for member in group.members.all()
    )
    log(copy, "wagtail.create", user=user)
    return copy


def unit_page_values(*, unit: Unit) -> dict[str, str]:
    return {name: getattr(unit, name) or "" for name in PUBLIC_PAGE_FIELDS}


def unit_page_moderated(*, user, unit: Unit) -> bool:
    """Whether ``user``'s edits of ``unit``'s public page wait for the office (PORTAL-1): those of
    the unit's administrators do, unless the office trusts the unit to publish directly."""
    return not is_office(user) and not unit.publishes_directly


@transaction.atomic
def unit_page_change_submit(*, unit: Unit, data: dict, user) -> UnitPageChange | None:
    """Keep the public-page fields of ``data`` that differ from the live page as a change
    awaiting the office's approval; nothing of the live page changes (PORTAL-1). A newer
    submission replaces the unit's pending one. Returns None when nothing differs."""
    live = unit_page_values(unit=Unit.objects.get(pk=unit.pk))
    after = {name: data[name] or "" for name in PUBLIC_PAGE_FIELDS if name in data and (data[name] or "") != live[name]}
    pending = UnitPageChange.objects.select_for_update().filter(unit=unit, status=UnitPageChange.Status.PENDING).first()
    if not after:
        if pending is not None:
            pending.delete()
        return None
    change = pending or UnitPageChange(unit=unit)
    change.before = {name: live[name] for name in after}
    change.after = after
    change.submitted_by = user
    change.save()
    if pending is not None:
        UnitPageChange.objects.filter(pk=change.pk).update(submitted_at=timezone.now())
    log(unit, "org.page_submit", user=user, data={"fields": sorted(after)})
    return change


@transaction.atomic
def unit_page_change_approve(*, change: UnitPageChange, user) -> Unit:
    """Put the change live: the unit's public fields take the new values, a revision and a
    log line record it (PORTAL-1)."""
    change = UnitPageChange.objects.select_for_update().get(pk=change.pk)
    if change.status != UnitPageChange.Status.PENDING:
        raise ValidationError(_("This change has already been decided."))
    unit = Unit.objects.select_for_update().get(pk=change.unit_id)
    for name in change.fields:
        setattr(unit, name, change.after[name])
    unit.full_clean()
    unit.save()
    revision = unit.save_revision(user=user, log_action=False)
    change.status, change.decided_by, change.decided_at = UnitPageChange.Status.APPROVED, user, timezone.now()
    change.save()
    log(unit, "org.page_approve", user=user, revision=revision, data={"fields": change.fields})
    return unit


@transaction.atomic
def unit_page_change_reject(*, change: UnitPageChange, user, note: str) -> None:
    """Return the change to the unit with the office's note; the live page stays (PORTAL-1)."""
    change = UnitPageChange.objects.select_for_update().get(pk=change.pk)
    if change.status != UnitPageChange.Status.PENDING:
        raise ValidationError(_("This change has already been decided."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the change is returned: the unit reads the note."))
    change.status, change.decided_by, change.decided_at, change.note = (
        UnitPageChange.Status.REJECTED,
        user,
        timezone.now(),
        note,
    )
    change.save()
    log(change.unit, "org.page_reject", user=user, data={"note": note})

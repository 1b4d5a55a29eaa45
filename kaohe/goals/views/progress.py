"""Progress reports in the admin: entry form, attachments, Excel round trip (SUP-1..SUP-5)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from .. import excel
from ..forms import AttachmentForm, ImportForm, ProgressEntryForm
from ..models import GoalPlan, ProgressEntry, ProgressReport, ReportAttachment, period_choices
from ..permissions import can_edit_plan, can_view_plan, visible_reports
from ..tree import load_tree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(request, pk, edit=False):
    plan = get_object_or_404(GoalPlan.objects.select_related("unit"), pk=pk)
    if not can_view_plan(request.user, plan) or (edit and not can_edit_plan(request.user, plan)):
        raise PermissionDenied
    return plan


def _report(request, pk, edit=False):
    report = get_object_or_404(ProgressReport.objects.select_related("plan__unit"), pk=pk)
    plan = report.plan
    if not can_view_plan(request.user, plan):
        raise PermissionDenied
    if not visible_reports(request.user, plan).filter(pk=report.pk).exists():
        raise PermissionDenied
    if edit and not can_edit_plan(request.user, plan):
        raise PermissionDenied
    return report


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def report_index(request, pk):
    """The plan's reports by period, and a form to start one."""
    plan = _plan(request, pk)
    reports = visible_reports(request.user, plan).order_by("period")
    reports = sorted(reports, key=lambda r: r.period_rank * 10 + (0 if r.period.startswith("M") else 1))
    used = {report.period for report in reports}
    return render(
        request,
        "goals/admin/report_index.html",
        {
            "plan": plan,
            "reports": reports,
            "free_periods": [(key, label) for key, label in period_choices() if key not in used],
            "editable": can_edit_plan(request.user, plan),
            "import_form": ImportForm(),
        },
    )


@require_POST
def report_create(request, pk):
    plan = _plan(request, pk, edit=True)
    period = request.POST.get("period")
    if period not in dict(period_choices()):
        messages.error(request, _("Choose a month or quarter."))
        return redirect("goals_admin:reports", plan.pk)
    report, created = ProgressReport.objects.get_or_create(
        plan=plan, period=period, defaults={"updated_by": request.user}
    )
    if created:
        log(report, "wagtail.create", user=request.user)
    return redirect("goals_admin:report", report.pk)


def report_edit(request, pk):
    """Enter the period's progress for every goal (SUP-1..SUP-3)."""
    report = _report(request, pk)
    plan = report.plan
    editable = can_edit_plan(request.user, plan)
    tree = load_tree(plan, reports=ProgressReport.objects.filter(pk=report.pk), with_assignments=False)
    nodes = list(tree.walk())
    entries = {entry.goal_id: entry for entry in report.entries.all()}
    data = request.POST if request.method == "POST" and editable else None
    rows = []
    for node in nodes:
        entry = entries.get(node.pk) or ProgressEntry(report=report, goal=node.goal)
        form = ProgressEntryForm(data, instance=entry, goal=node.goal, prefix=f"g{node.pk}")
        rows.append((node, form))
    if data is not None:
        if all(form.is_valid() for _node, form in rows):
            with transaction.atomic():
                for _node, form in rows:
                    if form.instance.pk or form.has_changed():
                        form.save()
                report.summary = request.POST.get("summary", report.summary)
                report.submitted = report.submitted or "submit" in request.POST
                report.updated_by = request.user
                report.save()
            log(report, "wagtail.edit", user=request.user)
            messages.success(request, _("Report submitted.") if "submit" in request.POST else _("Report saved."))
            return redirect("goals_admin:report", report.pk)
        messages.error(request, _("Some entries have errors; nothing was saved. They are marked below."))
    return render(
        request,
        "goals/admin/report_edit.html",
        {
            "plan": plan,
            "report": report,
            "rows": rows,
            "editable": editable,
            "attachments": report.attachments.all(),
            "attachment_form": AttachmentForm(),
        },
        status=400 if data is not None else 200,
    )


@require_POST
def attachment_upload(request, pk):
    report = _report(request, pk, edit=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = form.save(commit=False)
        attachment.report = report
        attachment.uploaded_by = request.user
        attachment.save()
        messages.success(request, _("Uploaded “%(title)s”.") % {"title": attachment.title})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("goals_admin:report", report.pk)


@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(ReportAttachment.objects.select_related("report__plan"), pk=pk)
    _report(request, attachment.report_id, edit=True)
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, _("Deleted “%(title)s”.") % {"title": attachment.title})
    return redirect("goals_admin:report", attachment.report_id)


def template_export(request, pk):
    """The goal list with an empty (or the current) progress template (SUP-4)."""
    plan = _plan(request, pk, edit=True)
    period = request.GET.get("period", "")
    if period not in dict(period_choices()):
        messages.error(request, _("Choose a month or quarter."))
        return redirect("goals_admin:reports", plan.pk)
    report = ProgressReport.objects.filter(plan=plan, period=period).first()
    data = excel.progress_template(plan, period, report)
    return _xlsx(data, f"progress-template-{plan.unit_id}-{plan.year}-{period}.xlsx")


def report_export(request, pk):
    report = _report(request, pk)
    data = excel.progress_report(report)
    return _xlsx(data, f"progress-report-{report.plan.unit_id}-{report.plan.year}-{report.period}.xlsx")


IMPORT_SESSION_KEY = "goals_import"


def import_upload(request, pk):
    """Upload a filled template: check every row and show a preview (SUP-4)."""
    plan = _plan(request, pk, edit=True)
    if request.method != "POST":
        return redirect("goals_admin:reports", plan.pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the filled-in workbook to upload."))
        return redirect("goals_admin:reports", plan.pk)
    upload = form.cleaned_data["workbook"]
    result = excel.read_progress_workbook(plan, upload)
    token = ""
    if result.ok:
        upload.seek(0)
        token = uuid.uuid4().hex
        default_storage.save(f"imports/{token}.xlsx", ContentFile(upload.read()))
        request.session[IMPORT_SESSION_KEY] = {"token": token, "plan": plan.pk, "period": result.period}
    return render(
        request,
        "goals/admin/import_preview.html",
        {"plan": plan, "result": result, "token": token, "period_label": dict(period_choices()).get(result.period, "")},
        status=200 if result.ok else 400,
    )


@require_POST
def import_apply(request, pk):
    """Apply the previewed workbook: all rows or none."""
    plan = _plan(request, pk, edit=True)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not token or pending.get("token") != token or pending.get("plan") != plan.pk:
        messages.error(request, _("This preview has expired; upload the workbook again."))
        return redirect("goals_admin:reports", plan.pk)
    path = f"imports/{token}.xlsx"
    try:
        with default_storage.open(path, "rb") as handle:
            result = excel.read_progress_workbook(plan, handle.read())
    except FileNotFoundError:
        messages.error(request, _("This preview has expired; upload the workbook again."))
        return redirect("goals_admin:reports", plan.pk)
    if not result.ok:
        messages.error(request, _("The goals changed since the preview; upload the workbook again."))
        return redirect("goals_admin:reports", plan.pk)
    report = excel.apply_rows(plan, result.period, result, request.user)
    default_storage.delete(path)
    request.session.pop(IMPORT_SESSION_KEY, None)
    log(report, "wagtail.edit", user=request.user)
    messages.success(request, _("Imported %(count)s rows.") % {"count": len(result.rows)})
    return redirect("goals_admin:report", report.pk)

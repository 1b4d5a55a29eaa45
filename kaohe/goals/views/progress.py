"""Progress reports in the admin: entry form, attachments, Excel round trip (SUP-1..SUP-5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.core.private_media import serve_private

from .. import excel, selectors, services
from ..forms import AttachmentForm, ImportForm, ProgressEntryForm
from ..locks import plan_locks
from ..models import ProgressEntry, ProgressReport, ReportAttachment, period_choices
from ..permissions import can_edit_plan
from ..tree import load_tree
from .admin import PlanView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "goals_import"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class ReportsView(PlanView):
    """A screen under the plan's progress reports."""

    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        reports = {"url": reverse("goals_admin:reports", args=[self.plan.pk]), "label": _("Progress reports")}
        items.insert(len(items) - 1, reports)
        return items


class ReportIndexView(PlanView):
    """The plan's reports by period, and a form to start one."""

    template_name = "goals/admin/report_index.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return _("%(year)s progress reports") % {"year": self.plan.year}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = selectors.plan_reports_in_order(user=self.request.user, plan=self.plan)
        used = {report.period for report in reports}
        context.update(
            {
                "reports": reports,
                "free_periods": [(key, label) for key, label in period_choices() if key not in used],
                "editable": can_edit_plan(self.request.user, self.plan),
                "import_form": ImportForm(),
            }
        )
        return context


class ReportCreateView(ReportsView):
    """POST: open the report of a month or quarter, started now if there is none."""

    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        period = request.POST.get("period")
        if period not in dict(period_choices()):
            messages.error(request, _("Choose a month or quarter."))
            return redirect("goals_admin:reports", self.plan.pk)
        try:
            report = services.report_open(plan=self.plan, period=period, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("goals_admin:reports", self.plan.pk)
        return redirect("goals_admin:report", report.pk)


class ReportView(ReportsView):
    """A screen of one report the reader may see (and change, with ``edit``)."""

    def load(self, **kwargs) -> None:
        self.report = get_object_or_404(ProgressReport.objects.select_related("plan__unit"), pk=kwargs["pk"])
        super().load(pk=self.report.plan_id)
        if not selectors.visible_reports(user=self.request.user, plan=self.plan).filter(pk=self.report.pk).exists():
            raise PermissionDenied

    def get_page_title(self):
        return _("%(year)s progress report, %(period)s") % {
            "year": self.plan.year,
            "period": self.report.get_period_display(),
        }


class ReportEditView(ReportView):
    """Enter the period's progress for every goal (SUP-1..SUP-3)."""

    template_name = "goals/admin/report_edit.html"

    def rows(self, data=None):
        tree = load_tree(self.plan, reports=ProgressReport.objects.filter(pk=self.report.pk), with_assignments=False)
        entries = {entry.goal_id: entry for entry in self.report.entries.select_related("verification__verifier_unit")}
        locks = plan_locks(self.plan)
        rows = []
        for node in tree.walk():
            entry = entries.get(node.pk) or ProgressEntry(report=self.report, goal=node.goal)
            form = ProgressEntryForm(
                data, instance=entry, goal=node.goal, prefix=f"g{node.pk}", locked=locks.reason_for(node.pk)
            )
            rows.append((node, form))
        return rows

    def get_context_data(self, **kwargs):
        kwargs.setdefault("rows", self.rows())
        return super().get_context_data(
            report=self.report,
            editable=can_edit_plan(self.request.user, self.plan),
            attachments=self.report.attachments.all(),
            attachment_form=AttachmentForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not can_edit_plan(request.user, self.plan):
            return self.get(request, *args, **kwargs)
        rows = self.rows(request.POST)
        if not all(form.is_valid() for _node, form in rows):
            messages.error(request, _("Some entries have errors; nothing was saved. They are marked below."))
            return self.render_to_response(self.get_context_data(rows=rows), status=400)
        submit = "submit" in request.POST
        try:
            services.report_save(
                report=self.report,
                entries=[form.instance for _node, form in rows if form.instance.pk or form.has_changed()],
                summary=request.POST.get("summary", self.report.summary),
                submit=submit,
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(rows=rows), status=400)
        messages.success(request, _("Report submitted.") if submit else _("Report saved."))
        return redirect("goals_admin:report", self.report.pk)


class AttachmentUploadView(ReportView):
    """POST: keep a summary document with the report (SUP-5)."""

    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = services.attachment_add(
                    report=self.report,
                    title=form.cleaned_data["title"],
                    file=form.cleaned_data["file"],
                    user=request.user,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Uploaded “%(title)s”.") % {"title": attachment.title})
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return redirect("goals_admin:report", self.report.pk)


class AttachmentView(ReportView):
    """GET: a summary document, for those who may read its report (SUP-5); an unsubmitted
    report's documents are its unit's and the office's only."""

    def load(self, **kwargs) -> None:
        self.attachment = get_object_or_404(ReportAttachment.objects.select_related("report__plan"), pk=kwargs["pk"])
        super().load(pk=self.attachment.report_id)

    def get(self, request, *args, **kwargs):
        return serve_private(request, self.attachment.file.path)


class AttachmentDeleteView(ReportView):
    """POST: remove a summary document (SUP-5)."""

    edit = True
    http_method_names = ["post"]

    def load(self, **kwargs) -> None:
        self.attachment = get_object_or_404(ReportAttachment.objects.select_related("report__plan"), pk=kwargs["pk"])
        super().load(pk=self.attachment.report_id)

    def post(self, request, *args, **kwargs):
        try:
            services.attachment_delete(attachment=self.attachment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Deleted “%(title)s”.") % {"title": self.attachment.title})
        return redirect("goals_admin:report", self.report.pk)


class TemplateExportView(ReportsView):
    """The goal list with an empty (or the current) progress template (SUP-4)."""

    edit = True

    def get(self, request, *args, **kwargs):
        period = request.GET.get("period", "")
        if period not in dict(period_choices()):
            messages.error(request, _("Choose a month or quarter."))
            return redirect("goals_admin:reports", self.plan.pk)
        report = ProgressReport.objects.filter(plan=self.plan, period=period).first()
        data = excel.progress_template(self.plan, period, report)
        return _xlsx(data, f"progress-template-{self.plan.unit_id}-{self.plan.year}-{period}.xlsx")


class ReportExportView(ReportView):
    """The entered report, formatted for the team to confirm (SUP-4)."""

    def get(self, request, *args, **kwargs):
        report = self.report
        data = excel.progress_report(report)
        return _xlsx(data, f"progress-report-{report.plan.unit_id}-{report.plan.year}-{report.period}.xlsx")


class ImportUploadView(ReportsView):
    """Upload a filled template: check every row and show a preview (SUP-4)."""

    edit = True
    template_name = "goals/admin/import_preview.html"
    page_title = gettext_lazy("Check the workbook")

    def get(self, request, *args, **kwargs):
        return redirect("goals_admin:reports", self.plan.pk)

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the filled-in workbook to upload."))
            return redirect("goals_admin:reports", self.plan.pk)
        upload = form.cleaned_data["workbook"]
        result = services.workbook_check(plan=self.plan, upload=upload)
        token = ""
        if result.ok:
            upload.seek(0)
            token = services.workbook_stash(data=upload.read())
            request.session[IMPORT_SESSION_KEY] = {"token": token, "plan": self.plan.pk, "period": result.period}
        context = self.get_context_data(
            result=result, token=token, period_label=dict(period_choices()).get(result.period, "")
        )
        return self.render_to_response(context, status=200 if result.ok else 400)


class ImportApplyView(ReportsView):
    """POST: apply the previewed workbook, all rows or none."""

    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        plan = self.plan
        pending = request.session.get(IMPORT_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        if not token or pending.get("token") != token or pending.get("plan") != plan.pk:
            messages.error(request, _("This preview has expired; upload the workbook again."))
            return redirect("goals_admin:reports", plan.pk)
        try:
            report, count = services.report_import(plan=plan, token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("goals_admin:reports", plan.pk)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(request, _("Imported %(count)s rows.") % {"count": count})
        return redirect("goals_admin:report", report.pk)

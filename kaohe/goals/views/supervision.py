"""Reporting deadlines and who is late (SUP-1); verification of reported figures (SCORE-1).

The deadlines themselves are a snippet the office edits (``wagtail_hooks``); these screens
read who has reported against them and let the supervising departments confirm or question
what the units reported.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.core.pagination import admin_page
from kaohe.core.roles import RoleCode
from kaohe.core.rules import has_role, is_office

from .. import selectors, services
from ..models import EntryVerification, ProgressEntry, ProgressReport, ReportingDeadline
from .admin import GoalsAdminView, _error_text


def may_verify(user) -> bool:
    """The office, and the administrators of a unit (the supervising departments)."""
    return is_office(user) or (has_role(user, RoleCode.UNIT_ADMIN) and bool(getattr(user, "unit_id", None)))


def may_verify_entry(user, entry: ProgressEntry) -> bool:
    if is_office(user):
        return True
    return has_role(user, RoleCode.UNIT_ADMIN) and bool(user.unit_id) and entry.goal.supervising_unit_id == user.unit_id


class DeadlineStatusView(GoalsAdminView):
    """Each deadline of a year with the units that reported on time, late or not at all (SUP-1).
    The office and county leaders see every unit; a unit administrator their own unit."""

    page_title = gettext_lazy("Reporting deadlines")
    template_name = "goals/admin/deadlines.html"

    def load(self, **kwargs) -> None:
        user = self.request.user
        if is_office(user) or has_role(user, RoleCode.COUNTY_LEADER):
            self.unit_id = None
        elif has_role(user, RoleCode.UNIT_ADMIN) and user.unit_id:
            self.unit_id = user.unit_id
        else:
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        year_text = self.request.GET.get("year") or ""
        year = int(year_text) if year_text.isdigit() else today.year
        years = sorted(
            set(ReportingDeadline.objects.values_list("year", flat=True).distinct()) | {today.year}, reverse=True
        )
        return super().get_context_data(
            year=year,
            years=years,
            today=today,
            statuses=selectors.deadline_statuses(year=year, today=today, unit_id=self.unit_id),
            can_edit=is_office(self.request.user),
            **kwargs,
        )


class VerificationListView(GoalsAdminView):
    """The entries of submitted reports on goals the reader's unit supervises (all, for the
    office), with a form each to confirm or question the figures (SCORE-1)."""

    page_title = gettext_lazy("Verify reported figures")
    template_name = "goals/admin/verify.html"

    def load(self, **kwargs) -> None:
        if not may_verify(self.request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        show = self.request.GET.get("show") or "pending"
        year_text = self.request.GET.get("year") or ""
        year = int(year_text) if year_text.isdigit() else None
        entries = selectors.entries_to_verify(user=self.request.user, year=year, pending_only=show != "all")
        page = admin_page(self.request, entries)
        return super().get_context_data(
            page_obj=page,
            entries=page.object_list,
            show=show,
            year=year,
            verdicts=EntryVerification.Verdict.choices,
            **kwargs,
        )


class VerifyEntryView(GoalsAdminView):
    """Record one verdict; back to the list with what was saved or why not."""

    http_method_names = ["post"]

    def load(self, **kwargs) -> None:
        self.entry = get_object_or_404(
            ProgressEntry.objects.select_related("goal", "report"), pk=kwargs["pk"], report__submitted=True
        )
        if not may_verify_entry(self.request.user, self.entry):
            raise PermissionDenied

    def post(self, request, *args, **kwargs):
        value_text = (request.POST.get("verified_value") or "").strip()
        try:
            value = Decimal(value_text) if value_text else None
        except InvalidOperation:
            messages.error(request, _("The verified value must be a number."))
            return redirect(self.back())
        try:
            services.entry_verify(
                entry=self.entry,
                verdict=request.POST.get("verdict") or "",
                note=request.POST.get("note") or "",
                verified_value=value,
                user=request.user,
                unit=request.user.unit if request.user.unit_id else None,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("“%(goal)s”: verdict recorded.") % {"goal": self.entry.goal.name})
        return redirect(self.back())

    def back(self) -> str:
        target = self.request.POST.get("next") or ""
        if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/"):
            return target
        return reverse("goals_admin:verify")


class ReportApprovalView(GoalsAdminView):
    """Submitted reports whose first publication waits for the office (PORTAL-1); GET lists
    them, POST publishes one or returns it to the unit with a note."""

    page_title = gettext_lazy("Reports awaiting publication")
    template_name = "goals/admin/report_approvals.html"

    def load(self, **kwargs) -> None:
        if not is_office(self.request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        reports = (
            ProgressReport.objects.filter(submitted=True, published_at__isnull=True)
            .select_related("plan__unit", "updated_by")
            .annotate(entry_count=Count("entries"))
            .order_by("submitted_at", "pk")
        )
        page = admin_page(self.request, reports)
        return super().get_context_data(page_obj=page, reports=page.object_list, **kwargs)

    def post(self, request, *args, **kwargs):
        report = get_object_or_404(ProgressReport.objects.select_related("plan__unit"), pk=request.POST.get("report"))
        try:
            if request.POST.get("decision") == "publish":
                services.report_publish(report=report, user=request.user)
                messages.success(request, _("%(report)s is published.") % {"report": report})
            else:
                services.report_return(report=report, note=request.POST.get("note", ""), user=request.user)
                messages.success(request, _("%(report)s is returned to the unit.") % {"report": report})
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("goals_admin:report_approvals")

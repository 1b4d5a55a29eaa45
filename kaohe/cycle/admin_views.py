"""Base views of the cycle's snippet screens: lists show what the reader may read,
and a record opens only for those who may read it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views import snippets as snippet_views

from kaohe.core.pagination import admin_page
from kaohe.core.rules import is_office
from kaohe.org.selectors import active_units

from . import inspection, permissions, selectors, services
from .forms import InspectionForm

STATE_LABELS = {
    "missing": gettext_lazy("Missing"),
    "draft": gettext_lazy("Draft, not submitted"),
    "on_time": gettext_lazy("Submitted on time"),
    "late": gettext_lazy("Submitted late"),
}


class ReadCheckedInspectView(snippet_views.InspectView):
    """The inspect screen asks the record's own read rule (the rights table), not only the model's."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "view", obj):
            raise PermissionDenied
        return obj


class CycleAdminView(WagtailAdminTemplateMixin, TemplateView):
    """Base of the cycle's own admin screens: Wagtail's furniture, a right checked first."""

    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user) -> bool:
        return False

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class ReportOverviewView(CycleAdminView):
    """Who has submitted the year's work report, on time or late, and who has not (CYCLE-3).

    The office sees every unit; a unit administrator their own unit's team and cadres."""

    template_name = "cycle/admin/report_overview.html"
    page_title = gettext_lazy("Work reports")

    def allowed(self, user) -> bool:
        return permissions.can_see_report_overview(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        office = is_office(user)
        this_year = timezone.localdate().year
        year_text = self.request.GET.get("year") or ""
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else this_year
        unit_text = self.request.GET.get("unit") or ""
        unit_id = (int(unit_text) if unit_text.isdigit() else None) if office else user.unit_id
        state = self.request.GET.get("state") or ""
        rows = selectors.report_overview(year=year, unit_id=unit_id)
        counts = {key: sum(1 for row in rows if row["state"] == key) for key in selectors.REPORT_STATES}
        if state in selectors.REPORT_STATES:
            rows = [row for row in rows if row["state"] == state]
        context.update(
            {
                "year": year,
                "years": range(this_year + 1, this_year - 4, -1),
                "state": state,
                "states": STATE_LABELS,
                "counts": [(key, STATE_LABELS[key], counts[key]) for key in selectors.REPORT_STATES],
                "unit_id": unit_id,
                "units": active_units().order_by("name") if office else None,
                "deadline": selectors.report_deadline(year=year),
                "page_obj": admin_page(self.request, rows),
                "office": office,
            }
        )
        return context


def _year(request) -> int:
    text = request.GET.get("year") or ""
    this_year = timezone.localdate().year
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else this_year


class InspectionIndexView(CycleAdminView):
    """A group member's teams and cadres to inspect; the office's view of every group's progress (CYCLE-4)."""

    template_name = "cycle/admin/inspection_index.html"
    page_title = gettext_lazy("Inspection by the assessment groups")

    def allowed(self, user) -> bool:
        return permissions.can_open_inspections(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = _year(self.request)
        memberships = inspection.memberships_of(user, year=year)
        unit_ids = set().union(*(m.unit_ids for m in memberships)) if memberships else set()
        targets = inspection.targets_of_units(unit_ids=unit_ids, year=year)
        done = selectors.inspections_of(year=year, unit_ids=unit_ids)
        rows = [(target, done.get((target.kind, target.pk))) for target in targets]
        this_year = timezone.localdate().year
        context.update(
            {
                "year": year,
                "years": range(this_year, this_year - 4, -1),
                "memberships": memberships,
                "page_obj": admin_page(self.request, rows),
                "progress": selectors.group_progress(year=year) if is_office(user) else None,
            }
        )
        return context


class InspectionTargetView(CycleAdminView):
    """One team or cadre on one screen for its group (CYCLE-4): plans and progress, work
    records, comments, commitments, the work report and self-assessment; the group's opinion
    and score; the leader's confirmation. Only members of the group that holds the unit
    (and the office, read-only) open it."""

    template_name = "cycle/admin/inspection_target.html"

    def allowed(self, user) -> bool:
        return permissions.can_open_inspections(user)

    def dispatch(self, request, *args, **kwargs):
        from kaohe.org.models import Cadre, Team

        if not self.allowed(request.user):
            raise PermissionDenied
        self.year = kwargs["year"]
        model = {"team": Team, "cadre": Cadre}.get(kwargs["kind"])
        target = model.objects.select_related("unit").filter(pk=kwargs["pk"]).first() if model else None
        if target is None or target.unit_id is None:
            raise Http404
        self.team, self.cadre = (target, None) if model is Team else (None, target)
        self.unit = target.unit
        self.membership = inspection.membership_for_unit(request.user, year=self.year, unit_id=self.unit.pk)
        if self.membership is None and not is_office(request.user):
            messages.error(request, _("This unit is not assigned to your assessment group."))
            raise PermissionDenied
        self.inspection = selectors.inspections_of(year=self.year, unit_ids=[self.unit.pk]).get(
            (kwargs["kind"], target.pk)
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return (self.cadre or self.team).name

    def get_page_subtitle(self):
        return f"{self.unit.name} · {self.year}"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("cycle_admin:inspections") + f"?year={self.year}", "label": _("Inspection")}
        return [*self.breadcrumbs_items, index, {"url": "", "label": self.get_page_title()}]

    def may_record(self) -> bool:
        return self.membership is not None and (
            self.inspection is None
            or (not self.inspection.is_confirmed and self.inspection.group_id == self.membership.group.pk)
        )

    def may_confirm(self) -> bool:
        return (
            self.membership is not None
            and self.membership.leader
            and self.inspection is not None
            and not self.inspection.is_confirmed
            and self.inspection.group_id == self.membership.group.pk
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            selectors.inspection_screen(user=user, year=self.year, unit=self.unit, team=self.team, cadre=self.cadre)
        )
        context.update(
            {
                "year": self.year,
                "unit": self.unit,
                "team": self.team,
                "cadre": self.cadre,
                "inspection": self.inspection,
                "membership": self.membership,
                "may_record": self.may_record(),
                "may_confirm": self.may_confirm(),
                "form": form or InspectionForm(instance=self.inspection),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "confirm":
            if not self.may_confirm():
                messages.error(request, _("Only the group leader confirms an inspection the group has recorded."))
                raise PermissionDenied
            services.inspection_confirm(user=request.user, inspection=self.inspection)
            messages.success(request, _("Inspection confirmed."))
            return redirect(request.path)
        if not self.may_record():
            messages.error(request, _("You cannot record this inspection."))
            raise PermissionDenied
        form = InspectionForm(request.POST, instance=self.inspection)
        if form.is_valid():
            try:
                services.inspection_record(
                    user=request.user,
                    group=self.membership.group,
                    year=self.year,
                    team=self.team,
                    cadre=self.cadre,
                    opinion=form.cleaned_data["opinion"],
                    score=form.cleaned_data["score"],
                    grade=form.cleaned_data["grade"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Inspection saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

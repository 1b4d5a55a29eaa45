"""Base views of the cycle's snippet screens: lists show what the reader may read,
and a record opens only for those who may read it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views import snippets as snippet_views

from kaohe.core.pagination import admin_page
from kaohe.core.rules import is_office
from kaohe.org.selectors import active_units

from . import permissions, selectors

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

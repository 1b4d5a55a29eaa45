"""The office's year roll-over screen (年度切换): what the new year has, lacks and still needs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from kaohe.core.rules import is_office

from . import rollover


def _year(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and 2000 <= int(text) <= 2100 else default


class RollOverView(WagtailAdminTemplateMixin, TemplateView):
    """GET: the checklist for a new year; POST: copy what it lacks, then the checklist again
    with what was copied. The office only."""

    page_title = gettext_lazy("Start a new year")
    header_icon = "date"
    template_name = "results/rollover.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def years(self, source) -> tuple[int, int]:
        year_to = _year(source.get("year"), timezone.localdate().year + (1 if timezone.localdate().month >= 10 else 0))
        return _year(source.get("from"), year_to - 1), year_to

    def get_context_data(self, state=None, ran=False, **kwargs):
        if state is None:
            year_from, year_to = self.years(self.request.GET)
            state = rollover.rollover_state(year_from=year_from, year_to=year_to)
        return super().get_context_data(state=state, ran=ran, **kwargs)

    def post(self, request, *args, **kwargs):
        year_from, year_to = self.years(request.POST)
        try:
            state = rollover.year_roll_over(year_from=year_from, year_to=year_to, user=request.user)
        except rollover.RollOverRefused as error:
            messages.error(request, str(error))
            return redirect(f"{reverse('results_admin:rollover')}?from={year_from}&year={year_to}")
        copied = sum(line.copied for line in state.lines)
        messages.success(
            request,
            _("%(count)s items copied from %(from)s into %(to)s.")
            % {"count": copied, "from": year_from, "to": year_to},
        )
        return self.render_to_response(self.get_context_data(state=state, ran=True))

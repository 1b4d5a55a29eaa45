"""The office's screen for the rights table (SYS-11, CMT-2): ``/admin/access/``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .forms import COMMENT, MODERATION, READ, RightsForm
from .kinds import person_kinds
from .models import COMMENT_SUBJECTS, Subject
from .permissions import can_set_rights
from .selectors import rules_table


class RightsView(WagtailAdminTemplateMixin, FormView):
    """One table: per kind of person, whose material each subject reaches, and who may comment."""

    template_name = "access/admin/rights.html"
    page_title = gettext_lazy("Query and comment rights")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not can_set_rights(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_form(self, form_class=None):
        return RightsForm(**self.get_form_kwargs(), kinds=person_kinds(), table=rules_table())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        query_subjects = [Subject(value) for value in Subject.values]
        context.update(
            {
                "query_subjects": query_subjects,
                "query_grid": form.grid(Subject.values, [READ]),
                "comment_subjects": [Subject(value) for value in COMMENT_SUBJECTS],
                "comment_grid": form.grid(COMMENT_SUBJECTS, [COMMENT, MODERATION]),
                "query_colspan": len(Subject.values) + 1,
                "comment_colspan": 2 * len(COMMENT_SUBJECTS) + 1,
            }
        )
        return context

    def form_invalid(self, form):
        messages.error(self.request, _("The rights were not saved: choose one of the values offered in every cell."))
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        changed = services.access_rules_save(user=self.request.user, rows=form.rows())
        messages.success(self.request, _("Rights saved (%(count)d changed).") % {"count": changed})
        return redirect("access_admin:rights")

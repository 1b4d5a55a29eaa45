"""Moderation of units' public pages (PORTAL-1): a unit administrator's edits wait for the
office, which sees what changed as Wagtail's revision comparison shows it and approves or
returns them; units the office trusts publish directly."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.compare import diff_text
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from kaohe.core.pagination import admin_page
from kaohe.core.rules import is_office
from kaohe.core.viewsets import RuleEditView

from .models import Unit, UnitPageChange
from .services import (
    unit_page_change_approve,
    unit_page_change_reject,
    unit_page_change_submit,
    unit_page_moderated,
    unit_page_values,
)


def field_label(name: str) -> str:
    return str(Unit._meta.get_field(name).verbose_name)


def change_rows(change: UnitPageChange, live: dict[str, str]) -> list[dict]:
    """Each changed field: its label, the live text, the proposed text and the two marked up
    as Wagtail's comparison does (escaped, with the additions and deletions in spans)."""
    return [
        {
            "label": field_label(name),
            "before": live[name],
            "after": change.after[name],
            "diff": mark_safe(diff_text(live[name], change.after[name]).to_html()),  # noqa: S308 (escaped by to_html)
            "stale": live[name] != change.before.get(name, ""),
        }
        for name in change.fields
    ]


class UnitEditView(RuleEditView):
    """The unit's edit screen: a moderated user's changes to the public fields become a change
    awaiting approval (and the form shows the pending values); everyone else saves as before."""

    def moderated(self) -> bool:
        return unit_page_moderated(user=self.request.user, unit=self.object)

    def pending(self) -> UnitPageChange | None:
        return self.object.page_changes.filter(status=UnitPageChange.Status.PENDING).first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        pending = self.pending() if self.moderated() else None
        if pending is not None:
            kwargs["initial"] = {**kwargs.get("initial", {}), **pending.after}
        return kwargs

    def get(self, request, *args, **kwargs):
        if self.moderated():
            pending = self.pending()
            if pending is not None:
                messages.warning(
                    request,
                    _(
                        "Your changes of %(date)s await the office's approval; the form shows them, the public "
                        "page shows the approved version."
                    )
                    % {"date": f"{pending.submitted_at:%Y-%m-%d %H:%M}"},
                )
            else:
                messages.info(
                    request, _("Changes to duties, organisation and contacts go live after the office approves them.")
                )
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        if not self.moderated():
            return super().form_valid(form)
        change = unit_page_change_submit(unit=self.object, data=form.cleaned_data, user=self.request.user)
        if change is None:
            messages.info(self.request, _("Nothing differs from the public page."))
        else:
            messages.success(
                self.request,
                _("Sent to the assessment office: the public page shows your changes once the office approves them."),
            )
        return redirect(reverse(self.edit_url_name, args=[self.object.pk]))


class OfficeOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PageChangeListView(OfficeOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Changes awaiting approval, each with what it changes; the decided ones below."""

    page_title = gettext_lazy("Unit page changes")
    header_icon = "site"
    template_name = "org/admin/page_changes.html"

    def get_context_data(self, **kwargs):
        pending = list(
            UnitPageChange.objects.filter(status=UnitPageChange.Status.PENDING)
            .select_related("unit", "submitted_by")
            .order_by("submitted_at")
        )
        units = Unit.objects.filter(pk__in=[c.unit_id for c in pending])
        live = {unit.pk: unit_page_values(unit=unit) for unit in units}
        for change in pending:
            change.rows = change_rows(change, live[change.unit_id])
        decided = UnitPageChange.objects.exclude(status=UnitPageChange.Status.PENDING).select_related(
            "unit", "submitted_by", "decided_by"
        )
        return super().get_context_data(
            pending=pending,
            page_obj=admin_page(self.request, decided),
            trusted=Unit.objects.filter(publishes_directly=True).order_by("name"),
            **kwargs,
        )


class PageChangeDecideView(OfficeOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        change = get_object_or_404(UnitPageChange, pk=pk)
        try:
            if request.POST.get("decision") == "approve":
                unit_page_change_approve(change=change, user=request.user)
                messages.success(request, _("%(unit)s: the change is live.") % {"unit": change.unit.name})
            else:
                unit_page_change_reject(change=change, user=request.user, note=request.POST.get("note", ""))
                messages.success(request, _("%(unit)s: the change is returned.") % {"unit": change.unit.name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("org_pages:index")

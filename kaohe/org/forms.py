"""Admin forms for organisation records: a unit administrator's choices are
limited to their own unit, and only the office changes a unit's place in
the county's structure."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from kaohe.core.rules import is_office

from .models import Cadre, Team, Unit, periods_overlap
from .permissions import cadre_rules

OFFICE_ONLY_HELP = _("Only the assessment office changes this.")


class OrgAdminForm(WagtailAdminModelForm):
    """Base form: knows whether the user edits for the office or for one unit.

    ``office_only_fields`` are shown but disabled for anyone but the office: the
    identifiers that link a record to the cadre-management system (``external_id``)
    decide whose results go back to it (SYS-3), so a unit does not remap them."""

    office_only_fields: tuple[str, ...] = ("external_id",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.limited_to_unit is not None:
            for name in self.office_only_fields:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = OFFICE_ONLY_HELP

    @property
    def limited_to_unit(self):
        user = self.for_user
        if user is None or is_office(user):
            return None
        return user.unit_id

    def limit_to_unit(self, field_name: str, queryset):
        field = self.fields.get(field_name)
        if field is None or self.limited_to_unit is None:
            return
        field.queryset = queryset
        field.required = True
        field.empty_label = None


def limit_cadre_choice(form, user) -> None:
    """The form's cadre field offers, and accepts, only the cadres ``user`` may pick, plus the one
    already in the record (a seat kept by a cadre who has since moved units stays as it is)."""
    field = form.fields.get("cadre")
    if field is None:
        return
    current = getattr(form.instance, "cadre_id", None)
    field.queryset = Cadre.objects.filter(
        Q(pk__in=cadre_rules.choosable(user).values("pk")) | Q(pk=current or 0)
    ).select_related("unit")


class UnitAdminForm(OrgAdminForm):
    office_only_fields = ("name", "kind", "parent", "external_id", "sort_order", "is_active", "publishes_directly")


class TeamAdminForm(OrgAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_unit("unit", Unit.objects.filter(pk=self.limited_to_unit))
        formset = self.formsets.get("memberships")
        if formset is not None and self.limited_to_unit is not None:
            for form in formset.forms:
                limit_cadre_choice(form, self.for_user)
                if "external_id" in form.fields:
                    form.fields["external_id"].disabled = True
                    form.fields["external_id"].help_text = OFFICE_ONLY_HELP

    def is_valid(self):
        # The rows are only cleaned once the formset has validated, after the
        # form's own clean(); and two new rows of one cadre are not in the
        # database yet, so the model's check cannot see them: compare here.
        valid = super().is_valid()
        formset = self.formsets.get("memberships")
        if not valid or formset is None:
            return valid
        rows = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("cadre")
        ]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if a["cadre"] == b["cadre"] and periods_overlap(
                    a.get("start_date"), a.get("end_date"), b.get("start_date"), b.get("end_date")
                ):
                    self.add_error(
                        None, _("%(cadre)s is listed twice in this team for the same period.") % {"cadre": a["cadre"]}
                    )
                    return False
        return True


class MembershipAdminForm(OrgAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_unit("team", Team.objects.filter(unit_id=self.limited_to_unit))
        if self.limited_to_unit is not None:
            limit_cadre_choice(self, self.for_user)


class CadreAdminForm(OrgAdminForm):
    office_only_fields = ("external_id", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_unit("unit", Unit.objects.filter(pk=self.limited_to_unit))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class WorkbookImportForm(forms.Form):
    workbook = forms.FileField(
        label=_("Filled-in workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class LrmxImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Appointment forms (.lrmx), or zips of them"),
        widget=MultipleFileInput(attrs={"accept": ".lrmx,.zip"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        empty_label=_("Found from each cadre's current position"),
        help_text=_("Put every cadre of these forms in this unit; otherwise the unit that starts the position."),
    )

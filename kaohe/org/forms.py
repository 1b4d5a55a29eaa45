"""Admin forms for organisation records: a unit administrator's choices are
limited to their own unit, and only the office changes a unit's place in
the county's structure."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from kaohe.core.rules import is_office

from .models import Team, Unit, periods_overlap


class OrgAdminForm(WagtailAdminModelForm):
    """Base form: knows whether the user edits for the office or for one unit."""

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


class UnitAdminForm(OrgAdminForm):
    office_only_fields = ("name", "kind", "parent", "external_id", "sort_order", "is_active", "publishes_directly")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.limited_to_unit is not None:
            for name in self.office_only_fields:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Only the assessment office changes this.")


class TeamAdminForm(OrgAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_unit("unit", Unit.objects.filter(pk=self.limited_to_unit))

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


class CadreAdminForm(OrgAdminForm):
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

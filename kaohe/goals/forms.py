"""Forms of the goal tree, decomposition and progress screens."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaohe.org.selectors import active_cadres, active_units

from .models import AssignmentRole, Goal, GoalPlan, GoalType, Indicator, ProgressEntry, ReportAttachment, period_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GoalForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = [
            "name",
            "kind",
            "goal_type",
            "source",
            "supervising_unit",
            "weight",
            "importance",
            "start_date",
            "due_date",
            "indicator",
            "plan_value",
            "criteria",
        ]
        widgets = {
            "start_date": DATE,
            "due_date": DATE,
            "name": forms.TextInput(attrs={"autofocus": True}),
            "criteria": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True).select_related("measure_unit")
        self.fields["supervising_unit"].queryset = active_units().select_related("kind")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class NewPlanForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=active_units())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    copy_previous = forms.BooleanField(
        label=_("Start from last year's goals"),
        required=False,
        initial=True,
        help_text=_("Copies the tree of the year before, with dates moved by one year."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        unit, year = data.get("unit"), data.get("year")
        if unit and year and GoalPlan.objects.filter(unit=unit, year=year).exists():
            raise ValidationError(_("%(unit)s already has goals for %(year)s.") % {"unit": unit, "year": year})
        return data


class AssignmentRowForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("cadre"), queryset=active_cadres().none())
    role = forms.ModelChoiceField(label=_("goal role"), queryset=AssignmentRole.objects.all(), empty_label=None)

    def __init__(self, *args, cadres=None, default_role=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["cadre"].queryset = cadres
        # The role list opens on its first role; an extra row left that way is
        # unchanged, not a row missing its cadre.
        self.fields["role"].initial = default_role


class BaseAssignmentFormSet(forms.BaseFormSet):
    def __init__(self, *args, cadres=None, **kwargs):
        self.cadres = cadres
        first = AssignmentRole.objects.order_by("sort_order", "name").first()
        self.default_role = first.pk if first else None
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"cadres": self.cadres, "default_role": self.default_role}

    def clean(self):
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            cadre = form.cleaned_data.get("cadre")
            if cadre in seen:
                raise ValidationError(_("%(cadre)s is listed twice.") % {"cadre": cadre})
            seen.add(cadre)


AssignmentFormSet = forms.formset_factory(AssignmentRowForm, formset=BaseAssignmentFormSet, extra=1, can_delete=True)


class ProgressEntryForm(forms.ModelForm):
    class Meta:
        model = ProgressEntry
        fields = ["actual_value", "estimated_progress", "work_done", "delay_reasons", "lessons"]
        widgets = {
            "work_done": forms.Textarea(attrs={"rows": 2}),
            "delay_reasons": forms.Textarea(attrs={"rows": 2}),
            "lessons": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, goal: Goal, locked: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.locked = locked
        if goal.is_quantitative:
            del self.fields["estimated_progress"]
        else:
            del self.fields["actual_value"]
        if locked:
            # A locked goal's entry is shown as it is and cannot be changed (SCORE-1, RES-4).
            for form_field in self.fields.values():
                form_field.disabled = True

    def clean_actual_value(self):
        value = self.cleaned_data.get("actual_value")
        if value is not None and value < 0 and (self.goal.plan_value or 0) >= 0:
            raise ValidationError(_("The actual value cannot be negative."))
        return value


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = ReportAttachment
        fields = ["title", "file"]

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data.get("file")
        limit = getattr(settings, "PORTAL_MAX_UPLOAD_MB", 20)
        if upload and upload.size > limit * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload


class ImportForm(forms.Form):
    workbook = forms.FileField(label=_("Filled-in workbook (.xlsx)"))


class GoalFilterForm(forms.Form):
    """Query goals from every angle (GOAL-7, SUP-6)."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=active_units(), required=False)
    supervising_unit = forms.ModelChoiceField(
        label=_("supervising department"), queryset=active_units(), required=False
    )
    goal_type = forms.ModelChoiceField(label=_("goal type"), queryset=GoalType.objects.all(), required=False)
    cadre = forms.ModelChoiceField(label=_("cadre"), queryset=active_cadres(), required=False)
    period = forms.ChoiceField(label=_("progress as of"), required=False)
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["period"].choices = [("", _("Latest report"))] + list(period_choices())

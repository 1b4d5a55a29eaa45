"""Forms of the cycle's admin screens and portal pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from kaohe.core.rules import is_office
from kaohe.org.selectors import active_cadres, all_teams

from .attachments import ATTACHMENT_EXTENSIONS, validate_attachment
from .models import Commitment, GoalGrade, Inspection, OverallGrade, WorkReport
from .selectors import linkable_goals


class GoalChoiceField(forms.ModelMultipleChoiceField):
    """Goals labelled with their unit when the list spans units (the office's)."""

    with_unit = False

    def label_from_instance(self, goal):
        return f"{goal.plan.unit.name} · {goal.name}" if self.with_unit else goal.name


class TargetAdminForm(WagtailAdminModelForm):
    """Base of the admin forms about a team or a cadre.

    A unit administrator chooses only their own unit's team and cadres, and goals of their
    own unit's plan; the office chooses any. ``office_only`` fields are left out for others.
    Whatever the page offered, ``clean`` checks the choice again on the server."""

    office_only: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.office = user is not None and is_office(user)
        self.own_unit_id = None if self.office or user is None else user.unit_id
        if not self.office:
            for name in self.office_only:
                self.fields.pop(name, None)
        unit_id = self.own_unit_id if not self.office else (self.instance.unit_id if self.instance.pk else None)
        teams = all_teams().select_related("unit").order_by("unit__name", "name")
        cadres = active_cadres().select_related("unit").order_by("unit__name", "name")
        if unit_id is not None:
            teams, cadres = teams.filter(unit_id=unit_id), cadres.filter(unit_id=unit_id)
        elif not self.office:
            teams, cadres = teams.none(), cadres.none()
        if "team" in self.fields:
            self.fields["team"].queryset = teams
            self.fields["team"].label_from_instance = lambda team: str(team)
        if "cadre" in self.fields:
            self.fields["cadre"].queryset = cadres
            self.fields["cadre"].label_from_instance = lambda cadre: f"{cadre.name}（{cadre.position}）"
        if "goals" in self.fields:
            year = self.initial.get("year") or getattr(self.instance, "year", None) or timezone.localdate().year
            field = GoalChoiceField(
                queryset=linkable_goals(unit_id=unit_id, year=year),
                required=False,
                label=self.fields["goals"].label,
                help_text=_("Goals of the unit's plan for the year."),
                widget=forms.SelectMultiple(attrs={"size": 8}) if unit_id is None else forms.CheckboxSelectMultiple,
            )
            field.with_unit = unit_id is None
            field.initial = self.fields["goals"].initial
            self.fields["goals"] = field

    def clean(self):
        cleaned = super().clean()
        team, cadre = cleaned.get("team"), cleaned.get("cadre")
        if bool(team) == bool(cadre):
            raise ValidationError(_("Choose either a leadership team or a cadre."))
        unit_id = cadre.unit_id if cadre else team.unit_id
        if self.own_unit_id is not None and unit_id != self.own_unit_id:
            raise ValidationError(_("You may only write for your own unit's team and cadres."))
        goals = cleaned.get("goals")
        year = self.target_year(cleaned)
        if goals:
            wrong = [goal for goal in goals if goal.plan.unit_id != unit_id or (year and goal.plan.year != year)]
            if wrong:
                self.add_error(
                    "goals",
                    _("“%(goal)s” is not a goal of this unit for this year.") % {"goal": wrong[0].name},
                )
        return cleaned

    def target_year(self, cleaned) -> int | None:
        return cleaned.get("year") or getattr(self.instance, "year", None)


class CommitmentAdminForm(TargetAdminForm):
    office_only = ("status", "review_note", "outcome", "outcome_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and "year" in self.fields:
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        if self.office:
            status = cleaned.get("status")
            if cleaned.get("outcome") and status != Commitment.Status.PUBLISHED:
                self.add_error("outcome", _("Only a published commitment can be marked kept or not kept."))
            if status == Commitment.Status.RETURNED and not (cleaned.get("review_note") or "").strip():
                self.add_error("review_note", _("Say what the unit should change."))
        return cleaned

    def save(self, commit=True):
        commitment = self.instance
        if not self.office:
            # A unit's change goes back to the office for review.
            commitment.status = Commitment.Status.SUBMITTED
        if commitment.status == Commitment.Status.PUBLISHED and commitment.published_at is None:
            commitment.published_at = timezone.now()
        elif commitment.status != Commitment.Status.PUBLISHED:
            commitment.published_at = None
        if commitment.pk is None and self.for_user is not None:
            commitment.created_by = self.for_user
        return super().save(commit=commit)


class WorkRecordAdminForm(TargetAdminForm):
    """A unit administrator records work for their cadres or their team (CYCLE-2)."""

    def target_year(self, cleaned) -> int | None:
        day = cleaned.get("date")
        return day.year if day else None

    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the field's validators. ``max_files`` at most."""

    max_files = 5

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > self.max_files:
            raise ValidationError(_("Attach at most %(count)d files.") % {"count": self.max_files})
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class OwnCommitmentForm(forms.Form):
    """A cadre writes their own commitment on the portal (CYCLE-1)."""

    text = forms.CharField(label=_("commitment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label=_("due date"), widget=forms.DateInput(attrs={"type": "date"}))
    goals = forms.ModelMultipleChoiceField(
        label=_("linked goals"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = linkable_goals(unit_id=cadre.unit_id, year=timezone.localdate().year)


class OwnRecordForm(forms.Form):
    """A cadre records their own work on the portal (CYCLE-2)."""

    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label=_("work done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    goals = forms.ModelMultipleChoiceField(
        label=_("linked goals"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    files = MultipleFileField(
        label=_("attachments"),
        required=False,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment],
        help_text=_("PDF, Word, Excel, WPS, text or a photo (JPEG, PNG)."),
    )

    def __init__(self, *args, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadre = cadre
        self.fields["goals"].queryset = linkable_goals(unit_id=cadre.unit_id, year=timezone.localdate().year)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("A work record tells what was done: its date cannot be in the future."))
        return day


class WorkReportForm(forms.ModelForm):
    """The report's text or document and the overall self-grade (CYCLE-3); one
    ``GoalGradeForm`` per goal goes with it."""

    class Meta:
        model = WorkReport
        fields = ["body", "document", "overall_grade", "overall_reasons"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "overall_reasons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].validators = [FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment]

    def _post_clean(self):
        # The target, year and unit are set by the service; only the fields are checked here.
        pass


class GoalGradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("self-grade"), choices=[("", "—")] + GoalGrade.choices, required=False)
    reasons = forms.CharField(
        label=_("reasons"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


OVERALL_CHOICES = [("", "—")] + OverallGrade.choices


class InspectionForm(forms.ModelForm):
    """The group's opinion and score or grade for one team or cadre (CYCLE-4)."""

    class Meta:
        model = Inspection
        fields = ["opinion", "score", "grade"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].validators += [MinValueValidator(0), MaxValueValidator(100)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("score") is None and not cleaned.get("grade"):
            raise ValidationError(_("Give a score or a grade."))
        return cleaned

    def _post_clean(self):
        # The target, year and group are set by the service.
        pass

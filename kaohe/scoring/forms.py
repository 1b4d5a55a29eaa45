from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GoalScore, ScoreGrade


class GoalScoreForm(forms.Form):
    """One goal's score on the scoring sheet (SCORE-1, SCORE-2). The service checks the limits."""

    method = forms.ChoiceField(label=_("scoring method"), choices=GoalScore.Method.choices, widget=forms.RadioSelect)
    standard_score = forms.DecimalField(
        label=_("standard score"),
        max_digits=7,
        decimal_places=2,
        required=False,
        error_messages={"invalid": _("The standard score must be a number.")},
    )
    score = forms.DecimalField(
        label=_("score"),
        max_digits=7,
        decimal_places=2,
        required=False,
        error_messages={"invalid": _("The score must be a number.")},
    )
    grade = forms.ModelChoiceField(
        label=_("grade"),
        queryset=ScoreGrade.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("This grade is not in the grade table.")},
    )
    reason = forms.CharField(
        label=_("reason for deductions"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("method") == GoalScore.Method.GRADE and not data.get("grade") and "grade" not in self.errors:
            self.add_error("grade", _("Choose a grade from the table."))
        if data.get("method") == GoalScore.Method.DIRECT and data.get("score") is None and "score" not in self.errors:
            self.add_error("score", _("Enter the score."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for reopening"),
        max_length=500,
        error_messages={"required": _("Say why the locked score is reopened; the reason is logged.")},
    )

"""Forms of the evaluation: admin set-up forms that refuse inconsistent set-ups,
and the office's and evaluators' small forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from kaohe.org.selectors import unit_kinds

from . import codes
from .models import (
    Ballot,
    BallotBoxEntry,
    EvaluationTask,
    EvaluatorCategory,
    IndicatorSystem,
    TargetCategory,
    TaskRater,
)


def _live_rows(formset):
    """Cleaned rows of an inline formset that are kept (not deleted, not empty)."""
    if formset is None:
        return []
    return [
        form.cleaned_data
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


def _structure_changed(formset, fields: set[str]) -> bool:
    if formset is None:
        return False
    for form in formset.forms:
        if not form.has_changed():
            continue
        if form.instance.pk is None or (getattr(form, "cleaned_data", None) or {}).get("DELETE"):
            return True
        if fields & set(form.changed_data):
            return True
    return False


class IndicatorSystemAdminForm(WagtailAdminModelForm):
    """An indicator system needs indicators and a usable scale; once ballots rate on it, its scoring is frozen."""

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        indicators = _live_rows(self.formsets.get("indicators"))
        levels = _live_rows(self.formsets.get("levels"))
        scale = self.cleaned_data.get("scale")
        problems = []
        if not indicators:
            problems.append(_("Add at least one indicator."))
        if scale == IndicatorSystem.Scale.LEVELS:
            keys = [str(row.get("code", "")).upper() for row in levels]
            if len(levels) < 2:
                problems.append(_("A scale of levels needs at least two levels."))
            if len(set(keys)) != len(keys):
                problems.append(_("Each level needs its own key."))
            if any(not key.isalnum() for key in keys):
                problems.append(_("A level's key is one letter or digit."))
            if levels and max(row.get("points") or 0 for row in levels) <= 0:
                problems.append(_("The best level must be worth more than zero points."))
        if self.instance.pk and (
            Ballot.objects.filter(task__raters__indicator_system=self.instance).exists()
            or BallotBoxEntry.objects.filter(task__raters__indicator_system=self.instance).exists()
        ):
            scoring_changed = (
                _structure_changed(self.formsets.get("indicators"), {"weight"})
                or _structure_changed(self.formsets.get("levels"), {"code", "points", "band"})
                or {"scale", "scale_min", "scale_max", "excellent_from", "bottom_below"} & set(self.changed_data)
            )
            if scoring_changed:
                problems.append(
                    _(
                        "Ballots have been cast on this system: its indicators, weights and scale can no longer "
                        "change. Copy it to make a new version."
                    )
                )
        for problem in problems:
            self.add_error(None, problem)
        return not problems


class EvaluationTaskAdminForm(WagtailAdminModelForm):
    """A task's targets match their categories, each target category is rated, and the set-up freezes with the
    first ballot.
    """

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        problems = []
        targets = _live_rows(self.formsets.get("targets"))
        raters = _live_rows(self.formsets.get("raters"))
        teams = [row["team"].pk for row in targets if row.get("team")]
        cadres = [row["cadre"].pk for row in targets if row.get("cadre")]
        if len(set(teams)) != len(teams) or len(set(cadres)) != len(cadres):
            problems.append(_("A team or cadre is listed twice among the targets."))
        pairs = [
            (row["evaluator_category"].pk, row["target_category"].pk)
            for row in raters
            if row.get("evaluator_category") and row.get("target_category")
        ]
        if len(set(pairs)) != len(pairs):
            problems.append(_("An evaluator category is assigned twice to the same target category."))
        rated = {row["target_category"].pk for row in raters if row.get("target_category")}
        unrated = sorted(
            {
                row["target_category"].name
                for row in targets
                if row.get("target_category") and row["target_category"].pk not in rated
            }
        )
        if unrated:
            problems.append(
                _("No evaluator category rates these target categories: %(names)s.") % {"names": "、".join(unrated)}
            )
        instance = self.instance
        if instance.pk and instance.has_cast_ballots():
            if _structure_changed(
                self.formsets.get("targets"), {"target_category", "team", "cadre"}
            ) or _structure_changed(
                self.formsets.get("raters"),
                {
                    "evaluator_category",
                    "target_category",
                    "indicator_system",
                    "max_excellent_percent",
                    "max_excellent_count",
                    "min_bottom_percent",
                    "min_bottom_count",
                },
            ):
                problems.append(
                    _(
                        "Ballots have been cast: the targets, evaluator categories, systems and quotas can no "
                        "longer change. Only weights, times and texts can."
                    )
                )
        if instance.pk and instance.is_closed and self.has_changed():
            problems.append(_("The task is closed: its results have been computed."))
        for problem in problems:
            self.add_error(None, problem)
        return not problems


class GenerateAccountsForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Evaluator category"), queryset=EvaluatorCategory.objects.none())
    count = forms.IntegerField(
        label=_("Number of accounts"),
        min_value=1,
        max_value=3000,
        initial=10,
        help_text=_("At most 3,000 at a time: their slips print in the background, in about half a minute for 3,000."),
    )

    def __init__(self, *args, task: EvaluationTask, **kwargs):
        super().__init__(*args, **kwargs)
        ids = TaskRater.objects.filter(task=task).values_list("evaluator_category_id", flat=True)
        self.fields["category"].queryset = EvaluatorCategory.objects.filter(pk__in=ids)


class RevokeAccountForm(forms.Form):
    serial = forms.IntegerField(label=_("Number on the slip"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("e.g. slip lost, wrong category"))


class AddTargetsForm(forms.Form):
    """Add many targets at once: the teams of a kind of unit, or their members."""

    target_category = forms.ModelChoiceField(label=_("Target category"), queryset=TargetCategory.objects.all())
    unit_kind = forms.ModelChoiceField(label=_("Units of kind"), queryset=unit_kinds())
    main_leaders_only = forms.BooleanField(
        label=_("Only each team's first member"),
        required=False,
        help_text=_("For a category of cadres: the first seat of each team, usually its main leader."),
    )


class SignInForm(forms.Form):
    code = forms.CharField(
        label=_("Evaluation code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "placeholder": "XXXX-XXXX-XXXX-XXXX-X",
                "inputmode": "text",
            }
        ),
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_receipt(self):
        return codes.normalise(self.cleaned_data["receipt"])


class PaperBallotForm(forms.Form):
    """The office types one paper ballot: its slip's number, one line per target, and whether it was spoiled.

    Each target's line holds one key per indicator (``ABBA`` for four
    indicators, a space or ``-`` for a blank); on a numeric scale, the
    numbers separated by spaces.
    """

    paper_serial = forms.CharField(
        label=_("Slip number"),
        max_length=30,
        help_text=_("The number of the evaluator's slip, written on the paper ballot: that slip can no longer vote."),
    )
    spoiled_reason = forms.CharField(
        label=_("Spoiled: reason"),
        max_length=300,
        required=False,
        help_text=_("Fill in only if the ballot is invalid as a whole, e.g. illegible or signed."),
    )

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for section in sheet.sections:
            for target in section.targets:
                self.fields[f"t{target.pk}"] = forms.CharField(
                    label=target.display_name,
                    required=False,
                    max_length=400,
                    strip=False,
                    widget=forms.TextInput(
                        attrs={
                            "autocomplete": "off",
                            "spellcheck": "false",
                            "class": "paper-row",
                            "data-length": len(section.indicators),
                            "data-numeric": "1" if section.numeric else "",
                        }
                    ),
                )

    def rows(self):
        for section in self.sheet.sections:
            yield section, [(target, self[f"t{target.pk}"]) for target in section.targets]

    def clean(self):
        cleaned = super().clean()
        answers: dict[str, dict[str, str]] = {}
        for section in self.sheet.sections:
            count = len(section.indicators)
            for target in section.targets:
                name = f"t{target.pk}"
                text = (cleaned.get(name) or "").rstrip()
                if not text.strip():
                    continue
                if section.numeric:
                    values = [v if v not in ("-", "") else "" for v in text.split()]
                else:
                    values = ["" if ch in " -" else ch for ch in text.replace("\t", "")]
                if len(values) > count:
                    self.add_error(name, _("%(count)s values expected, one per indicator.") % {"count": count})
                    continue
                row = {}
                for indicator, value in zip(section.indicators, values, strict=False):
                    if value == "":
                        continue
                    parsed = section.parse(value)
                    if parsed is None:
                        self.add_error(
                            name,
                            _("“%(value)s” is not a rating of “%(indicator)s”.")
                            % {"value": value, "indicator": indicator.name},
                        )
                        break
                    row[str(indicator.pk)] = parsed
                if row:
                    answers[str(target.pk)] = row
        cleaned["answers"] = answers
        return cleaned


class CopySystemForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=pgettext_lazy("thing", "name"), max_length=100)


class PaperVoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    free_slip = forms.BooleanField(
        label=_("The slip number was typed wrong"),
        required=False,
        help_text=_("Removes this entry and frees the slip; then type the paper again under its right number."),
    )


class PaperCorrectForm(PaperBallotForm):
    """The ratings of a typed paper ballot, corrected after checking the paper, with the reason."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, sheet=sheet, **kwargs)
        del self.fields["paper_serial"]

    @staticmethod
    def initial_for(ballot, sheet) -> dict:
        """The form's lines from a ballot's answers: one key per indicator, “-” for a blank."""
        initial = {}
        for section in sheet.sections:
            for target in section.targets:
                row = ballot.answers.get(str(target.pk), {})
                values = [row.get(str(indicator.pk), "-") for indicator in section.indicators]
                initial[f"t{target.pk}"] = (" " if section.numeric else "").join(values).rstrip("-").rstrip()
        return initial

"""The office's scoring screens in the Wagtail admin (SCORE-1..SCORE-3).

``/admin/scoring/<year>/``: every unit's progress in scoring and its goal
score; ``/admin/scoring/<year>/unit/<id>/``: the scoring sheet of one unit,
with the plan, every report, the history and the comments of each goal beside
its score form; ``/admin/scoring/<year>/cadres/``: the cadres' goal scores.
Every view checks the rules on the server. The screens are Wagtail's generic
class-based views on its generic templates; they read through ``selectors`` and
write through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.core.exports import xlsx_row
from kaohe.core.pagination import admin_page
from kaohe.core.screens import YearScreen
from kaohe.org.selectors import unit_kind, unit_kinds

from . import selectors, services
from .forms import GoalScoreForm, ReopenForm
from .models import GoalScore
from .permissions import goal_score_rules


def _xlsx(name, header, rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:30])
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    workbook.save(response)
    return response


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class ScoringView(YearScreen):
    """Base of the scoring screens: the reader must have the rule's ``action``;
    ``load`` then loads what the URL names."""

    action = "view"
    header_icon = "pick"
    area_label = gettext_lazy("Goal scoring")
    area_url = "scoring_admin:home"
    year_url = "scoring_admin:year"

    def allowed(self, user) -> bool:
        return goal_score_rules.can(user, self.get_action())

    def get_action(self) -> str:
        return self.action

    def get_context_data(self, **kwargs):
        kwargs.update(year=self.year, years=selectors.scoring_years())
        return super().get_context_data(**kwargs)


class ScoringHomeView(ScoringView):
    """The latest year with published goals, or a word that there is none."""

    template_name = "scoring/admin/empty.html"
    page_title = gettext_lazy("Goal scoring")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        years = selectors.scoring_years()
        if years:
            return redirect("scoring_admin:year", years[0])
        return super().get(request, *args, **kwargs)


class ScoringYearView(ScoringView):
    """Every unit with a published plan this year: scores by status and the unit's goal score."""

    template_name = "scoring/admin/year.html"

    def get_page_title(self):
        return _("Goal scoring %(year)s") % {"year": self.year}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("scoring_admin:home"), "label": _("Goal scoring")},
            {"url": "", "label": str(self.year)},
        ]

    def get(self, request, *args, **kwargs):
        kind_id = request.GET.get("kind") or ""
        self.query = (request.GET.get("q") or "").strip()
        self.kind = unit_kind(pk=int(kind_id)) if kind_id.isdigit() else None
        self.rows = selectors.unit_scoring_overview(year=self.year, kind=self.kind, query=self.query)
        if request.GET.get("export") == "xlsx":
            return self.spreadsheet()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=self.rows,
            kinds=unit_kinds(),
            kind=self.kind,
            query=self.query,
            may_score=goal_score_rules.can(self.request.user, "score"),
            **kwargs,
        )

    def spreadsheet(self):
        header = [
            _("unit"),
            _("unit kind"),
            _("goal score"),
            _("goals counted"),
            _("goals scored"),
            _("goals not yet scored"),
            _("drafts"),
            _("reviewed"),
            _("locked"),
        ]
        data = []
        for row in self.rows:
            result = row["result"]
            data.append(
                [
                    row["unit"].name,
                    row["unit"].kind.name,
                    result.score if result else None,
                    result.counted_goals if result else None,
                    result.scored_goals if result else None,
                    result.unscored_goals if result else None,
                    row["draft"],
                    row["reviewed"],
                    row["locked"],
                ]
            )
        return _xlsx(f"unit-goal-scores-{self.year}", header, data)


class ScoringCadresView(ScoringView):
    """The cadres' goal scores of the year, from their goals and roles."""

    template_name = "scoring/admin/cadres.html"
    header_icon = "user"

    def get_page_title(self):
        return _("Cadres' goal scores %(year)s") % {"year": self.year}

    def get(self, request, *args, **kwargs):
        self.query = (request.GET.get("q") or "").strip()
        self.scores = selectors.cadre_scores(year=self.year, query=self.query)
        if request.GET.get("export") == "xlsx":
            header = [_("cadre"), _("unit"), _("position"), _("goal score"), _("goals assigned"), _("goals scored")]
            rows = (
                [
                    s.cadre.name,
                    s.cadre.unit.name if s.cadre.unit else "",
                    s.cadre.position,
                    s.score,
                    s.assigned_goals,
                    s.scored_goals,
                ]
                for s in self.scores
            )
            return _xlsx(f"cadre-goal-scores-{self.year}", header, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_obj=admin_page(self.request, self.scores, per_page=100), query=self.query, **kwargs
        )


class SheetView(ScoringView):
    """The scoring sheet of one unit (SCORE-3)."""

    template_name = "scoring/admin/sheet.html"

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        self.plan = selectors.published_plan(year=self.year, unit_id=kwargs["unit_id"])
        if self.plan is None:
            raise Http404

    def get_page_title(self):
        return _("Scoring %(unit)s %(year)s") % {"unit": self.plan.unit.name, "year": self.year}

    def get_context_data(self, forms=None, **kwargs):
        user = self.request.user
        sheet = selectors.scoring_sheet(plan=self.plan, user=user)
        may_score = goal_score_rules.can(user, "score")
        forms = forms or {}
        # One list of grades for every form's drop-down, not one query per goal.
        grade_choices = [("", "---------")] + [(grade.pk, str(grade)) for grade in sheet["grades"]]
        for item in sheet["goals"]:
            if item.goal.pk in forms:
                item.form = forms[item.goal.pk]
            elif may_score and item.counts and not (item.score and item.score.is_locked):
                initial = {
                    "method": item.score.method if item.score else GoalScore.Method.GRADE,
                    "standard_score": item.score.standard_score if item.score else item.default_standard,
                }
                if item.score:
                    initial.update(
                        {"score": item.score.score, "grade": item.score.grade_id, "reason": item.score.reason}
                    )
                elif item.proposes_full:
                    # SCORE-1: completed and verified: the full standard score, which the scorer
                    # may lower (the service asks for the reason of any deduction).
                    initial.update({"method": GoalScore.Method.DIRECT, "score": item.default_standard})
                item.form = GoalScoreForm(initial=initial, prefix=f"g{item.goal.pk}")
            else:
                item.form = None
            if item.form is not None:
                item.form.fields["grade"].choices = grade_choices
        return super().get_context_data(plan=self.plan, may_score=may_score, **sheet, **kwargs)


class SheetBulkView(SheetView):
    """POST: review all drafts, or lock all reviewed scores, of a unit."""

    http_method_names = ["post"]

    def get_action(self) -> str:
        return "review" if self.request.POST.get("action") == "review" else "lock"

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            if action == "review":
                count = services.plan_scores_review(plan=self.plan, user=request.user)
                messages.success(request, _("%(count)d scores reviewed.") % {"count": count})
            elif action == "lock":
                count = services.plan_scores_lock(plan=self.plan, user=request.user)
                messages.success(request, _("%(count)d scores locked.") % {"count": count})
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("scoring_admin:sheet", self.year, self.plan.unit_id)


class RecomputeView(ScoringView):
    """POST: compute every unit's and cadre's goal score of the year again."""

    action = "score"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        counts = services.goal_scores_compute(year=self.year)
        messages.success(request, _("Goal scores of %(units)d units and %(cadres)d cadres computed.") % counts)
        return redirect("scoring_admin:year", self.year)


class GoalActionView(SheetView):
    """POST: one action on one goal's score; back to the goal on its unit's sheet."""

    http_method_names = ["post"]

    def load(self, **kwargs) -> None:
        self.goal = selectors.goal_for_scoring(pk=kwargs["pk"])
        if self.goal is None:
            raise Http404
        self.year = self.goal.plan.year
        self.plan = self.goal.plan

    def back(self):
        url = reverse("scoring_admin:sheet", args=[self.year, self.plan.unit_id])
        return redirect(f"{url}#goal-{self.goal.pk}")

    def score(self) -> GoalScore:
        record = selectors.score_of_goal(goal=self.goal)
        if record is None:
            raise Http404
        return record

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform()
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, message % {"goal": self.goal.name})
        return self.back()

    def perform(self) -> str:
        """Act on the goal's score; returns the message for the office (with ``%(goal)s``)."""
        raise NotImplementedError


class ScoreGoalView(GoalActionView):
    """POST: score one goal directly or by grade (SCORE-1, SCORE-2)."""

    action = "score"

    def post(self, request, *args, **kwargs):
        goal = self.goal
        form = GoalScoreForm(request.POST, prefix=f"g{goal.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.goal_score(
                    goal=goal,
                    method=data["method"],
                    user=request.user,
                    score=data.get("score"),
                    grade=data.get("grade"),
                    standard_score=data.get("standard_score"),
                    reason=data.get("reason", ""),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("“%(goal)s” is scored.") % {"goal": goal.name})
                return self.back()
        messages.error(request, _("“%(goal)s” was not scored: see the message at the goal.") % {"goal": goal.name})
        self.plan = selectors.published_plan(year=self.year, unit_id=goal.plan.unit_id)
        if self.plan is None:
            raise Http404
        return self.render_to_response(self.get_context_data(forms={goal.pk: form}), status=400)


class ReviewGoalView(GoalActionView):
    action = "review"

    def perform(self):
        services.scores_review(scores=[self.score()], user=self.request.user)
        return _("The score of “%(goal)s” is reviewed.")


class LockGoalView(GoalActionView):
    action = "lock"

    def perform(self):
        services.scores_lock(scores=[self.score()], user=self.request.user)
        return _("The score of “%(goal)s” is locked.")


class ReopenGoalView(GoalActionView):
    """POST: reopen a locked score, with the reason logged."""

    action = "reopen"

    def perform(self):
        form = ReopenForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.score_reopen(score=self.score(), reason=form.cleaned_data["reason"], user=self.request.user)
        return _("The score of “%(goal)s” is reopened.")


class WithdrawGoalView(GoalActionView):
    action = "score"

    def perform(self):
        services.score_withdraw(score=self.score(), user=self.request.user)
        return _("The score of “%(goal)s” is withdrawn.")

"""The office's scoring screens in the Wagtail admin (SCORE-1..SCORE-3).

``/admin/scoring/<year>/``: every unit's progress in scoring and its goal
score; ``/admin/scoring/<year>/unit/<id>/``: the scoring sheet of one unit,
with the plan, every report, the history and the comments of each goal beside
its score form; ``/admin/scoring/<year>/cadres/``: the cadres' goal scores.
Every view checks the rules on the server.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.goals.models import Goal, GoalPlan
from kaohe.org.models import UnitKind

from . import selectors, services
from .forms import GoalScoreForm, ReopenForm
from .models import CadreGoalScore, GoalScore
from .permissions import goal_score_rules


def _require(request, action):
    if not goal_score_rules.can(request.user, action):
        raise PermissionDenied


def scoring_home(request):
    _require(request, "view")
    years = selectors.scoring_years()
    if not years:
        return render(request, "scoring/admin/empty.html", {})
    return redirect("scoring_admin:year", years[0])


def scoring_year(request, year):
    """Every unit with a published plan this year: scores by status and the unit's goal score."""
    _require(request, "view")
    kind_id = request.GET.get("kind") or ""
    query = (request.GET.get("q") or "").strip()
    kind = UnitKind.objects.filter(pk=int(kind_id)).first() if kind_id.isdigit() else None
    rows = selectors.overview(year, kind=kind, query=query)
    if request.GET.get("export") == "xlsx":
        return _overview_sheet(year, rows)
    return render(
        request,
        "scoring/admin/year.html",
        {
            "year": year,
            "years": selectors.scoring_years(),
            "rows": rows,
            "kinds": UnitKind.objects.all(),
            "kind": kind,
            "query": query,
            "may_score": goal_score_rules.can(request.user, "score"),
        },
    )


def _xlsx(name, header, rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:30])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    workbook.save(response)
    return response


def _overview_sheet(year, rows):
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
    for row in rows:
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
    return _xlsx(f"unit-goal-scores-{year}", header, data)


def scoring_cadres(request, year):
    """The cadres' goal scores of the year, from their goals and roles."""
    _require(request, "view")
    scores = (
        CadreGoalScore.objects.filter(year=year)
        .select_related("cadre__unit")
        .order_by("cadre__unit__name", "cadre__name")
    )
    query = (request.GET.get("q") or "").strip()
    if query:
        scores = scores.filter(Q(cadre__name__icontains=query) | Q(cadre__unit__name__icontains=query))
    if request.GET.get("export") == "xlsx":
        header = [_("cadre"), _("unit"), _("position"), _("goal score"), _("goals assigned"), _("goals scored")]
        return _xlsx(
            f"cadre-goal-scores-{year}",
            header,
            (
                [
                    s.cadre.name,
                    s.cadre.unit.name if s.cadre.unit else "",
                    s.cadre.position,
                    s.score,
                    s.assigned_goals,
                    s.scored_goals,
                ]
                for s in scores
            ),
        )
    page = Paginator(scores, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/admin/cadres.html",
        {"year": year, "years": selectors.scoring_years(), "page_obj": page, "query": query},
    )


def _plan(year, unit_id) -> GoalPlan:
    plan = (
        GoalPlan.objects.filter(year=year, unit_id=unit_id, status=GoalPlan.Status.PUBLISHED)
        .select_related("unit")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def scoring_sheet(request, year, unit_id, *, forms=None, status=200):
    """The scoring sheet of one unit (SCORE-3)."""
    _require(request, "view")
    plan = _plan(year, unit_id)
    sheet = selectors.scoring_sheet(plan, request.user)
    may_score = goal_score_rules.can(request.user, "score")
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
                initial.update({"score": item.score.score, "grade": item.score.grade_id, "reason": item.score.reason})
            item.form = GoalScoreForm(initial=initial, prefix=f"g{item.goal.pk}")
        else:
            item.form = None
        if item.form is not None:
            item.form.fields["grade"].choices = grade_choices
    return render(
        request,
        "scoring/admin/sheet.html",
        {"plan": plan, "year": year, "may_score": may_score, **sheet},
        status=status,
    )


def _goal(pk) -> Goal:
    return get_object_or_404(Goal.objects.select_related("plan__unit"), pk=pk)


def _back(goal):
    return redirect(reverse("scoring_admin:sheet", args=[goal.plan.year, goal.plan.unit_id]) + f"#goal-{goal.pk}")


@require_POST
def score_goal(request, pk):
    """Score one goal directly or by grade (SCORE-1, SCORE-2)."""
    _require(request, "score")
    goal = _goal(pk)
    form = GoalScoreForm(request.POST, prefix=f"g{goal.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_score(
                goal,
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
            return _back(goal)
    messages.error(request, _("“%(goal)s” was not scored: see the message at the goal.") % {"goal": goal.name})
    return scoring_sheet(request, goal.plan.year, goal.plan.unit_id, forms={goal.pk: form}, status=400)


def _score_of(goal) -> GoalScore:
    record = GoalScore.objects.filter(goal=goal).first()
    if record is None:
        raise Http404
    return record


@require_POST
def review_goal(request, pk):
    _require(request, "review")
    goal = _goal(pk)
    services.scores_review([_score_of(goal)], user=request.user)
    messages.success(request, _("The score of “%(goal)s” is reviewed.") % {"goal": goal.name})
    return _back(goal)


@require_POST
def lock_goal(request, pk):
    _require(request, "lock")
    goal = _goal(pk)
    try:
        services.scores_lock([_score_of(goal)], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The score of “%(goal)s” is locked.") % {"goal": goal.name})
    return _back(goal)


@require_POST
def reopen_goal(request, pk):
    """Reopen a locked score, with the reason logged."""
    _require(request, "reopen")
    goal = _goal(pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return _back(goal)
    try:
        services.score_reopen(_score_of(goal), reason=form.cleaned_data["reason"], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The score of “%(goal)s” is reopened.") % {"goal": goal.name})
    return _back(goal)


@require_POST
def withdraw_goal(request, pk):
    _require(request, "score")
    goal = _goal(pk)
    try:
        services.score_withdraw(_score_of(goal), user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The score of “%(goal)s” is withdrawn.") % {"goal": goal.name})
    return _back(goal)


@require_POST
def sheet_bulk(request, year, unit_id):
    """Review all drafts, or lock all reviewed scores, of a unit."""
    action = request.POST.get("action")
    _require(request, "review" if action == "review" else "lock")
    plan = _plan(year, unit_id)
    scores = list(GoalScore.objects.filter(goal__plan=plan))
    try:
        if action == "review":
            count = services.scores_review(scores, user=request.user)
            messages.success(request, _("%(count)d scores reviewed.") % {"count": count})
        elif action == "lock":
            count = services.scores_lock([s for s in scores if s.status != GoalScore.Status.LOCKED], user=request.user)
            messages.success(request, _("%(count)d scores locked.") % {"count": count})
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("scoring_admin:sheet", year, unit_id)


@require_POST
def recompute(request, year):
    _require(request, "score")
    counts = services.compute_goal_scores(year)
    messages.success(request, _("Goal scores of %(units)d units and %(cadres)d cadres computed.") % counts)
    return redirect("scoring_admin:year", year)

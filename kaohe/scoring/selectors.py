"""Reads of goal scoring: the API for the yearly results, the office's overview,
and the scoring sheet of one unit (SCORE-3). Fixed numbers of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet

from kaohe.core.numbers import round_score
from kaohe.goals.models import (
    PERIOD_ORDER,
    Assignment,
    Goal,
    GoalPlan,
    ProgressEntry,
    completion_percent,
)
from kaohe.goals.selectors import visible_reports

from . import compute
from .models import CadreGoalScore, GoalScore, GoalScoreEvent, RoleWeight, ScoreGrade, UnitGoalScore


def goal_rows(*, goals: QuerySet) -> list[compute.GoalRow]:
    """The goals as ``compute`` reads them: one query."""
    return [
        compute.GoalRow(pk, unit_id, plan_id, parent_id, weight, counts, sort_order)
        for pk, unit_id, plan_id, parent_id, weight, counts, sort_order in goals.values_list(
            "pk", "plan__unit_id", "plan_id", "parent_id", "weight", "counts_in_assessment", "sort_order"
        )
    ]


def plan_forest(*, plan_id: int) -> compute.Forest:
    """The plan's goal tree with each goal's standard score and whether it counts."""
    return compute.build_forest(goal_rows(goals=Goal.objects.filter(plan_id=plan_id)))


def default_standard(*, goal: Goal) -> Decimal:
    """The goal's share of 100 points by the weights down its tree (SCORE-1)."""
    return round_score(plan_forest(plan_id=goal.plan_id).standard[goal.pk])


def role_weights() -> dict[int, Decimal]:
    """{assignment role id: weight} for the cadres' goal scores."""
    return dict(RoleWeight.objects.values_list("role_id", "weight"))


def unit_goal_score(*, unit, year: int) -> Decimal | None:
    """The unit's goal score of ``year`` on a 100-point scale, or None before
    any of its goals is scored. For the yearly results (RES-1)."""
    unit_id = getattr(unit, "pk", unit)
    return UnitGoalScore.objects.filter(unit_id=unit_id, year=year).values_list("score", flat=True).first()


def unit_goal_scores(*, year: int) -> dict[int, UnitGoalScore]:
    """Every unit's stored result of ``year``, by unit id (with counts and the locked flag)."""
    return {row.unit_id: row for row in UnitGoalScore.objects.filter(year=year)}


def cadre_goal_scores(*, year: int) -> dict[int, Decimal]:
    """{cadre id: goal score} of ``year`` for cadres with at least one scored goal (RES-1)."""
    return dict(CadreGoalScore.objects.filter(year=year, score__isnull=False).values_list("cadre_id", "score"))


def scoring_years() -> list[int]:
    return sorted(
        set(GoalPlan.objects.filter(status=GoalPlan.Status.PUBLISHED).values_list("year", flat=True)), reverse=True
    )


def unit_scoring_overview(*, year: int, kind=None, query: str = "") -> list[dict]:
    """One row per unit with a published plan of ``year``: goals counting,
    scores by status, the unit's goal score."""
    plans = GoalPlan.objects.filter(year=year, status=GoalPlan.Status.PUBLISHED).select_related("unit__kind")
    if kind:
        plans = plans.filter(unit__kind=kind)
    if query:
        plans = plans.filter(Q(unit__name__icontains=query) | Q(unit__short_name__icontains=query))
    plans = plans.order_by("unit__kind__sort_order", "unit__sort_order", "unit__name")
    counts = {
        row["goal__plan_id"]: row
        for row in GoalScore.objects.filter(goal__plan__year=year)
        .values("goal__plan_id")
        .annotate(
            draft=Count("pk", filter=Q(status=GoalScore.Status.DRAFT)),
            reviewed=Count("pk", filter=Q(status=GoalScore.Status.REVIEWED)),
            locked=Count("pk", filter=Q(status=GoalScore.Status.LOCKED)),
        )
    }
    results = unit_goal_scores(year=year)
    rows = []
    for plan in plans:
        count = counts.get(plan.pk, {})
        rows.append(
            {
                "plan": plan,
                "unit": plan.unit,
                "result": results.get(plan.unit_id),
                "draft": count.get("draft", 0),
                "reviewed": count.get("reviewed", 0),
                "locked": count.get("locked", 0),
            }
        )
    return rows


def cadre_scores(*, year: int, query: str = "") -> QuerySet:
    """The cadres' goal scores of ``year`` by unit and name; those whose name or unit holds ``query``."""
    scores = (
        CadreGoalScore.objects.filter(year=year)
        .select_related("cadre__unit")
        .order_by("cadre__unit__name", "cadre__name")
    )
    if query:
        scores = scores.filter(Q(cadre__name__icontains=query) | Q(cadre__unit__name__icontains=query))
    return scores


def published_plan(*, year: int, unit_id: int) -> GoalPlan | None:
    """The unit's published plan of ``year``: the one scored."""
    return (
        GoalPlan.objects.filter(year=year, unit_id=unit_id, status=GoalPlan.Status.PUBLISHED)
        .select_related("unit")
        .first()
    )


def goal_for_scoring(*, pk: int) -> Goal | None:
    return Goal.objects.select_related("plan__unit").filter(pk=pk).first()


def locked_goal_names(*, plan: GoalPlan) -> dict[int, str]:
    """Goals of ``plan`` whose score is locked, with their names: one query."""
    return dict(
        GoalScore.objects.filter(goal__plan=plan, status=GoalScore.Status.LOCKED).values_list("goal_id", "goal__name")
    )


def score_of_goal(*, goal: Goal) -> GoalScore | None:
    return GoalScore.objects.filter(goal=goal).first()


@dataclass
class HistoryItem:
    year: int
    goal: Goal
    via: str  # "copy" or "indicator"
    actual: Decimal | None = None
    completion: Decimal | None = None
    score: GoalScore | None = None


@dataclass
class SheetGoal:
    goal: Goal
    depth: int
    code: str
    counts: bool
    default_standard: Decimal
    score: GoalScore | None = None
    covered_by_parent: bool = False
    entries: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)
    comments: list = field(default_factory=list)
    events: list = field(default_factory=list)
    latest_completion: Decimal | None = None
    verification: object | None = None  # of the latest submitted entry (SCORE-1)
    proposes_full: bool = False  # completed, with figures the supervising department confirmed


def scoring_sheet(*, plan: GoalPlan, user) -> dict:
    """Everything the office weighs when scoring a unit's goals, on one page
    (SCORE-3): the plan, every progress report, earlier years' goals on the
    same indicator or copied into this one, the comments and answers."""
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("indicator__measure_unit", "goal_type", "supervising_unit")
        .order_by("parent_id", "sort_order", "pk")
    )
    forest = compute.build_forest(goal_rows(goals=Goal.objects.filter(plan=plan)))
    by_id = {goal.pk: goal for goal in goals}
    scores = {
        s.goal_id: s
        for s in GoalScore.objects.filter(goal__plan=plan).select_related(
            "grade", "scored_by", "reviewed_by", "locked_by"
        )
    }
    items: dict[int, SheetGoal] = {}
    ordered: list[SheetGoal] = []

    def walk(ids, depth, prefix, covered):
        for position, pk in enumerate(ids, start=1):
            goal = by_id[pk]
            code = f"{prefix}{position}"
            item = SheetGoal(
                goal=goal,
                depth=depth,
                code=code,
                counts=forest.counts[pk],
                default_standard=round_score(forest.standard[pk]),
                score=scores.get(pk),
                covered_by_parent=covered,
            )
            items[pk] = item
            ordered.append(item)
            walk(forest.children.get(pk, []), depth + 1, f"{code}.", covered or pk in scores)

    walk(forest.roots_by_unit.get(plan.unit_id, []), 1, "", False)

    # The reports the reader may see, as on the goal screens: unsubmitted ones only for the unit and the office.
    reports = sorted(visible_reports(user=user, plan=plan), key=lambda r: PERIOD_ORDER.get(r.period, 0))
    rank = {report.pk: (PERIOD_ORDER.get(report.period, 0), report) for report in reports}
    entries = ProgressEntry.objects.filter(report__in=[report.pk for report in reports]).select_related(
        "verification__verified_by", "verification__verifier_unit"
    )
    for entry in entries.order_by():
        item = items.get(entry.goal_id)
        if item is None:
            continue
        entry.report = rank[entry.report_id][1]
        entry.goal = item.goal
        item.entries.append(entry)
    for item in ordered:
        item.entries.sort(key=lambda e: rank[e.report_id][0])
        if item.entries:
            last = item.entries[-1]
            item.latest_completion = completion_percent(item.goal, last.actual_value, last.estimated_progress)
        _attach_verification(item)
    for assignment in Assignment.objects.filter(goal__plan=plan).select_related("cadre", "role"):
        items[assignment.goal_id].assignments.append(assignment)
    for event in GoalScoreEvent.objects.filter(goal__plan=plan).select_related("user"):
        if event.goal_id in items:
            items[event.goal_id].events.append(event)
    _attach_history(plan, items)
    from kaohe.comments.selectors import comments_for_goals

    for goal_id, comments in comments_for_goals(goal_ids=items.keys(), user=user).items():
        items[goal_id].comments = comments
    result = UnitGoalScore.objects.filter(unit_id=plan.unit_id, year=plan.year).first()
    return {
        "goals": ordered,
        "reports": reports,
        "grades": list(ScoreGrade.objects.all()),
        "result": result,
        "score_ids": [s.pk for s in scores.values()],
    }


def _attach_verification(item: SheetGoal) -> None:
    """The verdict on the latest submitted entry; a confirmed one whose figures (the verified
    value where the department gave one) complete the goal proposes the full standard score."""
    submitted = [entry for entry in item.entries if entry.report.submitted]
    if not submitted:
        return
    entry = submitted[-1]
    try:
        verification = entry.verification
    except ObjectDoesNotExist:
        return
    item.verification = verification
    if verification.is_confirmed:
        actual = verification.verified_value if verification.verified_value is not None else entry.actual_value
        completion = completion_percent(item.goal, actual, entry.estimated_progress)
        item.proposes_full = completion is not None and completion >= 100


def _attach_history(plan: GoalPlan, items: dict[int, SheetGoal]) -> None:
    """Earlier years of each goal: the goals it was copied from, year by year,
    and the unit's goals on the same indicator (GOAL-8, SCORE-3)."""
    earlier = list(
        Goal.objects.filter(plan__unit_id=plan.unit_id, plan__year__lt=plan.year)
        .select_related("plan", "indicator__measure_unit")
        .order_by("-plan__year")
    )
    if not earlier:
        return
    by_id = {goal.pk: goal for goal in earlier}
    by_indicator: dict[int, list[Goal]] = defaultdict(list)
    for goal in earlier:
        if goal.indicator_id:
            by_indicator[goal.indicator_id].append(goal)
    wanted: dict[int, list[HistoryItem]] = {}
    for pk, item in items.items():
        seen = set()
        found = []
        source = by_id.get(item.goal.copied_from_id)
        while source is not None and source.pk not in seen:
            seen.add(source.pk)
            found.append(HistoryItem(source.plan.year, source, "copy"))
            source = by_id.get(source.copied_from_id)
        if item.goal.indicator_id:
            for other in by_indicator.get(item.goal.indicator_id, []):
                if other.pk not in seen:
                    seen.add(other.pk)
                    found.append(HistoryItem(other.plan.year, other, "indicator"))
        found.sort(key=lambda h: -h.year)
        wanted[pk] = found
    history_ids = {h.goal.pk for found in wanted.values() for h in found}
    if not history_ids:
        return
    latest: dict[int, ProgressEntry] = {}
    for entry in ProgressEntry.objects.filter(goal_id__in=history_ids, report__submitted=True).select_related("report"):
        current = latest.get(entry.goal_id)
        if current is None or PERIOD_ORDER.get(entry.report.period, 0) > PERIOD_ORDER.get(current.report.period, 0):
            latest[entry.goal_id] = entry
    past_scores = {s.goal_id: s for s in GoalScore.objects.filter(goal_id__in=history_ids).select_related("grade")}
    for pk, found in wanted.items():
        for history in found:
            entry = latest.get(history.goal.pk)
            if entry is not None:
                history.actual = entry.actual_value
                history.completion = completion_percent(history.goal, entry.actual_value, entry.estimated_progress)
            history.score = past_scores.get(history.goal.pk)
        items[pk].history = found

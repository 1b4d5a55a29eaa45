"""The demo county's goal scores: last year's for every unit, locked after
review, graded or scored directly from the final progress; this year a few
drafts at the development-and-reform bureau so the office can try the workflow.

Deterministic and idempotent (a year that has scores is left alone).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.core.numbers import round_score
from kaohe.goals.models import PERIOD_ORDER, Goal, GoalPlan, ProgressEntry, completion_percent

from . import compute, selectors, services
from .models import GoalScore, GoalScoreEvent, ScoreGrade

ORDER = 60
DEMO_UNIT = "县发展和改革局"


def load(*, stdout=None) -> dict:
    this_year = timezone.localdate().year
    last_year = this_year - 1
    office = User.objects.filter(username="kaoheban").first()
    grades = {grade.name: grade for grade in ScoreGrade.objects.all()}
    if not {"完成", "基本完成"} <= set(grades):
        return {"goal scores": 0}
    result = {}
    with transaction.atomic():
        if not GoalScore.objects.filter(goal__plan__year=last_year).exists():
            result[last_year] = _score_year(last_year, grades, office)
            services.goal_scores_compute(year=last_year)
        if not GoalScore.objects.filter(goal__plan__year=this_year).exists():
            result[this_year] = _drafts(this_year, grades, office)
    return {"goal scores": result}


def _completions(goals) -> dict[int, Decimal | None]:
    """Each goal's completion in its latest submitted report."""
    latest: dict[int, ProgressEntry] = {}
    for entry in ProgressEntry.objects.filter(goal__in=goals, report__submitted=True).select_related("report"):
        current = latest.get(entry.goal_id)
        if current is None or PERIOD_ORDER.get(entry.report.period, 0) > PERIOD_ORDER.get(current.report.period, 0):
            latest[entry.goal_id] = entry
    by_id = {goal.pk: goal for goal in goals}
    return {
        pk: completion_percent(by_id[pk], entry.actual_value, entry.estimated_progress) for pk, entry in latest.items()
    }


def _judge(standard: Decimal, completion: Decimal | None, grades):
    """(method, grade, score, reason) from a goal's completion."""
    if completion is not None and completion >= 100:
        return GoalScore.Method.GRADE, grades["完成"], round_score(standard * grades["完成"].share / 100), ""
    if completion is not None and completion >= 85:
        grade = grades["基本完成"]
        return (
            GoalScore.Method.GRADE,
            grade,
            round_score(standard * grade.share / 100),
            f"完成{completion:.0f}%，基本完成",
        )
    share = (completion or Decimal("0")) / 100
    score = round_score(standard * max(share, Decimal("0.4")))
    return GoalScore.Method.DIRECT, None, score, f"完成{completion or 0:.0f}%，按完成比例扣分"


def _scored_goals(year):
    """The second-level goals that count (each stands for its own sub-goals)."""
    goals = Goal.objects.filter(plan__year=year, plan__status=GoalPlan.Status.PUBLISHED).select_related(
        "indicator", "plan"
    )
    forest = compute.build_forest(selectors.goal_rows(goals=goals))
    chosen = [
        goal
        for goal in goals
        if goal.parent_id in forest.rows
        and forest.rows[goal.parent_id].parent_id is None
        and forest.counts.get(goal.pk)
    ]
    return chosen, forest


def _score_year(year, grades, office) -> int:
    goals, forest = _scored_goals(year)
    completions = _completions(goals)
    now = timezone.now()
    records, events = [], []
    for goal in goals:
        standard = round_score(forest.standard[goal.pk])
        if standard <= 0:
            continue
        method, grade, score, reason = _judge(standard, completions.get(goal.pk), grades)
        records.append(
            GoalScore(
                goal=goal,
                standard_score=standard,
                method=method,
                grade=grade,
                grade_share=grade.share if grade else None,
                score=score,
                deductions=standard - score,
                reason=reason,
                status=GoalScore.Status.LOCKED,
                scored_by=office,
                reviewed_at=now,
                reviewed_by=office,
                locked_at=now,
                locked_by=office,
            )
        )
        for action in (GoalScoreEvent.Action.SCORED, GoalScoreEvent.Action.REVIEWED, GoalScoreEvent.Action.LOCKED):
            events.append(
                GoalScoreEvent(
                    goal=goal,
                    action=action,
                    score=score,
                    method=method,
                    grade_name=grade.name if grade else "",
                    reason=reason if action == "scored" else "",
                    user=office,
                )
            )
    GoalScore.objects.bulk_create(records)
    GoalScoreEvent.objects.bulk_create(events)
    return len(records)


def _drafts(year, grades, office) -> int:
    goals = list(
        Goal.objects.filter(
            plan__year=year,
            plan__unit__name=DEMO_UNIT,
            plan__status=GoalPlan.Status.PUBLISHED,
            parent__isnull=False,
            parent__parent__isnull=True,
            counts_in_assessment=True,
        )
        .select_related("indicator")
        .order_by("pk")[:3]
    )
    completions = _completions(goals)
    done = 0
    for number, goal in enumerate(goals):
        forest = selectors.plan_forest(plan_id=goal.plan_id)
        if not forest.counts.get(goal.pk):
            continue
        standard = round_score(forest.standard[goal.pk])
        method, grade, score, reason = _judge(standard, completions.get(goal.pk), grades)
        record = services.goal_score(
            goal=goal,
            method=method,
            grade=grade,
            score=score,
            standard_score=standard,
            reason=reason or "前三季度进展",
            user=office,
        )
        if number == 0:
            services.scores_review(scores=[record], user=office)
        done += 1
    return done

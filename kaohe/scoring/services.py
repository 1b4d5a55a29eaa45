"""Writes of goal scoring (SCORE-1, SCORE-2). Each is one transaction; a check a
person can fail raises ``ValidationError`` with their message before anything changes.
Each is named ``noun_verb`` and takes keyword arguments only."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from kaohe.core.numbers import round_score
from kaohe.goals.locks import check_plan_unlocked
from kaohe.goals.models import Assignment, Goal, GoalPlan

from . import compute
from .models import CadreGoalScore, GoalScore, GoalScoreEvent, ScoreGrade, UnitGoalScore
from .selectors import goal_rows, plan_forest, role_weights

if TYPE_CHECKING:
    from kaohe.accounts.models import User


def _decimal(value, message) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(message) from None


def _grade(grade) -> ScoreGrade:
    """A row of the grade table, given as a row, its key or its name."""
    if isinstance(grade, ScoreGrade):
        found = ScoreGrade.objects.filter(pk=grade.pk).first()
    elif isinstance(grade, int) or (isinstance(grade, str) and grade.isdigit()):
        found = ScoreGrade.objects.filter(pk=int(grade)).first()
    else:
        found = ScoreGrade.objects.filter(name=(grade or "").strip()).first()
    if found is None:
        raise ValidationError(_("The grade “%(grade)s” is not in the grade table.") % {"grade": grade or ""})
    return found


@transaction.atomic
def goal_score(
    *,
    goal: Goal,
    method: str,
    user: User,
    score: Decimal | str | None = None,
    grade: ScoreGrade | int | str | None = None,
    standard_score: Decimal | str | None = None,
    reason: str = "",
) -> GoalScore:
    """Score ``goal`` directly (``score`` up to the standard score) or by ``grade``
    (its share of the standard score). Less than the standard score needs a
    reason. A reviewed score goes back to draft; a locked one is refused."""
    goal = Goal.objects.select_related("plan").get(pk=goal.pk)
    if goal.plan.status != GoalPlan.Status.PUBLISHED:
        raise ValidationError(_("Only goals of published plans are scored."))
    check_plan_unlocked(goal.plan)
    forest = plan_forest(plan_id=goal.plan_id)
    if not forest.counts.get(goal.pk):
        raise ValidationError(
            _("“%(goal)s” does not count in the assessment (or sits under a goal that does not), so it is not scored.")
            % {"goal": goal.name}
        )
    existing = GoalScore.objects.select_for_update(of=("self",)).filter(goal=goal).first()
    if existing is not None and existing.is_locked:
        raise ValidationError(_("This score is locked. The office must reopen it before it can change."))
    standard = _decimal(standard_score, _("The standard score must be a number."))
    if standard is None:
        standard = round_score(forest.standard[goal.pk])
    if standard <= 0 or standard > Decimal("1000"):
        raise ValidationError(_("The standard score must be above 0 and at most 1000."))
    standard = round_score(standard)
    reason = (reason or "").strip()
    record = existing or GoalScore(goal=goal)
    record.standard_score, record.method, record.reason = standard, method, reason
    if method == GoalScore.Method.DIRECT:
        value = _decimal(score, _("The score must be a number."))
        if value is None:
            raise ValidationError(_("Enter the score."))
        value = round_score(value)
        if value > standard:
            raise ValidationError(
                _("The score %(score)s is above the standard score %(standard)s.")
                % {"score": value, "standard": standard}
            )
        if value < 0:
            raise ValidationError(_("The score cannot be below 0."))
        record.grade, record.grade_share, record.score = None, None, value
    elif method == GoalScore.Method.GRADE:
        row = _grade(grade)
        record.grade, record.grade_share = row, row.share
        record.score = round_score(standard * row.share / 100)
    else:
        raise ValidationError(_("Choose how to score: directly or by grade."))
    record.deductions = standard - record.score
    if record.deductions > 0 and not reason:
        raise ValidationError(_("The score is below the standard score: give the reason for the deductions."))
    record.status = GoalScore.Status.DRAFT
    record.scored_by = user
    record.reviewed_at = record.reviewed_by = None
    record.save()
    _event(goal, GoalScoreEvent.Action.CHANGED if existing else GoalScoreEvent.Action.SCORED, user, record, reason)
    log(record, "kaohe_scoring.score", user=user, data={"goal": goal.name, "score": str(record.score)})
    goal_scores_compute(year=goal.plan.year)
    return record


def _event(goal, action, user, record=None, reason=""):
    GoalScoreEvent.objects.create(
        goal=goal,
        action=action,
        score=record.score if record else None,
        method=record.method if record else "",
        grade_name=record.grade.name if record and record.grade_id else "",
        reason=reason,
        user=user,
    )


def _scores_for_update(scores: Iterable[GoalScore]) -> list[GoalScore]:
    return list(
        GoalScore.objects.select_for_update(of=("self",))
        .filter(pk__in=[s.pk for s in scores])
        .select_related("goal__plan", "grade")
    )


def _score_advance(record: GoalScore, *, status: str, stamp: str, event: str, action: str, user: User) -> None:
    """Move ``record`` on to ``status``, stamping ``<stamp>_at`` and ``<stamp>_by``; recorded and logged."""
    check_plan_unlocked(record.goal.plan)
    record.status = status
    setattr(record, f"{stamp}_at", timezone.now())
    setattr(record, f"{stamp}_by", user)
    record.save(update_fields=["status", f"{stamp}_at", f"{stamp}_by"])
    _event(record.goal, event, user, record)
    log(record, action, user=user, data={"goal": record.goal.name})


@transaction.atomic
def scores_review(*, scores: Iterable[GoalScore], user: User) -> int:
    """Mark draft scores reviewed."""
    drafts = [record for record in _scores_for_update(scores) if record.status == GoalScore.Status.DRAFT]
    for record in drafts:
        _score_advance(
            record,
            status=GoalScore.Status.REVIEWED,
            stamp="reviewed",
            event=GoalScoreEvent.Action.REVIEWED,
            action="kaohe_scoring.review",
            user=user,
        )
    return len(drafts)


@transaction.atomic
def scores_lock(*, scores: Iterable[GoalScore], user: User) -> int:
    """Lock reviewed scores; drafts must be reviewed first."""
    records = _scores_for_update(scores)
    drafts = [record.goal.name for record in records if record.status == GoalScore.Status.DRAFT]
    if drafts:
        raise ValidationError(
            _("Review these scores before locking them: %(goals)s") % {"goals": "、".join(drafts[:10])}
        )
    reviewed = [record for record in records if record.status == GoalScore.Status.REVIEWED]
    for record in reviewed:
        _score_advance(
            record,
            status=GoalScore.Status.LOCKED,
            stamp="locked",
            event=GoalScoreEvent.Action.LOCKED,
            action="kaohe_scoring.lock",
            user=user,
        )
    if reviewed:
        goal_scores_compute(year=records[0].goal.plan.year)
    return len(reviewed)


def plan_scores_review(*, plan: GoalPlan, user: User) -> int:
    """Mark every draft score of the plan's goals reviewed."""
    return scores_review(scores=GoalScore.objects.filter(goal__plan=plan), user=user)


def plan_scores_lock(*, plan: GoalPlan, user: User) -> int:
    """Lock every reviewed score of the plan's goals; refused while any is a draft."""
    return scores_lock(
        scores=GoalScore.objects.filter(goal__plan=plan).exclude(status=GoalScore.Status.LOCKED), user=user
    )


@transaction.atomic
def score_reopen(*, score: GoalScore, reason: str, user: User) -> GoalScore:
    """The office reopens a locked score, with a reason, logged; it is a draft again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the locked score is reopened; the reason is logged."))
    record = GoalScore.objects.select_for_update(of=("self",)).select_related("goal__plan", "grade").get(pk=score.pk)
    if not record.is_locked:
        raise ValidationError(_("Only a locked score is reopened."))
    check_plan_unlocked(record.goal.plan)
    record.status = GoalScore.Status.DRAFT
    record.reviewed_at = record.reviewed_by = record.locked_at = record.locked_by = None
    record.save(update_fields=["status", "reviewed_at", "reviewed_by", "locked_at", "locked_by"])
    _event(record.goal, GoalScoreEvent.Action.REOPENED, user, record, reason)
    log(record, "kaohe_scoring.reopen", user=user, data={"goal": record.goal.name, "reason": reason})
    goal_scores_compute(year=record.goal.plan.year)
    return record


@transaction.atomic
def score_withdraw(*, score: GoalScore, user: User) -> None:
    """Take back a score that is not locked (scored at the wrong level, say)."""
    record = GoalScore.objects.select_for_update(of=("self",)).select_related("goal__plan", "grade").get(pk=score.pk)
    if record.is_locked:
        raise ValidationError(_("This score is locked. The office must reopen it before it can change."))
    check_plan_unlocked(record.goal.plan)
    goal = record.goal
    _event(goal, GoalScoreEvent.Action.WITHDRAWN, user, record)
    log(goal.plan, "kaohe_scoring.withdraw", user=user, data={"goal": goal.name, "score": str(record.score)})
    record.delete()
    goal_scores_compute(year=goal.plan.year)


@transaction.atomic
def goal_scores_compute(*, year: int) -> dict[str, int]:
    """Compute and store every unit's and cadre's goal score of ``year`` from the
    goal scores of the published plans (see ``compute``). A fixed number of
    queries whatever the county's size."""
    goals = Goal.objects.filter(plan__year=year, plan__status=GoalPlan.Status.PUBLISHED)
    forest = compute.build_forest(goal_rows(goals=goals))
    scores = {
        goal_id: compute.ScoreRow(score, standard, status == GoalScore.Status.LOCKED)
        for goal_id, score, standard, status in GoalScore.objects.filter(goal__in=goals).values_list(
            "goal_id", "score", "standard_score", "status"
        )
    }
    assignments = list(Assignment.objects.filter(goal__in=goals).values_list("goal_id", "cadre_id", "role_id"))
    units = compute.unit_results(forest, scores)
    cadres = compute.cadre_results(forest, scores, assignments, role_weights())
    now = timezone.now()
    UnitGoalScore.objects.filter(year=year).delete()
    UnitGoalScore.objects.bulk_create(
        UnitGoalScore(
            unit_id=r.unit_id,
            year=year,
            score=r.score,
            counted_goals=r.counted_goals,
            scored_goals=r.scored_goals,
            unscored_goals=r.unscored_goals,
            locked=r.locked,
            computed_at=now,
        )
        for r in units.values()
    )
    CadreGoalScore.objects.filter(year=year).delete()
    CadreGoalScore.objects.bulk_create(
        CadreGoalScore(
            cadre_id=r.cadre_id,
            year=year,
            score=r.score,
            assigned_goals=r.assigned_goals,
            scored_goals=r.scored_goals,
            computed_at=now,
        )
        for r in cadres.values()
    )
    return {"units": len(units), "cadres": len(cadres)}

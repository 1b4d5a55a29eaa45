"""Reads of yearly results for the office's screens, the assessed and other areas.

Each selector runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaohe.core.numbers import round_score

from .models import AssessmentYear, ResultScheme, ResultStatus, YearResult

HUNDRED = Decimal("100")


def year_is_archived(*, year: int) -> bool:
    return AssessmentYear.objects.filter(year=year, archived_at__isnull=False).exists()


def year_record(*, year: int) -> AssessmentYear:
    """The year's rules and state; an unsaved record with the defaults when the office has set none."""
    return AssessmentYear.objects.filter(year=year).prefetch_related("grade_limits").first() or AssessmentYear(
        year=year
    )


def open_task_names(*, year: int) -> list[str]:
    from kaohe.evaluation.models import EvaluationTask

    return list(EvaluationTask.objects.filter(year=year, closed_at__isnull=True).values_list("name", flat=True))


def year_schemes(*, year: int) -> list[ResultScheme]:
    """The year's schemes with their category, hand-scored parts and coverage."""
    return list(
        ResultScheme.objects.filter(year=year)
        .select_related("target_category")
        .prefetch_related("parts", "coverage__unit_kind")
    )


def scheme_problems(*, year: int, schemes: list[ResultScheme] | None = None) -> list[str]:
    """Why the year's schemes cannot be used: weights that do not add up to 100, a missing default score."""
    problems = []
    for scheme in year_schemes(year=year) if schemes is None else schemes:
        total = scheme.total_weight()
        if total != HUNDRED:
            problems.append(
                _("%(category)s: the weights add up to %(total)s%%, not 100%%.")
                % {"category": scheme.target_category.name, "total": format(total.normalize(), "f")}
            )
        if scheme.missing_rule == "default" and scheme.default_score is None:
            problems.append(
                _("%(category)s: a missing part counts a default score, but no default score is set.")
                % {"category": scheme.target_category.name}
            )
    return problems


def year_counts(*, year: int) -> dict:
    """How many results of the year there are, stale, without an approved grade, and in each state."""
    counts = YearResult.objects.filter(year=year).aggregate(
        total=Count("pk"),
        stale=Count("pk", filter=Q(is_stale=True)),
        unapproved=Count("pk", filter=Q(approved_grade="")),
        teams=Count("pk", filter=Q(team__isnull=False)),
        cadres=Count("pk", filter=Q(cadre__isnull=False)),
        **{status: Count("pk", filter=Q(status=status)) for status in ResultStatus.values},
    )
    counts["states"] = [(label, counts[value], value) for value, label in ResultStatus.choices]
    return counts


def results_to_notice(*, year: int, status: str = "") -> QuerySet:
    """Results that are not simply complete (held incomplete, not graded, complete by a rule),
    with the reasons, incomplete first: the compute screen lists them (RES-5)."""
    results = (
        YearResult.objects.filter(year=year)
        .exclude(status=ResultStatus.COMPLETE)
        .select_related("target_category", "team", "cadre", "unit")
        .annotate(
            state_order=Case(
                When(status=ResultStatus.INCOMPLETE, then=0), When(status=ResultStatus.UNGRADED, then=1), default=2
            )
        )
        .order_by("state_order", "unit__sort_order", "team_id", "cadre__name", "pk")
    )
    if status in ResultStatus.values:
        results = results.filter(status=status)
    return results


def part_subjects(*, part) -> dict[tuple[str, int], object]:
    """The teams or cadres a hand-scored part scores: those of its category in the year's
    evaluation tasks and in the year's computed results (where the scheme's coverage placed them)."""
    from kaohe.evaluation.models import TaskTarget

    scheme = part.scheme
    subjects: dict[tuple[str, int], object] = {}
    for target in TaskTarget.objects.filter(
        task__year=scheme.year, target_category_id=scheme.target_category_id
    ).select_related("team__unit", "cadre__unit"):
        key = ("team", target.team_id) if target.team_id else ("cadre", target.cadre_id)
        subjects[key] = target.team or target.cadre
    for result in YearResult.objects.filter(
        year=scheme.year, target_category_id=scheme.target_category_id
    ).select_related("team", "cadre"):
        key = ("team", result.team_id) if result.team_id else ("cadre", result.cadre_id)
        subjects.setdefault(key, result.team or result.cadre)
    return subjects


def part_grade_mapping(*, part) -> list[tuple[str, Decimal]]:
    """(grade, score) pairs a part fed by the cycle counts a grade as (CYCLE-4, CYCLE-5), best first."""
    from kaohe.cycle.models import OverallGrade, QuarterGrade

    if part.source == "inspection":
        return [(OverallGrade(grade).label, score) for grade, score in part.inspection_grade_scores().items()]
    if part.source == "quarterly":
        return [(QuarterGrade(grade).label, score) for grade, score in part.quarter_grade_scores().items()]
    return []


SCORE_FIELDS = {
    "total": "total",
    "normalised": "normalised_total",
    "goal": "goal_score",
    "evaluation": "evaluation_score",
}


def ranking(
    *, year: int, category_id: int | None = None, by: str = "total", post_group: str = "", cadre_rank: str = ""
) -> list[YearResult]:
    """The year's results of a category, best first by ``by``; within a post group (职务) or
    a cadre rank (职级) when one is given (RES-3, RES-4). Results that take a grade come
    first, then those not graded (不定等次), then the incomplete ones."""
    field = SCORE_FIELDS.get(by, "total")
    results = (
        YearResult.objects.filter(year=year)
        .select_related("target_category", "team__unit", "cadre__unit", "unit")
        .annotate(
            state_order=Case(
                When(status__in=[ResultStatus.COMPLETE, ResultStatus.BY_RULE], then=0),
                When(status=ResultStatus.UNGRADED, then=1),
                default=2,
            )
        )
        .order_by("target_category__sort_order", "state_order", F(field).desc(nulls_last=True), "pk")
    )
    if category_id:
        results = results.filter(target_category_id=category_id)
    if post_group:
        results = results.filter(post_group=post_group)
    if cadre_rank:
        results = results.filter(cadre__rank=cadre_rank)
    return list(results)


def feedback_list(*, user) -> list[YearResult]:
    """The results ``user`` may read on the portal, newest year first (RES-6)."""
    from .permissions import feedback_scope

    return list(
        feedback_scope(user)
        .select_related("target_category", "team", "cadre", "unit")
        .order_by("-year", F("cadre_id").asc(nulls_first=True), "unit__sort_order", "team_id", "cadre__name", "pk")
    )


def feedback_detail(*, user, pk: int) -> dict | None:
    """One result as its team or cadre reads it (RES-6): the parts with weights, the
    evaluation by indicator (the tasks' shown figures only: never a category below the
    minimum ballots, never a ballot count), the goal scores with the office's reasons,
    and the other years' approved results. None when ``user`` may not read it.
    A fixed number of queries."""
    from kaohe.evaluation.models import TargetResult
    from kaohe.scoring.models import GoalScore

    from .permissions import feedback_scope

    result = (
        feedback_scope(user)
        .select_related("target_category", "team__unit", "cadre", "unit", "seat_team")
        .filter(pk=pk)
        .first()
    )
    if result is None:
        return None
    subject = {"target_team_id": result.team_id} if result.team_id else {"target_cadre_id": result.cadre_id}
    evaluations = [
        {"task": row.task.name, "score": row.score, "indicators": row.indicator_scores or []}
        for row in TargetResult.objects.filter(task__year=result.year, is_shown=True, score__isnull=False, **subject)
        .select_related("task")
        .order_by("task__starts_at", "pk")
    ]
    scores = GoalScore.objects.filter(goal__plan__year=result.year, status=GoalScore.Status.LOCKED).select_related(
        "goal__plan__unit", "grade"
    )
    if result.team_id:
        scores = scores.filter(goal__plan__unit_id=result.team.unit_id)
    else:
        scores = scores.filter(goal__assignments__cadre_id=result.cadre_id).distinct()
    goal_scores = list(scores.order_by("goal__plan__unit__sort_order", "goal__sort_order", "goal_id")[:200])
    history = list(
        feedback_scope(user)
        .filter(**({"team_id": result.team_id} if result.team_id else {"cadre_id": result.cadre_id}))
        .select_related("target_category")
        .order_by("year")
    )
    parts = []
    for part in result.parts:
        score = part.get("counted_score", part.get("score"))
        weight = Decimal(part.get("counted_weight", part["weight"]))
        weighted = None if score in (None, "") else round_score(Decimal(score) * weight / HUNDRED)
        parts.append({**part, "counted_weight": weight, "weighted": weighted})
    return {
        "result": result,
        "parts": parts,
        "evaluations": evaluations,
        "goal_scores": goal_scores,
        "history": history,
    }


def registration_forms(*, year: int, unit_id: int | None = None, pks=None) -> list[dict]:
    """The cadres' 年度考核登记表 of a year (RES-6): each cadre's personal data, post, time in
    the seat, their own year-end summary (the work report, CYCLE-3), the parts of the result
    and the grade; for one unit, or for the results named. A fixed number of queries."""
    from kaohe.cycle.models import WorkReport

    results = (
        YearResult.objects.filter(year=year, cadre__isnull=False)
        .select_related("cadre", "unit", "target_category", "seat_team")
        .order_by("unit__sort_order", "unit_id", "seat_team_id", "post_group", "cadre__name", "pk")
    )
    if unit_id:
        results = results.filter(unit_id=unit_id)
    if pks is not None:
        results = results.filter(pk__in=list(pks))
    results = list(results)
    reports = {
        report.cadre_id: report
        for report in WorkReport.objects.filter(year=year, cadre_id__in=[r.cadre_id for r in results]).exclude(
            status="draft"
        )
    }
    return [{"result": r, "cadre": r.cadre, "report": reports.get(r.cadre_id)} for r in results]


def cms_rows(*, year: int) -> tuple[list[str], list[list]]:
    """(headers, rows): name, ID number, external id, unit, post, year, grade of every cadre's
    result of the year, for the cadre-management system's import (SYS-10)."""
    headers = [
        pgettext("person", "name"),
        _("ID number"),
        _("external identifier"),
        _("unit"),
        _("post"),
        _("year"),
        _("approved grade"),
        _("total score"),
    ]
    rows = [
        [
            r.cadre.name,
            r.cadre.id_number or "",
            r.cadre.external_id or "",
            r.unit.name if r.unit_id else "",
            r.post or r.cadre.position,
            r.year,
            r.approved_grade,
            r.total,
        ]
        for r in YearResult.objects.filter(year=year, cadre__isnull=False)
        .select_related("cadre", "unit")
        .order_by("unit__sort_order", "unit_id", "post_group", "cadre__name", "pk")
    ]
    return headers, rows


def result_units(*, year: int):
    """The units with cadres' results in the year, for choosing whose forms to print."""
    from kaohe.org.selectors import all_units

    return (
        all_units()
        .filter(pk__in=YearResult.objects.filter(year=year, cadre__isnull=False).values("unit_id"))
        .order_by("kind__sort_order", "sort_order", "name")
    )


def notice_entries(*, year: int) -> list[dict] | None:
    """The approved best grades of the year (优秀 for cadres, 好 for teams) for the notice of
    grades (RES-6), by unit; None while no grade of the year is approved."""
    record = year_record(year=year)
    approved = YearResult.objects.filter(year=year).exclude(approved_grade="")
    if not approved.exists():
        return None
    best = {kind: record.grades_for(kind)[0] for kind in ("team", "cadre")}
    rows = approved.filter(
        Q(team__isnull=False, approved_grade=best["team"]) | Q(cadre__isnull=False, approved_grade=best["cadre"])
    ).select_related("team", "cadre", "unit")
    return [
        {
            "unit": r.unit.name if r.unit_id else "",
            "name": r.subject_name,
            "post": r.post if r.cadre_id else "",
            "grade": r.approved_grade,
        }
        for r in rows.order_by(F("cadre_id").asc(nulls_first=True), "unit__sort_order", "unit_id", "post_group", "pk")
    ]

"""Computing, grading, archiving and correcting yearly results (RES-1, RES-4)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from kaohe.core.numbers import round_score

from .models import AssessmentYear, ManualScore, ResultCorrection, ResultScheme, YearResult

HUNDRED = Decimal("100")


class ResultsError(Exception):
    """A clear reason why nothing was changed."""


def assessment_year(year: int) -> AssessmentYear:
    return AssessmentYear.objects.get_or_create(year=year)[0]


def year_is_archived(year: int) -> bool:
    return AssessmentYear.objects.filter(year=year, archived_at__isnull=False).exists()


def check_not_archived(year: int) -> None:
    if year_is_archived(year):
        raise ResultsError(_("%(year)s is archived and read-only; record a correction instead.") % {"year": year})


def open_tasks(year: int):
    from kaohe.evaluation.models import EvaluationTask

    return EvaluationTask.objects.filter(year=year, closed_at__isnull=True)


def scheme_problems(year: int) -> list[str]:
    """Categories of the year whose weights do not add up to 100."""
    problems = []
    for scheme in ResultScheme.objects.filter(year=year).select_related("target_category").prefetch_related("parts"):
        total = scheme.total_weight()
        if total != HUNDRED:
            problems.append(
                _("%(category)s: the weights add up to %(total)s%%, not 100%%.")
                % {"category": scheme.target_category.name, "total": format(total.normalize(), "f")}
            )
    return problems


def evaluation_scores(year: int) -> dict[tuple[str, int], tuple[Decimal, list[str], int]]:
    """(kind, id) -> (score, task names, category id): a target's evaluation score
    in the year, the mean over the year's tasks that rated it (EVAL-8 results).

    Only results the task shows count: a target rated by fewer evaluators than
    the task's minimum keeps its anonymity here too, and gets no result."""
    from kaohe.evaluation.models import TargetResult

    found: dict[tuple[str, int], list] = defaultdict(list)
    for result in (
        TargetResult.objects.filter(task__year=year, score__isnull=False, is_shown=True)
        .select_related("task")
        .only("score", "target_team_id", "target_cadre_id", "target_category_id", "task__name")
    ):
        key = ("team", result.target_team_id) if result.target_team_id else ("cadre", result.target_cadre_id)
        found[key].append((result.score, result.task.name, result.target_category_id))
    return {key: (sum(r[0] for r in rows) / len(rows), [r[1] for r in rows], rows[0][2]) for key, rows in found.items()}


@transaction.atomic
def compute_year(year: int, user=None) -> int:
    """Compute every team's and cadre's yearly result; returns how many (RES-1).

    Refuses while a task of the year is open, while weights do not add up, or
    once the year is archived. Repeatable: the same inputs give the same results.
    """
    from .sources import goal_scores

    check_not_archived(year)
    still_open = list(open_tasks(year).values_list("name", flat=True))
    if still_open:
        raise ResultsError(
            _("These evaluation tasks of %(year)s are still open: %(tasks)s. Close them first.")
            % {"year": year, "tasks": "、".join(still_open)}
        )
    problems = scheme_problems(year)
    if problems:
        raise ResultsError(" ".join(problems))
    schemes = {
        scheme.target_category_id: scheme
        for scheme in ResultScheme.objects.filter(year=year).select_related("target_category").prefetch_related("parts")
    }
    evaluations = evaluation_scores(year)
    team_goals, cadre_goals = goal_scores(year)
    manual = defaultdict(dict)
    for score in ManualScore.objects.filter(part__scheme__year=year).select_related("part"):
        key = ("team", score.team_id) if score.team_id else ("cadre", score.cadre_id)
        manual[key][score.part_id] = score.score
    now = timezone.now()
    previous = {
        (("team", r.team_id) if r.team_id else ("cadre", r.cadre_id)): r for r in YearResult.objects.filter(year=year)
    }
    rows = []
    for key, (evaluation, tasks, category_id) in evaluations.items():
        kind, pk = key
        scheme = schemes.get(category_id)
        goal_entry = (team_goals if kind == "team" else cadre_goals).get(pk)
        goal = goal_entry[0] if goal_entry else None
        parts = []
        goal_weight = scheme.goal_weight if scheme else Decimal("50")
        evaluation_weight = scheme.evaluation_weight if scheme else Decimal("50")
        parts.append(
            {
                "name": str(_("goal score")),
                "weight": str(goal_weight),
                "score": _str(goal),
                "source": goal_entry[1] if goal_entry else str(_("no goal score")),
            }
        )
        parts.append(
            {
                "name": str(_("evaluation score")),
                "weight": str(evaluation_weight),
                "score": _str(evaluation),
                "source": "、".join(tasks),
            }
        )
        # A result is complete only when every weighted part has its score.
        complete = goal is not None or not goal_weight
        total = goal_weight * (goal or 0) + evaluation_weight * evaluation
        for part in scheme.parts.all() if scheme else []:
            value = manual[key].get(part.pk)
            parts.append(
                {
                    "name": part.name,
                    "weight": str(part.weight),
                    "score": _str(value),
                    "source": str(_("scored by the assessment office")),
                }
            )
            total += part.weight * (value or 0)
            complete = complete and (value is not None or not part.weight)
        if not complete:
            total = None
        result = previous.get(key) or YearResult(year=year)
        result.target_category_id = category_id
        if kind == "team":
            result.team_id = pk
        else:
            result.cadre_id = pk
        result.goal_score = round_score(goal)
        result.evaluation_score = round_score(evaluation)
        result.total = None if total is None else round_score(total / HUNDRED)
        result.parts = parts
        result.is_stale = False
        result.computed_at = now
        rows.append(result)
    _rank(rows)
    fields = ["target_category", "goal_score", "evaluation_score", "total", "parts", "rank", "is_stale", "computed_at"]
    YearResult.objects.bulk_update([r for r in rows if r.pk], fields, batch_size=500)
    YearResult.objects.bulk_create([r for r in rows if not r.pk], batch_size=500)
    stale_keys = set(previous) - {(("team", r.team_id) if r.team_id else ("cadre", r.cadre_id)) for r in rows}
    YearResult.objects.filter(pk__in=[previous[key].pk for key in stale_keys]).delete()
    record = assessment_year(year)
    record.computed_at = now
    record.save(update_fields=["computed_at"])
    if user is not None:
        log(record, "results.compute", user=user, data={"count": len(rows)})
    return len(rows)


def _str(value):
    return None if value is None else str(round_score(value))


def _rank(rows: list[YearResult]) -> None:
    """Rank by total within each target category (ties share a rank)."""
    by_category = defaultdict(list)
    for row in rows:
        by_category[row.target_category_id].append(row)
    for members in by_category.values():
        members.sort(key=lambda r: (r.total is None, -(r.total or 0)))
        rank = 0
        last = object()
        for position, row in enumerate(members, start=1):
            if row.total != last:
                rank = position
                last = row.total
            row.rank = rank


def mark_stale(year: int) -> int:
    return YearResult.objects.filter(year=year, is_stale=False).update(is_stale=True)


def excellent_limit_problems(year: int, grades: dict[int, str], field: str = "recommended_grade") -> list[str]:
    """Categories where the 优秀 (first grade) share would exceed the year's limit."""
    settings_row = assessment_year(year)
    limit = settings_row.excellent_limit
    counts = defaultdict(lambda: [0, 0])
    results = YearResult.objects.filter(year=year).select_related("target_category")
    problems = []
    for result in results:
        grade = grades.get(result.pk, getattr(result, field))
        best = settings_row.grades_for(result.target_category.kind)[0]
        bucket = counts[result.target_category]
        bucket[1] += 1
        bucket[0] += grade == best
    for category, (best_count, total) in counts.items():
        allowed = int((Decimal(total) * limit / HUNDRED).to_integral_value(rounding="ROUND_FLOOR"))
        if best_count > allowed:
            best = settings_row.grades_for(category.kind)[0]
            problems.append(
                _(
                    "%(category)s: %(count)s of %(total)s would be %(grade)s, but at most %(limit)s%% "
                    "(%(allowed)s) may be."
                )
                % {
                    "category": category.name,
                    "count": best_count,
                    "total": total,
                    "grade": best,
                    "limit": format(limit.normalize(), "f"),
                    "allowed": allowed,
                }
            )
    return problems


@transaction.atomic
def set_grades(year: int, grades: dict[int, str], field: str, user) -> int:
    """Record recommended or approved grades, all or none (RES-4)."""
    check_not_archived(year)
    settings_row = assessment_year(year)
    results = {
        r.pk: r for r in YearResult.objects.filter(year=year, pk__in=list(grades)).select_related("target_category")
    }
    for pk, grade in grades.items():
        result = results.get(pk)
        if result is None:
            raise ResultsError(_("A result in the form does not belong to %(year)s.") % {"year": year})
        if grade and grade not in settings_row.grades_for(result.target_category.kind):
            raise ResultsError(
                _("“%(grade)s” is not a grade of %(category)s.") % {"grade": grade, "category": result.target_category}
            )
    problems = excellent_limit_problems(year, grades, field)
    if problems:
        raise ResultsError(" ".join(problems))
    for pk, grade in grades.items():
        setattr(results[pk], field, grade)
    YearResult.objects.bulk_update(list(results.values()), [field])
    log(settings_row, f"results.{field}", user=user, data={"count": len(grades)})
    return len(grades)


@transaction.atomic
def archive_year(year: int, user) -> None:
    record = assessment_year(year)
    if record.is_archived:
        raise ResultsError(_("%(year)s is already archived.") % {"year": year})
    results = YearResult.objects.filter(year=year)
    if not results.exists():
        raise ResultsError(_("Compute the results of %(year)s first.") % {"year": year})
    if results.filter(is_stale=True).exists():
        raise ResultsError(_("Some results are stale; compute them again before archiving."))
    if results.filter(approved_grade="").exists():
        raise ResultsError(_("Record every approved grade before archiving."))
    record.archived_at = timezone.now()
    record.archived_by = user
    record.save(update_fields=["archived_at", "archived_by"])
    log(record, "results.archive", user=user)


CORRECTABLE = ("total", "goal_score", "evaluation_score", "approved_grade")


@transaction.atomic
def correct_result(result: YearResult, field: str, value: str, reason: str, user) -> ResultCorrection:
    """Change an archived result: a new version of the year, logged (RES-4)."""
    if field not in CORRECTABLE:
        raise ResultsError(_("This field cannot be corrected."))
    if not reason.strip():
        raise ResultsError(_("Say why the result is corrected."))
    record = AssessmentYear.objects.select_for_update().get(year=result.year)
    old = getattr(result, field)
    if field == "approved_grade":
        if value not in record.grades_for(result.target_category.kind):
            raise ResultsError(
                _("“%(grade)s” is not a grade of %(category)s.") % {"grade": value, "category": result.target_category}
            )
        new = value
    else:
        try:
            new = round_score(Decimal(value))
        except Exception as error:  # decimal.InvalidOperation
            raise ResultsError(_("“%(value)s” is not a number.") % {"value": value}) from error
        if new < 0 or new > HUNDRED:
            raise ResultsError(_("A score is between 0 and 100."))
    record.version += 1
    record.save(update_fields=["version"])
    setattr(result, field, new)
    result.save(update_fields=[field, "updated_at"])
    correction = ResultCorrection.objects.create(
        result=result,
        field=field,
        old_value="" if old is None else str(old),
        new_value=str(new),
        reason=reason,
        year_version=record.version,
        corrected_by=user,
    )
    log(result, "results.correct", user=user, data={"field": field, "old": str(old), "new": str(new), "reason": reason})
    return correction


@transaction.atomic
def reopen_task(task, user) -> None:
    """Reopen a closed evaluation task; the year's results become stale (RES-1)."""
    check_not_archived(task.year)
    task.closed_at = None
    task.save(update_fields=["closed_at"])
    mark_stale(task.year)
    log(task, "results.reopen_task", user=user)

"""Computing, grading, archiving and correcting yearly results (RES-1, RES-4, RES-5).

Every write is one function here, inside ``transaction.atomic``; views parse the
request, call one of these and render. A ``ResultsError`` carries the reason,
in the user's language, why nothing was changed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from kaohe.core.numbers import round_score

from . import compute, selectors, sources
from .models import (
    AssessmentYear,
    ManualScore,
    ResultCorrection,
    ResultStatus,
    SchemePart,
    YearResult,
)

HUNDRED = Decimal("100")


class ResultsError(Exception):
    """A clear reason why nothing was changed."""


def _year_row(year: int, *, lock: bool = False) -> AssessmentYear:
    record = AssessmentYear.objects.get_or_create(year=year)[0]
    if lock:
        record = AssessmentYear.objects.select_for_update().get(pk=record.pk)
    return record


def assessment_year_rules(*, year: int) -> AssessmentYear:
    """The year's rules and state, created with the defaults when the office has set none."""
    return _year_row(year)


def check_not_archived(*, year: int) -> None:
    if selectors.year_is_archived(year=year):
        raise ResultsError(_("%(year)s is archived and read-only; record a correction instead.") % {"year": year})


def _rules_of(schemes) -> dict[int, compute.Rules]:
    return {
        scheme.target_category_id: compute.Rules(
            goal_weight=scheme.goal_weight,
            evaluation_weight=scheme.evaluation_weight,
            parts=[(part.pk, part.name, part.weight, part.source) for part in scheme.parts.all()],
            missing_rule=scheme.missing_rule,
            default_score=scheme.default_score,
            min_service_months=scheme.min_service_months,
            short_service_rule=scheme.short_service_rule,
            coverage=[(row.unit_kind_id, row.post_group) for row in scheme.coverage.all()],
            kind=scheme.target_category.kind,
            sort_order=scheme.target_category.sort_order,
        )
        for scheme in schemes
    }


@transaction.atomic
def results_compute(*, year: int, user=None) -> dict:
    """Give every team of an active unit and every cadre who held a seat in the year a
    result (RES-1, RES-5); returns ``{"count": n, status: n, ...}``.

    Each result shows its parts, the rule applied to a missing part or a short time in
    the seat, and why it is incomplete when it is. Refuses while a task of the year is
    open, while a scheme's weights do not add up, or once the year is archived.
    Repeatable: the same inputs give the same results, and grades already recorded stay.
    """
    from kaohe.evaluation.models import TargetCategory
    from kaohe.org.selectors import active_unit_teams, memberships_in_period

    check_not_archived(year=year)
    record = _year_row(year, lock=True)
    still_open = selectors.open_task_names(year=year)
    if still_open:
        raise ResultsError(
            _("These evaluation tasks of %(year)s are still open: %(tasks)s. Close them first.")
            % {"year": year, "tasks": "、".join(still_open)}
        )
    schemes = selectors.year_schemes(year=year)
    problems = selectors.scheme_problems(year=year, schemes=schemes)
    if problems:
        raise ResultsError(" ".join(problems))
    rules = _rules_of(schemes)
    categories = {category.pk: category for category in TargetCategory.objects.all()}
    first, last = compute.year_bounds(year)
    teams = active_unit_teams().values_list("pk", "unit_id", "unit__kind_id")
    subjects = compute.roster(year, teams, memberships_in_period(start=first, end=last))
    evaluations = sources.evaluations(year)
    subjects += _task_only_subjects(evaluations, {subject.key for subject in subjects})
    compute.place(subjects, {key: entry.category_id for key, entry in evaluations.items()}, rules)
    team_goals, cadre_goals = sources.goal_scores(year)
    manual = defaultdict(dict)
    for score in ManualScore.objects.filter(part__scheme__year=year):
        key = ("team", score.team_id) if score.team_id else ("cadre", score.cadre_id)
        manual[score.part_id][key] = score.score
    by_part = sources.part_scores(year, [part for scheme in schemes for part in scheme.parts.all()], manual)
    further = defaultdict(dict)
    for part_id, scores in by_part.items():
        for key, value in scores.items():
            further[key][part_id] = value
    outcomes = []
    for subject in subjects:
        category = categories.get(subject.category_id)
        outcomes.append(
            compute.assess(
                subject,
                rules.get(subject.category_id),
                category.name if category else "",
                (team_goals if subject.kind == "team" else cadre_goals).get(subject.pk),
                evaluations.get(subject.key),
                further[subject.key],
            )
        )
    compute.rank(outcomes, record.grade_basis)
    now = timezone.now()
    previous = {
        (("team", r.team_id) if r.team_id else ("cadre", r.cadre_id)): r for r in YearResult.objects.filter(year=year)
    }
    rows = [_stored(outcome, previous.get(outcome.subject.key), year, now, record) for outcome in outcomes]
    fields = [
        "target_category",
        "goal_score",
        "evaluation_score",
        "total",
        "normalised_total",
        "parts",
        "status",
        "reasons",
        "unit",
        "seat_team",
        "post",
        "post_group",
        "service_days",
        "service_start",
        "service_end",
        "rank",
        "group_rank",
        "recommended_grade",
        "approved_grade",
        "is_stale",
        "computed_at",
    ]
    # Small batches: an UPDATE of n rows carries n CASE branches per field, which SQLite scans per row.
    YearResult.objects.bulk_update([r for r in rows if r.pk], fields, batch_size=50)
    YearResult.objects.bulk_create([r for r in rows if not r.pk], batch_size=500)
    gone = set(previous) - {outcome.subject.key for outcome in outcomes}
    YearResult.objects.filter(pk__in=[previous[key].pk for key in gone]).delete()
    record.computed_at = now
    record.stale_reasons = []
    record.save(update_fields=["computed_at", "stale_reasons"])
    summary = {"count": len(rows)}
    for status in ResultStatus.values:
        summary[status] = sum(1 for row in rows if row.status == status)
    if user is not None:
        log(record, "results.compute", user=user, data=summary)
    return summary


def _task_only_subjects(evaluations, known) -> list[compute.Subject]:
    """Targets of the year's evaluation tasks that hold no seat in the year (or whose unit is
    wound up): assessed too, with the unit they are recorded in."""
    from kaohe.org.selectors import all_cadres, all_teams

    missing = [key for key in evaluations if key not in known]
    teams = (
        all_teams()
        .filter(pk__in=[pk for kind, pk in missing if kind == "team"])
        .values_list("pk", "unit_id", "unit__kind_id")
    )
    cadres = (
        all_cadres()
        .filter(pk__in=[pk for kind, pk in missing if kind == "cadre"])
        .values_list("pk", "unit_id", "unit__kind_id", "position")
    )
    return [compute.Subject("team", pk, unit_id, kind_id, pk) for pk, unit_id, kind_id in teams] + [
        compute.Subject("cadre", pk, unit_id, kind_id, None, post=position[:110])
        for pk, unit_id, kind_id, position in cadres
    ]


def _stored(outcome: compute.Outcome, result: YearResult | None, year: int, now, record) -> YearResult:
    subject = outcome.subject
    result = result or YearResult(year=year)
    result.target_category_id = subject.category_id
    if subject.kind == "team":
        result.team_id = subject.pk
    else:
        result.cadre_id = subject.pk
    result.unit_id = subject.unit_id
    result.seat_team_id = subject.team_id
    result.post, result.post_group = subject.post, subject.post_group
    result.service_days, result.service_start, result.service_end = (
        subject.service_days,
        subject.service_start,
        subject.service_end,
    )
    result.goal_score, result.evaluation_score = outcome.goal_score, outcome.evaluation_score
    result.total, result.normalised_total = outcome.total, outcome.normalised_total
    result.parts, result.status, result.reasons = outcome.parts, outcome.status, outcome.reasons
    result.rank, result.group_rank = outcome.rank, outcome.group_rank
    # A grade recorded before stays only while it still fits the result's state.
    if outcome.status == ResultStatus.UNGRADED:
        result.recommended_grade = record.ungraded_label
        if result.approved_grade != record.ungraded_label:
            result.approved_grade = ""
    elif outcome.status == ResultStatus.INCOMPLETE:
        result.recommended_grade = result.approved_grade = ""
    else:
        scale = record.grades_for(subject.kind)
        if result.recommended_grade not in scale:
            result.recommended_grade = ""
        if result.approved_grade not in scale:
            result.approved_grade = ""
    result.is_stale = False
    result.computed_at = now
    return result


def results_mark_stale(*, year: int, reason: str) -> int:
    """Mark the year's results stale, saying why (RES-5): something they were computed
    from changed. An archived year is left alone (it changes only by corrections).
    Returns how many results turned stale."""
    record = AssessmentYear.objects.filter(year=year, archived_at__isnull=True).first()
    if record is None or not YearResult.objects.filter(year=year).exists():
        return 0
    reasons = list(record.stale_reasons or [])
    if not reasons or reasons[-1]["reason"] != reason:
        reasons = (reasons + [{"at": timezone.now().isoformat(timespec="seconds"), "reason": str(reason)}])[-20:]
        AssessmentYear.objects.filter(pk=record.pk).update(stale_reasons=reasons)
    return YearResult.objects.filter(year=year, is_stale=False).update(is_stale=True)


def excellent_limit_problems(*, year: int, grades: dict[int, str], field: str = "recommended_grade") -> list[str]:
    """Where the 优秀 (best grade) share would exceed the year's limit: per target category,
    and per post group where the year sets a limit for it (RES-3, RES-4). Results that
    take no grade (incomplete, 不定等次) do not count."""
    record = selectors.year_record(year=year)
    results = [
        result for result in YearResult.objects.filter(year=year).select_related("target_category") if result.is_graded
    ]
    buckets: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    group_limits = {row.post_group: row.excellent_limit for row in record.grade_limits.all()} if record.pk else {}
    for result in results:
        grade = grades.get(result.pk, getattr(result, field))
        best = record.grades_for(result.target_category.kind)[0]
        keys = [("category", result.target_category)]
        if result.cadre_id and result.post_group in group_limits:
            keys.append(("group", result.post_group))
        for key in keys:
            buckets[key][1] += 1
            buckets[key][0] += grade == best
    problems = []
    from kaohe.org.models import PostGroup

    for (kind, subject), (best_count, total) in buckets.items():
        if kind == "category":
            limit, name, best = record.excellent_limit, subject.name, record.grades_for(subject.kind)[0]
        else:
            limit, name, best = group_limits[subject], str(PostGroup(subject).label), record.grades_for("cadre")[0]
        allowed = int((Decimal(total) * limit / HUNDRED).to_integral_value(rounding="ROUND_FLOOR"))
        if best_count > allowed:
            problems.append(
                _(
                    "%(category)s: %(count)s of %(total)s would be %(grade)s, but at most %(limit)s%% "
                    "(%(allowed)s) may be."
                )
                % {
                    "category": name,
                    "count": best_count,
                    "total": total,
                    "grade": best,
                    "limit": format(limit.normalize(), "f"),
                    "allowed": allowed,
                }
            )
    return problems


GRADE_FIELDS = ("recommended_grade", "approved_grade")


@transaction.atomic
def grades_set(*, year: int, grades: dict[int, str], field: str, user) -> int:
    """Record recommended or approved grades, all or none (RES-4): each grade of its
    result's scale, 不定等次 only for those not graded, none for an incomplete result,
    and the 优秀 shares within the year's limits."""
    if field not in GRADE_FIELDS:
        raise ResultsError(_("Unknown grade field."))
    check_not_archived(year=year)
    record = _year_row(year, lock=True)
    results = {
        r.pk: r
        for r in YearResult.objects.filter(year=year, pk__in=list(grades)).select_related(
            "target_category", "team", "cadre"
        )
    }
    for pk, grade in grades.items():
        result = results.get(pk)
        if result is None:
            raise ResultsError(_("A result in the form does not belong to %(year)s.") % {"year": year})
        if not grade:
            continue
        if result.status == ResultStatus.INCOMPLETE:
            raise ResultsError(
                _("%(name)s's result is incomplete; it takes a grade once it is complete.")
                % {"name": result.subject_name}
            )
        if result.status == ResultStatus.UNGRADED:
            if grade != record.ungraded_label:
                raise ResultsError(
                    _("%(name)s is not graded this year (short time in the seat): only “%(label)s”.")
                    % {"name": result.subject_name, "label": record.ungraded_label}
                )
        elif grade not in record.grades_for(result.target_category.kind):
            raise ResultsError(
                _("“%(grade)s” is not a grade of %(category)s.") % {"grade": grade, "category": result.target_category}
            )
    problems = excellent_limit_problems(year=year, grades=grades, field=field)
    if problems:
        raise ResultsError(" ".join(problems))
    for pk, grade in grades.items():
        setattr(results[pk], field, grade)
    YearResult.objects.bulk_update(list(results.values()), [field])
    log(record, f"results.{field}", user=user, data={"count": len(grades)})
    return len(grades)


@transaction.atomic
def year_archive(*, year: int, user) -> None:
    """Make the year read-only once every result is computed afresh, complete and approved (RES-4)."""
    record = _year_row(year, lock=True)
    if record.is_archived:
        raise ResultsError(_("%(year)s is already archived.") % {"year": year})
    results = YearResult.objects.filter(year=year)
    if not results.exists():
        raise ResultsError(_("Compute the results of %(year)s first.") % {"year": year})
    if results.filter(is_stale=True).exists():
        raise ResultsError(_("Some results are stale; compute them again before archiving."))
    incomplete = results.filter(status=ResultStatus.INCOMPLETE).count()
    if incomplete:
        raise ResultsError(
            _("%(count)s results are incomplete; supply what they miss and compute again before archiving.")
            % {"count": incomplete}
        )
    if results.filter(approved_grade="").exists():
        raise ResultsError(_("Record every approved grade before archiving."))
    record.archived_at = timezone.now()
    record.archived_by = user
    record.save(update_fields=["archived_at", "archived_by"])
    log(record, "results.archive", user=user)


CORRECTABLE = ("total", "goal_score", "evaluation_score", "approved_grade")


@transaction.atomic
def result_correct(*, result: YearResult, field: str, value: str, reason: str, user) -> ResultCorrection:
    """Change an archived result: a new version of the year, logged (RES-4)."""
    if field not in CORRECTABLE:
        raise ResultsError(_("This field cannot be corrected."))
    if not reason.strip():
        raise ResultsError(_("Say why the result is corrected."))
    record = AssessmentYear.objects.select_for_update().get(year=result.year)
    old = getattr(result, field)
    if field == "approved_grade":
        allowed = (
            [record.ungraded_label]
            if result.status == ResultStatus.UNGRADED
            else record.grades_for(result.kind)
            if result.is_graded
            else []
        )
        if value not in allowed:
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
def evaluation_task_reopen(*, task, user) -> None:
    """Reopen a closed evaluation task of a year not archived; the year's results turn stale (RES-1, RES-5)."""
    from kaohe.evaluation.services import task_reopen

    check_not_archived(year=task.year)
    task_reopen(task=task, user=user)
    results_mark_stale(year=task.year, reason=_("The evaluation task %(task)s was reopened.") % {"task": task.name})


@transaction.atomic
def manual_scores_save(*, part: SchemePart, scores: dict[tuple[str, int], Decimal], user) -> int:
    """Record the office's scores of a hand-scored part, all or none; the year's results turn stale."""
    year = part.scheme.year
    check_not_archived(year=year)
    if not part.is_manual:
        raise ResultsError(
            _("%(part)s takes its scores from %(source)s; they are not entered by hand.")
            % {"part": part.name, "source": part.get_source_display()}
        )
    for value in scores.values():
        if not Decimal("0") <= value <= HUNDRED:
            raise ResultsError(_("A score from 0 to 100."))
    existing = {(("team", s.team_id) if s.team_id else ("cadre", s.cadre_id)): s for s in part.scores.all()}
    for (kind, pk), value in scores.items():
        score = existing.get((kind, pk)) or ManualScore(part=part, **{f"{kind}_id": pk})
        score.score = value
        score.save()
    if scores:
        log(part.scheme, "results.manual_scores", user=user, data={"part": part.name, "count": len(scores)})
        results_mark_stale(year=year, reason=_("Scores of %(part)s were entered.") % {"part": part.name})
    return len(scores)

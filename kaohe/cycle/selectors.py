"""Reading the cycle's records: what each reader may see, and the lists the screens show.

``visible_commitments`` is the one place that decides which commitments a reader
sees (CYCLE-1, SYS-11). Each selector runs a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from kaohe.access.models import Subject
from kaohe.goals.models import Goal

from .models import Commitment, GoalSelfAssessment, ReportDeadline, WorkRecord, WorkReport
from .permissions import as_reader, own_cadre_id, own_unit_id, sees_everything


def _visible(queryset: QuerySet, *, who, subject: str, shown: Q | None, own_cadre: bool) -> QuerySet:
    """``queryset`` cut to what ``who`` may read: everything for the office; otherwise the rows
    of the units the rights table opens to them for ``subject`` (only the ``shown`` ones, when
    given), every row of their own unit and, with ``own_cadre``, a cadre's own."""
    if sees_everything(who):
        return queryset
    q = as_reader(who).read_q(subject, unit="unit_id", parent="unit__parent_id")
    if shown is not None:
        q = shown & q
    unit_id = own_unit_id(who)
    if unit_id is not None:
        q |= Q(unit_id=unit_id)
    cadre_id = own_cadre_id(who) if own_cadre else None
    if cadre_id is not None:
        q |= Q(cadre_id=cadre_id)
    return queryset.filter(q)


def visible_commitments(*, who, queryset: QuerySet | None = None) -> QuerySet:
    """Commitments ``who`` (a user, a reader or None) may read: all for the office; the
    published ones of the units the rights table opens to them; their own unit's all."""
    return _visible(
        Commitment.objects.all() if queryset is None else queryset,
        who=who,
        subject=Subject.COMMITMENTS,
        shown=Q(status=Commitment.Status.PUBLISHED),
        own_cadre=False,
    )


def own_commitments(*, cadre, year: int) -> list[Commitment]:
    """A cadre's own commitments of the year, whatever their status, with their goals."""
    return list(Commitment.objects.filter(cadre=cadre, year=year).prefetch_related("goals").order_by("due_date", "pk"))


def _with_details(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("unit", "team", "cadre").prefetch_related(
        Prefetch("goals", queryset=Goal.objects.only("pk", "name", "plan_id").order_by("sort_order", "pk"))
    )


def admin_commitments(*, user) -> QuerySet:
    """The admin list: what the user may read, with the target's names."""
    return visible_commitments(who=user).select_related("unit", "team", "cadre")


def unit_public_commitments(*, who, unit) -> tuple[int | None, list[Commitment]]:
    """The latest year's published commitments of ``unit`` that ``who`` may read, teams first. Two queries."""
    published = visible_commitments(who=who).filter(unit=unit, status=Commitment.Status.PUBLISHED)
    year = published.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None, []
    rows = _with_details(published.filter(year=year)).order_by("cadre_id", "team_id", "cadre__name", "pk")
    return year, list(rows)


def goal_public_commitments(*, who, goal: Goal) -> list[Commitment]:
    """Published commitments tied to ``goal`` that ``who`` may read."""
    published = visible_commitments(who=who).filter(goals=goal, status=Commitment.Status.PUBLISHED)
    return list(published.select_related("team", "cadre").order_by("cadre_id", "team_id", "pk"))


def linkable_goals(*, unit_id: int | None, year: int | None) -> QuerySet:
    """Goals a commitment (or record) of ``unit_id`` may link to: its plan's goals of the year
    (every unit's when ``unit_id`` is None, for the office)."""
    goals = Goal.objects.select_related("plan__unit").order_by("plan__unit__name", "plan_id", "sort_order", "pk")
    if year is not None:
        goals = goals.filter(plan__year=year)
    if unit_id is not None:
        goals = goals.filter(plan__unit_id=unit_id)
    return goals


def visible_records(*, who, queryset: QuerySet | None = None) -> QuerySet:
    """Work records ``who`` may read (CYCLE-2, SYS-11): those of the units the rights table
    opens to them for ``records``, their own unit's, and a cadre's own."""
    return _visible(
        WorkRecord.objects.all() if queryset is None else queryset,
        who=who,
        subject=Subject.RECORDS,
        shown=None,
        own_cadre=True,
    )


def admin_records(*, user) -> QuerySet:
    return visible_records(who=user).select_related("unit", "team", "cadre")


def record_timeline(*, cadre=None, unit=None, team_only: bool = False, month: str = "", goal_id: int | None = None):
    """A cadre's or a unit's work records, newest first, with goals and attachments
    (the caller has checked the reader's right; three queries per page whatever its length)."""
    records = WorkRecord.objects.all()
    if cadre is not None:
        records = records.filter(cadre=cadre)
    if unit is not None:
        records = records.filter(unit=unit)
    if team_only:
        records = records.filter(team__isnull=False)
    if month:
        year, number = (int(part) for part in month.split("-"))
        records = records.filter(date__year=year, date__month=number)
    if goal_id is not None:
        records = records.filter(goals=goal_id)
    return (
        records.select_related("team", "cadre", "created_by")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.only("pk", "name", "plan_id").order_by("sort_order", "pk")),
            "attachments",
        )
        .order_by("-date", "-pk")
    )


def record_months(*, cadre=None, unit=None) -> list[str]:
    """The months (``YYYY-MM``) in which the cadre or unit has records, newest first. One query."""
    from django.db.models.functions import TruncMonth

    records = WorkRecord.objects.all()
    if cadre is not None:
        records = records.filter(cadre=cadre)
    if unit is not None:
        records = records.filter(unit=unit)
    months = records.annotate(month=TruncMonth("date")).values_list("month", flat=True).distinct().order_by("-month")
    return [f"{month:%Y-%m}" for month in months]


def record_goals(*, cadre=None, unit=None) -> QuerySet:
    """The goals the cadre's or unit's records are linked to, for the filter. One query."""
    records = WorkRecord.objects.all()
    if cadre is not None:
        records = records.filter(cadre=cadre)
    if unit is not None:
        records = records.filter(unit=unit)
    return Goal.objects.filter(pk__in=records.values("goals")).select_related("plan").order_by("-plan__year", "name")


def cadre_for_records(*, pk: int):
    from kaohe.org.selectors import cadre_with_unit

    return cadre_with_unit(pk=pk)


def unit_for_records(*, pk: int):
    from kaohe.org.selectors import unit_by_id

    return unit_by_id(pk=pk)


def unit_record_targets(*, unit) -> list:
    """The cadres of ``unit`` who have records, for the unit timeline's links. One query."""
    from kaohe.org.selectors import all_cadres

    ids = WorkRecord.objects.filter(unit=unit, cadre__isnull=False).values("cadre_id")
    return list(all_cadres().filter(pk__in=ids).order_by("name"))


def report_deadline(*, year: int) -> ReportDeadline | None:
    return ReportDeadline.objects.filter(year=year).first()


def report_of(*, year: int, team=None, cadre=None) -> WorkReport | None:
    reports = WorkReport.objects.select_related("unit", "team", "cadre")
    if cadre is not None:
        return reports.filter(year=year, cadre=cadre).first()
    return reports.filter(year=year, team=team).first()


def report_goals(*, year: int, team=None, cadre=None) -> list[Goal]:
    """The goals a report grades: those assigned to the cadre in the year's plans, or the
    top-level goals of the team's unit's plan of the year. One query."""
    goals = Goal.objects.filter(plan__year=year).select_related("plan__unit")
    if cadre is not None:
        goals = goals.filter(assignments__cadre=cadre)
    else:
        goals = goals.filter(plan__unit_id=team.unit_id, parent__isnull=True)
    return list(goals.distinct().order_by("plan__unit__name", "sort_order", "pk"))


def report_detail(*, pk: int) -> WorkReport | None:
    return (
        WorkReport.objects.select_related("unit", "team", "cadre", "submitted_by")
        .prefetch_related(
            Prefetch(
                "assessments", queryset=GoalSelfAssessment.objects.select_related("goal").order_by("goal__sort_order")
            )
        )
        .filter(pk=pk)
        .first()
    )


def visible_reports(*, who, queryset: QuerySet | None = None) -> QuerySet:
    """Work reports ``who`` may read: submitted ones of the units the rights table opens to
    them for ``reports``; every one of their own unit; a cadre's own."""
    return _visible(
        WorkReport.objects.all() if queryset is None else queryset,
        who=who,
        subject=Subject.REPORTS,
        shown=Q(status=WorkReport.Status.SUBMITTED),
        own_cadre=True,
    )


REPORT_STATES = ("missing", "draft", "on_time", "late")


def report_overview(*, year: int, unit_id: int | None = None) -> list[dict]:
    """Every team of an active unit and every cadre who held a seat in ``year``, with the
    state of their work report: missing, draft, submitted on time or late (CYCLE-3).
    Three queries whatever the number of rows."""
    from datetime import date as day

    from kaohe.org.selectors import active_unit_teams, memberships_in_period

    deadline = report_deadline(year=year)
    reports = WorkReport.objects.filter(year=year)
    if unit_id is not None:
        reports = reports.filter(unit_id=unit_id)
    by_team = {}
    by_cadre = {}
    for report in reports.only("pk", "team_id", "cadre_id", "status", "submitted_at"):
        (by_cadre if report.cadre_id else by_team)[report.cadre_id or report.team_id] = report
    rows = []
    teams = active_unit_teams()
    if unit_id is not None:
        teams = teams.filter(unit_id=unit_id)
    for team in teams:
        rows.append({"unit": team.unit, "team": team, "cadre": None, "report": by_team.get(team.pk)})
    seen = set()
    for membership in memberships_in_period(start=day(year, 1, 1), end=day(year, 12, 31)):
        cadre = membership.cadre
        if cadre.pk in seen or (unit_id is not None and membership.team.unit_id != unit_id):
            continue
        seen.add(cadre.pk)
        rows.append({"unit": membership.team.unit, "team": None, "cadre": cadre, "report": by_cadre.get(cadre.pk)})
    for row in rows:
        report = row["report"]
        if report is None:
            row["state"] = "missing"
        elif not report.is_submitted:
            row["state"] = "draft"
        elif deadline is not None and report.submitted_at > deadline.deadline:
            row["state"] = "late"
        else:
            row["state"] = "on_time"
    rows.sort(key=lambda row: (row["unit"].name, row["cadre"] is not None, row["cadre"].name if row["cadre"] else ""))
    return rows


def inspections_of(*, year: int, unit_ids=None) -> dict[tuple[str, int], object]:
    """The year's inspections by ``("team"|"cadre", id)``. One query."""
    from .models import Inspection

    inspections = Inspection.objects.filter(year=year).select_related("group", "recorded_by", "confirmed_by")
    if unit_ids is not None:
        inspections = inspections.filter(unit_id__in=list(unit_ids))
    return {("cadre", i.cadre_id) if i.cadre_id else ("team", i.team_id): i for i in inspections}


def inspection_scores(*, year: int) -> dict[tuple[str, int], dict]:
    """The confirmed inspection results of ``year`` for the yearly results (CYCLE-4):
    ``{("team"|"cadre", id): {"score": Decimal | None, "grade": str, "group": name}}``.
    Only what a group's leader has confirmed counts. One query."""
    from .models import Inspection

    rows = Inspection.objects.filter(year=year, confirmed_at__isnull=False).select_related("group")
    return {
        (("cadre", row.cadre_id) if row.cadre_id else ("team", row.team_id)): {
            "score": row.score,
            "grade": row.grade,
            "group": row.group.name,
        }
        for row in rows
    }


def quarterly_grades_of_year(*, year: int) -> dict[tuple[str, int], dict[int, str]]:
    """The year's quarterly grades for the yearly results (CYCLE-5):
    ``{("team"|"cadre", id): {quarter: grade code}}``. One query."""
    from .models import QuarterlyGrade

    found: dict[tuple[str, int], dict[int, str]] = {}
    rows = QuarterlyGrade.objects.filter(year=year).values_list("team_id", "cadre_id", "quarter", "grade")
    for team_id, cadre_id, quarter, grade in rows.order_by("quarter"):
        key = ("cadre", cadre_id) if cadre_id else ("team", team_id)
        found.setdefault(key, {})[quarter] = grade
    return found


def group_progress(*, year: int) -> list[dict]:
    """Each assessment group of the year with how many of its teams and cadres have an
    inspection recorded and confirmed (the office's overview, CYCLE-4)."""
    from .inspection import targets_of_units, year_groups

    groups = list(year_groups(year=year))
    inspections = inspections_of(year=year)
    rows = []
    for group in groups:
        targets = targets_of_units(unit_ids=[unit.pk for unit in group.units.all()], year=year)
        done = [inspections.get((target.kind, target.pk)) for target in targets]
        rows.append(
            {
                "group": group,
                "units": list(group.units.all()),
                "targets": len(targets),
                "recorded": sum(1 for item in done if item is not None),
                "confirmed": sum(1 for item in done if item is not None and item.is_confirmed),
            }
        )
    return rows


def inspection_screen(*, user, year: int, unit, team=None, cadre=None) -> dict:
    """Everything a group reads about one team or cadre on one screen (CYCLE-4), as far as
    ``user`` may read it: goals with their latest progress, the latest work records, comments,
    commitments and the work report with its self-assessment. A fixed number of queries."""
    from kaohe.comments.selectors import unit_comments
    from kaohe.goals.selectors import goal_flat_nodes, visible_goals

    from .permissions import can_read_report, may_read_quarterly, may_read_unit_records

    goals = visible_goals(user=user).filter(plan__year=year).select_related("plan", "indicator__measure_unit")
    if cadre is not None:
        goals = goals.filter(assignments__cadre=cadre).distinct()
    else:
        goals = goals.filter(plan__unit=unit, parent__isnull=True)
    goal_nodes = goal_flat_nodes(user=user, goals=list(goals.order_by("plan__unit__name", "sort_order", "pk")))
    records = []
    if may_read_unit_records(user, unit=unit):
        records = list(record_timeline(cadre=cadre, unit=None if cadre else unit, team_only=cadre is None)[:20])
    comments = unit_comments(user=user, unit=unit)
    if team is not None:
        comments = comments.filter(Q(team=team) | Q(team__isnull=True))
    commitments = visible_commitments(who=user).filter(year=year)
    commitments = commitments.filter(cadre=cadre) if cadre is not None else commitments.filter(team=team)
    report = report_of(year=year, team=team, cadre=cadre)
    if report is not None and not can_read_report(user, report):
        report = None
    if report is not None:
        report = report_detail(pk=report.pk)
    quarters = []
    if may_read_quarterly(user, unit=unit):
        mine = quarterly_grades(year=year, team=team, cadre=cadre)
        mine = next(iter(mine.values()), {})
        quarters = [(quarter, mine.get(quarter)) for quarter in range(1, 5)]
    return {
        "quarters": quarters,
        "goal_nodes": goal_nodes,
        "records": records,
        "comments": list(comments[:20]),
        "commitments": list(_with_details(commitments)),
        "report": report,
    }


def quarter_started(*, year: int, quarter: int, today=None) -> bool:
    from datetime import date as day

    from django.utils import timezone

    return day(year, 3 * quarter - 2, 1) <= (today or timezone.localdate())


def grading_targets(*, scope: dict, year: int, unit_id: int | None = None) -> list:
    """The teams and cadres ``scope`` (``permissions.grading_scope``) may grade in ``year``."""
    from kaohe.org.selectors import active_units

    from .inspection import targets_of_units
    from .permissions import may_grade

    if scope["all"]:
        unit_ids = set(active_units().values_list("pk", flat=True))
    else:
        unit_ids = scope["teams"] | scope["cadres"]
    if unit_id is not None:
        unit_ids &= {unit_id}
    return [
        target
        for target in targets_of_units(unit_ids=unit_ids, year=year)
        if may_grade(scope, unit_id=target.unit.pk, cadre_id=target.cadre.pk if target.cadre else None)
    ]


def quarterly_grades(*, year: int, unit_ids=None, team=None, cadre=None) -> dict:
    """``{("team"|"cadre", id): {quarter: QuarterlyGrade}}`` of the year. One query."""
    from .models import QuarterlyGrade

    grades = QuarterlyGrade.objects.filter(year=year).select_related("graded_by")
    if unit_ids is not None:
        grades = grades.filter(unit_id__in=list(unit_ids))
    if team is not None:
        grades = grades.filter(team=team)
    if cadre is not None:
        grades = grades.filter(cadre=cadre)
    found: dict = {}
    for grade in grades:
        key = ("cadre", grade.cadre_id) if grade.cadre_id else ("team", grade.team_id)
        found.setdefault(key, {})[grade.quarter] = grade
    return found

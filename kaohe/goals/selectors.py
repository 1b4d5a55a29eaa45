"""Reading goals, plans and progress: what each reader may see, and the lists the screens show.

Visibility (GOAL-9, SUP-7, SYS-11): the office sees every plan and report; a unit's
own people also see their unit's drafts and unsubmitted reports; everyone else sees
the published plans and submitted reports of the units the office's rights table
(``kaohe.access``) opens to them, and the public only the goals whose goal type (or
nearest ancestor's) the office marks public. ``visible_plans``, ``visible_goals``,
``can_view_goal``, ``visible_reports`` and ``reports_visible_q`` are the one place
this is decided for reading; other apps import them from here. Each takes a user or
an access ``Reader`` (an evaluator from the ballot form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.access.models import Subject
from kaohe.core.cjk import search_words
from kaohe.core.numbers import round_score
from kaohe.core.rules import is_office
from kaohe.org.permissions import cadre_rules
from kaohe.org.selectors import active_units, team_cadres

from .models import (
    PERIOD_ORDER,
    Assignment,
    EntryVerification,
    Goal,
    GoalChange,
    GoalPlan,
    ProgressEntry,
    ProgressReport,
    ReportingDeadline,
)
from .permissions import (
    as_reader,
    can_view_plan,
    is_public_reader,
    own_unit_id,
    sees_all_plans,
    sees_unsubmitted_reports,
)
from .tree import FlatNode, Tree, attach_latest_progress, load_tree

if TYPE_CHECKING:
    from kaohe.org.models import Cadre, Unit

ANCESTOR_LEVELS = 6


def visible_plans(*, user, queryset: QuerySet | None = None) -> QuerySet:
    """Plans ``user`` may read: all for the office; for others the published plans of
    the units the rights table opens to them, plus their own unit's drafts."""
    queryset = GoalPlan.objects.all() if queryset is None else queryset
    if sees_all_plans(user):
        return queryset
    q = Q(status=GoalPlan.Status.PUBLISHED) & as_reader(user).read_q(
        Subject.GOALS, unit="unit_id", parent="unit__parent_id"
    )
    unit_id = own_unit_id(user)
    if unit_id is not None:
        q |= Q(unit_id=unit_id)
    return queryset.filter(q)


def visible_goals_q(*, user) -> Q:
    """Goals ``user`` may read: those of the plans they may read, and for a supervising
    department with that scope the goals it supervises in other units' published plans."""
    if sees_all_plans(user):
        return Q()
    q = Q(plan__status=GoalPlan.Status.PUBLISHED) & as_reader(user).read_q(
        Subject.GOALS, unit="plan__unit_id", parent="plan__unit__parent_id", supervising="supervising_unit_id"
    )
    unit_id = own_unit_id(user)
    if unit_id is not None:
        q |= Q(plan__unit_id=unit_id)
    return q


def public_goal_q(*, prefix: str = "") -> Q:
    """Goals whose own goal type, or nearest ancestor's, is marked public."""
    q = Q()
    path = prefix
    missing = Q()
    for _level in range(ANCESTOR_LEVELS):
        q |= missing & Q(**{f"{path}goal_type__is_public": True})
        missing &= Q(**{f"{path}goal_type__isnull": True})
        path += "parent__"
    return q


def visible_goals(*, user) -> QuerySet:
    """Goals ``user`` may read: of the visible plans, and for the public only public goal types."""
    goals = Goal.objects.filter(visible_goals_q(user=user))
    if is_public_reader(user):
        goals = goals.filter(public_goal_q())
    return goals


def can_view_goal(*, user, goal: Goal) -> bool:
    return visible_goals(user=user).filter(pk=goal.pk).exists()


def visible_reports(*, user, plan: GoalPlan) -> QuerySet:
    """The plan's reports ``user`` may read: unsubmitted ones only for the unit and the office;
    submitted ones if the rights table opens the unit's progress to them (SYS-11)."""
    reports = plan.reports.all()
    if sees_unsubmitted_reports(user, plan):
        return reports
    reader = as_reader(user)
    if not reader.may_read(Subject.PROGRESS, unit_id=plan.unit_id, parent_id=plan.unit.parent_id):
        if not ("supervised" in reader.read_reach(Subject.PROGRESS) and can_view_plan(reader, plan)):
            return reports.none()
    return reports.filter(submitted=True, published_at__isnull=False)


def reports_visible_q(*, user) -> Q:
    """Progress reports ``user`` may read, across plans: submitted ones of the units the
    rights table opens to them, and every report of their own unit."""
    if sees_all_plans(user):
        return Q()
    q = Q(submitted=True, published_at__isnull=False) & as_reader(user).read_q(
        Subject.PROGRESS, unit="plan__unit_id", parent="plan__unit__parent_id"
    )
    unit_id = own_unit_id(user)
    if unit_id is not None:
        q |= Q(plan__unit_id=unit_id)
    return q


def reports_up_to(*, reports: QuerySet, period: str) -> QuerySet:
    """Reports of ``period`` and earlier: progress as it stood then (SUP-6)."""
    if not period:
        return reports
    rank = PERIOD_ORDER.get(period, 99)
    return reports.filter(period__in=[key for key, value in PERIOD_ORDER.items() if value <= rank])


def plan_years(*, user) -> list[int]:
    """The years of the plans ``user`` may read, latest first."""
    return sorted(set(visible_plans(user=user).values_list("year", flat=True)), reverse=True)


def plan_tree_for_reader(*, user, plan: GoalPlan, period: str = "") -> tuple[Tree, list, list]:
    """The plan's tree with the reader's progress as of ``period``: the tree, every node
    in display order and the roots, both without the goals the public may not see."""
    tree = load_tree(plan, reports=reports_up_to(reports=visible_reports(user=user, plan=plan), period=period))
    public = is_public_reader(user)
    nodes = [node for node in tree.walk() if not public or node.effective_type_public]
    roots = [node for node in tree.roots if not public or node.effective_type_public]
    return tree, nodes, roots


def goal_search(
    *,
    user,
    year: int | None = None,
    unit: Unit | None = None,
    supervising_unit: Unit | None = None,
    goal_type=None,
    cadre: Cadre | None = None,
    text: str = "",
) -> QuerySet:
    """Visible goals matching every given criterion, by unit and tree order (GOAL-7, SUP-6)."""
    goals = (
        visible_goals(user=user)
        .select_related("plan__unit", "goal_type", "indicator__measure_unit", "supervising_unit")
        .order_by(
            "plan__unit__kind__sort_order", "plan__unit__sort_order", "plan__unit__name", "parent_id", "sort_order"
        )
    )
    if year:
        goals = goals.filter(plan__year=year)
    if unit is not None:
        goals = goals.filter(plan__unit=unit)
    if supervising_unit is not None:
        goals = goals.filter(supervising_unit=supervising_unit)
    if goal_type is not None:
        goals = goals.filter(goal_type=goal_type)
    if cadre is not None:
        goals = goals.filter(assignments__cadre=cadre)
    if text:
        goals = goals.filter(goal_text_q(text=text))
    return goals.distinct()


def goal_text_q(*, text: str) -> Q:
    """Goals whose name or completion criteria hold every word of ``text`` (PORTAL-4): Chinese
    words as typed (``kaohe.core.cjk.search_words``), so 考核 finds 干部考核工作."""
    q = Q()
    for word in search_words(text):
        q &= Q(name__icontains=word) | Q(criteria__icontains=word)
    return q


def goal_admin_search(*, user, text: str, year: int | None = None, status: str = "") -> QuerySet:
    """The admin's goal list for words (PORTAL-4): goals of every plan ``user`` may read, drafts
    included, whose name or criteria hold every word of ``text``, latest year first."""
    goals = (
        visible_goals(user=user)
        .filter(goal_text_q(text=text))
        .select_related("plan__unit", "parent")
        .order_by(
            "-plan__year", "plan__unit__kind__sort_order", "plan__unit__sort_order", "plan__unit_id", "sort_order", "pk"
        )
    )
    if year is not None:
        goals = goals.filter(plan__year=year)
    if status:
        goals = goals.filter(plan__status=status)
    return goals


def goal_site_search(*, user, text: str) -> QuerySet:
    """The goals of published plans ``user`` may see whose name or criteria hold every word of ``text``,
    latest year first, for the site search (PORTAL-4)."""
    if not search_words(text):
        return Goal.objects.none()
    return (
        visible_goals(user=user)
        .filter(goal_text_q(text=text), plan__status=GoalPlan.Status.PUBLISHED)
        .select_related("plan__unit", "indicator__measure_unit")
        .order_by(
            "-plan__year", "plan__unit__kind__sort_order", "plan__unit__sort_order", "plan__unit_id", "sort_order", "pk"
        )
    )


def goal_flat_nodes(*, user, goals: list[Goal], period: str = "") -> list[FlatNode]:
    """The goals outside their trees, each with its latest visible progress and its assignments."""
    by_id = {goal.pk: FlatNode(goal) for goal in goals}
    if by_id:
        reports = reports_up_to(reports=ProgressReport.objects.filter(reports_visible_q(user=user)), period=period)
        attach_latest_progress(by_id, reports)
        for assignment in Assignment.objects.filter(goal_id__in=list(by_id)).select_related("cadre", "role"):
            by_id[assignment.goal_id].assignments.append(assignment)
    return [by_id[goal.pk] for goal in goals]


def unit_completion_overview(*, user, year: int, period: str = "") -> list[dict]:
    """Per unit: goals, completed, late, average completion of goals with
    progress; for comparing units at a glance (SUP-6)."""
    goals = list(
        visible_goals(user=user)
        .filter(plan__year=year)
        .select_related("plan__unit__kind", "indicator")
        .order_by("plan__unit__kind__sort_order", "plan__unit__sort_order", "plan__unit__name")
    )
    by_id = {goal.pk: FlatNode(goal) for goal in goals}
    if by_id:
        attach_latest_progress(
            by_id,
            reports_up_to(
                reports=ProgressReport.objects.filter(reports_visible_q(user=user), plan__year=year), period=period
            ),
        )
    rows: dict[int, dict] = {}
    for node in by_id.values():
        unit = node.goal.plan.unit
        row = rows.setdefault(
            unit.pk, {"unit": unit.name, "unit_id": unit.pk, "goals": 0, "completed": 0, "late": 0, "values": []}
        )
        row["goals"] += 1
        row["completed"] += node.completed
        row["late"] += node.late
        if node.completion is not None:
            row["values"].append(float(min(node.completion, 100)))
    result = []
    for row in rows.values():
        values = row.pop("values")
        row["average"] = float(round_score(sum(values) / len(values), 1)) if values else None
        result.append(row)
    return result


def goal_for_reader(*, user, pk: int) -> Goal | None:
    """The goal with what its page shows beside it, or None when ``user`` may not read it."""
    goal = (
        Goal.objects.select_related(
            "plan__unit", "goal_type", "source", "supervising_unit", "indicator__measure_unit", "parent"
        )
        .filter(pk=pk)
        .first()
    )
    if goal is None or not can_view_goal(user=user, goal=goal):
        return None
    return goal


def goal_entries(*, user, goal: Goal) -> list[ProgressEntry]:
    """The goal's progress entries of the reports ``user`` may read, in period order."""
    entries = list(
        ProgressEntry.objects.filter(goal=goal)
        .filter(report__in=visible_reports(user=user, plan=goal.plan))
        .select_related("report")
    )
    entries.sort(key=lambda entry: PERIOD_ORDER.get(entry.report.period, 0))
    return entries


def goal_effective_type(*, goal: Goal):
    """The goal's own goal type, or its nearest ancestor's."""
    goal_type, ancestor = goal.goal_type, goal.parent
    while goal_type is None and ancestor is not None:
        goal_type, ancestor = ancestor.goal_type, ancestor.parent
    return goal_type


def goal_chart(*, user, goal: Goal) -> dict:
    """Plan and actual of every reported period, this year and the years
    before, on one line: the same unit's goals on the same indicator (GOAL-8)."""
    history = (
        Goal.objects.filter(
            plan__unit_id=goal.plan.unit_id, indicator_id=goal.indicator_id, plan__in=visible_plans(user=user)
        )
        .select_related("plan")
        .order_by("plan__year")
    )
    goals = {other.pk: other for other in history}
    points = (
        ProgressEntry.objects.filter(goal_id__in=list(goals))
        .filter(report__in=ProgressReport.objects.filter(reports_visible_q(user=user)))
        .select_related("report")
    )
    rows = sorted(
        ((goals[e.goal_id].plan.year, PERIOD_ORDER.get(e.report.period, 0), e) for e in points),
        key=lambda row: (row[0], row[1], row[2].report.period),
    )
    return {
        "unit": goal.indicator.measure_unit.name if goal.indicator_id else "",
        "labels": {"plan": _("plan value"), "actual": _("actual value")},
        "periods": [f"{year} {e.report.get_period_display()}" for year, _rank, e in rows],
        "plan": [_float(goals[e.goal_id].plan_value) for _year, _rank, e in rows],
        "actual": [_float(e.actual_value) for _year, _rank, e in rows],
        "years": [{"year": other.plan.year, "plan": _float(other.plan_value)} for other in goals.values()],
    }


def _float(value):
    return float(value) if value is not None else None


def cadre_assignments(*, user, cadre: Cadre) -> QuerySet:
    """The visible goals assigned to ``cadre``, latest year first."""
    return (
        Assignment.objects.filter(cadre=cadre, goal__in=visible_goals(user=user))
        .select_related("goal__plan__unit", "goal__indicator__measure_unit", "goal__goal_type", "role")
        .order_by("-goal__plan__year", "goal__plan__unit__name", "goal__sort_order")
    )


def unit_latest_published_plan(*, user, unit: Unit) -> GoalPlan | None:
    return visible_plans(user=user).filter(unit=unit, status=GoalPlan.Status.PUBLISHED).order_by("-year").first()


def plan_list(*, user, year: int | None = None, status: str = "", text: str = "") -> QuerySet:
    """The plans ``user`` may read with their number of goals, latest year first, then by unit."""
    plans = (
        visible_plans(user=user)
        .select_related("unit__kind")
        .annotate(goal_count=Count("goals"))
        .order_by("-year", "unit__kind__sort_order", "unit__sort_order", "unit__name")
    )
    if year is not None:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    if text:
        plans = plans.filter(Q(unit__name__icontains=text) | Q(unit__short_name__icontains=text))
    return plans


def all_plan_years() -> list[int]:
    """Every year any plan exists for, latest first (the admin's year filter)."""
    return sorted(set(GoalPlan.objects.values_list("year", flat=True)), reverse=True)


def units_for_new_plan(*, user) -> QuerySet:
    """The units ``user`` may start a year's goals for: every active unit for the office, else their own."""
    units = active_units().select_related("kind")
    if is_office(user):
        return units
    return units.filter(pk=getattr(user, "unit_id", None))


def plan_reports_in_order(*, user, plan: GoalPlan) -> list[ProgressReport]:
    """The plan's reports ``user`` may read, months and quarters in the year's order."""
    reports = visible_reports(user=user, plan=plan).order_by("period")
    return sorted(reports, key=lambda r: r.period_rank * 10 + (0 if r.period.startswith("M") else 1))


def plan_changes(*, plan: GoalPlan, goal_id: int | None = None) -> QuerySet:
    """What changed in the plan after publishing, newest first; of one goal when ``goal_id`` is given (GOAL-6)."""
    changes = plan.changes.select_related("changed_by", "goal")
    if goal_id is not None:
        changes = changes.filter(goal_id=goal_id)
    return changes


def recent_goal_changes(*, goal: Goal, limit: int = 20) -> list[GoalChange]:
    return list(goal.changes.select_related("changed_by")[:limit])


def plan_team_cadres(*, plan: GoalPlan) -> QuerySet:
    """The people the plan's goals can go to: its unit's current leadership-team members (GOAL-5)."""
    return team_cadres(unit=plan.unit)


@dataclass
class DeadlineStatus:
    """Who has and has not reported for one deadline (SUP-1)."""

    deadline: ReportingDeadline
    units: int = 0  # units with a published plan of the year: they must report
    on_time: int = 0
    late: list[tuple[Unit, datetime]] = field(default_factory=list)  # submitted after the due date
    missing: list[Unit] = field(default_factory=list)  # not submitted yet
    is_past: bool = False  # the due date has gone by: the missing are late


def deadline_statuses(*, year: int, today: date, unit_id: int | None = None) -> list[DeadlineStatus]:
    """Each of ``year``'s deadlines with the units that reported on time, late, or not at all
    (SUP-1). Units must report on their published plan of the year; ``unit_id`` narrows it
    to one unit. Three queries whatever the county's size."""
    deadlines = list(ReportingDeadline.objects.filter(year=year).order_by("due_date", "period"))
    if not deadlines:
        return []
    plans = GoalPlan.objects.filter(year=year, status=GoalPlan.Status.PUBLISHED).select_related("unit")
    if unit_id is not None:
        plans = plans.filter(unit_id=unit_id)
    plans = sorted(plans, key=lambda plan: (plan.unit.sort_order, plan.unit.name))
    submitted = {
        (plan_id, period): at
        for plan_id, period, at in ProgressReport.objects.filter(
            plan__in=[plan.pk for plan in plans], submitted=True
        ).values_list("plan_id", "period", "submitted_at")
    }
    statuses = []
    for deadline in deadlines:
        status = DeadlineStatus(deadline=deadline, units=len(plans), is_past=deadline.due_date < today)
        for plan in plans:
            key = (plan.pk, deadline.period)
            if key not in submitted:
                status.missing.append(plan.unit)
            elif submitted[key] is not None and submitted[key].date() > deadline.due_date:
                status.late.append((plan.unit, submitted[key]))
            else:
                status.on_time += 1
        statuses.append(status)
    return statuses


def units_to_remind(*, deadline: ReportingDeadline) -> list[Unit]:
    """Units with a published plan of the deadline's year whose report for its period is not
    submitted (SUP-1)."""
    done = ProgressReport.objects.filter(plan__year=deadline.year, period=deadline.period, submitted=True).values(
        "plan_id"
    )
    plans = (
        GoalPlan.objects.filter(year=deadline.year, status=GoalPlan.Status.PUBLISHED)
        .exclude(pk__in=done)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__name")
    )
    return [plan.unit for plan in plans if plan.unit.is_active]


def entries_to_verify(*, user, year: int | None = None, pending_only: bool = True) -> QuerySet:
    """Entries of submitted reports on goals ``user`` verifies (SCORE-1): those the user's unit
    supervises, every one for the office; unverified ones first, newest report first."""
    entries = ProgressEntry.objects.filter(report__submitted=True).select_related(
        "goal__plan__unit", "goal__indicator__measure_unit", "report", "verification__verified_by"
    )
    if not is_office(user):
        unit_id = getattr(user, "unit_id", None)
        if not unit_id:
            return entries.none()
        entries = entries.filter(goal__supervising_unit_id=unit_id)
    if year:
        entries = entries.filter(report__plan__year=year)
    if pending_only:
        entries = entries.filter(verification__isnull=True)
    return entries.order_by("-report__submitted_at", "goal__plan__unit__name", "goal__sort_order", "pk")


def latest_verifications(*, goal_ids) -> dict[int, EntryVerification]:
    """Each goal's verification of its latest verified submitted entry (SCORE-1)."""
    found: dict[int, EntryVerification] = {}
    rank: dict[int, int] = {}
    for verification in EntryVerification.objects.filter(entry__goal_id__in=list(goal_ids)).select_related(
        "entry__report", "verified_by", "verifier_unit"
    ):
        goal_id = verification.entry.goal_id
        position = PERIOD_ORDER.get(verification.entry.report.period, 0)
        if position >= rank.get(goal_id, -1):
            rank[goal_id] = position
            found[goal_id] = verification
    return found


def assignable_cadres(*, goal: Goal, user) -> QuerySet:
    """Whom ``user`` may give ``goal`` to (GOAL-5): its unit's team members that they may pick
    (a unit administrator only their own unit's cadres, the office anyone), and whoever already
    holds it, so saving the decomposition keeps what the office set."""
    team = plan_team_cadres(plan=goal.plan)
    picked = cadre_rules.choosable(user, team).values("pk")
    return team.filter(Q(pk__in=picked) | Q(pk__in=goal.assignments.values("cadre_id")))

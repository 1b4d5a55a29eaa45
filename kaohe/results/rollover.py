"""Starting a new assessment year from the last one (年度切换).

Results sits above every area whose year-bound settings a year needs (goals, evaluation,
scoring, org), so the roll-over lives here and calls each area's own copy service:
``goals.services.plan_copy``, ``evaluation.services.system_copy``,
``org.services.work_group_copy``, ``goals.services.deadlines_year_copy``; the one row of
cycle's work report deadline is copied here. What is not bound to a year (rights, the grade table,
role weights, the indicator dictionary, units, teams and cadres) carries over as it is and
the checklist says so. ``rollover_state`` reads; ``year_roll_over`` copies what the new year
lacks, all or nothing, and can be run again: nothing already there is copied twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from kaohe.access.models import AccessRule
from kaohe.cycle.models import ReportDeadline as WorkReportDeadline
from kaohe.evaluation.models import EvaluationTask, IndicatorSystem
from kaohe.evaluation.services import system_copy
from kaohe.goals.models import GoalPlan, ReportingDeadline
from kaohe.goals.services import deadlines_year_copy, plan_copy
from kaohe.org.models import WorkGroup
from kaohe.org.selectors import active_units, work_group_names_taken, year_work_groups
from kaohe.org.services import work_group_copy, work_group_year_name
from kaohe.scoring.models import RoleWeight, ScoreGrade

from .models import AssessmentYear, GradeLimit, ResultScheme, SchemeCoverage, SchemePart

LIMIT_FIELDS = ("excellent_limit", "cadre_grades", "team_grades", "grade_basis", "ungraded_label")
SCHEME_FIELDS = (
    "goal_weight",
    "evaluation_weight",
    "missing_rule",
    "default_score",
    "min_service_months",
    "short_service_rule",
)
PART_GRADE_FIELDS = (*SchemePart.INSPECTION_GRADE_FIELDS.values(), *SchemePart.QUARTER_GRADE_FIELDS.values())
PART_FIELDS = ("name", "weight", "sort_order", "source", *PART_GRADE_FIELDS)
COVERAGE_FIELDS = ("unit_kind_id", "post_group", "sort_order")
GRADE_LIMIT_FIELDS = ("post_group", "excellent_limit", "sort_order")


def _year_on(moment, years: int):
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


class RollOverRefused(Exception):
    """A reason the roll-over changed nothing."""


@dataclass
class CopyLine:
    """One line of the checklist: something the new year needs from the last."""

    key: str
    label: str
    source: int = 0  # how many the last year has
    present: int = 0  # how many the new year has already
    missing: int = 0  # how many the roll-over would copy
    copied: int = 0  # how many this roll-over copied
    carried: bool = False  # not bound to a year: in force as it is
    note: str = ""

    @property
    def done(self) -> bool:
        return self.carried or self.missing == 0


@dataclass
class Todo:
    """Work the roll-over cannot do: people must do it in the new year."""

    label: str
    count: int
    url: str


@dataclass
class RollOver:
    year_from: int
    year_to: int
    archived: bool
    lines: list[CopyLine] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(line.done for line in self.lines)


def _plans_missing(year_from: int, year_to: int):
    taken = GoalPlan.objects.filter(year=year_to).values("unit_id")
    return (
        GoalPlan.objects.filter(year=year_from, unit__is_active=True)
        .exclude(unit_id__in=taken)
        .select_related("unit")
        .order_by("pk")
    )


def _systems_missing(year_from: int, year_to: int):
    taken = IndicatorSystem.objects.filter(year=year_to).values("name")
    return IndicatorSystem.objects.filter(year=year_from).exclude(name__in=taken).order_by("pk")


def _groups(year_from: int, year_to: int) -> tuple[list[WorkGroup], int]:
    """Last year's work groups whose copy is still to make, and how many the new year has."""
    groups = list(year_work_groups(year=year_from))
    names = {work_group_year_name(name=group.name, year_from=year_from, year_to=year_to): group for group in groups}
    taken = work_group_names_taken(names=names)
    return [group for name, group in names.items() if name not in taken], year_work_groups(year=year_to).count()


def _schemes_missing(year_from: int, year_to: int):
    taken = ResultScheme.objects.filter(year=year_to).values("target_category_id")
    return (
        ResultScheme.objects.filter(year=year_from)
        .exclude(target_category_id__in=taken)
        .prefetch_related("parts", "coverage")
        .order_by("pk")
    )


def _limits(record: AssessmentYear | None) -> tuple | None:
    return None if record is None else tuple(getattr(record, name) for name in LIMIT_FIELDS)


def _limits_missing(year_from: int, year_to: int) -> AssessmentYear | None:
    """Last year's grade rules when the new year has none of its own yet (none, or the
    defaults the results screen sets up on a first visit), else None."""
    source = AssessmentYear.objects.filter(year=year_from).first()
    if source is None:
        return None
    target = AssessmentYear.objects.filter(year=year_to).first()
    if target is not None and (_limits(target) != _limits(AssessmentYear()) or _limits(target) == _limits(source)):
        return None
    return source


def rollover_state(*, year_from: int, year_to: int) -> RollOver:
    """What the new year has, lacks and still needs people for (the checklist)."""
    state = RollOver(
        year_from=year_from,
        year_to=year_to,
        archived=AssessmentYear.objects.filter(year=year_to, archived_at__isnull=False).exists(),
    )
    add = state.lines.append
    # The year-bound settings counted alike: how many each year has, and how many to copy.
    # (AssessmentYear.year is unique, so its count is whether the year has its grade rules.)
    year_bound = (
        (
            "plans",
            _("Goal trees of the units (copied as drafts, dates moved on a year)"),
            GoalPlan,
            _plans_missing(year_from, year_to).count(),
        ),
        (
            "deadlines",
            _("Reporting deadlines (SUP-1), dates moved on a year"),
            ReportingDeadline,
            ReportingDeadline.objects.filter(year=year_from)
            .exclude(period__in=ReportingDeadline.objects.filter(year=year_to).values("period"))
            .count(),
        ),
        (
            "work_report_deadline",
            _("Deadline of the work reports and self-assessments (CYCLE-3), moved on a year"),
            WorkReportDeadline,
            int(
                WorkReportDeadline.objects.filter(year=year_from).exists()
                and not WorkReportDeadline.objects.filter(year=year_to).exists()
            ),
        ),
        (
            "systems",
            _("Evaluation indicator systems with their indicators and rating levels"),
            IndicatorSystem,
            _systems_missing(year_from, year_to).count(),
        ),
        (
            "schemes",
            _("Result schemes (weights of goals, evaluation and hand-scored parts)"),
            ResultScheme,
            _schemes_missing(year_from, year_to).count(),
        ),
        (
            "limits",
            _("Grade limits and grade names (share of 优秀, cadre and team grades)"),
            AssessmentYear,
            int(_limits_missing(year_from, year_to) is not None),
        ),
    )
    for key, label, model, missing in year_bound:
        add(
            CopyLine(
                key,
                label,
                source=model.objects.filter(year=year_from).count(),
                present=model.objects.filter(year=year_to).count(),
                missing=missing,
            )
        )
    groups_missing, groups_present = _groups(year_from, year_to)
    add(
        CopyLine(
            "groups",
            _("Work groups with their units and members"),
            source=year_work_groups(year=year_from).count(),
            present=groups_present,
            missing=len(groups_missing),
            note=_("Groups without a year serve every year and are left as they are."),
        )
    )
    carried = (
        (
            "rights",
            _("Query and comment rights (SYS-11)"),
            AccessRule.objects.count(),
            _("The rights table is not bound to a year: it applies to the new year as it is."),
        ),
        (
            "grades",
            _("Goal grade table and role weights of goal scores"),
            ScoreGrade.objects.count() + RoleWeight.objects.count(),
            _("Not bound to a year: they apply to the new year as they are."),
        ),
    )
    for key, label, source, note in carried:
        add(CopyLine(key, label, source=source, carried=True, note=note))

    units_without = active_units().exclude(goal_plans__year=year_to).count()
    drafts = GoalPlan.objects.filter(year=year_to, status=GoalPlan.Status.DRAFT).count()
    goals_url = reverse("goals_admin:index") + f"?year={year_to}"
    if units_without:
        state.todos.append(Todo(_("Active units without goals for the new year"), units_without, goals_url))
    if drafts:
        state.todos.append(Todo(_("Goal plans to revise and publish (drafts)"), drafts, goals_url + "&status=draft"))
    if not ReportingDeadline.objects.filter(year=year_to).exists():
        state.todos.append(
            Todo(
                _("Set when the new year's progress reports are due (SUP-1)"),
                0,
                reverse("wagtailsnippets_goals_reportingdeadline:list"),
            )
        )
    if not EvaluationTask.objects.filter(year=year_to).exists():
        state.todos.append(
            Todo(
                _("Evaluation tasks: targets, evaluator categories, times and accounts are set up anew each year"),
                0,
                reverse("wagtailsnippets_evaluation_evaluationtask:list"),
            )
        )
    return state


@transaction.atomic
def year_roll_over(*, year_from: int, year_to: int, user) -> RollOver:
    """Copy into ``year_to`` everything of ``year_from`` it lacks, all or nothing; return the
    checklist with what this run copied. Refused for an archived year or a year before."""
    if year_to <= year_from:
        raise RollOverRefused(_("The new year must come after the year it is copied from."))
    if AssessmentYear.objects.filter(year=year_to, archived_at__isnull=False).exists():
        raise RollOverRefused(_("%(year)s is archived; nothing can be copied into it.") % {"year": year_to})

    copied: dict[str, int] = {}
    plans = list(_plans_missing(year_from, year_to))
    for plan in plans:
        new = plan_copy(source=plan, year=year_to, user=user)
        log(new, "wagtail.create", user=user)
    copied["plans"] = len(plans)
    copied["deadlines"] = deadlines_year_copy(year_from=year_from, year_to=year_to, user=user)

    copied["work_report_deadline"] = 0
    source_deadline = WorkReportDeadline.objects.filter(year=year_from).first()
    if source_deadline is not None and not WorkReportDeadline.objects.filter(year=year_to).exists():
        moved = _year_on(source_deadline.deadline, year_to - year_from)
        new_deadline = WorkReportDeadline.objects.create(year=year_to, deadline=moved, note=source_deadline.note)
        log(new_deadline, "wagtail.create", user=user)
        copied["work_report_deadline"] = 1

    systems = list(_systems_missing(year_from, year_to))
    for system in systems:
        system_copy(system=system, year=year_to, name=system.name, user=user)
    copied["systems"] = len(systems)

    schemes = list(_schemes_missing(year_from, year_to))
    for scheme in schemes:
        new = ResultScheme.objects.create(
            year=year_to,
            target_category_id=scheme.target_category_id,
            **{name: getattr(scheme, name) for name in SCHEME_FIELDS},
        )
        SchemePart.objects.bulk_create(
            SchemePart(scheme=new, **{name: getattr(part, name) for name in PART_FIELDS}) for part in scheme.parts.all()
        )
        SchemeCoverage.objects.bulk_create(
            SchemeCoverage(scheme=new, **{name: getattr(row, name) for name in COVERAGE_FIELDS})
            for row in scheme.coverage.all()
        )
        log(new, "wagtail.create", user=user)
    copied["schemes"] = len(schemes)

    source = _limits_missing(year_from, year_to)
    if source is not None:
        target, _created = AssessmentYear.objects.get_or_create(year=year_to)
        for name in LIMIT_FIELDS:
            setattr(target, name, getattr(source, name))
        target.save(update_fields=list(LIMIT_FIELDS))
        target.grade_limits.all().delete()
        GradeLimit.objects.bulk_create(
            GradeLimit(assessment_year=target, **{name: getattr(row, name) for name in GRADE_LIMIT_FIELDS})
            for row in source.grade_limits.all()
        )
        log(target, "wagtail.edit", user=user)
    copied["limits"] = int(source is not None)

    groups, _present = _groups(year_from, year_to)
    for group in groups:
        work_group_copy(group=group, year=year_to, user=user)
    copied["groups"] = len(groups)

    state = rollover_state(year_from=year_from, year_to=year_to)
    for line in state.lines:
        line.copied = copied.get(line.key, 0)
    return state

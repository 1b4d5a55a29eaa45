"""Who may see and change goals and progress (GOAL-9).

Editing follows the rule tables: the office edits every unit's goals, a unit
administrator only their own unit's. Reading asks the office's rights table
(``kaohe.access``, SYS-11): whose published goals and submitted progress reports
each kind of person may query. The questions about one reader are answered here
(``can_view_plan``, ``is_public_reader``, ``sees_unsubmitted_reports``), the
querysets of what a reader sees are in ``selectors`` (``visible_plans``,
``visible_goals``, ``visible_reports``): unpublished plans and unsubmitted
reports are seen only by the unit's own people and the office; the public sees,
of what the table opens to it, the goals of the goal types the office has marked
public.

The reading functions take a user or an access ``Reader`` (an evaluator reading a
target from the ballot form is a reader, not a user).
"""

from __future__ import annotations

from kaohe.access.models import Subject
from kaohe.access.selectors import Reader, reader_for
from kaohe.core.roles import RoleCode
from kaohe.core.rules import STAFF_ROLES, Rules, is_office, office_keeps, roles_of

from .models import (
    Assignment,
    AssignmentRole,
    Goal,
    GoalPlan,
    GoalSource,
    GoalType,
    Indicator,
    MeasureUnit,
    ProgressReport,
    ReportingDeadline,
)

OFFICE = {RoleCode.OFFICE}
UNIT_EDIT = {action: {RoleCode.UNIT_ADMIN} for action in ("add", "change", "delete")}


class MeasureUnitRules(Rules):
    model = MeasureUnit
    anywhere = office_keeps()


class IndicatorRules(Rules):
    model = Indicator
    anywhere = office_keeps()


class GoalTypeRules(Rules):
    model = GoalType
    anywhere = office_keeps()


class GoalSourceRules(Rules):
    model = GoalSource
    anywhere = office_keeps()


class AssignmentRoleRules(Rules):
    model = AssignmentRole
    anywhere = office_keeps()


class ReportingDeadlineRules(Rules):
    model = ReportingDeadline
    anywhere = office_keeps()


class GoalPlanRules(Rules):
    model = GoalPlan
    anywhere = {"view": STAFF_ROLES, "add": OFFICE, "change": OFFICE, "delete": OFFICE}
    own_unit = {"add": {RoleCode.UNIT_ADMIN}, "change": {RoleCode.UNIT_ADMIN}}
    unit_lookup = "unit_id"


class GoalRules(Rules):
    model = Goal
    anywhere = {action: OFFICE for action in ("add", "change", "delete")} | {"view": STAFF_ROLES}
    own_unit = UNIT_EDIT
    unit_lookup = "plan__unit_id"


class AssignmentRules(Rules):
    model = Assignment
    anywhere = {action: OFFICE for action in ("add", "change", "delete")} | {"view": STAFF_ROLES}
    own_unit = UNIT_EDIT
    unit_lookup = "goal__plan__unit_id"


class ProgressReportRules(Rules):
    model = ProgressReport
    anywhere = {action: OFFICE for action in ("add", "change", "delete")} | {"view": STAFF_ROLES}
    own_unit = UNIT_EDIT
    unit_lookup = "plan__unit_id"


measure_unit_rules = MeasureUnitRules()
indicator_rules = IndicatorRules()
goal_type_rules = GoalTypeRules()
goal_source_rules = GoalSourceRules()
assignment_role_rules = AssignmentRoleRules()
plan_rules = GoalPlanRules()
goal_rules = GoalRules()
assignment_rules = AssignmentRules()
report_rules = ProgressReportRules()
deadline_rules = ReportingDeadlineRules()


def as_reader(who) -> Reader:
    """The access reader for a user (or None: the public), or ``who`` itself if it is one."""
    return who if isinstance(who, Reader) else reader_for(user=who)


def sees_all_plans(user) -> bool:
    if isinstance(user, Reader):
        return user.office
    return is_office(user)


def own_unit_id(user):
    """The unit whose drafts ``user`` sees: any signed-in person of the unit."""
    if isinstance(user, Reader):
        return user.unit_id
    if roles_of(user) or getattr(user, "is_superuser", False):
        return getattr(user, "unit_id", None)
    return None


def is_public_reader(user) -> bool:
    """Anonymous visitors and signed-in people with no role read as the public."""
    if isinstance(user, Reader):
        return user.is_public
    return not roles_of(user) and not getattr(user, "is_superuser", False)


def can_view_plan(user, plan: GoalPlan) -> bool:
    """The plan's own unit and the office always; others a published plan of a unit the
    office's rights table opens to them (SYS-11), or of a goal their unit supervises."""
    if sees_unsubmitted_reports(user, plan):
        return True
    if not plan.is_published:
        return False
    reader = as_reader(user)
    if reader.may_read(Subject.GOALS, unit_id=plan.unit_id, parent_id=plan.unit.parent_id):
        return True
    if "supervised" in reader.read_reach(Subject.GOALS) and reader.unit_id is not None:
        return plan.goals.filter(supervising_unit_id=reader.unit_id).exists()
    return False


def sees_unsubmitted_reports(user, plan: GoalPlan) -> bool:
    """The office and the plan's own unit see its drafts and unsubmitted reports."""
    if sees_all_plans(user):
        return True
    unit_id = own_unit_id(user)
    return unit_id is not None and unit_id == plan.unit_id


def can_edit_plan(user, plan: GoalPlan) -> bool:
    return goal_rules.can_for(user, "change", Goal(plan=plan))

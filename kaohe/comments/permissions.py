"""Who may comment, read, manage and answer comments (CMT-1, CMT-2, CMT-4, CMT-5).

Two layers:

- the rule tables (``Rules``) say who may open the management list, who
  moderates, merges and removes (the office) and who answers (the office, and
  a unit administrator for their own unit);
- the rights table the office keeps in the admin (``CommentRight``) says, per
  commenter kind and target type, who may read published comments and who may
  comment. ``commenter_kind`` derives the kind from the person and the target.

Reports (举报) are for the office alone: every other reader's queries go
through ``readable_q``, which excludes them, and the detail and answer views
refuse them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kaohe.core.roles import RoleCode
from kaohe.core.rules import ACTIONS, STAFF_ROLES, Rules, has_role, is_office
from kaohe.goals.models import Goal
from kaohe.goals.permissions import own_unit_id
from kaohe.org.models import Team, Unit

from .models import Comment, CommenterKind, CommentRight, CommentType, TargetType

OFFICE = {RoleCode.OFFICE}


class CommentTypeRules(Rules):
    model = CommentType
    anywhere = {action: OFFICE for action in ACTIONS} | {"view": STAFF_ROLES}


class CommentRightRules(Rules):
    model = CommentRight
    anywhere = {action: OFFICE for action in ACTIONS}


class CommentRules(Rules):
    """``view``: open the management list; what it lists is ``manageable_comments``."""

    model = Comment
    anywhere = {
        "view": {RoleCode.OFFICE, RoleCode.COUNTY_LEADER, RoleCode.ASSESSMENT_GROUP},
        "moderate": OFFICE,
        "answer": OFFICE,
    }
    own_unit = {"view": {RoleCode.UNIT_ADMIN}, "answer": {RoleCode.UNIT_ADMIN}}
    unit_lookup = "unit_id"


comment_type_rules = CommentTypeRules()
comment_right_rules = CommentRightRules()
comment_rules = CommentRules()


def commenter_kind(user, target) -> str:
    """The kind of person ``user`` is when commenting on ``target`` (a Unit, Team or Goal).

    County leader role -> county leader; office role -> office; a unit user
    whose unit supervises the goal (or is the parent of the unit commented on)
    -> supervising department; other signed-in unit users -> grassroots unit;
    anyone else -> public.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return CommenterKind.PUBLIC
    if is_office(user):
        return CommenterKind.OFFICE
    if has_role(user, RoleCode.COUNTY_LEADER):
        return CommenterKind.COUNTY_LEADER
    unit_id = own_unit_id(user)
    if unit_id is None:
        return CommenterKind.PUBLIC
    if isinstance(target, Goal):
        supervising = target.supervising_unit_id == unit_id
    elif isinstance(target, Team):
        supervising = target.unit.parent_id == unit_id
    elif isinstance(target, Unit):
        supervising = target.parent_id == unit_id
    else:
        raise TypeError(f"cannot comment on {type(target).__name__}")
    return CommenterKind.SUPERVISING if supervising else CommenterKind.GRASSROOTS


def target_type_of(target) -> str:
    if isinstance(target, Goal):
        return TargetType.GOAL
    if isinstance(target, Team):
        return TargetType.TEAM
    return TargetType.UNIT


def rights_table() -> dict[tuple[str, str], CommentRight]:
    """The office's rights table, one query. A missing row allows nothing."""
    return {(row.commenter_kind, row.target_type): row for row in CommentRight.objects.all()}


def right_for(kind: str, target_type: str, table=None) -> CommentRight | None:
    table = rights_table() if table is None else table
    return table.get((kind, target_type))


def _readable_targets(table, kind) -> list[str]:
    return [target for target in TargetType.values if (row := table.get((kind, target))) and row.may_read]


def readable_q(user, table=None) -> Q:
    """Comments ``user`` may read on the portal: published, not reports, on a
    target type their kind may read by the rights table, plus every published
    comment on their own unit."""
    table = rights_table() if table is None else table
    base = Q(status=Comment.Status.PUBLISHED, is_report=False)
    if is_office(user):
        return base
    if user is not None and getattr(user, "is_authenticated", False) and has_role(user, RoleCode.COUNTY_LEADER):
        return base & Q(target_type__in=_readable_targets(table, CommenterKind.COUNTY_LEADER))
    unit_id = own_unit_id(user) if user is not None and getattr(user, "is_authenticated", False) else None
    if unit_id is None:
        return base & Q(target_type__in=_readable_targets(table, CommenterKind.PUBLIC))
    supervises = Q(target_type=TargetType.GOAL, goal__supervising_unit_id=unit_id) | Q(
        target_type__in=[TargetType.UNIT, TargetType.TEAM], unit__parent_id=unit_id
    )
    as_supervisor = supervises & Q(target_type__in=_readable_targets(table, CommenterKind.SUPERVISING))
    as_grassroots = ~supervises & Q(target_type__in=_readable_targets(table, CommenterKind.GRASSROOTS))
    return base & (as_supervisor | as_grassroots | Q(unit_id=unit_id))


def can_open_list(user) -> bool:
    return comment_rules.can(user, "view")


def manageable_comments(user, queryset: QuerySet | None = None) -> QuerySet:
    """The comments ``user`` lists in comment management (CMT-4): all of them
    for the office (reports and those awaiting review included); for others
    with the right, the published ones they may read, their own unit's included."""
    queryset = Comment.objects.all() if queryset is None else queryset
    if not can_open_list(user):
        return queryset.none()
    if is_office(user):
        return queryset
    return queryset.filter(readable_q(user))


def can_moderate(user) -> bool:
    return comment_rules.can(user, "moderate")


def can_answer(user, comment: Comment) -> bool:
    """The office answers any comment; a unit administrator answers comments on
    their own unit, except reports, which their unit never sees."""
    if comment.is_report and not is_office(user):
        return False
    if not comment.is_live:
        return False
    return comment_rules.can_for(user, "answer", comment)


def sees_identity(user, comment: Comment) -> bool:
    """Whether ``user`` sees who wrote ``comment`` beyond the name shown (e-mail, account)."""
    return is_office(user)

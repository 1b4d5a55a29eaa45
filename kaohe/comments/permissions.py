"""Who may comment, read, manage and answer comments (CMT-1, CMT-2, CMT-4, CMT-5).

Two layers:

- the rule tables (``Rules``) say who may open the management list, who
  moderates, merges and removes (the office) and who answers (the office, and
  a unit administrator for their own unit);
- the office's rights table (``kaohe.access``, SYS-11 and CMT-2) says, per kind of
  person, on whose units, teams and goals they may read published comments and
  comment, and whether their comments wait for review. ``commenter_kind`` derives
  the kind recorded on a comment from the person and the target.

Reports (举报) are for the office alone: every other reader's queries go
through ``readable_q``, which excludes them, and the detail and answer views
refuse them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kaohe.access.models import Subject
from kaohe.access.selectors import NOTHING, Reader, reader_for
from kaohe.core.roles import RoleCode
from kaohe.core.rules import ACTIONS, STAFF_ROLES, Rules, has_role, is_office
from kaohe.goals.models import Goal
from kaohe.goals.permissions import own_unit_id
from kaohe.org.models import Team, Unit

from .models import Comment, CommenterKind, CommentType, TargetType

OFFICE = {RoleCode.OFFICE}


class CommentTypeRules(Rules):
    model = CommentType
    anywhere = {action: OFFICE for action in ACTIONS} | {"view": STAFF_ROLES}


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


SUBJECT_OF = {
    TargetType.UNIT: Subject.UNIT_COMMENTS,
    TargetType.TEAM: Subject.TEAM_COMMENTS,
    TargetType.GOAL: Subject.GOAL_COMMENTS,
}


def subject_of(target) -> str:
    return SUBJECT_OF[target_type_of(target)]


def _relations(target) -> dict:
    """The unit of ``target``, the unit's parent and (for a goal) its supervising department."""
    if isinstance(target, Goal):
        unit = target.plan.unit
        return {"unit_id": unit.pk, "parent_id": unit.parent_id, "supervising_unit_id": target.supervising_unit_id}
    unit = target.unit if isinstance(target, Team) else target
    return {"unit_id": unit.pk, "parent_id": unit.parent_id}


def may_comment(user, target, reader: Reader | None = None) -> bool:
    """May ``user`` comment on ``target`` (a Unit, Team or Goal), by the office's table (CMT-2)?"""
    reader = reader_for(user=user) if reader is None else reader
    return reader.may_comment(subject_of(target), **_relations(target))


def moderation_for(user, target, reader: Reader | None = None) -> str:
    """Whether ``user``'s comment on ``target`` waits for review, by the office's table."""
    reader = reader_for(user=user) if reader is None else reader
    return reader.moderation(subject_of(target))


def readable_q(user, reader: Reader | None = None) -> Q:
    """Comments ``user`` may read on the portal: published, not reports, on units, teams
    and goals whose comments the office's table lets them read (their own unit's always)."""
    reader = reader_for(user=user) if reader is None else reader
    base = Q(status=Comment.Status.PUBLISHED, is_report=False)
    if reader.office:
        return base
    readable = NOTHING
    for target_type, subject in SUBJECT_OF.items():
        supervising = "goal__supervising_unit_id" if target_type == TargetType.GOAL else None
        where = reader.read_q(subject, unit="unit_id", parent="unit__parent_id", supervising=supervising)
        readable |= Q(target_type=target_type) & where
    return base & readable


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


def sees_private_answers(user, comment: Comment) -> bool:
    """Private answers are between the commented unit (and the office) and the commenter (CMT-5):
    every screen that shows answers (comment management, the scoring sheet) asks this."""
    return is_office(user) or (own_unit_id(user) is not None and own_unit_id(user) == comment.unit_id)


def sees_identity(user, comment: Comment) -> bool:
    """Whether ``user`` sees who wrote ``comment`` beyond the name shown (e-mail, account)."""
    return is_office(user)

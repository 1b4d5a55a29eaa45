"""Changing goals: every write to a goal tree goes through here.

The functions check the tree's invariants (same plan, no cycles), keep the
order of siblings dense, refuse a save based on an outdated version, and,
once a plan is published, record what changed (GOAL-6).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Assignment, Goal, GoalChange, GoalPlan
from .tree import descendants_of

# Fields whose changes are recorded after publishing, in display order.
TRACKED_FIELDS = [
    "name",
    "kind",
    "goal_type",
    "source",
    "supervising_unit",
    "weight",
    "importance",
    "start_date",
    "due_date",
    "criteria",
    "indicator",
    "plan_value",
    "counts_in_assessment",
]


class StaleGoal(Exception):
    """Someone else saved the goal since this form was opened."""

    def __init__(self, goal: Goal):
        self.goal = goal
        who = goal.updated_by.get_full_name() if goal.updated_by else _("someone")
        when = timezone.localtime(goal.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            _(
                "%(who)s changed this goal at %(when)s after you opened it. Your changes were not saved: "
                "reload it to see theirs, then make yours again."
            )
            % {"who": who, "when": when}
        )


def _display(goal: Goal, name: str) -> str:
    value = getattr(goal, name)
    if value is None or value == "":
        return ""
    model_field = Goal._meta.get_field(name)
    if model_field.choices:
        return str(getattr(goal, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    return str(value)


def snapshot(goal: Goal) -> dict[str, str]:
    return {name: _display(goal, name) for name in TRACKED_FIELDS}


def record_change(goal: Goal, action: str, user, changes: dict | None = None, name: str | None = None) -> None:
    """Keep a change to a published plan and mark the goal (GOAL-6)."""
    if not goal.plan.is_published:
        return
    GoalChange.objects.create(
        plan=goal.plan,
        goal=goal if action != GoalChange.Action.DELETED else None,
        goal_name=name or goal.name,
        action=action,
        changes=changes or {},
        changed_by=user,
    )
    if action != GoalChange.Action.DELETED:
        Goal.objects.filter(pk=goal.pk).update(changed_after_publish=True)
        goal.changed_after_publish = True


def _diff(before: dict, after: dict) -> dict:
    return {
        str(Goal._meta.get_field(name).verbose_name): [before[name], after[name]]
        for name in TRACKED_FIELDS
        if before[name] != after[name]
    }


def _next_order(plan_id, parent_id) -> int:
    top = Goal.objects.filter(plan_id=plan_id, parent_id=parent_id).aggregate(top=Max("sort_order"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def add_goal(goal: Goal, user, *, after: Goal | None = None) -> Goal:
    """Save a new goal as the last child of its parent, or right after ``after``."""
    if goal.parent_id and goal.parent.plan_id != goal.plan_id:
        raise ValidationError(_("The parent goal belongs to another unit's or year's goals."))
    if after is not None:
        if after.plan_id != goal.plan_id or after.parent_id != goal.parent_id:
            raise ValidationError(_("A sibling must have the same parent."))
        Goal.objects.filter(plan_id=goal.plan_id, parent_id=goal.parent_id, sort_order__gt=after.sort_order).update(
            sort_order=F("sort_order") + 1
        )
        goal.sort_order = after.sort_order + 1
    else:
        goal.sort_order = _next_order(goal.plan_id, goal.parent_id)
    goal.updated_by = user
    goal.full_clean()
    goal.save()
    record_change(
        goal,
        GoalChange.Action.ADDED,
        user,
        {k: ["", v] for k, v in _diff(dict.fromkeys(TRACKED_FIELDS, ""), snapshot(goal)).items()},
    )
    return goal


@transaction.atomic
def update_goal(goal: Goal, before: dict, version: int, user) -> Goal:
    """Save an edited goal if nobody saved it since ``version`` was read."""
    goal.full_clean()
    goal.updated_by = user
    goal.updated_at = timezone.now()
    values = {
        f.attname: getattr(goal, f.attname) for f in Goal._meta.concrete_fields if f.name not in ("id", "version")
    }
    updated = Goal.objects.filter(pk=goal.pk, version=version).update(version=version + 1, **values)
    if not updated:
        raise StaleGoal(Goal.objects.select_related("updated_by").get(pk=goal.pk))
    goal.version = version + 1
    changes = _diff(before, snapshot(goal))
    if changes:
        record_change(goal, GoalChange.Action.CHANGED, user, changes)
    return goal


@transaction.atomic
def delete_goal(goal: Goal, user) -> int:
    """Delete the goal with its subtree; returns how many goals went."""
    count = 1 + len(descendants_of(goal))
    record_change(goal, GoalChange.Action.DELETED, user, {_("subtree"): [str(count), "0"]} if count > 1 else {})
    goal.delete()
    return count


@transaction.atomic
def move_goal(goal: Goal, new_parent: Goal | None, position: int | None, user) -> Goal:
    """Put the goal under ``new_parent`` (None: top level) at ``position``
    (0-based among its new siblings; None: last)."""
    if new_parent is not None:
        if new_parent.plan_id != goal.plan_id:
            raise ValidationError(_("A goal can only move within its own unit's goals of the same year."))
        if new_parent.pk == goal.pk or new_parent.pk in descendants_of(goal):
            raise ValidationError(_("A goal cannot move under itself or one of its own sub-goals."))
    old_parent_name = goal.parent.name if goal.parent_id else _("top level")
    parent_id = new_parent.pk if new_parent else None
    siblings = list(
        Goal.objects.select_for_update()
        .filter(plan_id=goal.plan_id, parent_id=parent_id)
        .exclude(pk=goal.pk)
        .order_by("sort_order", "pk")
    )
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(position, goal)
    moved_parent = goal.parent_id != parent_id
    goal.parent = new_parent
    for order, sibling in enumerate(siblings):
        if sibling.pk == goal.pk:
            Goal.objects.filter(pk=goal.pk).update(
                parent_id=parent_id,
                sort_order=order,
                version=F("version") + 1,
                updated_by=user,
                updated_at=timezone.now(),
            )
            goal.sort_order = order
        elif sibling.sort_order != order:
            Goal.objects.filter(pk=sibling.pk).update(sort_order=order)
    if moved_parent:
        new_parent_name = new_parent.name if new_parent else _("top level")
        record_change(goal, GoalChange.Action.MOVED, user, {_("parent goal"): [old_parent_name, new_parent_name]})
    return goal


def shift_goal(goal: Goal, step: int, user) -> Goal:
    """Move one place up (-1) or down (+1) among its siblings."""
    siblings = list(
        Goal.objects.filter(plan_id=goal.plan_id, parent_id=goal.parent_id)
        .order_by("sort_order", "pk")
        .values_list("pk", flat=True)
    )
    index = siblings.index(goal.pk)
    return move_goal(goal, goal.parent, max(0, index + step), user)


@transaction.atomic
def publish_plan(plan: GoalPlan, user) -> None:
    plan.status = GoalPlan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = user
    plan.save(update_fields=["status", "published_at", "published_by", "updated_at"])


@transaction.atomic
def copy_plan(source: GoalPlan, year: int, user) -> GoalPlan:
    """Start ``year``'s plan for the same unit from ``source``'s tree (GOAL-3).

    Names, classes, weights, criteria and indicators are copied; dates move by
    the difference in years; plan values and assignments are kept so the unit
    edits rather than retypes them. The copy is a draft.
    """
    if GoalPlan.objects.filter(unit_id=source.unit_id, year=year).exists():
        raise ValidationError(_("%(unit)s already has goals for %(year)s.") % {"unit": source.unit, "year": year})
    plan = GoalPlan.objects.create(unit_id=source.unit_id, year=year)
    shift = year - source.year
    mapping: dict[int, Goal] = {}
    goals = list(Goal.objects.filter(plan=source).order_by("parent_id", "sort_order", "pk"))
    by_parent: dict[int | None, list[Goal]] = {}
    for goal in goals:
        by_parent.setdefault(goal.parent_id, []).append(goal)
    queue = [(goal, None) for goal in by_parent.get(None, [])]
    while queue:
        level = []
        for old, new_parent in queue:
            new = Goal(
                plan=plan,
                parent=new_parent,
                sort_order=old.sort_order,
                name=old.name,
                kind=old.kind,
                goal_type_id=old.goal_type_id,
                source_id=old.source_id,
                supervising_unit_id=old.supervising_unit_id,
                weight=old.weight,
                importance=old.importance,
                start_date=_shift(old.start_date, shift),
                due_date=_shift(old.due_date, shift),
                criteria=old.criteria,
                indicator_id=old.indicator_id,
                plan_value=old.plan_value,
                counts_in_assessment=old.counts_in_assessment,
                copied_from=old,
                updated_by=user,
            )
            level.append((old, new))
        Goal.objects.bulk_create([new for _old, new in level])
        queue = []
        for old, new in level:
            mapping[old.pk] = new
            queue.extend((child, new) for child in by_parent.get(old.pk, []))
    Assignment.objects.bulk_create(
        [
            Assignment(goal=mapping[a.goal_id], cadre_id=a.cadre_id, role_id=a.role_id)
            for a in Assignment.objects.filter(goal__plan=source)
        ]
    )
    return plan


def _shift(day, years):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def set_assignments(goal: Goal, rows: list[tuple], counts_in_assessment: bool, user) -> None:
    """Replace the goal's decomposition with ``rows`` of (cadre, role) (GOAL-5)."""
    before = sorted(f"{a.cadre.name}:{a.role.name}" for a in goal.assignments.select_related("cadre", "role"))
    goal.assignments.all().delete()
    Assignment.objects.bulk_create([Assignment(goal=goal, cadre=cadre, role=role) for cadre, role in rows])
    after = sorted(f"{cadre.name}:{role.name}" for cadre, role in rows)
    changes = {}
    if before != after:
        changes[str(_("goal assignments"))] = ["、".join(before), "、".join(after)]
    if goal.counts_in_assessment != counts_in_assessment:
        label = str(Goal._meta.get_field("counts_in_assessment").verbose_name)
        changes[label] = [
            _("yes") if goal.counts_in_assessment else _("no"),
            _("yes") if counts_in_assessment else _("no"),
        ]
        Goal.objects.filter(pk=goal.pk).update(counts_in_assessment=counts_in_assessment, version=F("version") + 1)
        goal.counts_in_assessment = counts_in_assessment
    if changes:
        record_change(goal, GoalChange.Action.CHANGED, user, changes)

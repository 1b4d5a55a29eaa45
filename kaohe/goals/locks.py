"""What may no longer change in a plan, and why: the one rule every write asks (SCORE-1, RES-4).

Two kinds of lock reach a plan from the apps above goals, through Wagtail hooks
(goals may not import them):

- ``register_plan_locks``: ``fn(plan) -> str | None``, a message naming a lock on
  the whole plan (the results app: the year is archived).
- ``register_goal_locks``: ``fn(plan) -> {goal_id: message}``, goals locked on their
  own (the scoring app: the goal's score is locked).

A goal is locked when its plan is, or when it, a goal above it or a goal below it
has a locked score: moving, deleting or re-weighting any of them would change
what the locked score was given for. A locked goal's fields, weight, plan value,
decomposition, place in the tree and progress entries do not change, whoever
asks (the office too): the office first reopens the score, with a reason that is
logged, and an archived year changes only by a logged correction of its results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail import hooks

from .models import Goal, GoalPlan

PLAN_LOCK_HOOK = "register_plan_locks"
GOAL_LOCK_HOOK = "register_goal_locks"


@dataclass
class PlanLocks:
    """The locks on one plan, read once: ``reason_for(goal_id)`` says why a goal is locked, or None."""

    plan: GoalPlan
    plan_reason: str | None = None
    goal_reasons: dict[int, str] = field(default_factory=dict)

    def reason_for(self, goal_id: int | None) -> str | None:
        if self.plan_reason:
            return self.plan_reason
        return self.goal_reasons.get(goal_id) if goal_id is not None else None

    @property
    def any(self) -> bool:
        return bool(self.plan_reason or self.goal_reasons)

    def check_plan(self) -> None:
        """Raise ``ValidationError`` naming the lock if the plan as a whole is locked."""
        if self.plan_reason:
            raise ValidationError(self.plan_reason)

    def check_goal(self, goal: Goal | int | None) -> None:
        """Raise ``ValidationError`` naming the lock if the goal (and so its subtree) is locked."""
        goal_id = goal.pk if isinstance(goal, Goal) else goal
        reason = self.reason_for(goal_id)
        if reason:
            raise ValidationError(reason)


def plan_locks(plan: GoalPlan) -> PlanLocks:
    """Every lock on ``plan``: a fixed number of queries whatever its size."""
    locks = PlanLocks(plan=plan)
    for fn in hooks.get_hooks(PLAN_LOCK_HOOK):
        reason = fn(plan)
        if reason:
            locks.plan_reason = str(reason)
            return locks
    own: dict[int, str] = {}
    for fn in hooks.get_hooks(GOAL_LOCK_HOOK):
        for goal_id, reason in (fn(plan) or {}).items():
            own.setdefault(goal_id, str(reason))
    if not own:
        return locks
    parents = dict(Goal.objects.filter(plan=plan).values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in parents.items():
        children[parent_id].append(pk)
    for goal_id, reason in own.items():
        # The goal itself, every goal above it and every goal below it.
        locks.goal_reasons.setdefault(goal_id, reason)
        parent_id = parents.get(goal_id)
        while parent_id is not None:
            locks.goal_reasons.setdefault(parent_id, reason)
            parent_id = parents.get(parent_id)
        stack = list(children[goal_id])
        while stack:
            pk = stack.pop()
            locks.goal_reasons.setdefault(pk, reason)
            stack.extend(children[pk])
    return locks


def check_plan_unlocked(plan: GoalPlan) -> None:
    """Refuse, with the lock's name, any change to a plan whose year is archived."""
    plan_locks(plan).check_plan()


def check_goal_unlocked(goal: Goal) -> None:
    """Refuse, with the lock's name, any change to a locked goal."""
    plan_locks(goal.plan).check_goal(goal)


def locked_message(goal_name: str, reason: str) -> str:
    return _("“%(goal)s” is locked: %(reason)s") % {"goal": goal_name, "reason": reason}

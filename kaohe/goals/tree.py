"""A plan's goal tree, read in a constant number of queries.

``load_tree(plan)`` reads every goal of the plan with its dictionary entries
in one query, their assignments and the latest progress in one query each,
and assembles the nodes in Python. The tree screen, the public goal page and
the Excel export all use it, so none of them grows queries with the tree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from .models import Assignment, Goal, GoalPlan, ProgressEntry, completion_percent


class ProgressView:
    """Completion, red flag and bar of a goal with its latest entry (SUP-2, SUP-7)."""

    goal: Goal
    latest: ProgressEntry | None

    @property
    def completion(self) -> Decimal | None:
        if self.latest is None:
            return None
        return completion_percent(self.goal, self.latest.actual_value, self.latest.estimated_progress)

    @property
    def completed(self) -> bool:
        value = self.completion
        return value is not None and value >= 100

    @property
    def bar_width(self) -> int:
        value = self.completion
        return 0 if value is None else max(0, min(100, int(value)))

    @property
    def late(self) -> bool:
        return bool(self.goal.due_date and self.goal.due_date < timezone.localdate() and not self.completed)


@dataclass
class Node(ProgressView):
    goal: Goal
    depth: int
    code: str
    children: list[Node] = field(default_factory=list)
    effective_type_public: bool = False
    effective_type_name: str = ""
    latest: ProgressEntry | None = None
    assignments: list[Assignment] = field(default_factory=list)
    badges: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def pk(self):
        return self.goal.pk

    @property
    def children_weight(self) -> Decimal:
        return sum((child.goal.weight for child in self.children), Decimal("0"))

    @property
    def weight_warning(self) -> bool:
        """Children carry weights that do not add up to 100 (GOAL-1)."""
        total = self.children_weight
        return bool(self.children) and total != 0 and total != 100


class FlatNode(ProgressView):
    """A goal outside its tree, with its latest visible progress."""

    def __init__(self, goal: Goal):
        self.goal = goal
        self.latest = None
        self.assignments = []
        self.badges = []


@dataclass
class Tree:
    plan: GoalPlan
    roots: list[Node]
    by_id: dict[int, Node]

    def walk(self):
        """Every node, depth first, in display order."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def weight_warnings(self) -> list[str]:
        """Sibling groups whose weights do not add up to 100 (GOAL-1)."""
        from django.utils.translation import gettext as _

        warnings = []
        groups = [(None, self.roots)] + [(node, node.children) for node in self.walk() if node.children]
        for parent, children in groups:
            weights = [child.goal.weight for child in children]
            if not children or not any(weights):
                continue
            total = sum(weights, Decimal("0"))
            if total != 100:
                where = parent.goal.name if parent else _("top-level goals")
                warnings.append(
                    _("The weights under “%(where)s” add up to %(total)s, not 100.")
                    % {"where": where, "total": format(total.normalize(), "f")}
                )
        return warnings


def goal_queryset(plan_ids):
    return (
        Goal.objects.filter(plan_id__in=plan_ids)
        .select_related("goal_type", "source", "supervising_unit", "indicator__measure_unit")
        .order_by("parent_id", "sort_order", "pk")
    )


def load_tree(plan: GoalPlan, *, reports=None, with_assignments: bool = True) -> Tree:
    """The plan's tree; ``reports`` (a queryset of its reports the reader may
    see) gives each node its latest progress entry."""
    goals = list(goal_queryset([plan.pk]))
    children = defaultdict(list)
    for goal in goals:
        children[goal.parent_id].append(goal)
    by_id: dict[int, Node] = {}

    def build(goal, depth, code, parent_node):
        node = Node(goal=goal, depth=depth, code=code)
        if goal.goal_type_id:
            node.effective_type_public = goal.goal_type.is_public
            node.effective_type_name = goal.goal_type.name
        elif parent_node is not None:
            node.effective_type_public = parent_node.effective_type_public
            node.effective_type_name = parent_node.effective_type_name
        by_id[goal.pk] = node
        return node

    roots = []
    stack = []
    for position, goal in enumerate(children[None], start=1):
        node = build(goal, 1, str(position), None)
        roots.append(node)
        stack.append(node)
    while stack:
        parent_node = stack.pop()
        for position, goal in enumerate(children[parent_node.goal.pk], start=1):
            node = build(goal, parent_node.depth + 1, f"{parent_node.code}.{position}", parent_node)
            parent_node.children.append(node)
            stack.append(node)

    if with_assignments and by_id:
        for assignment in Assignment.objects.filter(goal__plan=plan).select_related("cadre", "role"):
            by_id[assignment.goal_id].assignments.append(assignment)
    if reports is not None and by_id:
        attach_latest_progress(by_id, reports)
    return Tree(plan=plan, roots=roots, by_id=by_id)


def load_roots(plan: GoalPlan, *, reports=None) -> list[Node]:
    """The plan's top-level goals only, numbered as in the tree, each with its latest progress:
    what a unit's page shows, without loading the whole tree (issue 16)."""
    by_id: dict[int, Node] = {}
    for position, goal in enumerate(goal_queryset([plan.pk]).filter(parent__isnull=True), start=1):
        node = Node(goal=goal, depth=1, code=str(position))
        if goal.goal_type_id:
            node.effective_type_public = goal.goal_type.is_public
            node.effective_type_name = goal.goal_type.name
        by_id[goal.pk] = node
    if reports is not None and by_id:
        attach_latest_progress(by_id, reports)
    return list(by_id.values())


def attach_latest_progress(by_id: dict[int, Node], reports) -> None:
    """Give each node the entry of the latest period that reported on it."""
    from .models import PERIOD_ORDER

    entries = ProgressEntry.objects.filter(report__in=reports, goal_id__in=list(by_id)).select_related("report")
    for entry in entries:
        node = by_id[entry.goal_id]
        rank = PERIOD_ORDER.get(entry.report.period, 0)
        if node.latest is None or rank > PERIOD_ORDER.get(node.latest.report.period, 0):
            node.latest = entry


def descendants_of(goal: Goal) -> set[int]:
    """Ids of the goal's whole subtree (not the goal itself), one query."""
    pairs = list(Goal.objects.filter(plan_id=goal.plan_id).values_list("pk", "parent_id"))
    children = defaultdict(list)
    for pk, parent_id in pairs:
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = list(children[goal.pk])
    while stack:
        pk = stack.pop()
        found.add(pk)
        stack.extend(children[pk])
    return found


def attach_badges(request, nodes) -> None:
    """Badges other apps put beside goals in trees and lists (comment counts,
    for instance), through the ``register_goal_badges`` hook:
    ``fn(request, goal_ids) -> {goal_id: [(text, url, title), ...]}``, one call
    per page whatever the number of goals."""
    from wagtail import hooks

    by_id = {node.goal.pk: node for node in nodes}
    if not by_id:
        return
    for fn in hooks.get_hooks("register_goal_badges"):
        for goal_id, badges in (fn(request, list(by_id)) or {}).items():
            if goal_id in by_id:
                by_id[goal_id].badges.extend(badges)

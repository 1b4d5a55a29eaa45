"""How goal scores add up, on plain rows read in bulk (no queries here).

Definitions (SCORE-1, SCORE-2, and the cadre's share for the yearly results):

- A goal *counts* when it and every goal above it count in the assessment.
- A goal's *default standard score* is its share of 100 points down the tree:
  100 x (weight / sum of its siblings' weights) x the same for each ancestor.
  Siblings whose weights are all 0 share equally. The office may give a scored
  goal another standard score.
- A unit's goal score walks the tree from the top: a scored goal stands for
  its whole subtree; an unscored goal is made of its counting children; an
  unscored goal without counting children is *not yet scored*. The unit score
  is sum(score) / sum(standard score) x 100 over the goals so reached.
- A goal's *result* (a share between 0 and 1) is its own score / standard if
  scored; else that of its nearest scored ancestor; else the standard-weighted
  mean of its counting children's results.
- A cadre's goal score is the mean of the results of their assigned counting
  goals, weighted by the goal's standard score x the weight of the cadre's
  role, x 100. Goals without a result yet are left out (and counted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.core.numbers import round_score

HUNDRED = Decimal("100")
ZERO = Decimal("0")


@dataclass
class GoalRow:
    pk: int
    unit_id: int
    plan_id: int
    parent_id: int | None
    weight: Decimal
    counts_in_assessment: bool
    sort_order: int = 0


@dataclass
class ScoreRow:
    score: Decimal
    standard: Decimal
    locked: bool = False


@dataclass
class UnitResult:
    unit_id: int
    score: Decimal | None
    counted_goals: int
    scored_goals: int
    unscored_goals: int
    locked: bool


@dataclass
class CadreResult:
    cadre_id: int
    score: Decimal | None
    assigned_goals: int
    scored_goals: int


@dataclass
class Forest:
    rows: dict[int, GoalRow]
    children: dict[int | None, list[int]] = field(default_factory=dict)
    roots_by_unit: dict[int, list[int]] = field(default_factory=dict)
    standard: dict[int, Decimal] = field(default_factory=dict)
    counts: dict[int, bool] = field(default_factory=dict)


def build_forest(rows) -> Forest:
    """Children, default standard scores and counting flags of the goals, top-down."""
    by_id = {row.pk: row for row in rows}
    children: dict[int | None, list[int]] = defaultdict(list)
    roots_by_unit: dict[int, list[int]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.sort_order, r.pk)):
        if row.parent_id is None or row.parent_id not in by_id:
            roots_by_unit[row.unit_id].append(row.pk)
        else:
            children[row.parent_id].append(row.pk)
    forest = Forest(rows=by_id, children=children, roots_by_unit=roots_by_unit)
    # Top-level goals of one plan are siblings of each other.
    roots_by_plan: dict[int, list[int]] = defaultdict(list)
    for ids in roots_by_unit.values():
        for pk in ids:
            roots_by_plan[by_id[pk].plan_id].append(pk)
    stack = []
    for ids in roots_by_plan.values():
        _share_out(forest, ids, HUNDRED, True, stack)
    while stack:
        parent = stack.pop()
        _share_out(forest, children.get(parent, []), forest.standard[parent], forest.counts[parent], stack)
    return forest


def _share_out(forest, ids, points, parent_counts, stack):
    if not ids:
        return
    weights = [forest.rows[pk].weight or ZERO for pk in ids]
    total = sum(weights, ZERO)
    for pk, weight in zip(ids, weights, strict=True):
        share = (weight / total) if total > 0 else (Decimal(1) / len(ids))
        forest.standard[pk] = points * share
        forest.counts[pk] = parent_counts and forest.rows[pk].counts_in_assessment
        stack.append(pk)


def unit_results(forest: Forest, scores: dict[int, ScoreRow]) -> dict[int, UnitResult]:
    results = {}
    for unit_id, roots in forest.roots_by_unit.items():
        total_score = total_standard = ZERO
        counted = scored = unscored = 0
        all_locked = True
        stack = list(roots)
        while stack:
            pk = stack.pop()
            if not forest.counts[pk]:
                continue
            counted += 1
            if pk in scores:
                row = scores[pk]
                total_score += row.score
                total_standard += row.standard
                scored += 1
                all_locked = all_locked and row.locked
                counted += _count_counting_descendants(forest, pk)
                continue
            kids = [kid for kid in forest.children.get(pk, []) if forest.counts[kid]]
            if kids:
                stack.extend(kids)
            else:
                unscored += 1
        score = round_score(total_score / total_standard * HUNDRED) if total_standard > 0 else None
        results[unit_id] = UnitResult(
            unit_id, score, counted, scored, unscored, all_locked and scored > 0 and unscored == 0
        )
    return results


def _count_counting_descendants(forest, pk) -> int:
    count = 0
    stack = list(forest.children.get(pk, []))
    while stack:
        kid = stack.pop()
        if forest.counts[kid]:
            count += 1
            stack.extend(forest.children.get(kid, []))
    return count


def goal_results(forest: Forest, scores: dict[int, ScoreRow]) -> dict[int, Decimal]:
    """Each counting goal's result (0..1) where it has one; see the module's definitions."""
    down: dict[int, Decimal] = {}
    # Bottom-up: children before parents (reverse of a top-down order).
    order = []
    stack = [pk for roots in forest.roots_by_unit.values() for pk in roots]
    while stack:
        pk = stack.pop()
        order.append(pk)
        stack.extend(forest.children.get(pk, []))
    for pk in reversed(order):
        if not forest.counts[pk]:
            continue
        if pk in scores:
            row = scores[pk]
            down[pk] = row.score / row.standard if row.standard else ZERO
            continue
        weighted = total = ZERO
        for kid in forest.children.get(pk, []):
            if kid in down:
                weighted += down[kid] * forest.standard[kid]
                total += forest.standard[kid]
        if total > 0:
            down[pk] = weighted / total
    result: dict[int, Decimal] = {}
    for pk in order:  # top-down: a scored ancestor's result passes to its subtree
        if not forest.counts[pk]:
            continue
        parent = forest.rows[pk].parent_id
        if pk not in scores and parent in result and _scored_above(forest, scores, pk):
            result[pk] = result[parent]
        elif pk in down:
            result[pk] = down[pk]
    return result


def _scored_above(forest, scores, pk) -> bool:
    parent = forest.rows[pk].parent_id
    while parent is not None and parent in forest.rows:
        if parent in scores:
            return True
        parent = forest.rows[parent].parent_id
    return False


def cadre_results(
    forest: Forest, scores: dict[int, ScoreRow], assignments, role_weights: dict[int, Decimal]
) -> dict[int, CadreResult]:
    """``assignments``: (goal_id, cadre_id, role_id) rows; a role without a weight counts 1."""
    results_by_goal = goal_results(forest, scores)
    sums: dict[int, list] = {}
    for goal_id, cadre_id, role_id in assignments:
        if goal_id not in forest.rows or not forest.counts.get(goal_id):
            continue
        entry = sums.setdefault(cadre_id, [ZERO, ZERO, 0, 0])
        entry[2] += 1
        weight = role_weights.get(role_id, Decimal("1"))
        result = results_by_goal.get(goal_id)
        if result is None or weight <= 0:
            continue
        standard = scores[goal_id].standard if goal_id in scores else forest.standard[goal_id]
        entry[0] += result * standard * weight
        entry[1] += standard * weight
        entry[3] += 1
    return {
        cadre_id: CadreResult(cadre_id, round_score(total / weight * HUNDRED) if weight > 0 else None, assigned, scored)
        for cadre_id, (total, weight, assigned, scored) in sums.items()
    }

"""Where the parts of a yearly result come from: the office's goal scores
(``kaohe.scoring``, SCORE-1..SCORE-3) and the evaluation tasks' tallies (EVAL-8).

Each source answers, for every team or cadre it knows of, either a score with
the words that say where it came from, or ``None`` with the reason the part is
missing (RES-5); a subject it does not name has no such part at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

Part = tuple[Decimal | None, str]


def goal_scores(year: int) -> tuple[dict[int, Part], dict[int, Part]]:
    """({team_id: (score or None, source or reason)}, {cadre_id: ...}) for the year.

    The goal scores are computed afresh from the goals scored so far. A team's is
    its unit's goal score, a cadre's follows from the goals assigned to them and
    their role on each. A goal score counts only once every score it is made of is
    locked; until then the part is missing, with the reason.
    """
    from kaohe.goals.models import Assignment
    from kaohe.org.selectors import unit_team_ids
    from kaohe.scoring import selectors, services

    services.goal_scores_compute(year=year)
    units = selectors.unit_goal_scores(year=year)
    teams: dict[int, Part] = {}
    for team_id, unit_id in unit_team_ids(unit_ids=units).items():
        row = units[unit_id]
        counts = {"year": year, "scored": row.scored_goals, "counted": row.counted_goals}
        if row.score is None:
            teams[team_id] = (None, _("none of the unit's %(counted)s goals of %(year)s is scored yet") % counts)
        elif not row.locked:
            teams[team_id] = (
                None,
                _("the unit's goal scores of %(year)s are not all locked yet (%(scored)s of %(counted)s goals scored)")
                % counts,
            )
        else:
            teams[team_id] = (
                row.score,
                _("the unit's goal score of %(year)s (%(scored)s of %(counted)s goals scored)") % counts,
            )
    goal_units = defaultdict(set)
    for cadre_id, unit_id in (
        Assignment.objects.filter(goal__plan__year=year, goal__counts_in_assessment=True)
        .values_list("cadre_id", "goal__plan__unit_id")
        .distinct()
    ):
        goal_units[cadre_id].add(unit_id)
    cadres: dict[int, Part] = {}
    for cadre_id, score in selectors.cadre_goal_scores(year=year).items():
        unlocked = [unit_id for unit_id in goal_units.get(cadre_id, ()) if not getattr(units.get(unit_id), "locked", 0)]
        if unlocked:
            cadres[cadre_id] = (None, _("the scores of the goals assigned to the cadre are not all locked yet"))
        else:
            cadres[cadre_id] = (score, _("from the goals assigned to the cadre in %(year)s") % {"year": year})
    for cadre_id in goal_units:
        cadres.setdefault(cadre_id, (None, _("none of the goals assigned to the cadre is scored yet")))
    return teams, cadres


@dataclass
class Evaluation:
    """A team's or cadre's evaluation in the year's tasks."""

    category_id: int
    scores: list[Decimal] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)

    @property
    def score(self) -> Decimal | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


def evaluations(year: int) -> dict[tuple[str, int], Evaluation]:
    """(kind, id) -> the target's evaluation in the year's tasks, the first task's category with it.

    Only results the task shows count: a target rated by fewer evaluators than the
    task's minimum keeps its anonymity here too, and its evaluation part is missing,
    saying so (never with its score or ballot count)."""
    from kaohe.evaluation.models import TaskTarget

    found: dict[tuple[str, int], Evaluation] = {}
    targets = (
        TaskTarget.objects.filter(task__year=year)
        .select_related("task", "result")
        .order_by("task__starts_at", "task_id", "sort_order", "pk")
    )
    for target in targets:
        key = ("team", target.team_id) if target.team_id else ("cadre", target.cadre_id)
        entry = found.setdefault(key, Evaluation(category_id=target.target_category_id))
        result = getattr(target, "result", None)
        if result is not None and result.is_shown and result.score is not None:
            entry.scores.append(result.score)
            entry.tasks.append(target.task.name)
        else:
            entry.hidden.append(
                _("%(task)s: fewer valid ballots than the task's minimum of %(minimum)s")
                % {"task": target.task.name, "minimum": target.task.min_ballots}
            )
    return found

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


def _number(value: Decimal) -> str:
    from kaohe.core.numbers import round_score

    return format(round_score(value).normalize(), "f")


def inspection_part(year: int, part) -> dict[tuple[str, int], Part]:
    """(kind, id) -> the score a part fed by the inspections gives (CYCLE-4): the score an
    assessment group recorded and its leader confirmed, or the confirmed grade counted as the
    part maps it. An inspection not confirmed yet does not count."""
    from kaohe.cycle.models import OverallGrade
    from kaohe.cycle.selectors import inspection_scores

    mapping = part.inspection_grade_scores()
    found: dict[tuple[str, int], Part] = {}
    for key, row in inspection_scores(year=year).items():
        if row["score"] is not None:
            found[key] = (
                row["score"],
                _("the inspection score of %(group)s, confirmed by its leader") % {"group": row["group"]},
            )
        elif row["grade"] in mapping:
            score = mapping[row["grade"]]
            found[key] = (
                score,
                _("the inspection grade %(grade)s of %(group)s, confirmed by its leader, counted as %(score)s")
                % {"grade": OverallGrade(row["grade"]).label, "group": row["group"], "score": _number(score)},
            )
    return found


def quarterly_part(year: int, part) -> dict[tuple[str, int], Part]:
    """(kind, id) -> the mean of the year's quarterly grades, each counted as the part maps it (CYCLE-5)."""
    from kaohe.cycle.models import QuarterGrade
    from kaohe.cycle.selectors import quarterly_grades_of_year

    mapping = part.quarter_grade_scores()
    found: dict[tuple[str, int], Part] = {}
    for key, quarters in quarterly_grades_of_year(year=year).items():
        counted = [(quarter, grade, mapping[grade]) for quarter, grade in sorted(quarters.items()) if grade in mapping]
        if not counted:
            continue
        mean = sum((score for _quarter, _grade, score in counted), Decimal("0")) / len(counted)
        grades = "；".join(
            _("quarter %(quarter)s: %(grade)s = %(score)s")
            % {"quarter": quarter, "grade": QuarterGrade(grade).label, "score": _number(score)}
            for quarter, grade, score in counted
        )
        found[key] = (
            mean,
            _("the mean of the quarterly grades of %(count)s quarters (%(grades)s)")
            % {"count": len(counted), "grades": grades},
        )
    return found


def part_scores(year: int, parts, manual: dict[int, dict[tuple[str, int], Decimal]]) -> dict[int, dict]:
    """part id -> {(kind, id): (score, where it came from)} for every further part of the year's
    schemes, each from the source the part names: the office's hand scores, the confirmed
    inspections or the quarterly grades."""
    from .models import PartSource

    found: dict[int, dict] = {}
    for part in parts:
        if part.source == PartSource.INSPECTION:
            found[part.pk] = inspection_part(year, part)
        elif part.source == PartSource.QUARTERLY:
            found[part.pk] = quarterly_part(year, part)
        else:
            found[part.pk] = {
                key: (score, _("scored by the assessment office")) for key, score in manual.get(part.pk, {}).items()
            }
    return found

"""Where the goal part of a yearly result comes from: the office's goal
scores (``kaohe.scoring``, SCORE-1..SCORE-3)."""

from __future__ import annotations

from decimal import Decimal


def goal_scores(year: int) -> tuple[dict[int, tuple[Decimal, str]], dict[int, tuple[Decimal, str]]]:
    """({team_id: (score, source)}, {cadre_id: (score, source)}) for the year.

    The goal scores are computed afresh from the goals scored so far; a
    team's is its unit's goal score, a cadre's follows from the goals assigned
    to them and their role on each.
    """
    from django.utils.translation import gettext as _

    from kaohe.org.models import Team
    from kaohe.scoring import selectors, services

    services.goal_scores_compute(year=year)
    units = {unit_id: row for unit_id, row in selectors.unit_goal_scores(year=year).items() if row.score is not None}
    teams = {}
    for team_id, unit_id in Team.objects.filter(unit_id__in=list(units)).values_list("pk", "unit_id"):
        row = units[unit_id]
        teams[team_id] = (
            row.score,
            _("the unit's goal score of %(year)s (%(scored)s of %(counted)s goals scored)")
            % {"year": year, "scored": row.scored_goals, "counted": row.counted_goals},
        )
    cadres = {
        cadre_id: (score, _("from the goals assigned to the cadre in %(year)s") % {"year": year})
        for cadre_id, score in selectors.cadre_goal_scores(year=year).items()
        if score is not None
    }
    return teams, cadres

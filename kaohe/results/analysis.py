"""Analyses of yearly results (RES-2, RES-3): every function returns plain
data that the screen draws with ECharts and the PDF draws as SVG, so both
show the same figures. Each runs a fixed number of queries."""

from __future__ import annotations

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from kaohe.core.numbers import round_score
from kaohe.org.models import Cadre

from .models import YearResult


def cadre_groups(year: int, by: str = "rank") -> list[dict]:
    """Cadres grouped by position level (职务) or profession: count and mean scores (RES-3)."""
    results = list(YearResult.objects.filter(year=year, cadre__isnull=False).select_related("cadre"))
    groups = defaultdict(list)
    for result in results:
        cadre = result.cadre
        key = cadre.get_rank_display() if by == "rank" else (cadre.profession or _("(none)"))
        groups[str(key)].append(result)
    rows = []
    for name, members in sorted(groups.items()):
        rows.append(
            {
                "name": name,
                "count": len(members),
                "goal": _mean([m.goal_score for m in members]),
                "evaluation": _mean([m.evaluation_score for m in members]),
                "total": _mean([m.total for m in members]),
                "members": sorted(members, key=lambda m: -(m.total or 0)),
            }
        )
    return rows


def _mean(values):
    values = [float(v) for v in values if v is not None]
    return float(round_score(statistics.fmean(values))) if values else None


NORMALISATIONS = ("zscore", "minmax", "none")


def normalise(year: int, by: str = "rank", method: str = "zscore") -> list[dict]:
    """Correct systematic differences between groups (RES-3): ``zscore``
    scales each group to the overall mean and spread; ``minmax`` maps each
    group's range onto the overall range; ``none`` leaves scores alone.
    Returns every cadre with the total before and after, ranked by after."""
    groups = cadre_groups(year, by)
    everyone = [float(m.total) for g in groups for m in g["members"] if m.total is not None]
    if not everyone:
        return []
    mean, spread = statistics.fmean(everyone), statistics.pstdev(everyone)
    low, high = min(everyone), max(everyone)
    rows = []
    for group in groups:
        values = [float(m.total) for m in group["members"] if m.total is not None]
        g_mean = statistics.fmean(values) if values else 0
        g_spread = statistics.pstdev(values) if len(values) > 1 else 0
        g_low, g_high = (min(values), max(values)) if values else (0, 0)
        for member in group["members"]:
            if member.total is None:
                continue
            before = float(member.total)
            if method == "zscore" and g_spread:
                after = mean + (before - g_mean) / g_spread * spread
            elif method == "zscore":
                after = mean + (before - g_mean)
            elif method == "minmax" and g_high > g_low:
                after = low + (before - g_low) / (g_high - g_low) * (high - low)
            else:
                after = before
            rows.append(
                {
                    "result": member,
                    "group": group["name"],
                    "before": float(round_score(before)),
                    "after": float(round_score(after)),
                }
            )
    rows.sort(key=lambda row: -row["after"])
    for position, row in enumerate(rows, start=1):
        row["rank_after"] = position
    before_rank = {id(row): position for position, row in enumerate(sorted(rows, key=lambda r: -r["before"]), start=1)}
    for row in rows:
        row["rank_before"] = before_rank[id(row)]
    return rows


def bubbles(year: int) -> list[dict]:
    """Performance (goal score) against integrity and ability (evaluation score), sized by total (RES-3)."""
    return [
        {
            "name": r.cadre.name,
            "goal": float(r.goal_score),
            "evaluation": float(r.evaluation_score),
            "total": float(r.total or 0),
            "grade": r.approved_grade or r.recommended_grade,
        }
        for r in YearResult.objects.filter(
            year=year, cadre__isnull=False, goal_score__isnull=False, evaluation_score__isnull=False
        ).select_related("cadre")
    ]


def cadre_history(cadre: Cadre) -> list[YearResult]:
    """A cadre's scores and grades over the years (RES-3)."""
    return list(YearResult.objects.filter(cadre=cadre).select_related("target_category").order_by("year"))


def evaluation_by_indicator(year: int, unit_kind_id: int | None = None) -> dict:
    """Teams compared indicator by indicator in the year's evaluations (RES-2)."""
    from kaohe.evaluation.models import TargetResult

    results = TargetResult.objects.filter(
        task__year=year, target_team__isnull=False, score__isnull=False
    ).select_related("target_team__unit")
    if unit_kind_id:
        results = results.filter(target_team__unit__kind_id=unit_kind_id)
    indicators: list[str] = []
    teams: dict[str, dict[str, float]] = defaultdict(dict)
    for result in results:
        for item in result.indicator_scores or []:
            if item.get("score") is None:
                continue
            if item["name"] not in indicators:
                indicators.append(item["name"])
            teams[result.target_team.unit.short_name or result.target_team.unit.name][item["name"]] = float(
                item["score"]
            )
    return {
        "indicators": indicators,
        "series": [
            {"name": team, "data": [scores.get(name) for name in indicators]} for team, scores in sorted(teams.items())
        ],
    }


def indicator_trend(indicator_id: int, unit_kind_id: int | None = None) -> dict:
    """A quantitative indicator's actual values across years, one line per unit,
    and the latest year's absolute values and growth rates compared (RES-2)."""
    from kaohe.goals.models import PERIOD_ORDER, Goal, ProgressEntry

    goals = Goal.objects.filter(indicator_id=indicator_id, plan__status="published").select_related("plan__unit")
    if unit_kind_id:
        goals = goals.filter(plan__unit__kind_id=unit_kind_id)
    goals = list(goals)
    entries = ProgressEntry.objects.filter(
        goal__in=goals, report__submitted=True, actual_value__isnull=False
    ).select_related("report")
    latest: dict[int, tuple[int, Decimal]] = {}
    for entry in entries:
        rank = PERIOD_ORDER.get(entry.report.period, 0)
        if entry.goal_id not in latest or rank > latest[entry.goal_id][0]:
            latest[entry.goal_id] = (rank, entry.actual_value)
    values: dict[str, dict[int, float]] = defaultdict(dict)
    for goal in goals:
        if goal.pk in latest:
            name = goal.plan.unit.short_name or goal.plan.unit.name
            values[name][goal.plan.year] = values[name].get(goal.plan.year, 0) + float(latest[goal.pk][1])
    years = sorted({year for per_unit in values.values() for year in per_unit})
    comparison = []
    if years:
        last = years[-1]
        for name, per_year in values.items():
            now, before = per_year.get(last), per_year.get(last - 1)
            growth = float(round_score((now - before) / before * 100, 1)) if now is not None and before else None
            comparison.append({"unit": name, "value": now, "growth": growth})
        comparison.sort(key=lambda row: -(row["value"] or 0))
    return {
        "years": years,
        "series": [
            {"name": name, "data": [per_year.get(year) for year in years]} for name, per_year in sorted(values.items())
        ],
        "comparison": comparison,
        "last_year": years[-1] if years else None,
    }


def years_with_results() -> list[int]:
    return list(YearResult.objects.values_list("year", flat=True).distinct().order_by("-year"))


def latest_year() -> int | None:
    return YearResult.objects.aggregate(latest=Max("year"))["latest"]

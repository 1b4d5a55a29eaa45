"""Benchmark: computing the goal scores of every unit and cadre of the demo county (SCORE-1).

Issue target: under 2 s. Loads the demo county (organisation, users, goals,
comments, last year's locked goal scores) into a fresh database, then times
``goal_scores_compute`` for last year (every unit scored) and for this year
after scoring every counting goal at every level (the largest tree walk),
with the number of queries each takes. Also times the one-page scoring sheet
of the largest unit (SCORE-3).

    .venv/bin/python bench/scoring_compute.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_scoring .venv/bin/python bench/scoring_compute.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-scoring.sqlite3")
os.environ.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": DATABASE_URL})
TARGET_S = 2.0


def timed(fn, runs=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        fn()
    return statistics.median(times), max(times), len(queries)


def score_everything(year, office):
    """A draft score for every counting goal of ``year`` (what a full year of scoring leaves)."""
    from kaohe.core.numbers import round_score
    from kaohe.goals.models import Goal, GoalPlan
    from kaohe.scoring import compute, selectors
    from kaohe.scoring.models import GoalScore

    goals = Goal.objects.filter(plan__year=year, plan__status=GoalPlan.Status.PUBLISHED)
    forest = compute.build_forest(selectors.goal_rows(goals=goals))
    records = []
    for pk, counts in forest.counts.items():
        if counts and forest.standard[pk] > 0:
            standard = round_score(forest.standard[pk])
            records.append(
                GoalScore(goal_id=pk, standard_score=standard, method="direct", score=standard, scored_by=office)
            )
    GoalScore.objects.filter(goal__in=goals).delete()
    GoalScore.objects.bulk_create(records)
    return len(records)


def main():
    sys.path.insert(0, str(ROOT / "bench"))
    from serving import fresh_django

    fresh_django(DATABASE_URL)
    from django.utils import timezone

    from kaohe.accounts import demo as accounts_demo
    from kaohe.accounts.models import User
    from kaohe.comments import demo as comments_demo
    from kaohe.goals import demo as goals_demo
    from kaohe.goals.models import Assignment, Goal, GoalPlan
    from kaohe.org import demo as org_demo
    from kaohe.org.models import Cadre, Unit
    from kaohe.scoring import demo as scoring_demo
    from kaohe.scoring.models import CadreGoalScore, GoalScore, UnitGoalScore
    from kaohe.scoring.services import goal_scores_compute

    started = time.perf_counter()
    for module in (org_demo, accounts_demo, goals_demo, comments_demo, scoring_demo):
        module.load()
    this_year = timezone.localdate().year
    last_year = this_year - 1
    print(f"database: {DATABASE_URL}")
    print(
        f"demo county loaded in {time.perf_counter() - started:.1f} s: {Unit.objects.count()} units, "
        f"{Cadre.objects.count()} cadres, {Goal.objects.count()} goals in {GoalPlan.objects.count()} plans, "
        f"{Assignment.objects.count()} assignments"
    )

    scored = GoalScore.objects.filter(goal__plan__year=last_year).count()
    median, worst, queries = timed(lambda: goal_scores_compute(year=last_year))
    print(
        f"{last_year} ({scored} goal scores): median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms, {queries} "
        "queries; "
        f"{UnitGoalScore.objects.filter(year=last_year).count()} unit and "
        f"{CadreGoalScore.objects.filter(year=last_year).count()} cadre goal scores "
        f"(target < {TARGET_S:.0f} s: {'met' if worst < TARGET_S else 'NOT met'})"
    )

    office = User.objects.get(username="kaoheban")
    count = score_everything(this_year, office)
    median, worst, queries = timed(lambda: goal_scores_compute(year=this_year))
    print(
        f"{this_year} (every counting goal at every level scored, {count} scores): median {median * 1000:.0f} ms, "
        f"worst {worst * 1000:.0f} ms, {queries} queries (target < {TARGET_S:.0f} s: "
        f"{'met' if worst < TARGET_S else 'NOT met'})"
    )

    from django.test import Client

    client = Client()
    client.force_login(office)
    plan = max(GoalPlan.objects.filter(year=this_year), key=lambda p: p.goals.count())
    url = f"/admin/scoring/{this_year}/unit/{plan.unit_id}/"

    def sheet():
        assert client.get(url).status_code == 200

    median, worst, queries = timed(sheet)
    print(
        f"scoring sheet of {plan.unit.name} ({plan.goals.count()} goals with reports, history and comments): "
        f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms, {queries} queries"
    )


if __name__ == "__main__":
    main()

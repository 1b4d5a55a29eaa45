"""Benchmark: yearly results of a large county, its analysis pages and the grade report PDF.

Issue targets (RES-1..RES-4):
- computing the yearly results of 1,000 cadres and 150 teams, with their goal
  scores and 3,000 evaluation ballots behind them, in under 5 s;
- every analysis page under 500 ms with a bounded number of queries;
- the grade report PDF for 1,000 cadres with charts in under 30 s;
- RES-5/RES-6: every team and every cadre with a seat gets a result (each cadre here holds
  one seat in their unit's team); a cadre's own result page under 300 ms with the same
  number of queries for any cadre; the 1,000 cadres' 年度考核登记表 in one PDF in under 60 s.

The county: 150 units with a leadership team each and 1,000 cadres; each
unit's published plan has 6 scored goals, each cadre leads 2 of them. The
evaluation task is closed and its 3,000 ballots already tallied into target
results (tallying is the evaluation's own benchmark, bench/evaluation_tally.py);
computing the results reads those, computes the goal scores afresh, and
combines them.

    .venv/bin/python bench/results_compute.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench .venv/bin/python bench/results_compute.py
"""

import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-results.sqlite3")
os.environ.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": DATABASE_URL})

YEAR = 2026


def build(rng):
    from django.utils import timezone

    from kaohe.evaluation.models import EvaluationTask, TargetCategory, TargetResult, TaskTarget
    from kaohe.goals.models import Assignment, AssignmentRole, Goal, GoalPlan
    from kaohe.org.models import Cadre, Membership, Team, Unit, UnitKind
    from kaohe.scoring.models import GoalScore

    kind, _ = UnitKind.objects.get_or_create(name="县政府工作部门")
    units = Unit.objects.bulk_create([Unit(name=f"基准单位{i:03d}", kind=kind) for i in range(150)])
    teams = Team.objects.bulk_create([Team(unit=unit, name=f"{unit.name}领导班子") for unit in units])
    ranks = ["section_chief", "section_deputy", "county_deputy"]
    professions = ["经济管理", "党务", "法律", "工程技术", "农业"]
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                name=f"干部{i:04d}",
                sex="male",
                unit=units[i % 150],
                position="副局长",
                rank=ranks[i % 3],
                profession=professions[i % 5],
            )
            for i in range(1000)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                team=teams[i % 150],
                cadre=cadre,
                administrative_post="局长" if i < 150 else "副局长",
                post_group="principal" if i < 150 else "deputy",
                sort_order=i // 150,
            )
            for i, cadre in enumerate(cadres)
        ]
    )
    plans = GoalPlan.objects.bulk_create([GoalPlan(unit=unit, year=YEAR, status="published") for unit in units])
    goals = Goal.objects.bulk_create(
        [
            Goal(
                plan=plan,
                name=f"目标{j}",
                sort_order=j,
                weight=Decimal("16.67") if j else Decimal("16.65"),
                counts_in_assessment=True,
            )
            for plan in plans
            for j in range(6)
        ]
    )
    GoalScore.objects.bulk_create(
        [
            GoalScore(
                goal=goal,
                standard_score=Decimal("100"),
                method="direct",
                score=Decimal(rng.randint(60, 100)),
                deductions=Decimal("0"),
                status="locked",
            )
            for goal in goals
        ]
    )
    lead = AssignmentRole.objects.get_or_create(name="主办")[0]
    by_unit = {}
    for goal in goals:
        by_unit.setdefault(goal.plan.unit_id, []).append(goal)
    Assignment.objects.bulk_create(
        [
            Assignment(goal=by_unit[cadre.unit_id][(i * 2 + k) % 6], cadre=cadre, role=lead)
            for i, cadre in enumerate(cadres)
            for k in range(2)
        ],
        ignore_conflicts=True,
    )
    now = timezone.now()
    task = EvaluationTask.objects.create(
        name="基准年度综合测评",
        year=YEAR,
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=2),
        closed_at=now - timedelta(days=2),
    )
    team_category = TargetCategory.objects.create(name="基准班子", kind="team")
    cadre_category = TargetCategory.objects.create(name="基准干部", kind="cadre")
    targets = TaskTarget.objects.bulk_create(
        [TaskTarget(task=task, target_category=team_category, team=team, sort_order=i) for i, team in enumerate(teams)]
        + [
            TaskTarget(task=task, target_category=cadre_category, cadre=cadre, sort_order=200 + i)
            for i, cadre in enumerate(cadres)
        ]
    )
    indicators = ["政治素质", "工作实绩", "廉洁自律", "团结协作", "群众评价", "作风建设"]
    TargetResult.objects.bulk_create(
        [
            TargetResult(
                task=task,
                task_target=target,
                target_category_id=target.target_category_id,
                target_team_id=target.team_id,
                target_cadre_id=target.cadre_id,
                score=Decimal(str(round(rng.gauss(85, 5), 2))),
                ballot_count=3000,
                is_shown=True,
                indicator_scores=[
                    {"id": k, "name": name, "score": str(round(rng.gauss(85, 5), 2))}
                    for k, name in enumerate(indicators)
                ],
            )
            for target in targets
        ]
    )
    return cadre_category


def timed(client, url, runs=7):
    """(median ms, queries, last response) of ``runs`` GETs of ``url`` after a warm-up."""
    from serving import timed_response

    median, _worst, queries, response = timed_response(client, url, runs)
    return median, queries, response


def main():
    from serving import fresh_django

    fresh_django(DATABASE_URL)
    from django.test import Client

    from kaohe.accounts.models import User
    from kaohe.core.roles import RoleCode
    from kaohe.results import services
    from kaohe.results.models import YearResult

    print(f"database: {DATABASE_URL}")
    rng = random.Random(6)
    start = time.perf_counter()
    cadre_category = build(rng)
    print(
        f"county built in {time.perf_counter() - start:.1f} s: 150 teams, 1,000 cadres, 900 scored goals, 1,150 "
        "target results"
    )
    times = []
    for _ in range(3):
        start = time.perf_counter()
        count = services.results_compute(year=YEAR)["count"]
        times.append(time.perf_counter() - start)
    print(
        f"compute yearly results ({count} results, goal scores included): "
        f"{', '.join(f'{t:.2f}' for t in times)} s (target < 5 s: {'met' if max(times) < 5 else 'NOT met'})"
    )
    office = User.objects.create_user("bench_office", password="x-bench-pass-1")
    from django.contrib.auth.models import Group

    office.groups.add(Group.objects.get(role__code=RoleCode.OFFICE))
    client = Client()
    client.force_login(User.objects.get(pk=office.pk))
    cadre = YearResult.objects.filter(cadre__isnull=False).first().cadre_id
    for label, url in (
        ("overview", f"/admin/results/{YEAR}/"),
        ("ranking of 1,000 cadres", f"/admin/results/{YEAR}/ranking/?category={cadre_category.pk}"),
        ("cadre analysis (groups, normalisation, bubbles)", f"/admin/results/{YEAR}/cadres/"),
        ("team analysis", f"/admin/results/{YEAR}/teams/"),
        ("a cadre's history", f"/admin/results/cadre/{cadre}/"),
    ):
        median, queries, _response = timed(client, url)
        print(
            f"{label}: median {median:.0f} ms, {queries} queries (target < 500 ms: "
            f"{'met' if median < 500 else 'NOT met'})"
        )
    # RES-6: a cadre reads their own approved result.
    graded = YearResult.objects.filter(year=YEAR).exclude(status__in=["incomplete", "ungraded"])
    services.grades_set(
        year=YEAR,
        grades={pk: ("较好" if team else "称职") for pk, team in graded.values_list("pk", "team_id")},
        field="approved_grade",
        user=office,
    )
    figures = []
    for result in YearResult.objects.filter(year=YEAR, cadre__isnull=False).order_by("pk")[:2]:
        reader = User.objects.create_user(f"bench_cadre_{result.cadre_id}", password="x-bench-pass-1")
        reader.cadre_id = result.cadre_id
        reader.save()
        reader.groups.add(Group.objects.get(role__code=RoleCode.CADRE))
        cadre_client = Client()
        cadre_client.force_login(reader)
        figures.append(timed(cadre_client, f"/results/{result.pk}/")[:2])
    slowest = max(median for median, _queries in figures)
    same_queries = len({queries for _median, queries in figures}) == 1
    print(
        "a cadre's own result page: "
        + ", ".join(f"median {median:.0f} ms, {queries} queries" for median, queries in figures)
        + f" (target < 300 ms, same queries for any cadre: {'met' if slowest < 300 and same_queries else 'NOT met'})"
    )
    from kaohe.results import selectors
    from kaohe.results.exports import pdf_response

    start = time.perf_counter()
    forms = selectors.registration_forms(year=YEAR)
    response = pdf_response("results/pdf/registration.html", {"forms": forms, "title": "登记表"}, "forms")
    seconds = time.perf_counter() - start
    print(
        f"{len(forms)} cadres' 年度考核登记表 in one PDF: {seconds:.1f} s, {len(response.content) // 1024} KB "
        f"(target < 60 s: {'met' if seconds < 60 else 'NOT met'})"
    )
    start = time.perf_counter()
    response = client.get(f"/admin/results/{YEAR}/ranking/?category={cadre_category.pk}&format=pdf")
    seconds = time.perf_counter() - start
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    print(
        f"grade report PDF of 1,000 cadres with charts: {seconds:.1f} s, {len(response.content) // 1024} KB "
        f"(target < 30 s: {'met' if seconds < 30 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()

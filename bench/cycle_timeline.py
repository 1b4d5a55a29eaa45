"""Benchmark: work records of one county, 5,000 of them (CYCLE-2, CYCLE-4).

Issue target: a cadre's timeline and the assessment group's per-cadre screen answer in
< 300 ms with a number of queries that does not grow with the records. Measured in-process
with Django's test client (rendering included, no network), median of 15 requests after a
warm-up. A cadre with many records (500) is held against one with few (10): the queries
must be the same. The portal's sign-in page is measured in the same run as a baseline for
the machine's speed at that moment.

    .venv/bin/python bench/cycle_timeline.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_h14 .venv/bin/python bench/cycle_timeline.py
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-cycle.sqlite3")
os.environ.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": DATABASE_URL})
RECORDS = 5_000
TARGET_MS = 300


def build():
    """20 units with a team of 10 cadres each, a published plan of 20 goals each assigned to
    the cadres, 5,000 records (500 of them by one cadre), an assessment group holding 5 units."""
    from decimal import Decimal

    from kaohe.cycle.models import WorkRecord
    from kaohe.goals.models import Assignment, AssignmentRole, Goal, GoalPlan
    from kaohe.org.models import Cadre, Membership, Team, Unit, UnitKind, WorkGroup

    rng = random.Random(5_000)
    kind, _ = UnitKind.objects.get_or_create(name="县政府工作部门")
    role, _ = AssignmentRole.objects.get_or_create(name="主办")
    units, cadres, goals_of = [], [], {}
    for u in range(20):
        unit = Unit.objects.create(name=f"基准单位{u}", kind=kind)
        team = Team.objects.create(unit=unit, name=f"基准单位{u}领导班子")
        plan = GoalPlan.objects.create(unit=unit, year=2026, status="published")
        goals = Goal.objects.bulk_create(
            Goal(plan=plan, name=f"基准目标{u}-{n}", weight=Decimal("5"), sort_order=n) for n in range(20)
        )
        goals_of[unit.pk] = goals
        for c in range(10):
            cadre = Cadre.objects.create(name=f"干部{u}-{c}", sex="male", unit=unit, position="副局长")
            Membership.objects.create(
                team=team, cadre=cadre, administrative_post=f"副局长{c}", start_date=date(2025, 1, 1)
            )
            Assignment.objects.bulk_create(Assignment(goal=goal, cadre=cadre, role=role) for goal in goals[c::10])
            cadres.append(cadre)
        units.append(unit)
    heavy, light = cadres[0], cadres[1]
    owners = [heavy] * 500 + [light] * 10 + [rng.choice(cadres[2:]) for _ in range(RECORDS - 510)]
    start = date(2026, 1, 1)
    records = [
        WorkRecord(
            unit_id=cadre.unit_id,
            cadre=cadre,
            date=start + timedelta(days=rng.randint(0, 330)),
            content=f"走访企业{n % 17}家，协调解决用地、用工问题，推进重点项目建设。" * 2,
        )
        for n, cadre in enumerate(owners)
    ]
    WorkRecord.objects.bulk_create(records, batch_size=1000)
    through = WorkRecord.goals.through
    through.objects.bulk_create(
        [through(workrecord_id=r.pk, goal_id=rng.choice(goals_of[r.unit_id]).pk) for r in records], batch_size=2000
    )
    group = WorkGroup.objects.create(name="基准考核组", kind=WorkGroup.Kind.ASSESSMENT, year=2026)
    group.units.set(units[:5])
    group.save()
    return units, heavy, light, group


def main():
    sys.path.insert(0, str(ROOT / "bench"))
    from serving import fresh_django, timed_get, user

    fresh_django(DATABASE_URL)
    from django.test import Client

    from kaohe.core.roles import RoleCode
    from kaohe.org.models import WorkGroupMember

    started = time.perf_counter()
    units, heavy, light, group = build()
    office = user("bench_office", RoleCode.OFFICE)
    member = user("bench_member", RoleCode.ASSESSMENT_GROUP)
    WorkGroupMember.objects.create(group=group, user=member, name="组员", post="成员")
    print(f"database: {DATABASE_URL}")
    print(f"data: {RECORDS:,} work records of 200 cadres in 20 units; built in {time.perf_counter() - started:.1f} s")
    clients = {"anonymous": Client(), "office": Client(), "group member": Client()}
    clients["office"].force_login(office)
    clients["group member"].force_login(member)
    goal = heavy.goal_assignments.first().goal_id
    cases = [
        ("anonymous", "baseline: sign-in page", "/accounts/login/", False),
        ("office", "timeline, cadre with 500", f"/cycle/records/cadre/{heavy.pk}/", True),
        ("office", "timeline, cadre with 10", f"/cycle/records/cadre/{light.pk}/", True),
        ("office", "timeline, page 8 of 10", f"/cycle/records/cadre/{heavy.pk}/?page=8", True),
        ("office", "timeline, one month", f"/cycle/records/cadre/{heavy.pk}/?month=2026-05", True),
        ("office", "timeline, one goal", f"/cycle/records/cadre/{heavy.pk}/?goal={goal}", True),
        ("office", "unit timeline", f"/cycle/records/unit/{units[0].pk}/", True),
        ("group member", "inspection, cadre with 500", f"/admin/cycle/inspection/2026/cadre/{heavy.pk}/", True),
        ("group member", "inspection, cadre with 10", f"/admin/cycle/inspection/2026/cadre/{light.pk}/", True),
        ("group member", "inspection list", "/admin/cycle/inspection/?year=2026", True),
    ]
    worst = 0.0
    print(f"{'reader':<13} {'page':<28} {'median':>8} {'worst':>8} {'queries':>8}")
    for reader, label, url, counted in cases:
        median, slowest, queries = timed_get(clients[reader], url)
        if counted:
            worst = max(worst, median)
        print(f"{reader:<13} {label:<28} {median:>6.0f} ms {slowest:>5.0f} ms {queries:>8}")
    print(f"slowest median {worst:.0f} ms (target < {TARGET_MS} ms: {'met' if worst < TARGET_MS else 'NOT met'})")


if __name__ == "__main__":
    main()

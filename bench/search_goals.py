"""Benchmark (PORTAL-4): site search for a two-character word over 10,000 goals; target < 300 ms.

Builds a county of 50 units with 200 published goals each (10,000 goals, names drawn from
real goal wording, about one in ten holding the searched word), then times the whole
``/search/?q=考核`` page through Django (anonymous and as the office) and the goal query
with the same word, and prints the median and slowest of several runs.

    .venv/bin/python bench/search_goals.py                              # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_h16 .venv/bin/python bench/search_goals.py
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import bench_env, fresh_database, manage  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-search-goals.sqlite3")
UNITS, GOALS_PER_UNIT, RUNS = 50, 200, 15
WORD = "考核"
PHRASES = [
    "推进重点项目建设",
    "完成年度招商引资任务",
    "农村人居环境整治",
    "基层党组织标准化建设",
    "干部教育培训",
    "安全生产专项整治",
    "义务教育均衡发展",
    "河道清淤整治",
    "优化营商环境",
    "乡村振兴示范村创建",
    "党风廉政建设责任制考核",  # holds the word
    "民生实事项目",
]


def build() -> None:
    from datetime import date
    from decimal import Decimal

    from kaohe.goals.models import Goal, GoalPlan, GoalType
    from kaohe.org.models import Unit, UnitKind

    kind, _ = UnitKind.objects.get_or_create(name="县政府工作部门", defaults={"sort_order": 1})
    public, _ = GoalType.objects.get_or_create(name="经济发展", defaults={"is_public": True})
    rng = random.Random(16)
    units = Unit.objects.bulk_create([Unit(name=f"县第{i}局", kind=kind, sort_order=i) for i in range(UNITS)])
    plans = GoalPlan.objects.bulk_create(
        [GoalPlan(unit=unit, year=2026, status=GoalPlan.Status.PUBLISHED) for unit in units]
    )
    goals = [
        Goal(
            plan=plan,
            name=f"{rng.choice(PHRASES)}第{n}项",
            goal_type=public,
            weight=Decimal("0"),
            start_date=date(2026, 1, 1),
            due_date=date(2026, 12, 31),
            sort_order=n,
        )
        for plan in plans
        for n in range(GOALS_PER_UNIT)
    ]
    Goal.objects.bulk_create(goals, batch_size=1000)


def timed(client, path: str, params: dict) -> tuple[float, float, int]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), max(times), len(response.content)


def main():
    env = bench_env(DATABASE_URL)
    fresh_database(DATABASE_URL)
    manage("migrate", "--no-input", "-v", "0", env=env)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": DATABASE_URL})
    os.environ["PORTAL_PAGE_CACHE_SECONDS"] = "0"  # time the search itself, not the page cache
    import django

    django.setup()
    from django.test import Client

    from kaohe.accounts.models import User
    from kaohe.core.roles import RoleCode
    from kaohe.goals.models import Goal

    started = time.perf_counter()
    build()
    print(f"database: {DATABASE_URL}; built {Goal.objects.count()} goals in {time.perf_counter() - started:.1f} s")
    matching = Goal.objects.filter(name__contains=WORD).count()
    print(f"goals holding {WORD}: {matching}; load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")

    from django.contrib.auth.models import Group

    office = User.objects.create(username="bench-office")
    office.groups.add(Group.objects.get(role__code=RoleCode.OFFICE))
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(office)
    rows = [
        ("site search, public", anonymous, "/search/", {"q": WORD}),
        ("site search, office", signed_in, "/search/", {"q": WORD}),
        ("goal query with the word, public", anonymous, "/goals/", {"q": WORD, "year": 2026}),
    ]
    print(f"\n| request | median ms | slowest ms | target < 300 ms |  ({RUNS} runs each)")
    print("| --- | --- | --- | --- |")
    for name, client, path, params in rows:
        median, slowest, _size = timed(client, path, params)
        print(f"| {name} | {median:.0f} | {slowest:.0f} | {'met' if median < 300 else 'NOT met'} |")


if __name__ == "__main__":
    main()

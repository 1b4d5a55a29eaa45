"""Benchmark: the goal tree screen, the public goal page, and the Excel round trip.

Issue targets (GOAL-3, GOAL-7, SUP-4):
- a unit with 500 goals in a 4-level tree: the admin tree screen and the public
  goal page each render in under 300 ms, with a number of queries that does not
  grow with the tree (the tests pin the count; this prints it);
- export of 5,000 goals as a progress template and import of the filled
  5,000-row template each in under 10 s with peak memory under 400 MB.

Each Excel step runs in its own process so its peak memory (VmHWM, the
resident high-water mark, which starts afresh at exec) is its own; an idle
process with Django loaded is measured first as the baseline.

    .venv/bin/python bench/goals_tree.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench .venv/bin/python bench/goals_tree.py
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-goals.sqlite3")
os.environ.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": DATABASE_URL})
TEMPLATE = Path("/tmp/kaohe-bench-goals-template.xlsx")
FILLED = Path("/tmp/kaohe-bench-goals-filled.xlsx")


def setup_django():
    import django

    django.setup()


def build(unit_name, shape):
    """A published plan whose tree has ``shape`` children per level (e.g. 5, 4, 5, 5)."""
    from datetime import date
    from decimal import Decimal

    from kaohe.goals.models import Goal, GoalPlan, GoalType, Indicator, MeasureUnit, ProgressEntry, ProgressReport
    from kaohe.org.models import Unit, UnitKind

    kind, _ = UnitKind.objects.get_or_create(name="县政府工作部门")
    unit = Unit.objects.create(name=unit_name, kind=kind)
    plan = GoalPlan.objects.create(unit=unit, year=2026, status="published")
    goal_type = GoalType.objects.first()
    indicator, _ = Indicator.objects.get_or_create(
        name="基准指标", defaults={"category": "经济发展", "measure_unit": MeasureUnit.objects.first()}
    )
    level = [None]
    count = 0
    for depth, width in enumerate(shape, start=1):
        created = []
        for parent in level:
            batch = []
            for position in range(width):
                quantitative = depth == len(shape) and position % 2 == 0
                batch.append(
                    Goal(
                        plan=plan,
                        parent=parent,
                        sort_order=position,
                        name=f"第{depth}级目标{count + len(batch) + 1}",
                        goal_type=goal_type if depth == 1 else None,
                        weight=Decimal(100 // width),
                        start_date=date(2026, 1, 1),
                        due_date=date(2026, 12, 31),
                        kind="quantitative" if quantitative else "qualitative",
                        indicator=indicator if quantitative else None,
                        plan_value=Decimal("100") if quantitative else None,
                    )
                )
            Goal.objects.bulk_create(batch)
            count += len(batch)
            created.extend(batch)
        level = created
    goals = list(plan.goals.all())
    for period in ("Q1", "Q2", "Q3"):
        report = ProgressReport.objects.create(plan=plan, period=period, submitted=True)
        ProgressEntry.objects.bulk_create(
            [
                ProgressEntry(
                    report=report,
                    goal=goal,
                    actual_value=Decimal("60") if goal.is_quantitative else None,
                    estimated_progress=None if goal.is_quantitative else 60,
                    work_done="按计划推进",
                )
                for goal in goals
            ]
        )
    return plan, count


def main():
    sys.path.insert(0, str(ROOT / "bench"))
    from serving import fresh_database, timed_get

    fresh_database(DATABASE_URL)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from django.test import Client

    from kaohe.accounts.models import User
    from kaohe.core.roles import RoleCode

    print(f"database: {DATABASE_URL}")
    plan, count = build("基准单位", (4, 4, 5, 5))
    print(f"tree: {count} goals in 4 levels, 3 progress reports")
    user = User.objects.create_user("bench_admin", password="x-bench-pass-1")
    user.unit = plan.unit
    user.save()
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(role__code=RoleCode.UNIT_ADMIN))
    admin = Client()
    admin.force_login(User.objects.get(pk=user.pk))
    public = Client()
    for label, client, url in (
        ("admin tree screen (all levels open)", admin, f"/admin/goals/plan/{plan.pk}/?depth=9"),
        ("admin tree screen (2 levels open)", admin, f"/admin/goals/plan/{plan.pk}/"),
        ("public goal page", public, f"/goals/?unit={plan.unit_id}&year=2026"),
    ):
        median, worst, queries = timed_get(client, url)
        print(
            f"{label}: median {median:.0f} ms, worst {worst:.0f} ms, {queries} queries "
            f"(target < 300 ms: {'met' if median < 300 else 'NOT met'})"
        )

    big, big_count = build("基准大单位", (10, 10, 49))
    print(f"Excel: {big_count} goals")
    results = {}
    for phase in ("idle", "export", "fill", "import"):
        out = subprocess.run(
            [sys.executable, __file__, "--phase", phase, str(big.pk)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        )
        results[phase] = json.loads(out.stdout.strip().splitlines()[-1])
    base = results["idle"]["maxrss_mb"]
    print(f"baseline process with Django loaded: {base:.0f} MB")
    for phase, label in (
        ("export", "export of the progress template"),
        ("import", "import (check + apply) of the filled template"),
    ):
        r = results[phase]
        print(
            f"{label}: {r['seconds']:.1f} s, peak memory {r['maxrss_mb']:.0f} MB "
            f"(target < 10 s and < 400 MB: {'met' if r['seconds'] < 10 and r['maxrss_mb'] < 400 else 'NOT met'}; "
            f"{r.get('note', '')})"
        )


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name, plan_pk):
    setup_django()
    from kaohe.goals import excel
    from kaohe.goals.models import GoalPlan

    plan = GoalPlan.objects.select_related("unit").get(pk=plan_pk)
    note = ""
    start = time.perf_counter()
    if name == "export":
        TEMPLATE.write_bytes(excel.progress_template(plan, "Q4"))
        note = f"{TEMPLATE.stat().st_size // 1024} KB"
    elif name == "fill":
        from openpyxl import load_workbook

        wb = load_workbook(TEMPLATE)
        ws = wb.worksheets[0]
        for row in ws.iter_rows(min_row=excel.FIRST_ROW):
            if row[3].value == "定量":
                row[6].value = 88.5
            else:
                row[7].value = 75
            row[8].value = "第四季度按计划完成各项工作"
        wb.save(FILLED)
    elif name == "import":
        from kaohe.accounts.models import User
        from kaohe.goals import services

        result = excel.read_progress_workbook(plan, FILLED.read_bytes())
        assert result.ok, (result.errors, [r["errors"] for r in result.rows if r["errors"]][:3])
        services.report_rows_save(plan=plan, result=result, user=User.objects.first())
        note = f"{len(result.rows)} rows"
    seconds = time.perf_counter() - start
    maxrss_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "maxrss_mb": maxrss_mb, "note": note}))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        phase(sys.argv[2], int(sys.argv[3]))
    else:
        main()

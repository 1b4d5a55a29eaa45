"""Benchmark: a unit's public page against a title-only Wagtail page, under gunicorn.

Issue target: the unit page serves at least half the requests per second of the
minimal page of the same server. Both are measured in the same run, one after
the other, alternating twice to even out the machine's noise.

    .venv/bin/python bench/portal_unit_page.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench .venv/bin/python bench/portal_unit_page.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import bench_env, fresh_database, gunicorn, load, manage  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-portal.sqlite3")

SETUP = """
from home.models import HomePage, StandardPage, UnitIndexPage
from kaohe.org.models import Unit
home = HomePage.objects.get()
minimal = StandardPage.objects.filter(slug="bench-minimal").first()
if minimal is None:
    minimal = home.add_child(instance=StandardPage(title="基准页面", slug="bench-minimal"))
    minimal.save_revision().publish()
unit = max(Unit.objects.filter(is_active=True), key=lambda u: sum(t.memberships.count() for t in u.teams.all()))
index = UnitIndexPage.objects.get()
print(minimal.url, index.unit_url(unit), sum(t.memberships.count() for t in unit.teams.all()))
"""


def main():
    env = bench_env(DATABASE_URL)
    fresh_database(DATABASE_URL)
    print(f"database: {DATABASE_URL}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("load_demo", env={**env, "PYTHONWARNINGS": "ignore"})
    import subprocess

    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    minimal_path, unit_path, members = out[-3], out[-2], out[-1]
    print(f"minimal page: {minimal_path}   unit page: {unit_path} ({members} team members)")

    with gunicorn(env, workers=3) as host:
        load(host, minimal_path, seconds=2)  # warm up every worker
        load(host, unit_path, seconds=2)
        rounds = []
        for _ in range(2):
            rounds.append((load(host, minimal_path), load(host, unit_path)))
    minimal_rps = sum(m["rps"] for m, _ in rounds) / len(rounds)
    unit_rps = sum(u["rps"] for _, u in rounds) / len(rounds)
    for i, (m, u) in enumerate(rounds, 1):
        print(
            f"round {i}: minimal {m['rps']:.0f} req/s (p95 {m['p95_ms']:.0f} ms, errors {m['errors']}); "
            f"unit {u['rps']:.0f} req/s (p95 {u['p95_ms']:.0f} ms, errors {u['errors']})"
        )
    ratio = unit_rps / minimal_rps
    print(
        f"mean: minimal page {minimal_rps:.0f} req/s, unit page {unit_rps:.0f} req/s, ratio {ratio:.2f} "
        f"(target >= 0.50: {'met' if ratio >= 0.5 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()

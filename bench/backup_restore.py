"""Benchmark: backup and restore of the demo county (SYS-9).

Issue target: each in under 30 s. Loads the demo county into a fresh
database (uploaded files in a folder of their own), runs ``manage.py backup``,
wipes the database and the files, runs ``manage.py restore`` into the empty
installation and checks that the counts came back.

    .venv/bin/python bench/backup_restore.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_backup .venv/bin/python bench/backup_restore.py
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import ROOT, bench_env, fresh_database, manage  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-backup.sqlite3")
MEDIA = Path("/tmp/kaohe-bench-media")
BACKUPS = Path("/tmp/kaohe-bench-backups")

COUNTS = """
from django.apps import apps
from pathlib import Path
from django.conf import settings
total = sum(m._base_manager.count() for m in apps.get_models() if m._meta.managed and not m._meta.proxy)
files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
from kaohe.org.models import Cadre, Unit
print(Unit.objects.count(), Cadre.objects.count(), total, len(files), sum(p.stat().st_size for p in files))
"""


def shell(code, env):
    return (
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )


def timed(*args, env):
    started = time.perf_counter()
    manage(*args, env=env)
    return time.perf_counter() - started


def main():
    env = {**bench_env(DATABASE_URL), "MEDIA_ROOT": str(MEDIA), "PYTHONWARNINGS": "ignore"}
    fresh_database(DATABASE_URL)
    shutil.rmtree(MEDIA, ignore_errors=True)
    shutil.rmtree(BACKUPS, ignore_errors=True)
    print(f"database: {DATABASE_URL}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    subprocess.run([sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    before = shell(COUNTS, env)
    print(
        f"demo county: {before[0]} units, {before[1]} cadres, {before[2]} rows in all, "
        f"{before[3]} uploaded files ({int(before[4]) / 1024:.0f} KB)"
    )

    backup = timed("backup", "--dir", str(BACKUPS), "--no-prune", env=env)
    archive = next(BACKUPS.glob("kaohe-backup-*.tar.gz"))
    print(
        f"backup: {backup:.1f} s, archive {archive.stat().st_size / 1024:.0f} KB "
        f"(target < 30 s: {'met' if backup < 30 else 'NOT met'})"
    )

    fresh_database(DATABASE_URL)
    shutil.rmtree(MEDIA, ignore_errors=True)
    restore = timed("restore", str(archive), env=env)
    after = shell(COUNTS, env)
    print(
        f"restore into an empty installation: {restore:.1f} s "
        f"(target < 30 s: {'met' if restore < 30 else 'NOT met'}); counts identical: {after == before}"
    )
    print("(both times include starting Python and Django, about 1-2 s)")


if __name__ == "__main__":
    main()

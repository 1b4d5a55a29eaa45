"""Benchmark: the portal's public pages against a stock ``wagtail start`` home page (issue 16).

Serves, in the same run and on the same machine:

- the portal under gunicorn (3 sync workers, ``portal.settings.bench``, the demo county
  on SQLite, the cache as configured: the database cache unless CACHE_URL says otherwise);
- a stock Wagtail project built in a temporary directory from the installed Wagtail's
  own project template (``wagtail start``), its home page served the same way;

then loads each page with Debian's ``wrk`` (``apt-get install wrk``) for a few seconds,
alternating with the stock page, two passes, and prints each page's requests per
second and its ratio to the stock page measured in the same pass. The target (issue 16):
home, unit page, goal page, goal query and search each >= 0.5x the stock page.

    .venv/bin/python bench/portal_pages.py                 # 5 s per page, 2 passes
    BENCH_SECONDS=3 BENCH_PASSES=1 .venv/bin/python bench/portal_pages.py
    BENCH_PORT=8350 .venv/bin/python bench/portal_pages.py  # the portal on 8350, stock on 8351
    PORTAL_PAGE_CACHE_SECONDS=0 BENCH_KEEP_DB=1 .venv/bin/python bench/portal_pages.py  # every page rendered

Not a test: the figures are for people. The machine's load average is printed
before and after, since other work on it changes every figure.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import ROOT, bench_env, free_port, fresh_database, manage  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-portal-pages.sqlite3")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
PASSES = int(os.environ.get("BENCH_PASSES", "2"))
THREADS, CONNECTIONS = 2, 16
TARGET = 0.5

SETUP = """
from django.db.models import Count
from home.models import UnitIndexPage
from kaohe.goals.models import Goal, GoalPlan
plan = (GoalPlan.objects.filter(status=GoalPlan.Status.PUBLISHED)
        .annotate(n=Count("goals")).order_by("-year", "-n").first())
goal = (Goal.objects.filter(plan=plan, parent__isnull=True, goal_type__is_public=True)
        .annotate(r=Count("progress_entries")).order_by("-r", "pk").first())
index = UnitIndexPage.objects.get()
print("PATHS", index.unit_url(plan.unit), plan.unit_id, plan.year, goal.pk)
"""


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wait_for(port: int, process: subprocess.Popen) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


@contextmanager
def serve(app: str, *, cwd: Path, env: dict, port: int):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--no-control-socket",
        ],
        cwd=cwd,
        env=env,
    )
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


def stock_project(directory: Path) -> tuple[Path, dict]:
    """A stock ``wagtail start`` project, migrated, with DEBUG off; returns its folder and environment."""
    wagtail = Path(sys.executable).parent / "wagtail"
    subprocess.run([str(wagtail), "start", "stock", str(directory)], check=True, capture_output=True)
    (directory / "stock" / "settings" / "local.py").write_text(
        "DEBUG = False\n"
        'SECRET_KEY = "bench-only-not-secret"\n'
        'ALLOWED_HOSTS = ["*"]\n'
        "STORAGES = {\n"
        '    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},\n'
        '    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},\n'
        "}\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "stock.settings.production"
    env["PYTHONPATH"] = str(directory)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=directory, env=env, check=True
    )
    return directory, env


def wrk(url: str, seconds: int) -> tuple[float, int, int]:
    """Requests per second, non-2xx/3xx responses and socket errors from ``wrk``."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "-H",
            "Accept-Language: zh-CN,zh;q=0.9",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return rps, int(bad.group(1)) if bad else 0, sum(map(int, errors.groups())) if errors else 0


def check(url: str) -> None:
    """Stop at once if a page does not answer 200 (a benchmark of error pages means nothing)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
    except urllib.error.URLError as exc:
        raise SystemExit(f"{url}: {exc}") from exc


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk")
    env = bench_env(DATABASE_URL)
    page_cache = env.get("PORTAL_PAGE_CACHE_SECONDS", "300")
    print(
        f"database: {DATABASE_URL}; cache: {env.get('CACHE_URL') or 'database cache (kaohe_cache)'}; "
        f"public page cache: {'off' if page_cache == '0' else page_cache + ' s'} (PORTAL_PAGE_CACHE_SECONDS)"
    )
    if not os.environ.get("BENCH_KEEP_DB"):  # BENCH_KEEP_DB=1 reuses the last run's demo county
        fresh_database(DATABASE_URL)
        manage("migrate", "--no-input", "-v", "0", env=env)
        subprocess.run(
            [sys.executable, "manage.py", "load_demo"],
            cwd=ROOT,
            env={**env, "PYTHONWARNINGS": "ignore"},
            check=True,
            stdout=subprocess.DEVNULL,
        )
    else:
        manage("migrate", "--no-input", "-v", "0", env=env)
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    unit_path, unit_id, year, goal_id = out.split("PATHS", 1)[1].split()
    pages = [
        ("home", "/"),
        ("unit page", unit_path),
        ("goal page", f"/goals/goal/{goal_id}/"),
        ("goal query", f"/goals/?unit={unit_id}&year={year}"),
        ("search", f"/search/?q={quote('考核')}"),
        ("evaluation sign-in", "/ceping/"),
    ]
    base_port = int(os.environ.get("BENCH_PORT") or free_port())
    stock_port = base_port + 1 if os.environ.get("BENCH_PORT") else free_port()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in pages}
    stock_rates: list[float] = []
    problems: list[str] = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="stock-wagtail-") as tmp:
        stock_dir, stock_env = stock_project(Path(tmp))
        with (
            serve("portal.wsgi:application", cwd=ROOT, env=env, port=base_port) as portal,
            serve("stock.wsgi:application", cwd=stock_dir, env=stock_env, port=stock_port) as stock,
        ):
            for url in [stock + "/"] + [portal + path for _name, path in pages]:
                check(url)
                wrk(url, 1)  # warm every worker
            for _ in range(PASSES):
                stock_rps, bad, errors = wrk(stock + "/", SECONDS)
                stock_rates.append(stock_rps)
                for name, path in pages:
                    rps, bad, errors = wrk(portal + path, SECONDS)
                    if bad or errors:
                        problems.append(f"{name}: {bad} bad responses, {errors} socket errors")
                    results[name].append((rps, rps / stock_rps))
    load_after = load_average()

    print(f"load average before {load_before}, after {load_after} (2 cores; other work on the machine counts)")
    print(
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, {PASSES} passes, each page against the stock page of its pass"
    )
    print(f"stock `wagtail start` home page: {', '.join(f'{r:.0f}' for r in stock_rates)} req/s")
    print()
    print(f"| page | path | req/s | ratio vs stock | target {TARGET}x |")
    print("| --- | --- | --- | --- | --- |")
    for name, path in pages:
        rates = results[name]
        rps = " / ".join(f"{r:.0f}" for r, _ in rates)
        ratios = [q for _, q in rates]
        mean = sum(ratios) / len(ratios)
        verdict = "" if name == "evaluation sign-in" else ("met" if mean >= TARGET else "NOT met")
        print(f"| {name} | `{path}` | {rps} | {' / '.join(f'{q:.2f}' for q in ratios)} (mean {mean:.2f}) | {verdict} |")
    for problem in problems:
        print(f"WARNING {problem}")


if __name__ == "__main__":
    main()

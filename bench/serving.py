"""Helpers for serving benchmarks: run the portal under gunicorn and load it.

Not a test: the scripts in bench/ print figures for the humans reading them.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": database_url})
    return env


@contextmanager
def gunicorn(env: dict, workers: int = 3):
    """Serve the portal with gunicorn's sync workers; yields the base URL.

    ``BENCH_PORT`` picks the port (on a shared machine each person has a range); a free one otherwise.
    """
    port = int(os.environ.get("BENCH_PORT") or free_port())
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--preload",  # as the README deploys it: the master imports and warms up once (portal/wsgi.py)
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a busy machine: workers still finishing their last requests
            process.kill()
            process.wait()


def load(host: str, path: str, *, seconds: float = 8.0, concurrency: int = 6) -> dict:
    """Request ``path`` from ``concurrency`` threads for ``seconds``; return rate and latency."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        nonlocal errors
        local, local_errors = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection = http.client.HTTPConnection(host, timeout=10)
            try:
                connection.request("GET", path, headers={"Accept-Language": "zh-hans"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    local_errors += 1
            except OSError:
                local_errors += 1
            finally:
                connection.close()
            local.append(time.perf_counter() - started)
        with lock:
            latencies.extend(local)
            errors += local_errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
    }


def cpu_seconds(marker: str) -> float:
    """CPU time (user + system) used so far by every process whose command line holds ``marker``:
    gunicorn's master and workers (``127.0.0.1:<port>``), or PostgreSQL's backends of one database
    (its name). Unlike a latency, CPU per request hardly moves with what else the machine runs."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if marker not in cmdline:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def fresh_database(database_url: str) -> None:
    """Start the benchmark from an empty database (SQLite file in /tmp, or a PostgreSQL database)."""
    from urllib.parse import urlparse

    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":
        Path(parsed.path).unlink(missing_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin_url = database_url[: -len(name)] + "postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def fresh_django(database_url: str) -> None:
    """An empty database, migrated, with Django set up on it in this process (the bench settings)."""
    fresh_database(database_url)
    os.environ.update(bench_env(database_url))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


# Shared by the in-process page benches (comments_list, cycle_timeline, goals_tree, results_compute).
def user(username, role, unit=None):
    from django.contrib.auth.models import Group

    from kaohe.accounts.models import User

    account = User.objects.create_user(username, password="x-bench-pass-1", unit=unit)
    account.groups.add(Group.objects.get(role__code=role))
    return User.objects.get(pk=account.pk)


def timed_response(client, url, runs=15):
    """GET ``url`` once to warm up, then ``runs`` times: (median ms, worst ms, queries, last response)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - start))
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), max(times), len(queries), response


def timed_get(client, url, runs=15):
    """(median ms, worst ms, queries) of ``runs`` GETs of ``url`` after a warm-up."""
    return timed_response(client, url, runs)[:3]

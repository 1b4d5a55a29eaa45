"""Benchmark: a meeting room votes under gunicorn (4 sync workers) on PostgreSQL (40 targets × 6 indicators).

Each evaluator opens the sign-in page, signs in with the code, loads the form, saves a
draft, submits (the confirmation page) and confirms (the ballot is cast), thinking
1–3 s between steps as a person would; they arrive evenly over ``ARRIVAL_SECONDS`` (10).
Targets (issue 11), for 500 evaluators: p95 of every step < 500 ms, no errors, no lost
ballot; then a burst of the same number without think time: at least 40 complete votes
per second. The machine's load (uptime) is printed: on a shared machine say how busy it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_eval EVALUATORS=500 \
        .venv/bin/python bench/evaluation_serving.py
"""

import http.client
import os
import random
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import bench_env, cpu_seconds, fresh_database, gunicorn, manage  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kaohe_bench_eval")
EVALUATORS = int(os.environ.get("EVALUATORS", "500"))
ARRIVAL_SECONDS = float(os.environ.get("ARRIVAL_SECONDS", "10"))
WORKERS = int(os.environ.get("WORKERS", "4"))
STEPS = ("sign-in page", "sign in", "load form", "save draft", "submit", "confirm")


class Browser:
    """Just enough of a browser: one connection, cookies, the CSRF token."""

    def __init__(self, host):
        self.host = host
        self.cookies = {}
        self.connection = http.client.HTTPConnection(host, timeout=60)

    def request(self, method, path, data=None):
        headers = {"Accept-Language": "zh-hans", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content.decode("utf-8", "replace"), elapsed


def evaluator(host, code, answers, think, results, errors, lock):
    rng = random.Random(code)
    browser = Browser(host)
    timings = {}
    try:
        status, html, timings["sign-in page"] = browser.request("GET", "/ceping/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        steps = [
            ("sign in", "POST", "/ceping/", {"code": code}, 302),
            ("load form", "GET", "/ceping/form/", None, 200),
            ("save draft", "POST", "/ceping/form/", {**answers, "action": "draft"}, 302),
            ("submit", "POST", "/ceping/form/", {**answers, "action": "submit"}, 200),
            ("confirm", "POST", "/ceping/form/", {"action": "confirm"}, 200),
        ]
        for name, method, path, data, expected in steps:
            if think:
                time.sleep(rng.uniform(*think))
            if data is not None:
                data = {**data, "csrfmiddlewaretoken": token}
            status, html, timings[name] = browser.request(method, path, data)
            if status != expected or (name == "confirm" and "receipt-code" not in html):
                raise RuntimeError(f"{name}: HTTP {status}")
        with lock:
            for name, value in timings.items():
                results.setdefault(name, []).append(value)
    except Exception as exc:  # counted and reported
        with lock:
            errors.append(f"{code[:4]}…: {exc}")
    finally:
        browser.connection.close()


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * (len(values) - 1)))] if values else 0.0


def prepare(count):
    """A fresh task and ``count`` accounts with known codes; returns the codes and a valid ballot per code."""
    import django

    django.setup()
    from django.db import connection

    from bench.evaluation_setup import make_task, valid_answers
    from kaohe.evaluation import services
    from kaohe.evaluation.sheets import ballot_sheet

    task, category = make_task(name=f"基准测评任务{time.time_ns()}")
    issued = services.accounts_generate(task=task, category=category, count=count)
    sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
    rng = random.Random(7)
    ballots = []
    for item in issued:
        answers = valid_answers(sheet, rng)
        ballots.append((item.grouped_code, {f"r-{t}-{i}": v for t, row in answers.items() for i, v in row.items()}))
    connection.close()
    return task.pk, ballots


def check(task_pk):
    from django.db import connection

    from kaohe.evaluation.models import Ballot, BallotBoxEntry, Draft, EvaluationAccount

    # Cast ballots: counted, or still waiting in the ballot box for their batch (EVAL-10).
    ballots = Ballot.objects.filter(task_id=task_pk).count() + BallotBoxEntry.objects.filter(task_id=task_pk).count()
    submitted = EvaluationAccount.objects.filter(task_id=task_pk, status="submitted").count()
    drafts = Draft.objects.filter(account__task_id=task_pk).count()
    connection.close()
    return ballots, submitted, drafts


def run(host, label, think):
    task_pk, ballots = prepare(EVALUATORS)
    results, errors, lock = {}, [], threading.Lock()
    threads = [
        threading.Thread(target=evaluator, args=(host, code, answers, think, results, errors, lock))
        for code, answers in ballots
    ]
    database = DATABASE_URL.rsplit("/", 1)[-1]
    cpu_before = (cpu_seconds(host), cpu_seconds(f" {database} "), time.process_time())
    started = time.monotonic()
    for thread in threads:
        thread.start()
        if think:
            time.sleep(ARRIVAL_SECONDS / EVALUATORS)  # the room arrives over ARRIVAL_SECONDS
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = [
        after - before
        for before, after in zip(
            cpu_before, (cpu_seconds(host), cpu_seconds(f" {database} "), time.process_time()), strict=True
        )
    ]
    cast, submitted, drafts = check(task_pk)
    print(
        f"\n{label}: {EVALUATORS} evaluators in {elapsed:.1f} s; errors {len(errors)}; ballots cast {cast}, "
        f"accounts submitted {submitted}, drafts left {drafts} (lost ballots: {EVALUATORS - cast})"
    )
    if cast:
        per_vote = [1000 * value / cast for value in cpu]
        cores = os.cpu_count() or 1
        print(
            f"  CPU per complete vote: portal (gunicorn) {per_vote[0]:.1f} ms, PostgreSQL {per_vote[1]:.1f} ms, "
            f"this load generator {per_vote[2]:.1f} ms; all {cores} cores doing nothing else would serve "
            f"at most {1000 * cores / sum(per_vote):.0f} votes per second ({1000 * cores / sum(per_vote[:2]):.0f} "
            "without the load generator)"
        )
    for message in errors[:3]:
        print(f"  error: {message}")
    for name in STEPS:
        values = results.get(name, [])
        print(
            f"  {name:<13} p50 {1000 * percentile(values, 0.5):6.0f} ms   p95 "
            f"{1000 * percentile(values, 0.95):6.0f} ms   max {1000 * max(values, default=0):6.0f} ms"
        )
    worst = max((1000 * percentile(results.get(name, []), 0.95) for name in STEPS), default=0.0)
    return worst, errors, EVALUATORS - cast, cast / elapsed if elapsed else 0.0


def main():
    env = bench_env(DATABASE_URL)
    fresh_database(DATABASE_URL)
    print(f"database: {DATABASE_URL}; gunicorn sync workers: {WORKERS}; load: {os.getloadavg()}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    os.environ.update(env)
    with gunicorn(env, workers=WORKERS) as host:
        Browser(host).request("GET", "/ceping/")
        p95, errors, lost, _rate = run(
            host, f"with think time 1–3 s, arriving over {ARRIVAL_SECONDS:.0f} s", (1.0, 3.0)
        )
        _p95, burst_errors, burst_lost, rate = run(host, "burst, no think time", None)
    met = p95 < 500 and not errors and not lost
    print(
        f"\nthink time: worst step p95 {p95:.0f} ms, errors {len(errors)}, lost {lost} "
        f"(target < 500 ms, none): {'met' if met else 'NOT met'}"
    )
    print(
        f"burst: {rate:.1f} complete votes per second, errors {len(burst_errors)}, lost {burst_lost} "
        f"(target >= 40): {'met' if rate >= 40 and not burst_errors else 'NOT met'}"
    )
    print(f"load at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

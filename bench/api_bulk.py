"""Benchmark: bulk push of 5,000 cadres and pulling them back in pages, over HTTP under gunicorn (SYS-3).

Issue targets: the bulk push of 5,000 cadres (some of them bad) in under 10 s;
pulling 5,000 yearly results in pages in under 5 s. The results are written
straight into the database (one per pushed cadre, with grades), as the
results app would compute them; the cadres are pulled back too.

    .venv/bin/python bench/api_bulk.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_api .venv/bin/python bench/api_bulk.py
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import ROOT, bench_env, fresh_database, gunicorn, manage  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-api.sqlite3")
CADRES = 5000
BAD = {17: {"sex": "?"}, 1234: {"unit": "U-404"}, 2500: {"name": ""}, 3999: {"birth_date": "2024-02-30"}}
PAGE = 500

RESULTS = """
from decimal import Decimal
from django.utils import timezone
from kaohe.evaluation.models import TargetCategory
from kaohe.org.models import Cadre
from kaohe.results.models import YearResult
category, _ = TargetCategory.objects.get_or_create(name="基准干部类别", defaults={"kind": "cadre"})
now = timezone.now()
grades = ["优秀", "称职", "称职", "称职", "基本称职"]
YearResult.objects.bulk_create(
    [YearResult(year=2025, target_category=category, cadre=cadre, goal_score=Decimal("88.5"),
                evaluation_score=Decimal("91.25"), total=Decimal("89.88"), rank=n + 1,
                recommended_grade=grades[n % 5], approved_grade=grades[n % 5], computed_at=now,
                parts=[{"name": "目标考核", "weight": "50", "score": "88.5", "source": "目标得分"}])
     for n, cadre in enumerate(Cadre.objects.order_by("pk"))],
    batch_size=500,
)
print(YearResult.objects.count())
"""

SETUP = """
from kaohe.interop.services import api_client_create
from kaohe.org.models import Unit, UnitKind
kind, _ = UnitKind.objects.get_or_create(name="县政府工作部门")
for n in range(20):
    Unit.objects.get_or_create(external_id=f"U-{n}", defaults={"name": f"基准单位{n}", "kind": kind})
_client, key = api_client_create(name="基准测试", scopes=["read_cadres", "write_cadres", "read_results"])
print(key)
"""


def request(host, method, path, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        path if path.startswith("http") else f"http://{host}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=120) as response:  # noqa: S310
        return json.loads(response.read())


def cadres(position):
    records = [
        {
            "external_id": f"GB-{n:05d}",
            "name": f"干部{n}",
            "sex": "male" if n % 3 else "female",
            "birth_date": f"19{60 + n % 35}-0{1 + n % 9}-1{n % 9}",
            "unit": f"U-{n % 20}",
            "position": position,
            "rank": "section_deputy",
            "profession": "经济管理",
            "education": "大学本科",
        }
        for n in range(CADRES)
    ]
    for index, change in BAD.items():
        records[index].update(change)
    return records


def main():
    env = bench_env(DATABASE_URL)
    fresh_database(DATABASE_URL)
    print(f"database: {DATABASE_URL}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    key = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]

    with gunicorn(env, workers=2) as host:
        request(host, "GET", "/api/v1/units/", key)  # warm up
        for label, position in (("new", "副局长"), ("identical again", "副局长"), ("every one changed", "局长")):
            body = {"records": cadres(position)}
            started = time.perf_counter()
            report = request(host, "POST", "/api/v1/cadres/bulk/", key, body)
            elapsed = time.perf_counter() - started
            print(
                f"bulk push of {CADRES:,} cadres, {label}: {elapsed:.2f} s "
                f"(created {report['created']}, updated {report['updated']}, unchanged {report['unchanged']}, "
                f"refused {report['refused']}; target < 10 s: {'met' if elapsed < 10 else 'NOT met'})"
            )

        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", RESULTS], cwd=ROOT, env=env, check=True, capture_output=True
        )
        for label, path in (("yearly results", "/api/v1/results/?year=2025"), ("cadres", "/api/v1/cadres/?")):
            started = time.perf_counter()
            url, pulled, pages = f"{path}&page_size={PAGE}", 0, 0
            while url:
                page = request(host, "GET", url, key)
                pulled += len(page["results"])
                pages += 1
                url = page["next"]
            elapsed = time.perf_counter() - started
            print(
                f"pull of {pulled:,} {label} in {pages} pages of {PAGE}: {elapsed:.2f} s "
                f"(target < 5 s: {'met' if elapsed < 5 else 'NOT met'})"
            )


if __name__ == "__main__":
    main()

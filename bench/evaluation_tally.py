"""Benchmark: tally 3,000 ballots of 40 targets × 6 indicators (target < 10 s).

.venv/bin/python bench/evaluation_tally.py               # SQLite file in /tmp
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_eval .venv/bin/python bench/evaluation_tally.py
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import fresh_django  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-evaluation-tally.sqlite3")
BALLOTS = int(os.environ.get("BALLOTS", "3000"))


def main():
    fresh_django(DATABASE_URL)
    from django.utils import timezone

    from bench.evaluation_setup import make_task, valid_answers
    from kaohe.evaluation.models import Ballot
    from kaohe.evaluation.sheets import ballot_sheet
    from kaohe.evaluation.tally import task_tally

    task, category = make_task()
    task.trim_extremes = True
    task.save()
    sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
    rng = random.Random(5)
    started = time.perf_counter()
    Ballot.objects.bulk_create(
        (
            Ballot(
                task=task,
                category=category,
                source="online",
                cast_on=timezone.localdate(),
                answers=valid_answers(sheet, rng),
            )
            for _ in range(BALLOTS)
        ),
        batch_size=500,
    )
    print(f"database: {DATABASE_URL}")
    print(f"{BALLOTS} ballots of {sheet.cell_count} ratings stored in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    results = task_tally(task)
    elapsed = time.perf_counter() - started
    best = max(results, key=lambda r: r.score)
    print(
        f"tally of {BALLOTS} ballots × {sheet.cell_count} ratings: {elapsed:.2f} s (target < 10 s: "
        f"{'met' if elapsed < 10 else 'NOT met'}); "
        f"best score {best.score}, {len(results)} targets"
    )


if __name__ == "__main__":
    main()

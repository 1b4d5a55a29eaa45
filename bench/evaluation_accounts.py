"""Benchmark: generate 3,000 evaluation accounts (target < 3 s) and print their slips as a PDF (target < 60 s).

.venv/bin/python bench/evaluation_accounts.py            # SQLite file in /tmp
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_eval .venv/bin/python bench/evaluation_accounts.py
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import fresh_django  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-evaluation-accounts.sqlite3")
COUNT = int(os.environ.get("ACCOUNTS", "3000"))


def main():
    fresh_django(DATABASE_URL)
    from django.utils import translation

    from bench.evaluation_setup import make_task
    from kaohe.evaluation import pdf, services

    translation.activate("zh-hans")
    task, category = make_task()
    print(f"database: {DATABASE_URL}")
    started = time.perf_counter()
    issued = services.accounts_generate(task=task, category=category, count=COUNT)
    generated = time.perf_counter() - started
    print(f"{COUNT} accounts generated in {generated:.2f} s (target < 3 s: {'met' if generated < 3 else 'NOT met'})")
    started = time.perf_counter()
    data = pdf.slips_pdf_in_chunks(task, issued)  # as the background worker prints them (EVAL-9)
    printed = time.perf_counter() - started
    out = Path("/tmp/kaohe-bench-slips.pdf")
    out.write_bytes(data)
    print(
        f"{COUNT} slips as a PDF of {len(data) // 1024} KB ({-(-COUNT // 10)} pages) in {printed:.1f} s "
        f"(target < 60 s: {'met' if printed < 60 else 'NOT met'}); written to {out}"
    )


if __name__ == "__main__":
    main()

"""Benchmark: comment management with 10,000 comments on one unit (CMT-4).

Issue target: the management list pages and filters stay under 300 ms with a
bounded number of queries (the tests pin that the count does not grow with
the rows; this prints it). Measured in-process with Django's test client
(rendering included, no network), median of 15 requests after a warm-up, for
the office (who sees everything, reports included) and the unit's
administrator (published comments on their unit), with and without filters,
deep pages, and the per-reader "new" filter.

    .venv/bin/python bench/comments_list.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_comments .venv/bin/python bench/comments_list.py
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-comments.sqlite3")
os.environ.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": DATABASE_URL})
COMMENTS = 10_000
TARGET_MS = 300


def build():
    """A unit with a published plan of 40 goals and 10,000 comments of every kind, type and status."""
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from kaohe.comments.models import Comment, CommenterKind, CommentType, TargetType
    from kaohe.goals.models import Goal, GoalPlan
    from kaohe.org.models import Team, Unit, UnitKind

    rng = random.Random(10_000)
    kind, _ = UnitKind.objects.get_or_create(name="县政府工作部门")
    unit = Unit.objects.create(name="基准点评单位", kind=kind)
    other = Unit.objects.create(name="基准其他单位", kind=kind)
    team = Team.objects.create(unit=unit, name="基准点评单位领导班子")
    plan = GoalPlan.objects.create(unit=unit, year=2026, status="published")
    goals = Goal.objects.bulk_create(
        Goal(
            plan=plan,
            name=f"基准目标{n}",
            weight=Decimal("2.5"),
            start_date=date(2026, 1, 1),
            due_date=date(2026, 12, 31),
            sort_order=n,
        )
        for n in range(40)
    )
    types = list(CommentType.objects.all())
    statuses = [Comment.Status.PUBLISHED] * 8 + [Comment.Status.PENDING, Comment.Status.REMOVED]
    now = timezone.now()
    rows = []
    for n in range(COMMENTS):
        comment_type = rng.choice(types)
        target = rng.choice([TargetType.GOAL] * 3 + [TargetType.UNIT, TargetType.TEAM])
        rows.append(
            Comment(
                target_type=target,
                unit=unit,
                goal=rng.choice(goals) if target == TargetType.GOAL else None,
                team=team if target == TargetType.TEAM else None,
                comment_type=comment_type,
                is_report=comment_type.is_report,
                commenter_kind=rng.choice(CommenterKind.values),
                author_name=f"点评人{n % 300}",
                email="a@example.com",
                body=f"第{n}条点评：进度{'滞后' if n % 7 == 0 else '正常'}，建议加强调度，及时公开进展情况。" * 2,
                status=rng.choice(statuses),
            )
        )
    dates = [now - timedelta(minutes=rng.randint(0, 365 * 24 * 60)) for _ in rows]
    Comment.objects.bulk_create(rows, batch_size=2000)
    for comment, when in zip(rows, dates, strict=True):
        comment.created_at = when
    Comment.objects.bulk_update(rows, ["created_at"], batch_size=2000)
    # Comments on another unit, so filters have something to leave out.
    Comment.objects.bulk_create(
        Comment(
            target_type=TargetType.UNIT,
            unit=other,
            comment_type=types[0],
            commenter_kind=CommenterKind.PUBLIC,
            body="其他单位的点评",
            status=Comment.Status.PUBLISHED,
        )
        for _ in range(2000)
    )
    return unit, goals, rows


def main():
    sys.path.insert(0, str(ROOT / "bench"))
    from serving import fresh_django, timed_get, user

    fresh_django(DATABASE_URL)
    from django.test import Client

    from kaohe.comments.models import CommentRead, CommentType
    from kaohe.core.roles import RoleCode

    started = time.perf_counter()
    unit, goals, rows = build()
    office = user("bench_office", RoleCode.OFFICE)
    unit_admin = user("bench_unit_admin", RoleCode.UNIT_ADMIN, unit)
    CommentRead.objects.bulk_create([CommentRead(user=office, comment=c) for c in rows[::2]], batch_size=2000)
    print(f"database: {DATABASE_URL}")
    print(
        f"data: {len(rows):,} comments on one unit (+2,000 elsewhere), half read by the office; built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    clients = {}
    for name, account in (("office", office), ("unit admin", unit_admin)):
        clients[name] = Client()
        clients[name].force_login(account)
    suggestion = CommentType.objects.get(name="建议").pk
    cases = [
        ("office", "list, first page", "/admin/comments/"),
        ("office", "list, page 100", "/admin/comments/?page=100"),
        ("office", "all statuses, last page", "/admin/comments/?status=&page=last"),
        ("office", "filter: unit", f"/admin/comments/?unit={unit.pk}"),
        ("office", "filter: commenter kind", "/admin/comments/?kind=public"),
        ("office", "filter: comment type", f"/admin/comments/?type={suggestion}"),
        ("office", "filter: goal", f"/admin/comments/?goal={goals[7].pk}"),
        ("office", "filter: dates", "/admin/comments/?date_from=2026-03-01&date_to=2026-06-30"),
        ("office", "filter: new only", "/admin/comments/?new=on"),
        ("office", "filter: text", "/admin/comments/?q=滞后"),
        ("office", "filters combined", f"/admin/comments/?kind=county_leader&type={suggestion}&new=on&target=goal"),
        ("unit admin", "list, first page", "/admin/comments/"),
        ("unit admin", "list, page 50", "/admin/comments/?page=50"),
        ("unit admin", "filter: new only", "/admin/comments/?new=on"),
        ("office", "comment detail", f"/admin/comments/{rows[123].pk}/"),
    ]
    worst = 0.0
    print(f"{'reader':<11} {'page':<28} {'median':>8} {'worst':>8} {'queries':>8}")
    for reader, label, url in cases:
        median, slowest, queries = timed_get(clients[reader], url)
        worst = max(worst, median)
        print(f"{reader:<11} {label:<28} {median:>6.0f} ms {slowest:>5.0f} ms {queries:>8}")
    started = time.perf_counter()
    response = clients["office"].get("/admin/comments/export/?status=")
    assert response.status_code == 200
    print(
        f"spreadsheet of all {len(rows) + 2000:,} comments: {time.perf_counter() - started:.1f} s, "
        f"{len(response.content) // 1024} KB"
    )
    print(f"slowest median {worst:.0f} ms (target < {TARGET_MS} ms: {'met' if worst < TARGET_MS else 'NOT met'})")


if __name__ == "__main__":
    main()

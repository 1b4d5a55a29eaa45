"""The demo county's results: two complete past years and the current one in progress.

Last year's results are computed from its closed evaluation task and the
office's goal scores, graded within the 优秀 limit, approved and archived.
The year before is history kept from the county's previous system (imported
results with approved grades, archived), so every chart has years to show.
The current year waits for its evaluation task to close.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User

from . import services
from .models import AssessmentYear, YearResult

ORDER = 65


def load(*, stdout=None) -> dict:
    this_year = timezone.localdate().year
    last_year = this_year - 1
    office = User.objects.filter(username="kaoheban").first()
    created = {}
    with transaction.atomic():
        AssessmentYear.objects.get_or_create(year=this_year)
        if not YearResult.objects.filter(year=last_year).exists():
            created[last_year] = services.compute_year(last_year, office)
            _grade(last_year, office)
        if not YearResult.objects.filter(year=last_year - 1).exists():
            created[last_year - 1] = _history(last_year - 1, last_year, office)
    return {"yearly results": created}


def _grade(year: int, user) -> None:
    """Recommend grades by rank within each category, inside the 优秀 limit, approve, archive."""
    record = services.assessment_year(year)
    grades: dict[int, str] = {}
    by_category: dict[int, list[YearResult]] = {}
    for result in YearResult.objects.filter(year=year).select_related("target_category").order_by("rank", "pk"):
        by_category.setdefault(result.target_category_id, []).append(result)
    for results in by_category.values():
        names = record.grades_for(results[0].target_category.kind)
        best_allowed = int(len(results) * record.excellent_limit / 100)
        for position, result in enumerate(results):
            if position < best_allowed:
                grades[result.pk] = names[0]
            elif position >= len(results) - max(1, len(results) // 12) and len(names) > 2:
                grades[result.pk] = names[2]
            else:
                grades[result.pk] = names[1]
    services.set_grades(year, grades, "recommended_grade", user)
    services.set_grades(year, grades, "approved_grade", user)
    services.archive_year(year, user)


def _history(year: int, model_year: int, user) -> int:
    """The year before last, as kept by the previous system: same targets, nearby scores."""
    rng = random.Random(f"kaohe-results-history-{year}")
    record = services.assessment_year(year)
    rows = []
    for result in YearResult.objects.filter(year=model_year).select_related("target_category"):
        goal = _near(rng, result.goal_score)
        evaluation = _near(rng, result.evaluation_score)
        total = None if goal is None or evaluation is None else ((goal + evaluation) / 2).quantize(Decimal("0.01"))
        rows.append(
            YearResult(
                year=year,
                target_category=result.target_category,
                team_id=result.team_id,
                cadre_id=result.cadre_id,
                goal_score=goal,
                evaluation_score=evaluation,
                total=total,
                computed_at=timezone.now(),
                parts=[{"name": "历史成绩", "weight": "100", "score": str(total), "source": "由原考核系统导入"}],
            )
        )
    services._rank(rows)
    YearResult.objects.bulk_create(rows)
    _grade(year, user)
    record.refresh_from_db()
    return len(rows)


def _near(rng, value):
    if value is None:
        return None
    return max(Decimal("50"), min(Decimal("100"), Decimal(value) + Decimal(str(round(rng.gauss(0, 3), 2))))).quantize(
        Decimal("0.01")
    )

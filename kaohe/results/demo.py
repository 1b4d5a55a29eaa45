"""The demo county's results: two complete past years and the current one in progress.

Last year's results are computed from its closed evaluation task, the
office's goal scores and, for cadres, the assessment groups' confirmed inspections,
graded within the 优秀 limit, approved and archived.
The year before is history kept from the county's previous system (imported
results with approved grades, archived), so every chart has years to show.
The current year waits for its evaluation task to close.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.evaluation.models import TargetCategory
from kaohe.org.models import PostGroup

from . import selectors, services
from .models import (
    AssessmentYear,
    GradeLimit,
    MissingRule,
    ResultScheme,
    SchemeCoverage,
    SchemePart,
    ServiceRule,
    YearResult,
)

ORDER = 65


DEPUTIES = "班子副职及其他成员"
INSPECTION = "考核组实地考察"


def load(*, stdout=None) -> dict:
    this_year = timezone.localdate().year
    last_year = this_year - 1
    office = User.objects.filter(username="kaoheban").first()
    created = {}
    with transaction.atomic():
        AssessmentYear.objects.get_or_create(year=this_year)
        if not YearResult.objects.filter(year=last_year).exists():
            _schemes(last_year)
            created[last_year] = services.results_compute(year=last_year, user=office)["count"]
            _grade(last_year, office)
        if not YearResult.objects.filter(year=last_year - 1).exists():
            created[last_year - 1] = _history(last_year - 1, last_year, office)
    return {"yearly results": created}


def _schemes(year: int) -> None:
    """Every team and every member of a team falls in a category (RES-5): the evaluation
    task places the ones it rates; the rest follow the schemes' coverage. A missing part's
    weight is spread over the parts present; under six months in the seat: 不定等次."""
    categories = {category.name: category for category in TargetCategory.objects.all()}
    if "班子主要领导" not in categories:
        return
    deputies, _created = TargetCategory.objects.get_or_create(
        name=DEPUTIES,
        defaults={
            "kind": TargetCategory.Kind.CADRE,
            "description": "各单位领导班子副职和其他班子成员。",
            "sort_order": max(c.sort_order for c in categories.values()) + 1,
        },
    )
    categories[DEPUTIES] = deputies
    coverage = {
        "综合管理部门": [(None, "")],
        "服务窗口单位": [],
        "乡镇街道": [],
        "班子主要领导": [(None, PostGroup.PRINCIPAL)],
        DEPUTIES: [(None, PostGroup.DEPUTY), (None, PostGroup.OTHER)],
    }
    for name, rows in coverage.items():
        if name not in categories:
            continue
        cadres = categories[name].kind == TargetCategory.Kind.CADRE
        scheme, created = ResultScheme.objects.get_or_create(
            year=year,
            target_category=categories[name],
            defaults={
                "missing_rule": MissingRule.SPREAD,
                "short_service_rule": ServiceRule.UNGRADED,
                "goal_weight": Decimal("40") if cadres else Decimal("50"),
                "evaluation_weight": Decimal("40") if cadres else Decimal("50"),
            },
        )
        if created and cadres:
            # Fed by the assessment groups' confirmed inspections of the year (CYCLE-4).
            SchemePart.objects.create(
                scheme=scheme, name=INSPECTION, weight=Decimal("20"), sort_order=0, source=SchemePart.Source.INSPECTION
            )
        for unit_kind, post_group in rows:
            SchemeCoverage.objects.get_or_create(scheme=scheme, unit_kind=unit_kind, post_group=post_group)
    record = services.assessment_year_rules(year=year)
    GradeLimit.objects.get_or_create(
        assessment_year=record, post_group=PostGroup.PRINCIPAL, defaults={"excellent_limit": Decimal("20")}
    )


def _grade(year: int, user) -> None:
    """Recommend grades by rank within each category, inside the 优秀 limits of the category and
    of the post group; 不定等次 for those not graded; approve; archive."""
    record = selectors.year_record(year=year)
    group_limits = {row.post_group: row.excellent_limit for row in record.grade_limits.all()}
    results = list(YearResult.objects.filter(year=year).select_related("target_category").order_by("rank", "pk"))
    group_sizes: dict[str, int] = {}
    for result in results:
        if result.is_graded and result.cadre_id:
            group_sizes[result.post_group] = group_sizes.get(result.post_group, 0) + 1
    group_room = {
        group: int(size * group_limits[group] / 100) for group, size in group_sizes.items() if group in group_limits
    }
    grades: dict[int, str] = {}
    by_category: dict[int, list[YearResult]] = {}
    for result in results:
        if result.status == YearResult.Status.UNGRADED:
            grades[result.pk] = record.ungraded_label
        elif result.is_graded:
            by_category.setdefault(result.target_category_id, []).append(result)
    for members in by_category.values():
        names = record.grades_for(members[0].target_category.kind)
        room = int(len(members) * record.excellent_limit / 100)
        for position, result in enumerate(members):
            group = result.post_group if result.cadre_id else None
            if room > 0 and group_room.get(group, 1) > 0:
                grades[result.pk] = names[0]
                room -= 1
                if group in group_room:
                    group_room[group] -= 1
            elif position >= len(members) - max(1, len(members) // 12) and len(names) > 2:
                grades[result.pk] = names[2]
            else:
                grades[result.pk] = names[1]
    services.grades_set(year=year, grades=grades, field="recommended_grade", user=user)
    services.grades_set(year=year, grades=grades, field="approved_grade", user=user)
    services.year_archive(year=year, user=user)


def _history(year: int, model_year: int, user) -> int:
    """The year before last, as kept by the previous system: same people, nearby scores."""
    rng = random.Random(f"kaohe-results-history-{year}")
    services.assessment_year_rules(year=year)
    rows = []
    for result in YearResult.objects.filter(year=model_year).select_related("target_category"):
        status = result.status
        if status == YearResult.Status.UNGRADED:
            if result.service_start and result.service_start > date(model_year, 1, 1):
                continue  # joined the team in the later year
            status = YearResult.Status.BY_RULE  # left in the later year: a full year before
        total = _near(rng, result.total)
        rows.append(
            YearResult(
                year=year,
                target_category=result.target_category,
                team_id=result.team_id,
                cadre_id=result.cadre_id,
                unit_id=result.unit_id,
                seat_team_id=result.seat_team_id,
                post=result.post,
                post_group=result.post_group,
                status=status,
                goal_score=_near(rng, result.goal_score),
                evaluation_score=_near(rng, result.evaluation_score),
                total=total,
                normalised_total=total,
                computed_at=timezone.now(),
                parts=[{"name": "历史成绩", "weight": "100", "score": str(total), "source": "由原考核系统导入"}],
                reasons=["由原考核系统导入的历史成绩。"],
            )
        )
    by_category: dict[int, list[YearResult]] = {}
    for row in rows:
        if row.is_graded and row.total is not None:
            by_category.setdefault(row.target_category_id, []).append(row)
    for members in by_category.values():
        members.sort(key=lambda row: -row.total)
        for position, row in enumerate(members, start=1):
            row.rank = position
    YearResult.objects.bulk_create(rows)
    _grade(year, user)
    return len(rows)


def _near(rng, value):
    if value is None:
        return None
    return max(Decimal("50"), min(Decimal("100"), Decimal(value) + Decimal(str(round(rng.gauss(0, 3), 2))))).quantize(
        Decimal("0.01")
    )

"""Shared set-up of the evaluation benchmarks: a task of 40 teams × 6 indicators.

Not a test. Used by evaluation_accounts.py, evaluation_tally.py and evaluation_serving.py.
"""

from datetime import timedelta
from decimal import Decimal

CODE_FILE = "/tmp/kaohe-bench-evaluation-codes.txt"


def make_task(*, targets: int = 40, indicators: int = 6, name: str = "基准测评任务"):
    """A task open for three hours, 40 teams in one category, one evaluator category, quotas 30% / 10%."""
    from django.utils import timezone

    from kaohe.evaluation.models import (
        EvaluationTask,
        EvaluatorCategory,
        Indicator,
        IndicatorSystem,
        TargetCategory,
        TaskRater,
        TaskTarget,
    )
    from kaohe.evaluation.services import rating_levels_add
    from kaohe.org.models import Team, Unit, UnitKind

    kind, _ = UnitKind.objects.get_or_create(name="基准单位")
    teams = []
    for index in range(targets):
        unit, _ = Unit.objects.get_or_create(
            name=f"基准单位{index + 1:02d}", defaults={"kind": kind, "duties": "基准测试单位职责。"}
        )
        team, _ = Team.objects.get_or_create(unit=unit, name=f"基准单位{index + 1:02d}领导班子")
        teams.append(team)
    system = IndicatorSystem.objects.create(name=f"{name}指标", year=2026)
    for index in range(indicators):
        Indicator.objects.create(
            system=system, name=f"指标{index + 1}", weight=Decimal(index % 3 + 1), sort_order=index, criteria="评分标准"
        )
    rating_levels_add(system=system)
    evaluator, _ = EvaluatorCategory.objects.get_or_create(name="基层代表", defaults={"can_give_feedback": True})
    target_category, _ = TargetCategory.objects.get_or_create(name="综合管理部门")
    now = timezone.now()
    task = EvaluationTask.objects.create(
        name=name, year=2026, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3), min_ballots=5
    )
    TaskRater.objects.create(
        task=task,
        evaluator_category=evaluator,
        target_category=target_category,
        indicator_system=system,
        max_excellent_percent=Decimal("30"),
        min_bottom_percent=Decimal("10"),
    )
    TaskTarget.objects.bulk_create(
        TaskTarget(task=task, target_category=target_category, team=team, sort_order=i) for i, team in enumerate(teams)
    )
    return task, evaluator


def valid_answers(sheet, rng) -> dict:
    """A ballot that meets the quotas: per indicator, 12 of 40 “优秀”, 4 bottom, the rest “良好”."""
    answers = {}
    for section in sheet.sections:
        for indicator in section.indicators:
            order = list(section.targets)
            rng.shuffle(order)
            excellent = section.max_excellent or 0
            bottom = section.min_bottom or 0
            for position, target in enumerate(order):
                value = "A" if position < excellent else ("C" if position >= len(order) - bottom else "B")
                answers.setdefault(str(target.pk), {})[str(indicator.pk)] = value
    return answers

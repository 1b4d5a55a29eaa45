"""The demo county's goals: last year's and this year's trees for every unit,
with decompositions, progress reports, and a few changes after publishing.

Deterministic (a seeded generator) and idempotent (a unit's plan for a year is
only created when missing).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.org.models import Membership, Unit
from kaohe.org.selectors import current_membership_q

from . import services
from .models import (
    AssignmentRole,
    Goal,
    GoalPlan,
    GoalSource,
    GoalType,
    Indicator,
    MeasureUnit,
    ProgressEntry,
    ProgressReport,
)

ORDER = 40

INDICATORS = [
    # name, category, unit, higher is better, definition
    ("地区生产总值", "经济发展", "亿元", True, "全县（或乡镇）常住单位生产活动的最终成果。"),
    ("固定资产投资", "经济发展", "亿元", True, "年内完成的建造和购置固定资产的工作量。"),
    ("招商引资到位资金", "经济发展", "亿元", True, "当年实际到位的县外资金。"),
    ("一般公共预算收入", "经济发展", "万元", True, "纳入一般公共预算管理的收入。"),
    ("新增城镇就业人数", "民生保障", "人", True, "当年城镇新增就业人员。"),
    ("农村危房改造", "民生保障", "户", True, "当年完成改造的农村危房户数。"),
    ("新建农村公路", "民生保障", "公里", True, "当年建成的农村公路里程。"),
    ("高标准农田建设", "经济发展", "亩", True, "当年建成的高标准农田面积。"),
    ("重点项目开工数", "经济发展", "个", True, "当年新开工的县级重点项目。"),
    ("单位生产总值能耗下降", "生态文明", "%", True, "单位地区生产总值能源消耗比上年下降的幅度。"),
    ("信访积案化解率", "社会治理", "%", True, "当年化解的信访积案占积案总数的比例。"),
    ("安全生产事故起数", "社会治理", "个", False, "当年发生的一般以上安全生产事故。"),
]

# Goal type -> (top-level goal, [(sub-goal, indicator or None, plan value), ...])
TEMPLATES = {
    "经济发展": [
        (
            "推动经济高质量发展",
            [
                ("完成年度经济指标任务", "地区生产总值", (8, 60)),
                ("抓好重点项目建设", "重点项目开工数", (3, 15)),
                ("加大招商引资力度", "招商引资到位资金", (2, 20)),
            ],
        ),
        (
            "壮大县域财力",
            [
                ("确保一般公共预算收入稳定增长", "一般公共预算收入", (3000, 30000)),
                ("清理盘活存量资金", None, None),
            ],
        ),
    ],
    "党的建设": [
        (
            "全面加强党的建设",
            [
                ("落实全面从严治党主体责任", None, None),
                ("开展党纪学习教育", None, None),
                ("推进基层党组织标准化规范化建设", None, None),
            ],
        ),
    ],
    "民生保障": [
        (
            "办好民生实事",
            [
                ("促进城镇新增就业", "新增城镇就业人数", (200, 3000)),
                ("完成农村危房改造", "农村危房改造", (20, 300)),
                ("新建和改造农村公路", "新建农村公路", (10, 80)),
            ],
        ),
    ],
    "社会治理": [
        (
            "维护社会和谐稳定",
            [
                ("化解信访积案", "信访积案化解率", (85, 98)),
                ("压减安全生产事故", "安全生产事故起数", (1, 5)),
                ("深化平安建设", None, None),
            ],
        ),
    ],
    "生态文明": [
        (
            "推进生态文明建设",
            [
                ("完成节能降耗目标", "单位生产总值能耗下降", (2, 4)),
                ("落实河湖长制", None, None),
            ],
        ),
    ],
}

THIRD_LEVEL = ["制定工作方案", "组织推进实施", "开展督查考评"]

DEMO_USER = "fgj_admin"


def load(*, stdout=None) -> dict:
    if not Unit.objects.exists():
        return {"goal plans": 0}
    rng = random.Random(4040)
    units_of_measure = {unit.name: unit for unit in MeasureUnit.objects.all()}
    indicators = {}
    for name, category, measure, higher, definition in INDICATORS:
        measure_unit = units_of_measure.get(measure) or MeasureUnit.objects.get_or_create(name=measure)[0]
        indicators[name], _created = Indicator.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "measure_unit": measure_unit,
                "higher_is_better": higher,
                "definition": definition,
            },
        )
    types = {goal_type.name: goal_type for goal_type in GoalType.objects.all()}
    sources = list(GoalSource.objects.all())
    roles = list(AssignmentRole.objects.order_by("sort_order"))
    user = User.objects.filter(username="kaoheban").first() or User.objects.filter(is_superuser=True).first()
    this_year = timezone.localdate().year
    last_year = this_year - 1
    created = 0
    units = list(Unit.objects.filter(is_active=True).order_by("pk"))
    supervisors = [unit for unit in units if unit.kind and "县" in unit.kind.name]
    for unit in units:
        with transaction.atomic():
            if not GoalPlan.objects.filter(unit=unit, year=last_year).exists():
                plan = _build_plan(rng, unit, last_year, types, sources, roles, indicators, supervisors, user)
                services.plan_publish(plan=plan, user=user)
                _progress(rng, plan, ["Q1", "Q2", "Q3", "Q4"], user, final=True)
                created += 1
            if not GoalPlan.objects.filter(unit=unit, year=this_year).exists():
                previous = GoalPlan.objects.get(unit=unit, year=last_year)
                plan = services.plan_copy(source=previous, year=this_year, user=user)
                _raise_targets(rng, plan)
                services.plan_publish(plan=plan, user=user)
                _progress(rng, plan, ["Q1", "Q2", "Q3"], user, final=False)
                _changes_after_publishing(rng, plan, user)
                created += 1
    return {"goal plans": created}


def _build_plan(rng, unit, year, types, sources, roles, indicators, supervisors, user):
    plan = GoalPlan.objects.create(unit=unit, year=year)
    members = list(
        Membership.objects.filter(current_membership_q(), team__unit=unit)
        .select_related("cadre")
        .order_by("sort_order")
    )
    chosen_types = rng.sample(list(TEMPLATES), k=3)
    if "党的建设" not in chosen_types:
        chosen_types[-1] = "党的建设"
    tops = [(type_name, rng.choice(TEMPLATES[type_name])) for type_name in chosen_types]
    weights = _split(100, len(tops))
    for order, ((type_name, (top_name, subs)), weight) in enumerate(zip(tops, weights, strict=True)):
        top = Goal.objects.create(
            plan=plan,
            sort_order=order,
            name=top_name,
            goal_type=types.get(type_name),
            source=rng.choice(sources),
            weight=weight,
            importance=1 if order == 0 else 2,
            start_date=date(year, 1, 1),
            due_date=date(year, 12, 31),
            criteria="按期完成全部子目标，指标达到计划值。",
            supervising_unit=rng.choice(supervisors) if supervisors else None,
            updated_by=user,
        )
        sub_weights = _split(100, len(subs))
        for sub_order, ((sub_name, indicator_name, value_range), sub_weight) in enumerate(
            zip(subs, sub_weights, strict=True)
        ):
            indicator = indicators.get(indicator_name) if indicator_name else None
            plan_value = None
            if indicator is not None:
                low, high = value_range
                plan_value = Decimal(rng.randint(low * 10, high * 10)) / 10
            due = date(year, rng.choice([6, 9, 11, 12]), 30 if rng.random() < 0.5 else 15)
            sub = Goal.objects.create(
                plan=plan,
                parent=top,
                sort_order=sub_order,
                name=sub_name,
                kind=Goal.Kind.QUANTITATIVE if indicator else Goal.Kind.QUALITATIVE,
                indicator=indicator,
                plan_value=plan_value,
                weight=sub_weight,
                importance=rng.choice([1, 2, 3]),
                start_date=date(year, 1, 1),
                due_date=due,
                criteria="按时保质完成。" if indicator is None else "实际值达到计划值。",
                supervising_unit=top.supervising_unit,
                updated_by=user,
            )
            if members:
                lead = members[(order + sub_order) % len(members)].cadre
                rows = [(lead, roles[0])]
                if len(members) > 1 and len(roles) > 1:
                    helper = members[(order + sub_order + 1) % len(members)].cadre
                    rows.append((helper, roles[1]))
                services.goal_assign(goal=sub, rows=rows, counts_in_assessment=rng.random() > 0.1, user=user)
            if indicator is None and rng.random() < 0.4:
                for third_order, third_name in enumerate(THIRD_LEVEL):
                    Goal.objects.create(
                        plan=plan,
                        parent=sub,
                        sort_order=third_order,
                        name=third_name,
                        weight=Decimal(_split(100, 3)[third_order]),
                        start_date=date(year, 1, 1),
                        due_date=date(year, 3 + 3 * third_order, 30),
                        updated_by=user,
                    )
    return plan


def _split(total, parts):
    base = total // parts
    weights = [base] * parts
    weights[0] += total - base * parts
    return [Decimal(weight) for weight in weights]


def _raise_targets(rng, plan):
    for goal in plan.goals.filter(plan_value__isnull=False).select_related("indicator"):
        factor = (
            Decimal("1.08")
            if goal.indicator.higher_is_better and goal.indicator.measure_unit.name != "%"
            else Decimal("1")
        )
        goal.plan_value = (goal.plan_value * factor).quantize(Decimal("0.1"))
        goal.save(update_fields=["plan_value"])


def _progress(rng, plan, periods, user, *, final):
    goals = list(plan.goals.select_related("indicator").order_by("pk"))
    pace = {goal.pk: rng.uniform(0.75, 1.45) for goal in goals}
    for number, period in enumerate(periods, start=1):
        report = ProgressReport.objects.create(
            plan=plan,
            period=period,
            submitted=True,
            updated_by=user,
            summary=f"{plan.unit.name}{plan.year}年第{number}季度各项目标有序推进。",
        )
        share = number / 4
        entries = []
        for goal in goals:
            reached = min(pace[goal.pk] * share, 1.25)
            entry = ProgressEntry(report=report, goal=goal, work_done="按计划推进各项工作，召开专题会议研究部署。")
            if goal.is_quantitative:
                if goal.indicator.higher_is_better:
                    entry.actual_value = (goal.plan_value * Decimal(str(round(reached, 3)))).quantize(Decimal("0.1"))
                else:
                    entry.actual_value = Decimal(rng.randint(0, int(goal.plan_value) + 1))
            else:
                entry.estimated_progress = min(100, int(reached * 100))
            if reached < share * 0.9:
                entry.delay_reasons = "受资金到位和天气影响，进度略有滞后。"
            if final or number == len(periods):
                entry.lessons = "坚持清单化管理、项目化推进，定期调度。"
            entries.append(entry)
        ProgressEntry.objects.bulk_create(entries)


def _changes_after_publishing(rng, plan, user):
    """A few goals changed after publishing, so the markers show (GOAL-6)."""
    editor = User.objects.filter(unit=plan.unit, username=DEMO_USER).first() or user
    candidates = list(plan.goals.filter(parent__isnull=False, plan_value__isnull=False).order_by("pk")[:2])
    for goal in candidates[: 1 if rng.random() < 0.5 else 2]:
        before = services.goal_snapshot(goal)
        goal.plan_value = (goal.plan_value * Decimal("1.05")).quantize(Decimal("0.1"))
        services.goal_update(goal=goal, before=before, version=goal.version, user=editor)

"""The demo county's goals: last year's and this year's trees for every unit,
with decompositions, progress reports, and a few changes after publishing.

Each unit's goals fit its function (``demo_catalogue``): the education bureau has schooling
goals, the public security bureau safety goals, towns their economy and villages; every unit
has the party's. Progress reports say what was done in words of the goal's own field.

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
from kaohe.core.roles import RoleCode
from kaohe.org.models import Membership, Unit
from kaohe.org.selectors import current_membership_q

from . import services
from .demo_catalogue import (
    DELAY_REASONS,
    INDICATORS,
    LESSONS,
    OPENINGS,
    THIRD_LEVEL,
    areas_for,
    work_phrases,
)
from .models import (
    AssignmentRole,
    EntryVerification,
    Goal,
    GoalPlan,
    GoalSource,
    GoalType,
    Indicator,
    MeasureUnit,
    ProgressEntry,
    ProgressReport,
    ReportingDeadline,
)

ORDER = 40


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
    indicators = {indicator.name: indicator for indicator in Indicator.objects.select_related("measure_unit")}
    types = {goal_type.name: goal_type for goal_type in GoalType.objects.all()}
    sources = list(GoalSource.objects.all())
    roles = list(AssignmentRole.objects.order_by("sort_order"))
    user = User.objects.filter(username="kaoheban").first() or User.objects.filter(is_superuser=True).first()
    this_year = timezone.localdate().year
    last_year = this_year - 1
    created = 0
    units = list(Unit.objects.filter(is_active=True).select_related("kind").order_by("pk"))
    supervisors = [unit for unit in units if unit.kind and "县" in unit.kind.name]
    for year in (last_year, this_year):
        _deadlines(year)
    for unit in units:
        with transaction.atomic():
            if not GoalPlan.objects.filter(unit=unit, year=last_year).exists():
                plan = _build_plan(rng, unit, last_year, types, sources, roles, indicators, supervisors, user)
                services.plan_publish(plan=plan, user=user)
                _progress(rng, plan, ["Q1", "Q2", "Q3", "Q4"], user, final=True)
                _verifications(random.Random(f"verify-{plan.unit_id}"), plan, user)
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
    by_name = {candidate.name: candidate for candidate in supervisors}
    others = [candidate for candidate in supervisors if candidate.pk != unit.pk]
    areas = areas_for(unit.name, unit.kind.name if unit.kind_id else "")
    weights = _split(100, len(areas))
    for order, ((type_name, top_name, supervisor_name, subs), weight) in enumerate(zip(areas, weights, strict=True)):
        supervisor = by_name.get(supervisor_name) if supervisor_name else None
        if supervisor is None or supervisor.pk == unit.pk:
            supervisor = rng.choice(others) if others else None
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
            supervising_unit=supervisor,
            updated_by=user,
        )
        chosen = subs if len(subs) <= 3 else sorted(rng.sample(subs, k=3), key=subs.index)
        sub_weights = _split(100, len(chosen))
        for sub_order, ((sub_name, indicator_name, value_range, _work), sub_weight) in enumerate(
            zip(chosen, sub_weights, strict=True)
        ):
            indicator = indicators.get(indicator_name) if indicator_name else None
            plan_value = None
            if indicator is not None:
                low, high = value_range
                if indicator.measure_unit.name in COUNTED:
                    plan_value = Decimal(rng.randint(low, high))
                else:
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
    for goal in plan.goals.filter(plan_value__isnull=False).select_related("indicator__measure_unit"):
        factor = (
            Decimal("1.08")
            if goal.indicator.higher_is_better and goal.indicator.measure_unit.name != "%"
            else Decimal("1")
        )
        goal.plan_value = (goal.plan_value * factor).quantize(_step(goal))
        goal.save(update_fields=["plan_value"])


PHRASES = work_phrases()
# Things counted one by one: plan and actual values are whole numbers.
COUNTED = {"个", "户", "座", "套", "家", "项", "场", "人", "人次", "次", "起", "所"}
GENERIC_WORK = ["召开专题会议研究部署{n}次", "按计划推进各项工作", "深入基层调研{n}次，帮助解决实际问题"]
QUARTERS = {1: "一", 2: "二", 3: "三", 4: "四"}


def _step(goal) -> Decimal:
    return Decimal("1") if goal.indicator.measure_unit.name in COUNTED else Decimal("0.1")


def _work_done(rng, goal, actual=None) -> str:
    phrases = PHRASES.get(goal.name) or GENERIC_WORK
    picks = rng.sample(phrases, k=min(len(phrases), rng.choice([1, 2, 2])))
    parts = [phrase.format(n=rng.randint(2, 9), m=rng.randint(12, 380)) for phrase in picks]
    text = rng.choice(OPENINGS) + "；".join(parts)
    if actual is not None and goal.plan_value:
        measure = goal.indicator.measure_unit.name
        share = (actual / goal.plan_value * 100).quantize(Decimal("1"))
        text += f"，累计完成{format(actual.normalize(), 'f')}{measure}，为年度计划的{share}%"
    return text + "。"


def _progress(rng, plan, periods, user, *, final):
    goals = list(plan.goals.select_related("indicator__measure_unit").order_by("pk"))
    pace = {goal.pk: rng.uniform(0.75, 1.45) for goal in goals}
    for number, period in enumerate(periods, start=1):
        share = number / 4
        entries = []
        lagging = 0
        for goal in goals:
            reached = min(pace[goal.pk] * share, 1.25)
            entry = ProgressEntry(goal=goal)
            if goal.is_quantitative:
                if goal.indicator.higher_is_better:
                    entry.actual_value = (goal.plan_value * Decimal(str(round(reached, 3)))).quantize(_step(goal))
                else:
                    entry.actual_value = Decimal(rng.randint(0, int(goal.plan_value) + 1))
                entry.work_done = _work_done(rng, goal, entry.actual_value if goal.indicator.higher_is_better else None)
            else:
                entry.estimated_progress = min(100, int(reached * 100))
                entry.work_done = _work_done(rng, goal)
            if reached < share * 0.9:
                lagging += 1
                entry.delay_reasons = rng.choice(DELAY_REASONS).format(n=rng.randint(2, 6))
            if final or number == len(periods) or rng.random() < 0.2:
                entry.lessons = rng.choice(LESSONS)
            entries.append(entry)
        on_track = len(goals) - lagging
        summary = f"{plan.unit.name}{plan.year}年第{QUARTERS[number]}季度，{on_track}项目标按进度推进"
        summary += f"，{lagging}项进度滞后，已逐项明确整改措施。" if lagging else "，无滞后事项。"
        # A generator of its own, so the goals drawn after this stay the ones they were.
        submitted_at = _submitted_at(random.Random(f"{plan.unit_id}-{plan.year}-{period}"), plan.year, period)
        report = ProgressReport.objects.create(
            plan=plan,
            period=period,
            submitted=True,
            submitted_at=submitted_at,
            published_at=submitted_at,
            updated_by=user,
            summary=summary,
        )
        for entry in entries:
            entry.report = report
        ProgressEntry.objects.bulk_create(entries)


def _due_date(year: int, period: str) -> date:
    """The 10th of the month after the quarter: when the demo county wants its reports (SUP-1)."""
    quarter = int(period[1])
    return date(year + 1, 1, 10) if quarter == 4 else date(year, quarter * 3 + 1, 10)


def _deadlines(year: int) -> None:
    for quarter in range(1, 5):
        period = f"Q{quarter}"
        ReportingDeadline.objects.get_or_create(
            year=year, period=period, defaults={"due_date": _due_date(year, period), "remind_days": 3}
        )


def _submitted_at(rng, year: int, period: str):
    """Most units report in the days before the due date, one in ten a few days after (SUP-1)."""
    from datetime import datetime, time, timedelta

    due = _due_date(year, period)
    days = rng.randint(1, 4) if rng.random() < 0.1 else -rng.randint(0, 6)
    day = min(due + timedelta(days=days), timezone.localdate())
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59))))


def _verifications(rng, plan, user):
    """The supervising departments verify the year-end figures (SCORE-1): most confirmed,
    a few questioned with the department's own figure."""
    entries = ProgressEntry.objects.filter(
        report__plan=plan, report__period="Q4", goal__supervising_unit__isnull=False
    ).select_related("goal__supervising_unit", "goal__indicator")
    admins: dict[int, User] = {}
    for admin in User.objects.filter(groups__role__code=RoleCode.UNIT_ADMIN, unit__isnull=False).order_by("-pk"):
        admins[admin.unit_id] = admin
    verifications = []
    for entry in entries.order_by("pk"):
        department = entry.goal.supervising_unit
        checker = admins.get(department.pk, user)
        if rng.random() < 0.12:
            value = None
            note = "佐证材料不全，请补充台账后复核。"
            if entry.actual_value is not None:
                value = (entry.actual_value * Decimal("0.92")).quantize(_step(entry.goal))
                note = f"经与{department.name}统计台账核对，核准数为{format(value.normalize(), 'f')}。"
            verdict = EntryVerification.Verdict.QUESTIONED
        else:
            value, note, verdict = None, "", EntryVerification.Verdict.CONFIRMED
        verifications.append(
            EntryVerification(
                entry=entry,
                verdict=verdict,
                verified_value=value,
                note=note,
                verifier_unit=department,
                verified_by=checker,
            )
        )
    EntryVerification.objects.bulk_create(verifications)


def _changes_after_publishing(rng, plan, user):
    """A few goals changed after publishing, so the markers show (GOAL-6)."""
    editor = User.objects.filter(unit=plan.unit, groups__role__code=RoleCode.UNIT_ADMIN).first() or user
    candidates = list(plan.goals.filter(parent__isnull=False, plan_value__isnull=False).order_by("pk")[:2])
    for goal in candidates[: 1 if rng.random() < 0.5 else 2]:
        before = services.goal_snapshot(goal=goal)
        raised = (goal.plan_value * Decimal("1.05")).quantize(_step(goal))
        goal.plan_value = raised if raised != goal.plan_value else goal.plan_value + _step(goal)
        services.goal_update(goal=goal, before=before, version=goal.version, user=editor)

"""The demo county's assessment cycle (CYCLE-1..CYCLE-5): this year's commitments of every
team and cadre (last year's marked kept or not), a year of work records tied to the goals,
work reports and self-assessments (most submitted, some drafts, some missing), the
assessment groups' inspections (some confirmed by the leader) and the quarterly grades of
the quarters already ended. The demo user ``kaohezu``
leads the group that inspects 县发展和改革局. Last year's inspections are all confirmed: the
yearly results of last year count them (CYCLE-4).

Deterministic (a seeded generator) and idempotent: a unit's material is made only when it
has none for the year.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import ReferenceIndex

from kaohe.accounts.models import User
from kaohe.goals.demo_catalogue import work_phrases
from kaohe.goals.models import Assignment, Goal
from kaohe.org.models import Membership, Team, Unit, WorkGroup, WorkGroupMember
from kaohe.org.selectors import current_membership_q

from .models import (
    Commitment,
    GoalGrade,
    GoalSelfAssessment,
    Inspection,
    OverallGrade,
    QuarterGrade,
    QuarterlyGrade,
    ReportDeadline,
    WorkRecord,
    WorkReport,
)

ORDER = 55

TEAM_COMMITMENTS = [
    "年内{goal}全面完成，重点任务按月调度、按季通报",
    "围绕“{goal}”，班子成员每季度至少深入基层调研一次，形成问题清单并逐项销号",
    "落实全面从严治党主体责任，全年召开专题民主生活会，班子成员讲党课不少于一次",
]
CADRE_COMMITMENTS = [
    "牵头推进“{goal}”，{month}月底前完成阶段任务，年底前全面完成",
    "分管领域“{goal}”不拖全县后腿，每月向班子报告进展",
    "对“{goal}”中群众反映的问题做到件件有回音、事事有着落",
]
GENERIC_WORK = [
    "召开分管领域工作推进会，梳理问题{n}项，明确责任人和完成时限",
    "带队深入基层调研，走访企业和群众{n}户，收集意见建议",
    "参加县委理论学习中心组学习，围绕主题作交流发言",
    "督导检查分管股室重点工作落实情况，现场协调解决困难{n}个",
    "接待来访群众{n}人次，当场答复并跟踪办理",
    "组织开展安全生产和信访维稳排查，整改隐患{n}处",
]
TEAM_WORK = [
    "召开党组（党委）会议，研究部署{month}月重点工作",
    "班子集体学习，专题研讨年度目标推进中的难点问题",
    "开展“我为群众办实事”活动，班子成员分片包干走访",
    "召开季度目标调度会，逐项对照年度目标检查进度",
]
REPORT_OPENING = (
    "{year}年，在县委、县政府的坚强领导下，{who}坚持以习近平新时代中国特色社会主义思想为指导，"
    "紧紧围绕年初确定的工作目标，真抓实干、担当作为，各项工作取得新进展。"
)
REPORT_PARTS = [
    "一是抓目标落实。对照年初承诺，把任务分解到月、落实到人，建立周调度、月通报机制。",
    "二是抓重点突破。集中力量推进重点项目和民生实事，主动协调解决堵点难点问题。",
    "三是抓作风建设。严格落实中央八项规定精神，深入基层调研，坚持问题导向。",
    "存在的不足：个别任务推进不够平衡，创新举措还不够多。明年将进一步压实责任、补齐短板。",
]
OPINIONS = [
    "班子团结，目标任务完成较好，工作纪实翔实，群众评价较高。",
    "工作思路清晰，重点工作推进有力，个别指标完成进度偏慢，需加强调度。",
    "履职尽责，作风扎实，承诺事项基本兑现，述职报告客观全面。",
]


def _phrase(rng, phrases, goal) -> str:
    options = phrases.get(goal.name) if goal is not None else None
    if options:
        return rng.choice(options)
    return rng.choice(GENERIC_WORK).format(n=rng.randint(2, 12))


def _aware(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def load(*, stdout=None) -> dict:
    rng = random.Random(1414)
    today = timezone.localdate()
    year = today.year
    phrases = work_phrases()
    counts = defaultdict(int)
    ReportDeadline.objects.get_or_create(
        year=year, defaults={"deadline": _aware(date(year, 12, 25), 18), "note": "请各单位按时提交述职报告和自我评估。"}
    )
    ReportDeadline.objects.get_or_create(year=year - 1, defaults={"deadline": _aware(date(year - 1, 12, 25), 18)})
    office = User.objects.filter(username="kaoheban").first()
    members = list(
        Membership.objects.filter(current_membership_q(), team__unit__is_active=True)
        .select_related("cadre", "team__unit")
        .order_by("team__unit_id", "sort_order")
    )
    by_unit = defaultdict(list)
    for membership in members:
        by_unit[membership.team.unit_id].append(membership)
    goals_by_cadre = defaultdict(list)
    for assignment in Assignment.objects.filter(goal__plan__year=year).select_related("goal__plan"):
        goals_by_cadre[assignment.cadre_id].append(assignment.goal)
    top_goals = defaultdict(list)
    for goal in Goal.objects.filter(plan__year=year, parent__isnull=True).select_related("plan").order_by("sort_order"):
        top_goals[goal.plan.unit_id].append(goal)
    teams = {team.unit_id: team for team in Team.objects.filter(unit__is_active=True).order_by("pk")}
    for unit in Unit.objects.filter(is_active=True).order_by("pk"):
        team = teams.get(unit.pk)
        if team is None or Commitment.objects.filter(unit=unit, year=year).exists():
            continue
        unit_goals = top_goals.get(unit.pk, [])
        _commitments(rng, year, unit, team, by_unit[unit.pk], unit_goals, goals_by_cadre, office, counts)
        _records(rng, today, unit, team, by_unit[unit.pk], unit_goals, goals_by_cadre, phrases, counts)
        _reports(rng, year, unit, team, by_unit[unit.pk], unit_goals, goals_by_cadre, counts)
        _quarterly(rng, today, unit, team, by_unit[unit.pk], office, counts)
    _inspections(rng, year, by_unit, teams, counts)
    _last_year_inspections(year - 1, counts)
    return dict(counts)


def _commitments(rng, year, unit, team, seats, unit_goals, goals_by_cadre, office, counts):
    for index, goal in enumerate(unit_goals[:2]):
        text = TEAM_COMMITMENTS[index % len(TEAM_COMMITMENTS)].format(goal=goal.name)
        commitment = Commitment.objects.create(
            year=year,
            unit=unit,
            team=team,
            text=text,
            due_date=date(year, 12, 31),
            status=Commitment.Status.PUBLISHED,
            published_at=_aware(date(year, 2, 20)),
            created_by=office,
        )
        commitment.goals.set([goal])
        counts["commitments"] += 1
        last = Commitment.objects.create(
            year=year - 1,
            unit=unit,
            team=team,
            text=text.replace(goal.name, f"{year - 1}年度{goal.name}"),
            due_date=date(year - 1, 12, 31),
            status=Commitment.Status.PUBLISHED,
            published_at=_aware(date(year - 1, 2, 20)),
            outcome=Commitment.Outcome.KEPT if rng.random() < 0.85 else Commitment.Outcome.NOT_KEPT,
        )
        last.outcome_note = "经考核组实地核查，已按期完成。" if last.outcome == "kept" else "受资金影响，完成约八成。"
        last.save()
    for seat in seats:
        goals = goals_by_cadre.get(seat.cadre_id) or unit_goals
        if not goals:
            continue
        goal = rng.choice(goals)
        roll = rng.random()
        status = (
            Commitment.Status.PUBLISHED
            if roll < 0.85
            else Commitment.Status.SUBMITTED
            if roll < 0.95
            else Commitment.Status.RETURNED
        )
        commitment = Commitment.objects.create(
            year=year,
            unit=unit,
            cadre=seat.cadre,
            text=rng.choice(CADRE_COMMITMENTS).format(goal=goal.name, month=rng.choice([6, 9, 10])),
            due_date=date(year, rng.choice([6, 9, 12]), 30 if rng.random() < 0.5 else 28),
            status=status,
            review_note="请写明可量化的完成标准。" if status == Commitment.Status.RETURNED else "",
            published_at=_aware(date(year, 2, 25)) if status == Commitment.Status.PUBLISHED else None,
        )
        commitment.goals.set([goal])
        counts["commitments"] += 1


def _records(rng, today, unit, team, seats, unit_goals, goals_by_cadre, phrases, counts):
    records, links = [], []
    for month in range(1, today.month + 1):
        last_day = (date(today.year, month % 12 + 1, 1) - timedelta(days=1)).day if month < 12 else 31
        for seat in seats:
            goals = goals_by_cadre.get(seat.cadre_id) or unit_goals
            for _entry in range(rng.choice([1, 1, 2])):
                day = date(today.year, month, rng.randint(1, last_day))
                if day > today:
                    continue
                goal = rng.choice(goals) if goals else None
                record = WorkRecord(unit=unit, cadre=seat.cadre, date=day, content=_phrase(rng, phrases, goal))
                records.append(record)
                links.append(goal)
        day = date(today.year, month, min(rng.randint(5, 25), last_day))
        if day <= today:
            records.append(
                WorkRecord(unit=unit, team=team, date=day, content=rng.choice(TEAM_WORK).format(month=month))
            )
            links.append(rng.choice(unit_goals) if unit_goals else None)
    WorkRecord.objects.bulk_create(records)
    through = WorkRecord.goals.through
    through.objects.bulk_create(
        [through(workrecord_id=record.pk, goal_id=goal.pk) for record, goal in zip(records, links, strict=True) if goal]
    )
    counts["work records"] += len(records)


def _reports(rng, year, unit, team, seats, unit_goals, goals_by_cadre, counts):
    targets = [(team, None, unit_goals)] + [(None, seat.cadre, goals_by_cadre.get(seat.cadre_id, [])) for seat in seats]
    for team_or_none, cadre, goals in targets:
        roll = rng.random()
        if roll < 0.15:
            continue  # not written yet: shows as missing
        submitted = roll >= 0.3
        who = cadre.name if cadre else team.name
        body = "\n\n".join([REPORT_OPENING.format(year=year, who=who), *REPORT_PARTS])
        report = WorkReport.objects.create(
            year=year,
            unit=unit,
            team=team_or_none,
            cadre=cadre,
            body=body,
            overall_grade=rng.choice([OverallGrade.EXCELLENT, OverallGrade.COMPETENT, OverallGrade.COMPETENT]),
            overall_reasons="全年目标任务基本完成，承诺事项均已兑现。",
            status=WorkReport.Status.SUBMITTED if submitted else WorkReport.Status.DRAFT,
            submitted_at=_aware(date(year, 11, rng.randint(20, 30))) if submitted else None,
        )
        GoalSelfAssessment.objects.bulk_create(
            [
                GoalSelfAssessment(
                    report=report,
                    goal=goal,
                    grade=rng.choice([GoalGrade.DONE, GoalGrade.DONE, GoalGrade.MOSTLY]),
                    reasons="按计划推进，主要指标达到或超过年度目标。",
                )
                for goal in goals
            ]
        )
        counts["work reports"] += 1


QUARTER_COMMENTS = {
    QuarterGrade.GOOD: ["目标推进快，纪实翔实", "重点任务提前完成", "群众评价好"],
    QuarterGrade.FAIRLY_GOOD: ["按计划推进", "工作扎实，个别事项稍慢"],
    QuarterGrade.AVERAGE: ["个别指标进度滞后，需加强调度"],
    QuarterGrade.POOR: ["多项任务未按期推进"],
}


def _quarterly(rng, today, unit, team, seats, office, counts):
    """The quarters already ended: the office grades the team, the principal leader the cadres."""
    principal = next((seat for seat in seats if seat.group == "principal"), None)
    grader = User.objects.filter(cadre=principal.cadre).first() if principal else None
    grades = []
    for quarter in range(1, 5):
        if date(today.year, 3 * quarter, 28) > today:
            break
        targets = [(team, None, office)] + [
            (None, seat.cadre, grader) for seat in seats if principal is None or seat.cadre_id != principal.cadre_id
        ]
        for team_or_none, cadre, by in targets:
            grade = rng.choices(QuarterGrade.values, weights=[5, 4, 2, 0.3])[0]
            grades.append(
                QuarterlyGrade(
                    year=today.year,
                    quarter=quarter,
                    unit=unit,
                    team=team_or_none,
                    cadre=cadre,
                    grade=grade,
                    comment=rng.choice(QUARTER_COMMENTS[grade]),
                    graded_by=by,
                )
            )
    QuarterlyGrade.objects.bulk_create(grades)
    counts["quarterly grades"] += len(grades)


def _inspections(rng, year, by_unit, teams, counts):
    """The groups inspect about half of their teams and cadres; the leader confirmed most.
    ``kaohezu`` leads the group holding 县发展和改革局 (its 组长 seat)."""
    demo_user = User.objects.filter(username="kaohezu").first()
    for group in WorkGroup.objects.filter(kind=WorkGroup.Kind.ASSESSMENT, year=year).prefetch_related("units"):
        units = list(group.units.all())
        if demo_user is not None and any(unit.name == "县发展和改革局" for unit in units):
            if WorkGroupMember.objects.filter(group=group, post="组长", user__isnull=True).update(user=demo_user):
                # The group's reference index names its members' accounts (Wagtail's usage count).
                ReferenceIndex.create_or_update_for_object(group)
        if Inspection.objects.filter(group=group, year=year).exists():
            continue
        for unit in units:
            targets = ([(teams[unit.pk], None)] if unit.pk in teams else []) + [
                (None, seat.cadre) for seat in by_unit.get(unit.pk, [])
            ]
            for team, cadre in targets:
                if unit.name != "县发展和改革局" and rng.random() < 0.5:
                    continue
                if unit.name == "县发展和改革局" and cadre is not None and rng.random() < 0.5:
                    continue  # left for the demo user to inspect
                score = Decimal(rng.randint(820, 980)) / 10
                confirmed = rng.random() < 0.7
                Inspection.objects.create(
                    year=year,
                    group=group,
                    unit=unit,
                    team=team,
                    cadre=cadre,
                    opinion=rng.choice(OPINIONS),
                    score=score,
                    grade=OverallGrade.EXCELLENT if score >= 93 else OverallGrade.COMPETENT,
                    recorded_by=demo_user,
                    confirmed_by=demo_user if confirmed else None,
                    confirmed_at=timezone.now() if confirmed else None,
                )
                counts["inspections"] += 1


def _last_year_inspections(year: int, counts) -> None:
    """Last year's inspections of every team and every cadre who held a seat in it, all
    confirmed by the leader of the group now holding the unit (the demo keeps one set of
    groups); the demo's yearly results of last year count them as a part (CYCLE-4, RES-1)."""
    if Inspection.objects.filter(year=year).exists():
        return
    rng = random.Random(f"kaohe-cycle-inspection-{year}")
    group_of = {}
    for group in WorkGroup.objects.filter(kind=WorkGroup.Kind.ASSESSMENT).prefetch_related("units").order_by("pk"):
        for unit in group.units.all():
            group_of.setdefault(unit.pk, group)
    leaders = {
        member.group_id: member.user
        for member in WorkGroupMember.objects.filter(post="组长", user__isnull=False).select_related("user")
    }
    first, last = date(year, 1, 1), date(year, 12, 31)
    seats = (
        Membership.objects.filter(Q(start_date__isnull=True) | Q(start_date__lte=last))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("team__unit", "cadre")
        .order_by("team__unit_id", "sort_order", "pk")
    )
    targets, seen = [], set()
    for team in Team.objects.filter(unit__is_active=True).select_related("unit").order_by("unit_id", "pk"):
        targets.append((team.unit, team, None))
    for seat in seats:
        if seat.cadre_id not in seen:
            seen.add(seat.cadre_id)
            targets.append((seat.team.unit, None, seat.cadre))
    confirmed_at = _aware(date(year, 12, 28), 17)
    rows = []
    for unit, team, cadre in targets:
        group = group_of.get(unit.pk)
        if group is None:
            continue
        score = Decimal(rng.randint(780, 985)) / 10
        leader = leaders.get(group.pk)
        rows.append(
            Inspection(
                year=year,
                group=group,
                unit_id=cadre.unit_id if cadre is not None and cadre.unit_id else unit.pk,
                team=team,
                cadre=cadre,
                opinion=rng.choice(OPINIONS),
                score=score,
                grade=OverallGrade.EXCELLENT if score >= 93 else OverallGrade.COMPETENT,
                recorded_by=leader,
                confirmed_by=leader,
                confirmed_at=confirmed_at,
            )
        )
    Inspection.objects.bulk_create(rows)
    counts["inspections of last year"] += len(rows)

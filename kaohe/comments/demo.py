"""The demo county's comments: every type and kind, on units, teams and goals;
some awaiting review, a rejected advertisement, duplicates (one pair merged,
one left for the office), a removed comment, public and private answers, and
the office having read the older ones so the "new" markers show.

Deterministic (a seeded generator) and idempotent (nothing is added once the
county has comments).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.goals.models import Goal, GoalPlan
from kaohe.org.models import Team, Unit

from .models import Answer, Comment, CommenterKind, CommentRead, CommentType, TargetType

ORDER = 45

TEXTS = {
    "点评": [
        "{target}今年推进力度大，群众看得见变化，值得肯定。",
        "{target}进度与计划基本一致，但宣传不够，很多群众不了解。",
        "{target}工作扎实，建议总结经验在全县推广。",
        "{target}前三季度完成情况不理想，希望加快进度。",
    ],
    "建议": [
        "建议{target}定期公布工作进展和资金使用情况。",
        "建议{target}多听取基层和群众意见，完善工作方案。",
        "建议{target}加强与相关部门的协调，避免重复建设。",
        "建议{target}把年底集中突击改为按月推进。",
    ],
    "举报": [
        "反映{target}实施过程中存在虚报进度的情况，请核实。",
        "反映{target}相关工程存在转包问题，请考核办核查。",
    ],
}
ANSWERS_PUBLIC = [
    "感谢您的关注。我们已将此项工作列入月度调度，下一期进展报告将公布具体措施。",
    "您的建议很好，我单位已采纳，并将在官网公开相关信息。",
    "经核实，该项工作进度符合年度计划安排，后续将加强宣传解读。",
]
ANSWERS_PRIVATE = [
    "您反映的情况我们已安排专人核实，处理结果将另行告知。",
    "感谢您的来信，相关问题已转交分管领导研究解决。",
]
PUBLIC_NAMES = ["热心群众", "", "城关居民", "", "返乡创业青年", "老党员"]


def load(*, stdout=None) -> dict:
    if Comment.objects.exists():
        return {"comments": 0}
    this_year = timezone.localdate().year
    plans = list(
        GoalPlan.objects.filter(year=this_year, status=GoalPlan.Status.PUBLISHED)
        .select_related("unit__parent")
        .order_by("unit__pk")
    )
    if not plans:
        return {"comments": 0}
    rng = random.Random(4545)
    types = {kind.name: kind for kind in CommentType.objects.all()}
    users = {user.username: user for user in User.objects.filter(username__in=["kaoheban", "lingdao", "fgj_admin"])}
    office = users.get("kaoheban")
    units = list(Unit.objects.filter(is_active=True).order_by("pk"))
    goals_by_plan: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(plan__in=plans).select_related("supervising_unit").order_by("pk"):
        goals_by_plan.setdefault(goal.plan_id, []).append(goal)
    teams = {team.unit_id: team for team in Team.objects.order_by("pk")}
    now = timezone.now()
    start = timezone.make_aware(datetime(this_year, 1, 15, 9, 0))
    span = max((now - start).total_seconds(), 3600)

    created: list[Comment] = []
    with transaction.atomic():
        for number, plan in enumerate(plans):
            goals = goals_by_plan.get(plan.pk, [])
            if not goals:
                continue
            for position in range(rng.randint(3, 6)):
                kind = list(CommenterKind.values)[(number + position) % len(CommenterKind.values)]
                type_name = "举报" if rng.random() < 0.12 else rng.choice(["点评", "点评", "建议"])
                target_type = rng.choice(
                    [TargetType.GOAL, TargetType.GOAL, TargetType.GOAL, TargetType.UNIT, TargetType.TEAM]
                )
                goal = rng.choice(goals) if target_type == TargetType.GOAL else None
                team = teams.get(plan.unit_id) if target_type == TargetType.TEAM else None
                if target_type == TargetType.TEAM and team is None:
                    target_type = TargetType.UNIT
                target_name = goal.name if goal else (team.name if team else plan.unit.name)
                comment = Comment(
                    target_type=target_type,
                    unit=plan.unit,
                    goal=goal,
                    team=team,
                    comment_type=types[type_name],
                    is_report=types[type_name].is_report,
                    commenter_kind=kind,
                    body=rng.choice(TEXTS[type_name]).format(target=f"“{target_name}”"),
                    status=Comment.Status.PUBLISHED,
                )
                _author(comment, kind, goal, plan, users, units, rng)
                if kind == CommenterKind.PUBLIC and rng.random() < 0.3:
                    comment.status = Comment.Status.PENDING
                comment.created_at = start + timedelta(seconds=rng.uniform(0, span))
                created.append(comment)
        created.extend(_duplicates_and_spam(plans, goals_by_plan, types, start, span, rng))
        dates = [comment.created_at for comment in created]
        Comment.objects.bulk_create(created)
        # auto_now_add stamped "now": put the spread-out dates back.
        for comment, when in zip(created, dates, strict=True):
            comment.created_at = when
        Comment.objects.bulk_update(created, ["created_at"])
        _moderate_and_merge(created, office, now)
        answers = _answers(created, users, rng, now)
        _reads(created, office, now)
    return {"comments": len(created), "answers": answers}


def _author(comment, kind, goal, plan, users, units, rng):
    if kind == CommenterKind.COUNTY_LEADER:
        comment.author = users.get("lingdao")
        comment.author_name = "县领导 赵建国"
    elif kind == CommenterKind.OFFICE:
        comment.author = users.get("kaoheban")
        comment.author_name = "县考核办"
    elif kind == CommenterKind.SUPERVISING:
        supervisor = (goal.supervising_unit if goal else None) or plan.unit.parent or rng.choice(units)
        comment.author_name = supervisor.name
    elif kind == CommenterKind.GRASSROOTS:
        comment.author_name = rng.choice(units).name
    else:
        comment.author_name = rng.choice(PUBLIC_NAMES)
        if rng.random() < 0.6:
            comment.email = f"citizen{rng.randint(100, 999)}@example.com"


def _duplicates_and_spam(plans, goals_by_plan, types, start, span, rng):
    extra = []
    for plan in plans[:3]:
        goals = goals_by_plan.get(plan.pk)
        if not goals:
            continue
        goal = goals[0]
        text = f"“{goal.name}”涉及的道路施工夜间噪音大，影响居民休息，建议调整施工时间。"
        when = start + timedelta(seconds=rng.uniform(0, span * 0.8))
        for repeat in range(2):
            extra.append(
                Comment(
                    target_type=TargetType.GOAL,
                    unit=plan.unit,
                    goal=goal,
                    comment_type=types["建议"],
                    is_report=False,
                    commenter_kind=CommenterKind.PUBLIC,
                    author_name="附近居民",
                    email="resident@example.com",
                    body=text,
                    status=Comment.Status.PUBLISHED,
                    created_at=when + timedelta(minutes=3 * repeat),
                )
            )
    plan = plans[-1]
    extra.append(
        Comment(
            target_type=TargetType.UNIT,
            unit=plan.unit,
            comment_type=types["点评"],
            is_report=False,
            commenter_kind=CommenterKind.PUBLIC,
            author_name="",
            body="低价出售办公用品，欢迎来电咨询。",
            status=Comment.Status.PENDING,
            created_at=start + timedelta(seconds=span * 0.9),
        )
    )
    return extra


def _moderate_and_merge(created, office, now):
    """The first duplicate pair merged, the advertisement rejected, one comment removed."""
    pairs = [c for c in created if c.author_name == "附近居民"]
    if len(pairs) >= 2:
        keep, duplicate = pairs[0], pairs[1]
        duplicate.status, duplicate.merged_into = Comment.Status.MERGED, keep
        duplicate.removal_reason, duplicate.removed_at, duplicate.removed_by = "同一人重复提交", now, office
        duplicate.save()
    for comment in created:
        if comment.body.startswith("低价出售"):
            comment.status, comment.moderated_at, comment.moderated_by = Comment.Status.REJECTED, now, office
            comment.save()
    for comment in created:
        if (
            comment.status == Comment.Status.PUBLISHED
            and comment.commenter_kind == CommenterKind.PUBLIC
            and not comment.is_report
        ):
            comment.status = Comment.Status.REMOVED
            comment.removal_reason, comment.removed_at, comment.removed_by = "含有他人个人信息，按规定删除", now, office
            comment.save()
            break


def _answers(created, users, rng, now) -> int:
    answers = []
    fgj = users.get("fgj_admin")
    for comment in created:
        if comment.status != Comment.Status.PUBLISHED or rng.random() < 0.45:
            continue
        if comment.is_report:
            if comment.email or comment.author_id:
                answers.append(
                    Answer(
                        comment=comment,
                        body="您反映的问题已转交相关部门核查，感谢您的监督。",
                        is_public=False,
                        answered_for="考核办",
                        author=users.get("kaoheban"),
                        emailed_to=comment.email or "",
                        emailed_at=now if comment.email else None,
                    )
                )
            continue
        author = fgj if fgj is not None and fgj.unit_id == comment.unit_id else None
        if comment.email and rng.random() < 0.4:
            answers.append(
                Answer(
                    comment=comment,
                    body=rng.choice(ANSWERS_PRIVATE),
                    is_public=False,
                    answered_for=comment.unit.name,
                    author=author,
                    emailed_to=comment.email,
                    emailed_at=now,
                )
            )
        else:
            answers.append(
                Answer(
                    comment=comment,
                    body=rng.choice(ANSWERS_PUBLIC),
                    is_public=True,
                    answered_for=comment.unit.name,
                    author=author,
                )
            )
    # Reports without an address get no private answer (it could not be delivered).
    answers = [answer for answer in answers if answer.is_public or answer.emailed_to]
    Answer.objects.bulk_create(answers)
    return len(answers)


def _reads(created, office, now):
    """The office has opened the comments older than a month."""
    if office is None:
        return
    cutoff = now - timedelta(days=30)
    CommentRead.objects.bulk_create(
        [CommentRead(user=office, comment=comment) for comment in created if comment.created_at < cutoff],
        ignore_conflicts=True,
    )

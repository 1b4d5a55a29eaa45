"""The demo county's evaluations: last year's closed task with its results, and
this year's open task with printable accounts, drafts and submitted ballots.

Deterministic (seeded generators, and for the demo only a fixed list of codes
hashed like real ones) and idempotent (a task is only created when missing).
``sign_in_lines`` prints the sign-in address and two unused demo codes;
``manage.py evaluation_demo_slips`` prints the unused demo accounts' slips.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaohe.org.models import Membership, Team
from kaohe.org.selectors import current_membership_q

from . import codes, sealing, services
from .models import (
    Ballot,
    EvaluationAccount,
    EvaluationTask,
    EvaluatorCategory,
    Indicator,
    IndicatorSystem,
    TargetCategory,
    TaskRater,
    TaskTarget,
)
from .sheets import ballot_sheet

ORDER = 50

EVALUATORS = [
    # name, description, read, feedback, evaluate, weight
    ("分管县领导", "分管或联系被测评单位的县领导。", True, False, True, Decimal("3")),
    ("基层代表", "各单位推选的干部职工代表和“两代表一委员”。", True, True, True, Decimal("2")),
    ("考核小组", "县委考核工作组成员。", True, True, True, Decimal("2")),
]
TARGET_CATEGORIES = [
    ("综合管理部门", TargetCategory.Kind.TEAM, "县委、县政府综合管理部门的领导班子。"),
    ("服务窗口单位", TargetCategory.Kind.TEAM, "直接面向群众和企业办事的部门的领导班子。"),
    ("乡镇街道", TargetCategory.Kind.TEAM, "乡镇、街道领导班子。"),
    ("班子主要领导", TargetCategory.Kind.CADRE, "综合管理部门领导班子的主要负责人。"),
]
COMPREHENSIVE = [
    "县委办公室",
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委员会",
    "县政府办公室",
    "县发展和改革局",
    "县财政局",
    "县审计局",
    "县统计局",
]
SERVICE_WINDOWS = [
    "县公安局",
    "县民政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县市场监督管理局",
    "县卫生健康委员会",
]
TEAM_INDICATORS = [
    ("政治建设", "20", "贯彻落实党的路线方针政策和县委决策部署，落实意识形态工作责任制。"),
    ("工作实绩", "30", "完成年度工作目标任务，重点工作推进有力，群众满意度高。"),
    ("班子建设", "15", "民主集中制执行好，班子团结协作，干部队伍建设扎实。"),
    ("作风建设", "15", "落实中央八项规定精神，深入基层，服务意识强。"),
    ("党风廉政建设", "20", "落实全面从严治党主体责任，廉洁自律，无违纪违法问题。"),
]
CADRE_INDICATORS = [
    ("德", "20", "政治立场坚定，对党忠诚，品行端正。"),
    ("能", "20", "决策和驾驭全局能力强，善于解决复杂问题。"),
    ("勤", "20", "履职尽责，敢于担当，工作作风扎实。"),
    ("绩", "25", "分管工作成效明显，完成年度目标任务。"),
    ("廉", "15", "廉洁自律，严格执行廉政规定。"),
]
# Accounts per evaluator category: last year's (all used), this year's.
LAST_YEAR_ACCOUNTS = {"分管县领导": 8, "基层代表": 40, "考核小组": 10}
THIS_YEAR_ACCOUNTS = {"分管县领导": 6, "基层代表": 30, "考核小组": 8}


def demo_year() -> int:
    return timezone.localdate().year


def task_names(year: int | None = None) -> tuple[str, str]:
    year = year or demo_year()
    return (f"{year - 1}年度领导班子和领导干部综合测评", f"{year}年度领导班子和领导干部综合测评")


def demo_codes(year: int | None = None) -> list[str]:
    """This year's demo codes, by account number; public on purpose, for the demo only."""
    rng = random.Random(f"kaohe-evaluation-demo-{year or demo_year()}")
    total = sum(THIS_YEAR_ACCOUNTS.values()) + 1  # and the replacement of the revoked one
    return ["".join(rng.choice(codes.ALPHABET) for _ in range(codes.CODE_LENGTH)) for _ in range(total)]


def _categories():
    evaluators = {}
    for order, (name, description, read, feedback, evaluate, _weight) in enumerate(EVALUATORS):
        evaluators[name], _ = EvaluatorCategory.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "can_read_info": read,
                "can_give_feedback": feedback,
                "can_evaluate": evaluate,
                "sort_order": order,
            },
        )
    targets = {}
    for order, (name, kind, description) in enumerate(TARGET_CATEGORIES):
        targets[name], _ = TargetCategory.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description, "sort_order": order}
        )
    return evaluators, targets


def _system(name: str, year: int, indicators, *, template: bool, copied_from=None) -> IndicatorSystem:
    system = IndicatorSystem.objects.filter(name=name, year=year).first()
    if system is not None:
        return system
    if copied_from is not None:
        return services.system_copy(system=copied_from, year=year, name=name)
    system = IndicatorSystem.objects.create(
        name=name, year=year, is_template=template, description="县委组织部印发的综合测评指标。"
    )
    Indicator.objects.bulk_create(
        Indicator(
            system=system,
            name=item,
            weight=Decimal(weight),
            criteria=criteria,
            sort_order=index,
            instructions="对照年度工作目标和日常了解，按四个等次评价。",
        )
        for index, (item, weight, criteria) in enumerate(indicators)
    )
    services.rating_levels_add(system=system)
    return system


def _teams(names):
    teams = {team.unit.name: team for team in Team.objects.filter(unit__name__in=names).select_related("unit")}
    return [teams[name] for name in names if name in teams]


def _create_task(name, year, starts_at, ends_at, evaluators, targets, team_system, cadre_system) -> EvaluationTask:
    task = EvaluationTask.objects.create(
        name=name,
        year=year,
        mode=EvaluationTask.Mode.BOTH,
        starts_at=starts_at,
        ends_at=ends_at,
        min_ballots=5,
        trim_extremes=True,
        description="请对照各单位年度工作目标和工作实绩，实事求是、客观公正地进行评价。每项指标“优秀”不超过30%，“一般”“较差”合计不少于10%。",
    )
    order = 0
    for evaluator_name, *_rest, weight in EVALUATORS:
        for target_name, kind, _description in TARGET_CATEGORIES:
            TaskRater.objects.create(
                task=task,
                evaluator_category=evaluators[evaluator_name],
                target_category=targets[target_name],
                indicator_system=cadre_system if kind == TargetCategory.Kind.CADRE else team_system,
                weight=weight,
                max_excellent_percent=Decimal("30"),
                min_bottom_percent=Decimal("10") if kind == TargetCategory.Kind.TEAM else None,
                sort_order=order,
            )
            order += 1
    rows = []
    for team in _teams(COMPREHENSIVE):
        rows.append(TaskTarget(task=task, target_category=targets["综合管理部门"], team=team))
    for team in _teams(SERVICE_WINDOWS):
        rows.append(TaskTarget(task=task, target_category=targets["服务窗口单位"], team=team))
    for team in Team.objects.filter(unit__kind__name__in=["乡镇", "街道"], unit__is_active=True).order_by(
        "unit__kind__sort_order", "unit__sort_order"
    ):
        rows.append(TaskTarget(task=task, target_category=targets["乡镇街道"], team=team))
    leaders = Membership.objects.filter(
        current_membership_q(), team__in=_teams(COMPREHENSIVE), sort_order=0
    ).select_related("cadre", "team__unit")
    by_unit = {seat.team.unit.name: seat.cadre for seat in leaders}
    for unit_name in COMPREHENSIVE:
        if unit_name in by_unit:
            rows.append(TaskTarget(task=task, target_category=targets["班子主要领导"], cadre=by_unit[unit_name]))
    for index, row in enumerate(rows):
        row.sort_order = index
    TaskTarget.objects.bulk_create(rows)
    return task


def _ballot_answers(rng: random.Random, sheet, quality: dict[str, float]) -> dict:
    """A plausible ballot that respects the forced distribution: per indicator, the best-seen targets
    get “优秀” within the limit, the worst-seen the bottom levels up to the minimum, the rest “良好” or “一般”."""
    answers: dict[str, dict[str, str]] = {}
    for section in sheet.sections:
        count = len(section.targets)
        for indicator in section.indicators:
            seen = sorted(section.targets, key=lambda t: quality[str(t.pk)] + rng.gauss(0, 0.6), reverse=True)
            most = section.max_excellent if section.max_excellent is not None else count
            fewest = section.min_bottom or 0
            excellent = rng.randint(max(0, most - 1), most) if most else 0
            bottom = min(count - excellent, fewest + rng.randint(0, 1))
            for position, target in enumerate(seen):
                if position < excellent:
                    value = "A"
                elif position >= count - bottom:
                    value = "D" if position == count - 1 and rng.random() < 0.3 else "C"
                else:
                    value = "B" if rng.random() < 0.8 else "C"
                    if value == "C" and section.min_bottom is None:
                        value = "B"
                answers.setdefault(str(target.pk), {})[str(indicator.pk)] = value
    return answers


def _check(sheet, answers):
    cleaned, errors = sheet.clean(answers)
    if errors or sheet.distribution_errors(cleaned):
        raise RuntimeError("a demo ballot breaks the forced distribution")
    return cleaned


def _last_year(evaluators, targets, team_template, cadre_template) -> EvaluationTask | None:
    year = demo_year() - 1
    name = task_names()[0]
    if EvaluationTask.objects.filter(name=name).exists():
        return None
    tz = timezone.get_current_timezone()
    task = _create_task(
        name,
        year,
        datetime(year, 12, 20, 8, 30, tzinfo=tz),
        datetime(year, 12, 22, 18, 0, tzinfo=tz),
        evaluators,
        targets,
        team_template,
        cadre_template,
    )
    rng = random.Random(f"kaohe-evaluation-demo-{year}-ballots")
    quality = {str(t.pk): rng.gauss(0, 1) for t in task.targets.all()}
    serial = 0
    accounts = []
    ballots = []
    cast_on = datetime(year, 12, 21).date()
    for category_name, count in LAST_YEAR_ACCOUNTS.items():
        category = evaluators[category_name]
        sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
        for index in range(count):
            serial += 1
            used = index < count - 1  # one slip of each category was never used
            accounts.append(
                EvaluationAccount(
                    task=task,
                    category=category,
                    serial=serial,
                    code_digest=codes.account_digest(codes.new_code()),
                    status=EvaluationAccount.Status.SUBMITTED if used else EvaluationAccount.Status.ISSUED,
                )
            )
            if used:
                answers = _check(sheet, _ballot_answers(rng, sheet, quality))
                remarks = {}
                if category.can_give_feedback and rng.random() < 0.15:
                    target_id = rng.choice(list(answers))
                    remarks[target_id] = rng.choice(
                        [
                            "服务意识强，办事效率高。",
                            "希望进一步加强调查研究。",
                            "窗口办事还需更便捷。",
                            "班子团结，作风扎实。",
                        ]
                    )
                ballots.append(
                    Ballot(
                        task=task,
                        category=category,
                        source=Ballot.Source.ONLINE,
                        cast_on=cast_on,
                        receipt_digest=codes.receipt_digest(codes.new_code(codes.RECEIPT_LENGTH)),
                        answers=answers,
                        remarks=remarks,
                    )
                )
        # Paper ballots of the grassroots representatives who voted in the meeting room: each names its slip,
        # whose account it used up.
        if category_name == "基层代表":
            for number in range(1, 13):
                serial += 1
                accounts.append(
                    EvaluationAccount(
                        task=task,
                        category=category,
                        serial=serial,
                        code_digest=codes.account_digest(codes.new_code()),
                        status=EvaluationAccount.Status.SUBMITTED,
                    )
                )
                answers = _check(sheet, _ballot_answers(rng, sheet, quality))
                valid = number not in (5, 11)
                if not valid:
                    # Two paper ballots rated everyone “优秀”: invalid under the forced distribution.
                    answers = {target: dict.fromkeys(row, "A") for target, row in answers.items()}
                reasons = [] if valid else sheet.validate(answers)
                ballots.append(
                    Ballot(
                        task=task,
                        category=category,
                        source=Ballot.Source.PAPER,
                        cast_on=cast_on,
                        paper_serial=f"{serial:04d}",
                        answers=answers,
                        is_valid=valid,
                        invalid_reason="\n".join(reasons),
                    )
                )
    EvaluationAccount.objects.bulk_create(accounts)
    Ballot.objects.bulk_create(ballots)
    services.task_close(task=task)
    return task


def _this_year(evaluators, targets, team_system, cadre_system) -> EvaluationTask | None:
    year = demo_year()
    name = task_names()[1]
    task = EvaluationTask.objects.filter(name=name).first()
    demo = demo_codes(year)
    if task is not None:
        # Keep the demo usable: its codes follow this server's key, and it stays open for a while.
        for account in EvaluationAccount.objects.filter(task=task, status=EvaluationAccount.Status.ISSUED):
            if account.serial <= len(demo):
                digest = codes.account_digest(demo[account.serial - 1])
                if account.code_digest != digest:
                    EvaluationAccount.objects.filter(pk=account.pk).update(code_digest=digest)
        now = timezone.now()
        if task.closed_at is None and task.ends_at < now + timedelta(days=7):
            EvaluationTask.objects.filter(pk=task.pk).update(ends_at=now + timedelta(days=30))
        return None
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    task = _create_task(
        name,
        year,
        datetime.combine(today - timedelta(days=1), datetime.min.time(), tzinfo=tz).replace(hour=8),
        datetime.combine(today + timedelta(days=30), datetime.min.time(), tzinfo=tz).replace(hour=18),
        evaluators,
        targets,
        team_system,
        cadre_system,
    )
    serial = 0
    accounts = []
    for category_name, count in THIS_YEAR_ACCOUNTS.items():
        for _ in range(count):
            serial += 1
            accounts.append(
                EvaluationAccount(
                    task=task,
                    category=evaluators[category_name],
                    serial=serial,
                    code_digest=codes.account_digest(demo[serial - 1]),
                )
            )
    EvaluationAccount.objects.bulk_create(accounts)
    rng = random.Random(f"kaohe-evaluation-demo-{year}-ballots")
    quality = {str(t.pk): rng.gauss(0, 1) for t in task.targets.all()}
    sheets = {}
    for account in EvaluationAccount.objects.filter(task=task).select_related("category").order_by("serial"):
        sheet = sheets.setdefault(account.category_id, ballot_sheet(task_id=task.pk, category_id=account.category_id))
        # In each category: the first accounts have voted, the next saved drafts, the next only signed in;
        # the rest (including the two printed by sign_in_lines) are unused.
        position = account.serial - min(a.serial for a in accounts if a.category_id == account.category_id)
        if position < 3:
            services.ballot_submit(account_id=account.pk, answers=_check(sheet, _ballot_answers(rng, sheet, quality)))
        elif position < 5:
            partial = _ballot_answers(rng, sheet, quality)
            services.draft_save(
                account_id=account.pk,
                draft_key=sealing.draft_key(demo[account.serial - 1]),
                answers=dict(list(partial.items())[: len(partial) // 2]),
            )
        elif position < 6:
            EvaluationAccount.objects.filter(pk=account.pk).update(status=EvaluationAccount.Status.SIGNED_IN)
    # The county leaders' last slip (signed in once) was lost: revoked and replaced by an unused one.
    lost = EvaluationAccount.objects.get(task=task, serial=THIS_YEAR_ACCOUNTS["分管县领导"])
    EvaluationAccount.objects.filter(pk=lost.pk).update(
        status=EvaluationAccount.Status.REVOKED, revoked_reason="账号条遗失"
    )
    EvaluationAccount.objects.create(
        task=task,
        category=lost.category,
        serial=serial + 1,
        replaces=lost,
        code_digest=codes.account_digest(demo[serial]),
    )
    return task


@transaction.atomic
def load(*, stdout=None) -> dict:
    evaluators, targets = _categories()
    year = demo_year()
    team_template = _system("领导班子综合测评指标", year - 1, TEAM_INDICATORS, template=True)
    cadre_template = _system("领导干部综合测评指标", year - 1, CADRE_INDICATORS, template=True)
    team_system = _system("领导班子综合测评指标", year, TEAM_INDICATORS, template=False, copied_from=team_template)
    cadre_system = _system("领导干部综合测评指标", year, CADRE_INDICATORS, template=False, copied_from=cadre_template)
    last = _last_year(evaluators, targets, team_template, cadre_template)
    this = _this_year(evaluators, targets, team_system, cadre_system)
    return {
        "tasks created": [task.name for task in (last, this) if task is not None],
        "ballots": Ballot.objects.count(),
    }


def unused_demo_accounts(limit: int | None = None) -> list[services.IssuedAccount]:
    """This year's demo accounts not used yet, with their codes (demo only)."""
    task = EvaluationTask.objects.filter(name=task_names()[1]).first()
    if task is None:
        return []
    demo = demo_codes()
    accounts = (
        EvaluationAccount.objects.filter(task=task, status=EvaluationAccount.Status.ISSUED)
        .select_related("category", "task")
        .order_by("serial")
    )
    issued = [
        services.IssuedAccount(a, demo[a.serial - 1])
        for a in accounts
        if a.serial <= len(demo) and a.code_digest == codes.account_digest(demo[a.serial - 1])
    ]
    return issued[:limit] if limit else issued


def _pad(text: str, width: int) -> str:
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def sign_in_lines() -> list[str]:
    """The address and two unused demo codes, one of a county leader and one of a grassroots representative."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    unused = unused_demo_accounts()
    picked = []
    for category in ("分管县领导", "基层代表"):
        match = next((item for item in unused if item.account.category.name == category), None)
        if match:
            picked.append(match)
    lines = [""]
    lines.append("网上测评 Online evaluation（凭测评码登录，无需用户名和密码 / the code alone signs in）:")
    for item in picked:
        lines.append(f"{_pad('测评码 ' + item.account.category.name, 16)} {item.grouped_code:<24} {base}/ceping/")
    lines.append(f"{_pad('账号条 slips', 16)} manage.py evaluation_demo_slips demo-slips.pdf")
    return lines

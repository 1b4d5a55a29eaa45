"""Changing goals and progress: every write to a plan, its goal tree and its reports goes through here.

The functions check the tree's invariants (same plan, no cycles), keep the
order of siblings dense, refuse a save based on an outdated version, and,
once a plan is published, record what changed (GOAL-6). Every write asks
``locks`` first: a locked goal or an archived year is refused with a message
naming the lock, whoever asks (SCORE-1, RES-4). Each is named
``noun_verb`` and takes keyword arguments only; each that changes more than
one row does it all or nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import excel
from .locks import PlanLocks, check_goal_unlocked, check_plan_unlocked, locked_message, plan_locks
from .models import (
    Assignment,
    AssignmentRole,
    DeadlineReminder,
    EntryVerification,
    Goal,
    GoalChange,
    GoalPlan,
    GoalType,
    ProgressEntry,
    ProgressReport,
    ReportAttachment,
    ReportingDeadline,
)
from .tree import descendants_of

if TYPE_CHECKING:
    from kaohe.accounts.models import User
    from kaohe.org.models import Cadre, Unit

# Fields whose changes are recorded after publishing, in display order.
TRACKED_FIELDS = [
    "name",
    "kind",
    "goal_type",
    "source",
    "supervising_unit",
    "weight",
    "importance",
    "start_date",
    "due_date",
    "criteria",
    "indicator",
    "plan_value",
    "counts_in_assessment",
]


class StaleGoal(Exception):
    """Someone else saved the goal since this form was opened."""

    def __init__(self, goal: Goal):
        self.goal = goal
        who = goal.updated_by.get_full_name() if goal.updated_by else _("someone")
        when = timezone.localtime(goal.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            _(
                "%(who)s changed this goal at %(when)s after you opened it. Your changes were not saved: "
                "reload it to see theirs, then make yours again."
            )
            % {"who": who, "when": when}
        )


def _display(goal: Goal, name: str) -> str:
    value = getattr(goal, name)
    if value is None or value == "":
        return ""
    model_field = Goal._meta.get_field(name)
    if model_field.choices:
        return str(getattr(goal, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    return str(value)


def goal_snapshot(*, goal: Goal) -> dict[str, str]:
    """The goal's tracked fields as shown to people: what ``goal_update`` compares against."""
    return {name: _display(goal, name) for name in TRACKED_FIELDS}


def _record_change(
    goal: Goal, action: str, user: User | None, changes: dict | None = None, name: str | None = None
) -> None:
    """Keep a change to a published plan and mark the goal (GOAL-6)."""
    if not goal.plan.is_published:
        return
    GoalChange.objects.create(
        plan=goal.plan,
        goal=goal if action != GoalChange.Action.DELETED else None,
        goal_name=name or goal.name,
        action=action,
        changes=changes or {},
        changed_by=user,
    )
    if action != GoalChange.Action.DELETED:
        Goal.objects.filter(pk=goal.pk).update(changed_after_publish=True)
        goal.changed_after_publish = True


def _diff(before: dict, after: dict) -> dict:
    return {
        str(Goal._meta.get_field(name).verbose_name): [before[name], after[name]]
        for name in TRACKED_FIELDS
        if before[name] != after[name]
    }


def _next_order(plan_id, parent_id) -> int:
    top = Goal.objects.filter(plan_id=plan_id, parent_id=parent_id).aggregate(top=Max("sort_order"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def goal_add(*, goal: Goal, user: User, after: Goal | None = None) -> Goal:
    """Save the new ``goal`` as the last child of its parent, or right after ``after``."""
    if goal.parent_id and goal.parent.plan_id != goal.plan_id:
        raise ValidationError(_("The parent goal belongs to another unit's or year's goals."))
    locks = plan_locks(goal.plan)
    locks.check_plan()
    if goal.parent_id:
        locks.check_goal(goal.parent_id)
    if after is not None:
        if after.plan_id != goal.plan_id or after.parent_id != goal.parent_id:
            raise ValidationError(_("A sibling must have the same parent."))
        Goal.objects.filter(plan_id=goal.plan_id, parent_id=goal.parent_id, sort_order__gt=after.sort_order).update(
            sort_order=F("sort_order") + 1
        )
        goal.sort_order = after.sort_order + 1
    else:
        goal.sort_order = _next_order(goal.plan_id, goal.parent_id)
    goal.updated_by = user
    goal.full_clean()
    goal.save()
    _record_change(
        goal,
        GoalChange.Action.ADDED,
        user,
        {k: ["", v] for k, v in _diff(dict.fromkeys(TRACKED_FIELDS, ""), goal_snapshot(goal=goal)).items()},
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, before: dict[str, str], version: int, user: User) -> Goal:
    """Save the edited ``goal`` if nobody saved it since ``version`` was read; ``before``
    is its ``goal_snapshot`` from then. Raises ``StaleGoal`` otherwise."""
    check_goal_unlocked(goal)
    goal.full_clean()
    goal.updated_by = user
    goal.updated_at = timezone.now()
    values = {
        f.attname: getattr(goal, f.attname) for f in Goal._meta.concrete_fields if f.name not in ("id", "version")
    }
    updated = Goal.objects.filter(pk=goal.pk, version=version).update(version=version + 1, **values)
    if not updated:
        raise StaleGoal(Goal.objects.select_related("updated_by").get(pk=goal.pk))
    goal.version = version + 1
    changes = _diff(before, goal_snapshot(goal=goal))
    if changes:
        _record_change(goal, GoalChange.Action.CHANGED, user, changes)
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, user: User) -> int:
    """Delete the goal with its subtree; returns how many goals went. A goal with a
    score in its subtree stays (the score is protected): the office withdraws the score first."""
    check_goal_unlocked(goal)
    count = 1 + len(descendants_of(goal))
    _record_change(goal, GoalChange.Action.DELETED, user, {_("subtree"): [str(count), "0"]} if count > 1 else {})
    try:
        goal.delete()
    except ProtectedError as error:
        raise ValidationError(
            _(
                "“%(goal)s” cannot be deleted: it or one of its sub-goals has been scored (%(what)s). "
                "The assessment office withdraws the score first."
            )
            % {"goal": goal.name, "what": "、".join(sorted({str(obj) for obj in error.protected_objects})[:5])}
        ) from None
    return count


@transaction.atomic
def goal_move(*, goal: Goal, new_parent: Goal | None, position: int | None = None, user: User) -> Goal:
    """Put the goal under ``new_parent`` (None: top level) at ``position``
    (0-based among its new siblings; None: last)."""
    locks = plan_locks(goal.plan)
    locks.check_goal(goal)
    if new_parent is not None:
        locks.check_goal(new_parent)
    if new_parent is not None:
        if new_parent.plan_id != goal.plan_id:
            raise ValidationError(_("A goal can only move within its own unit's goals of the same year."))
        if new_parent.pk == goal.pk or new_parent.pk in descendants_of(goal):
            raise ValidationError(_("A goal cannot move under itself or one of its own sub-goals."))
    old_parent_name = goal.parent.name if goal.parent_id else _("top level")
    parent_id = new_parent.pk if new_parent else None
    siblings = list(
        Goal.objects.select_for_update()
        .filter(plan_id=goal.plan_id, parent_id=parent_id)
        .exclude(pk=goal.pk)
        .order_by("sort_order", "pk")
    )
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(position, goal)
    moved_parent = goal.parent_id != parent_id
    goal.parent = new_parent
    for order, sibling in enumerate(siblings):
        if sibling.pk == goal.pk:
            Goal.objects.filter(pk=goal.pk).update(
                parent_id=parent_id,
                sort_order=order,
                version=F("version") + 1,
                updated_by=user,
                updated_at=timezone.now(),
            )
            goal.sort_order = order
        elif sibling.sort_order != order:
            Goal.objects.filter(pk=sibling.pk).update(sort_order=order)
    if moved_parent:
        new_parent_name = new_parent.name if new_parent else _("top level")
        _record_change(goal, GoalChange.Action.MOVED, user, {_("parent goal"): [old_parent_name, new_parent_name]})
    return goal


def goal_shift(*, goal: Goal, step: int, user: User) -> Goal:
    """Move one place up (-1) or down (+1) among its siblings."""
    siblings = list(
        Goal.objects.filter(plan_id=goal.plan_id, parent_id=goal.parent_id)
        .order_by("sort_order", "pk")
        .values_list("pk", flat=True)
    )
    index = siblings.index(goal.pk)
    return goal_move(goal=goal, new_parent=goal.parent, position=max(0, index + step), user=user)


def _chosen_tops(plan: GoalPlan, goals: list[Goal]) -> list[Goal]:
    """The chosen goals that are not inside another chosen goal's subtree."""
    chosen = {goal.pk for goal in goals}
    parents = dict(Goal.objects.filter(plan=plan).values_list("pk", "parent_id"))
    tops = []
    for goal in goals:
        parent_id = goal.parent_id
        while parent_id and parent_id not in chosen:
            parent_id = parents.get(parent_id)
        if not parent_id:
            tops.append(goal)
    return tops


@transaction.atomic
def goals_delete(*, plan: GoalPlan, goals: list[Goal], user: User) -> int:
    """Delete the chosen goals of ``plan`` with their subtrees (GOAL-3); returns how many goals went.
    A goal inside a chosen subtree goes with its ancestor."""
    return sum(goal_delete(goal=goal, user=user) for goal in _chosen_tops(plan, goals))


@transaction.atomic
def goals_move(*, goals: list[Goal], new_parent: Goal | None, user: User) -> None:
    """Put every chosen goal last under ``new_parent`` (None: top level), or none of them (GOAL-3)."""
    for goal in goals:
        goal.refresh_from_db()
        goal_move(goal=goal, new_parent=new_parent, user=user)


@transaction.atomic
def goals_classify(*, goals: list[Goal], goal_type: GoalType, user: User) -> None:
    """Give every chosen goal ``goal_type``, or none of them (GOAL-3). Raises ``StaleGoal``."""
    for goal in goals:
        before = goal_snapshot(goal=goal)
        goal.goal_type = goal_type
        goal_update(goal=goal, before=before, version=goal.version, user=user)


@transaction.atomic
def plan_create(*, unit: Unit, year: int, user: User, copy_previous: bool) -> tuple[GoalPlan, GoalPlan | None]:
    """Start ``unit``'s goals for ``year``, from the year before's tree when asked and there is one (GOAL-3).
    Returns the new plan and the plan it was copied from (None for an empty start)."""
    previous = GoalPlan.objects.filter(unit=unit, year=year - 1).first() if copy_previous else None
    if previous is not None:
        plan = plan_copy(source=previous, year=year, user=user)
    else:
        if GoalPlan.objects.filter(unit=unit, year=year).exists():
            raise ValidationError(_("%(unit)s already has goals for %(year)s.") % {"unit": unit, "year": year})
        plan = GoalPlan.objects.create(unit=unit, year=year)
    log(plan, "wagtail.create", user=user)
    return plan, previous


@transaction.atomic
def plan_publish(*, plan: GoalPlan, user: User) -> None:
    """Publish the plan: from now on every change is recorded and marked (GOAL-6)."""
    check_plan_unlocked(plan)
    if not plan.goals.exists():
        raise ValidationError(_("There are no goals to publish yet."))
    plan.status = GoalPlan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = user
    plan.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    log(plan, "wagtail.publish", user=user)


# What ``plan_copy`` carries over from each goal as it is (dates move by the years between).
GOAL_COPIED_FIELDS = (
    "sort_order",
    "name",
    "kind",
    "goal_type_id",
    "source_id",
    "supervising_unit_id",
    "weight",
    "importance",
    "criteria",
    "indicator_id",
    "plan_value",
    "counts_in_assessment",
)


@transaction.atomic
def plan_copy(*, source: GoalPlan, year: int, user: User) -> GoalPlan:
    """Start ``year``'s plan for the same unit from ``source``'s tree (GOAL-3).

    Names, classes, weights, criteria and indicators are copied; dates move by
    the difference in years; plan values and assignments are kept so the unit
    edits rather than retypes them. The copy is a draft.
    """
    if GoalPlan.objects.filter(unit_id=source.unit_id, year=year).exists():
        raise ValidationError(_("%(unit)s already has goals for %(year)s.") % {"unit": source.unit, "year": year})
    plan = GoalPlan.objects.create(unit_id=source.unit_id, year=year)
    shift = year - source.year
    mapping: dict[int, Goal] = {}
    goals = list(Goal.objects.filter(plan=source).order_by("parent_id", "sort_order", "pk"))
    by_parent: dict[int | None, list[Goal]] = {}
    for goal in goals:
        by_parent.setdefault(goal.parent_id, []).append(goal)
    queue = [(goal, None) for goal in by_parent.get(None, [])]
    while queue:
        level = []
        for old, new_parent in queue:
            new = Goal(
                plan=plan,
                parent=new_parent,
                start_date=_shift(old.start_date, shift),
                due_date=_shift(old.due_date, shift),
                copied_from=old,
                updated_by=user,
                **{field: getattr(old, field) for field in GOAL_COPIED_FIELDS},
            )
            level.append((old, new))
        Goal.objects.bulk_create([new for _old, new in level])
        queue = []
        for old, new in level:
            mapping[old.pk] = new
            queue.extend((child, new) for child in by_parent.get(old.pk, []))
    Assignment.objects.bulk_create(
        [
            Assignment(goal=mapping[a.goal_id], cadre_id=a.cadre_id, role_id=a.role_id)
            for a in Assignment.objects.filter(goal__plan=source)
        ]
    )
    return plan


def _shift(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def goal_assign(
    *, goal: Goal, rows: Iterable[tuple[Cadre, AssignmentRole]], counts_in_assessment: bool, user: User
) -> None:
    """Replace the goal's decomposition with ``rows`` of (cadre, role), and say whether it counts
    in the assessment (GOAL-5)."""
    check_goal_unlocked(goal)
    rows = list(rows)
    before = sorted(f"{a.cadre.name}:{a.role.name}" for a in goal.assignments.select_related("cadre", "role"))
    goal.assignments.all().delete()
    Assignment.objects.bulk_create([Assignment(goal=goal, cadre=cadre, role=role) for cadre, role in rows])
    after = sorted(f"{cadre.name}:{role.name}" for cadre, role in rows)
    changes = {}
    if before != after:
        changes[str(_("goal assignments"))] = ["、".join(before), "、".join(after)]
    if goal.counts_in_assessment != counts_in_assessment:
        label = str(Goal._meta.get_field("counts_in_assessment").verbose_name)
        changes[label] = [
            _("yes") if goal.counts_in_assessment else _("no"),
            _("yes") if counts_in_assessment else _("no"),
        ]
        Goal.objects.filter(pk=goal.pk).update(counts_in_assessment=counts_in_assessment, version=F("version") + 1)
        goal.counts_in_assessment = counts_in_assessment
    if changes:
        _record_change(goal, GoalChange.Action.CHANGED, user, changes)


def report_open(*, plan: GoalPlan, period: str, user: User) -> ProgressReport:
    """The plan's report for ``period``, started now if there is none yet (SUP-1)."""
    if not ProgressReport.objects.filter(plan=plan, period=period).exists():
        check_plan_unlocked(plan)
    report, created = ProgressReport.objects.get_or_create(plan=plan, period=period, defaults={"updated_by": user})
    if created:
        log(report, "wagtail.create", user=user)
    return report


@transaction.atomic
def report_save(
    *, report: ProgressReport, entries: Iterable[ProgressEntry], summary: str, submit: bool, user: User
) -> ProgressReport:
    """Save the report's checked ``entries`` and summary; ``submit`` makes it visible
    beyond the unit and the office, and a submitted report stays submitted (SUP-1..SUP-3).
    Entries of locked goals may come back unchanged; a change to one is refused."""
    entries = list(entries)
    locks = plan_locks(report.plan)
    locks.check_plan()
    _check_entries_unlocked(locks, report, [(entry.goal, _entry_values(entry)) for entry in entries])
    for entry in entries:
        entry.save()
    report.summary = summary
    if submit and not report.submitted:
        report.submitted_at = timezone.now()
        if report.published_at is None and report_publishes_directly(report=report, user=user):
            report.published_at, report.published_by = report.submitted_at, user
    report.submitted = report.submitted or submit
    report.updated_by = user
    report.save()
    log(report, "wagtail.edit", user=user)
    return report


def report_publishes_directly(*, report: ProgressReport, user: User) -> bool:
    """The office's reports, and those of units it trusts, go live when submitted; the first
    publication of any other unit's report waits for the office (PORTAL-1)."""
    from kaohe.core.rules import is_office

    return is_office(user) or report.plan.unit.publishes_directly


@transaction.atomic
def report_publish(*, report: ProgressReport, user: User) -> ProgressReport:
    """The office puts a submitted report live (PORTAL-1); later edits go live as they are saved."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.submitted:
        raise ValidationError(_("Only submitted reports are published."))
    if report.published_at is None:
        report.published_at, report.published_by = timezone.now(), user
        report.save(update_fields=["published_at", "published_by"])
        log(report, "goals.report_publish", user=user)
    return report


@transaction.atomic
def report_return(*, report: ProgressReport, note: str, user: User) -> ProgressReport:
    """The office sends a submitted, unpublished report back to the unit with a note (PORTAL-1)."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the report is returned: the unit reads the note."))
    if report.published_at is not None:
        raise ValidationError(_("This report is already published."))
    report.submitted, report.submitted_at = False, None
    report.save(update_fields=["submitted", "submitted_at"])
    log(report, "goals.report_return", user=user, data={"note": note})
    return report


ENTRY_FIELDS = ["actual_value", "estimated_progress", "work_done", "delay_reasons", "lessons"]


def _comparable(value):
    if value is None or value == "":
        return None
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    return str(value).strip()


def _entry_values(entry) -> tuple:
    """An entry's (or an imported row's) values in a form that compares equal when nothing changed."""
    if isinstance(entry, dict):
        return tuple(_comparable(entry.get(name)) for name in ENTRY_FIELDS)
    return tuple(_comparable(getattr(entry, name)) for name in ENTRY_FIELDS)


def locked_entry_changes(*, locks: PlanLocks, report: ProgressReport | None, rows) -> dict[int, str]:
    """For the ``rows`` of (goal, values) that would change a locked goal's progress entry
    in ``report`` (None: not started yet), the message naming the lock, by goal id."""
    rows = [(goal, values) for goal, values in rows if goal is not None and locks.reason_for(goal.pk)]
    if not rows:
        return {}
    stored = {}
    if report is not None and report.pk:
        stored = {entry.goal_id: _entry_values(entry) for entry in report.entries.all()}
    empty = (None,) * len(ENTRY_FIELDS)
    return {
        goal.pk: locked_message(goal.name, locks.reason_for(goal.pk))
        for goal, values in rows
        if stored.get(goal.pk, empty) != values
    }


def _check_entries_unlocked(locks: PlanLocks, report, rows) -> None:
    problems = locked_entry_changes(locks=locks, report=report, rows=rows)
    if problems:
        raise ValidationError(list(problems.values()))


def attachment_add(*, report: ProgressReport, title: str, file: UploadedFile, user: User) -> ReportAttachment:
    """Keep a summary document with the report (SUP-5); the form has checked its type and size."""
    check_plan_unlocked(report.plan)
    return ReportAttachment.objects.create(report=report, title=title, file=file, uploaded_by=user)


def attachment_delete(*, attachment: ReportAttachment) -> None:
    """Remove a summary document and its file (SUP-5)."""
    check_plan_unlocked(attachment.report.plan)
    attachment.file.delete(save=False)
    attachment.delete()


def _import_path(token: str) -> str:
    return f"imports/{token}.xlsx"


def workbook_stash(*, data: bytes) -> str:
    """Keep an uploaded workbook between its preview and its import; returns the token that names it."""
    token = uuid.uuid4().hex
    default_storage.save(_import_path(token), ContentFile(data))
    return token


@transaction.atomic
def report_rows_save(*, plan: GoalPlan, result: excel.ImportResult, user: User) -> ProgressReport:
    """Save every row of a checked workbook into the plan's report of its period, or nothing (SUP-4)."""
    if not result.ok:
        raise ValueError("refusing to apply a workbook with errors")
    locks = plan_locks(plan)
    locks.check_plan()
    report = ProgressReport.objects.filter(plan=plan, period=result.period).first()
    _check_entries_unlocked(locks, report, [(row["goal"], _entry_values(row)) for row in result.rows])
    report, _created = ProgressReport.objects.get_or_create(
        plan=plan, period=result.period, defaults={"updated_by": user}
    )
    existing = {entry.goal_id: entry for entry in report.entries.all()}
    to_create, to_update = [], []
    fields = ENTRY_FIELDS
    for row in result.rows:
        entry = existing.get(row["goal"].pk) or ProgressEntry(report=report, goal=row["goal"])
        for name in fields:
            setattr(entry, name, row[name])
        (to_update if entry.pk else to_create).append(entry)
    ProgressEntry.objects.bulk_create(to_create, batch_size=1000)
    ProgressEntry.objects.bulk_update(to_update, fields, batch_size=1000)
    report.updated_by = user
    report.save(update_fields=["updated_by", "updated_at"])
    return report


def workbook_check(*, plan: GoalPlan, upload) -> excel.ImportResult:
    """Check a filled template against ``plan`` (SUP-4) and mark the rows that would change a
    locked goal's progress, or the whole file when the year is archived; changes nothing."""
    result = excel.read_progress_workbook(plan, upload)
    locks = plan_locks(plan)
    if locks.plan_reason:
        result.errors.append(locks.plan_reason)
        return result
    if locks.goal_reasons and result.period:
        report = ProgressReport.objects.filter(plan=plan, period=result.period).first()
        problems = locked_entry_changes(
            locks=locks, report=report, rows=[(row["goal"], _entry_values(row)) for row in result.rows]
        )
        for row in result.rows:
            if row["goal"] is not None and row["goal"].pk in problems:
                row["errors"].append(problems[row["goal"].pk])
    return result


def report_import(*, plan: GoalPlan, token: str, user: User) -> tuple[ProgressReport, int]:
    """Import the workbook stashed under ``token`` after its preview: every row or none (SUP-4).

    The workbook is checked again, since the goals may have changed since the preview.
    Returns the report and the number of rows saved; raises ``ValidationError`` when the
    stash is gone or a row no longer fits."""
    path = _import_path(token)
    try:
        with default_storage.open(path, "rb") as handle:
            result = workbook_check(plan=plan, upload=handle.read())
    except FileNotFoundError:
        raise ValidationError(_("This preview has expired; upload the workbook again.")) from None
    if not result.ok:
        problems = result.errors + [error for row in result.rows for error in row["errors"]]
        raise ValidationError(problems or _("The goals changed since the preview; upload the workbook again."))
    report = report_rows_save(plan=plan, result=result, user=user)
    default_storage.delete(path)
    log(report, "wagtail.edit", user=user)
    return report, len(result.rows)


@transaction.atomic
def deadlines_year_copy(*, year_from: int, year_to: int, user: User) -> int:
    """Give ``year_to`` the periods and reminder days of ``year_from``'s reporting deadlines,
    due dates moved on by the difference in years, where ``year_to`` has none for the period
    (SUP-1). Returns how many were copied."""
    taken = set(ReportingDeadline.objects.filter(year=year_to).values_list("period", flat=True))
    new = [
        ReportingDeadline(
            year=year_to,
            period=deadline.period,
            due_date=_shift(deadline.due_date, year_to - year_from),
            remind_days=deadline.remind_days,
        )
        for deadline in ReportingDeadline.objects.filter(year=year_from).exclude(period__in=taken)
    ]
    ReportingDeadline.objects.bulk_create(new)
    for deadline in new:
        log(deadline, "wagtail.create", user=user)
    return len(new)


def reminder_record(*, deadline: ReportingDeadline, unit, kind: str, recipients: list[str]) -> bool:
    """Note that ``unit`` was reminded of ``deadline``; False when it already was (SUP-1)."""
    _reminder, created = DeadlineReminder.objects.get_or_create(
        deadline=deadline, unit=unit, kind=kind, defaults={"recipients": ", ".join(recipients)}
    )
    return created


@transaction.atomic
def entry_verify(
    *, entry: ProgressEntry, verdict: str, note: str, verified_value, user: User, unit=None
) -> EntryVerification:
    """Record the supervising department's (or the office's) verdict on a submitted entry's
    figures (核准数据, SCORE-1). Questioning needs a note; a second verdict replaces the first
    and both are in the log."""
    if not entry.report.submitted:
        raise ValidationError(_("Only submitted reports are verified."))
    # A locked score was given on these figures (SCORE-1): their verdict stays with them.
    check_goal_unlocked(entry.goal)
    if verdict not in EntryVerification.Verdict.values:
        raise ValidationError(_("Confirm or question the figures."))
    note = (note or "").strip()
    if verdict == EntryVerification.Verdict.QUESTIONED and not note:
        raise ValidationError(_("Say what is questioned: the unit reads the note."))
    verification, _created = EntryVerification.objects.update_or_create(
        entry=entry,
        defaults={
            "verdict": verdict,
            "note": note,
            "verified_value": verified_value,
            "verified_by": user,
            "verifier_unit": unit,
        },
    )
    log(
        entry.report,
        "goals.verify",
        user=user,
        data={"goal": entry.goal.name, "verdict": verdict, "note": note, "value": str(verified_value or "")},
    )
    return verification


def _reminder_recipients(unit) -> list[str]:
    from kaohe.accounts.models import User as Account
    from kaohe.core.roles import RoleCode

    addresses = list(
        Account.objects.filter(unit=unit, is_active=True, groups__role__code=RoleCode.UNIT_ADMIN)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    if unit.contact_email and unit.contact_email not in addresses:
        addresses.append(unit.contact_email)
    return addresses


def deadline_reminders_send(*, today: date, dry_run: bool = False) -> list[tuple[ReportingDeadline, object, str, list]]:
    """E-mail every unit that has not submitted its report: ``remind_days`` before the due
    date and on the day (SUP-1). A unit is reminded once per deadline and kind, however often
    this runs; a unit with no address is listed with no recipients. Returns what was (or,
    ``dry_run``, would be) sent: deadline, unit, kind, recipients."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    from .selectors import units_to_remind

    sent = []
    for deadline in ReportingDeadline.objects.filter(due_date__gte=today).order_by("due_date"):
        if today == deadline.due_date:
            kind = DeadlineReminder.Kind.DUE
        elif deadline.remind_days and (deadline.due_date - today).days == deadline.remind_days:
            kind = DeadlineReminder.Kind.BEFORE
        else:
            continue
        already = set(DeadlineReminder.objects.filter(deadline=deadline, kind=kind).values_list("unit_id", flat=True))
        for unit in units_to_remind(deadline=deadline):
            if unit.pk in already:
                continue
            recipients = _reminder_recipients(unit)
            sent.append((deadline, unit, kind, recipients))
            if dry_run:
                continue
            if recipients:
                context = {
                    "unit": unit,
                    "deadline": deadline,
                    "period": deadline.get_period_display(),
                    "today": kind == DeadlineReminder.Kind.DUE,
                    "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("goals_admin:index"),
                }
                subject = render_to_string("goals/email/deadline_subject.txt", context).strip()
                body = render_to_string("goals/email/deadline.txt", context)
                send_mail(subject.replace("\n", " ")[:150], body, settings.DEFAULT_FROM_EMAIL, recipients)
            reminder_record(deadline=deadline, unit=unit, kind=kind, recipients=recipients)
    return sent

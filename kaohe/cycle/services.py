"""Writes of the cycle's records. Each function is ``noun_verb`` with keyword arguments and
does its whole change in one transaction; input a person can get wrong is checked by the
model's ``clean`` and raised as ``ValidationError`` before anything is saved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .models import (
    Commitment,
    GoalSelfAssessment,
    Inspection,
    QuarterlyGrade,
    ReportDeadline,
    WorkRecord,
    WorkRecordAttachment,
    WorkReport,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from kaohe.accounts.models import User
    from kaohe.goals.models import Goal
    from kaohe.org.models import Cadre, Team, WorkGroup


@transaction.atomic
def commitment_submit(*, user: User, cadre: Cadre, text: str, due_date: date, goals: Iterable[Goal] = ()) -> Commitment:
    """A cadre writes their own commitment of this year (CYCLE-1); it waits for the office's
    review like one the unit administrator writes. The goals must be the unit's of that year."""
    commitment = Commitment(
        year=timezone.localdate().year,
        cadre=cadre,
        text=text,
        due_date=due_date,
        status=Commitment.Status.SUBMITTED,
        created_by=user,
    )
    commitment.full_clean()
    goals = list(goals)
    wrong = [goal for goal in goals if goal.plan.unit_id != commitment.unit_id or goal.plan.year != commitment.year]
    if wrong:
        raise ValidationError(
            {"goals": _("“%(goal)s” is not a goal of this unit for this year.") % {"goal": wrong[0].name}}
        )
    commitment.save()
    commitment.goals.set(goals)
    log(instance=commitment, action="wagtail.create", user=user)
    return commitment


@transaction.atomic
def work_record_add(
    *,
    user: User,
    date: date,
    content: str,
    cadre: Cadre | None = None,
    team: Team | None = None,
    goals: Iterable[Goal] = (),
    files: Iterable[tuple[str, object]] = (),
) -> WorkRecord:
    """Record work done by a cadre or team (CYCLE-2) with its goals and attachments, all or
    nothing. The goals must be the unit's; the attachments have passed their checks."""
    record = WorkRecord(cadre=cadre, team=team, date=date, content=content, created_by=user)
    record.full_clean()
    goals = list(goals)
    wrong = [goal for goal in goals if goal.plan.unit_id != record.unit_id]
    if wrong:
        raise ValidationError({"goals": _("“%(goal)s” is not a goal of this unit.") % {"goal": wrong[0].name}})
    record.save()
    record.goals.set(goals)
    for position, (title, upload) in enumerate(files):
        attachment = WorkRecordAttachment(
            record=record, title=title or upload.name[:200], file=upload, sort_order=position
        )
        attachment.full_clean(exclude=["record"])
        attachment.save()
    log(instance=record, action="wagtail.create", user=user)
    return record


@transaction.atomic
def work_record_delete(*, record: WorkRecord, user: User) -> None:
    """Remove a record with its attachments' files."""
    for attachment in record.attachments.all():
        attachment.file.delete(save=False)
    log(instance=record, action="wagtail.delete", user=user)
    record.delete()


@transaction.atomic
def work_report_save(
    *,
    user: User,
    year: int,
    team: Team | None = None,
    cadre: Cadre | None = None,
    body: str,
    document=None,
    overall_grade: str,
    overall_reasons: str,
    grades: dict[int, tuple[str, str]],
    submit: bool,
    office: bool = False,
) -> WorkReport:
    """Save a team's or cadre's work report and self-assessment, and submit it if asked (CYCLE-3).

    Refused with a ``ValidationError`` (nothing saved) when the report was already submitted
    (it is read-only from then on), when a submission comes after the office's deadline (the
    office itself may still accept one, which then counts as late), or when a submission is
    incomplete: no text and no document, no overall grade, or a goal without a grade.
    ``grades`` maps the goals to grade (``{goal id: (grade, reasons)}``)."""
    lookup = {"year": year, "cadre": cadre} if cadre is not None else {"year": year, "team": team}
    report = WorkReport.objects.select_for_update().filter(**lookup).first()
    if report is None:
        report = WorkReport(year=year, team=team, cadre=cadre)
    elif report.is_submitted:
        raise ValidationError(_("This work report was submitted and can no longer be changed."))
    now = timezone.now()
    deadline = ReportDeadline.objects.filter(year=year).first()
    if deadline is not None and now > deadline.deadline and not office:
        raise ValidationError(
            _("The deadline for %(year)s work reports (%(deadline)s) has passed; ask the assessment office.")
            % {"year": year, "deadline": timezone.localtime(deadline.deadline).strftime("%Y-%m-%d %H:%M")}
        )
    report.body, report.overall_grade, report.overall_reasons = body, overall_grade, overall_reasons
    if document is not None:
        report.document = document
    if submit:
        missing = []
        if not body.strip() and not report.document:
            missing.append(_("the report's text or document"))
        if not overall_grade:
            missing.append(_("the overall self-grade"))
        if any(not grade for grade, _reasons in grades.values()):
            missing.append(_("a self-grade for every goal"))
        if missing:
            raise ValidationError(_("Not submitted: fill in %(missing)s.") % {"missing": "、".join(missing)})
        report.status, report.submitted_at, report.submitted_by = WorkReport.Status.SUBMITTED, now, user
    report.full_clean()
    report.save()
    existing = {assessment.goal_id: assessment for assessment in report.assessments.all()}
    for goal_id, (grade, reasons) in grades.items():
        assessment = existing.get(goal_id) or GoalSelfAssessment(report=report, goal_id=goal_id)
        assessment.grade, assessment.reasons = grade, reasons
        assessment.save()
    log(instance=report, action="wagtail.publish" if submit else "wagtail.edit", user=user)
    return report


@transaction.atomic
def inspection_record(
    *,
    user: User,
    group: WorkGroup,
    year: int,
    team: Team | None = None,
    cadre: Cadre | None = None,
    opinion: str,
    score: Decimal | None,
    grade: str,
) -> Inspection:
    """Record (or change) a group's inspection opinion and score or grade for a team or cadre
    (CYCLE-4). The caller has checked that ``user`` is a member of ``group`` and that the group
    holds the unit. Refused when the leader has already confirmed it, or with neither a score
    nor a grade."""
    lookup = {"year": year, "cadre": cadre} if cadre is not None else {"year": year, "team": team}
    inspection = Inspection.objects.select_for_update().filter(**lookup).first()
    if inspection is None:
        inspection = Inspection(year=year, team=team, cadre=cadre, group=group)
    elif inspection.is_confirmed:
        raise ValidationError(_("The group leader has confirmed this inspection; it can no longer be changed."))
    elif inspection.group_id != group.pk:
        raise ValidationError(_("Another assessment group has inspected this team or cadre."))
    if score is None and not grade:
        raise ValidationError(_("Give a score or a grade."))
    inspection.opinion, inspection.score, inspection.grade, inspection.recorded_by = opinion, score, grade, user
    inspection.full_clean()
    inspection.save()
    log(instance=inspection, action="wagtail.edit", user=user)
    return inspection


@transaction.atomic
def inspection_confirm(*, user: User, inspection: Inspection) -> Inspection:
    """The group leader confirms an inspection (CYCLE-4): from then on it is final and counts."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.is_confirmed:
        return inspection
    inspection.confirmed_by, inspection.confirmed_at = user, timezone.now()
    inspection.save(update_fields=["confirmed_by", "confirmed_at"])
    log(instance=inspection, action="wagtail.publish", user=user)
    return inspection


@transaction.atomic
def quarterly_grades_save(
    *, user: User, year: int, quarter: int, rows: list[tuple[object, str, str]], today: date | None = None
) -> int:
    """Store a quarter's grades (CYCLE-5): ``rows`` of (``inspection.Target``, grade, comment);
    the caller has checked that ``user`` may grade each target. A row without a grade is left
    as it is. Refused before the quarter has started. Returns how many grades changed."""
    from .selectors import quarter_started

    if not 1 <= quarter <= 4 or not quarter_started(year=year, quarter=quarter, today=today):
        raise ValidationError(_("This quarter has not started yet; it cannot be graded."))
    changed = 0
    for target, grade, comment in rows:
        if not grade:
            continue
        lookup = {"year": year, "quarter": quarter}
        lookup |= {"cadre": target.cadre} if target.cadre is not None else {"team": target.team}
        current = QuarterlyGrade.objects.select_for_update().filter(**lookup).first()
        if current is not None and (current.grade, current.comment) == (grade, comment):
            continue
        current = current or QuarterlyGrade(**lookup, unit=target.unit)
        current.grade, current.comment, current.graded_by = grade, comment, user
        current.full_clean()
        current.save()
        changed += 1
    return changed

"""Writes of the cycle's records. Each function is ``noun_verb`` with keyword arguments and
does its whole change in one transaction; input a person can get wrong is checked by the
model's ``clean`` and raised as ``ValidationError`` before anything is saved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .models import WorkRecord, WorkRecordAttachment

if TYPE_CHECKING:
    from kaohe.accounts.models import User
    from kaohe.goals.models import Goal
    from kaohe.org.models import Cadre, Team


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

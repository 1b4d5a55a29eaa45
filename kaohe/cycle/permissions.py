"""Who may write and read the cycle's records (CYCLE-1..CYCLE-5, SYS-11).

Writing follows the rule tables: the office writes for every unit, a unit
administrator for their own unit's team and cadres, and only until the office has
published (or a report was submitted). Reading asks the office's rights table
(``kaohe.access``): commitments are the subject ``commitments``; the unit's own
people and the office also see what is not yet published.
"""

from __future__ import annotations

from kaohe.access.models import Subject
from kaohe.access.selectors import Reader, reader_for
from kaohe.core.roles import RoleCode
from kaohe.core.rules import STAFF_ROLES, Rules, is_office, roles_of

from .models import Commitment, QuarterlyGrader, ReportDeadline, WorkRecord, WorkReport

OFFICE = {RoleCode.OFFICE}
UNIT_WRITES = {action: {RoleCode.UNIT_ADMIN} for action in ("add", "change", "delete")}


def as_reader(who) -> Reader:
    """The access reader for a user (or None: the public), or ``who`` itself if it is one."""
    return who if isinstance(who, Reader) else reader_for(user=who)


def own_unit_id(who) -> int | None:
    """The unit whose unpublished material ``who`` sees: any signed-in person of the unit with a role."""
    if isinstance(who, Reader):
        return None if who.is_public else who.unit_id
    if roles_of(who) or getattr(who, "is_superuser", False):
        return getattr(who, "unit_id", None)
    return None


def sees_everything(who) -> bool:
    if isinstance(who, Reader):
        return who.office
    return is_office(who)


class CommitmentRules(Rules):
    model = Commitment
    anywhere = {action: OFFICE for action in ("add", "change", "delete")} | {"view": STAFF_ROLES}
    own_unit = UNIT_WRITES
    unit_lookup = "unit_id"

    def can_for(self, user, action: str, instance) -> bool:
        if action == "view":
            return can_read_commitment(user, instance)
        if not super().can_for(user, action, instance):
            return False
        # Once published, a commitment is the office's: the unit no longer changes it.
        return is_office(user) or not instance.is_published


class WorkRecordRules(Rules):
    model = WorkRecord
    anywhere = {action: OFFICE for action in ("add", "change", "delete")} | {"view": STAFF_ROLES}
    own_unit = UNIT_WRITES
    unit_lookup = "unit_id"

    def can_for(self, user, action: str, instance) -> bool:
        if action == "view":
            return can_read_record(user, instance)
        return super().can_for(user, action, instance)


class ReportDeadlineRules(Rules):
    model = ReportDeadline
    anywhere = {action: OFFICE for action in ("add", "change", "delete")} | {"view": STAFF_ROLES}


class QuarterlyGraderRules(Rules):
    model = QuarterlyGrader
    anywhere = {action: OFFICE for action in ("add", "change", "delete")} | {"view": OFFICE}


commitment_rules = CommitmentRules()
grader_rules = QuarterlyGraderRules()
deadline_rules = ReportDeadlineRules()
record_rules = WorkRecordRules()


def can_read_commitment(who, commitment: Commitment) -> bool:
    """The office and the unit's own people always; others a published commitment of a
    unit the rights table opens to them (CYCLE-1, SYS-11)."""
    if sees_everything(who):
        return True
    unit_id = own_unit_id(who)
    if unit_id is not None and unit_id == commitment.unit_id:
        return True
    return commitment.is_published and as_reader(who).may_read(
        Subject.COMMITMENTS, unit_id=commitment.unit_id, parent_id=commitment.unit.parent_id
    )


def own_cadre_id(who) -> int | None:
    """The cadre record a signed-in cadre or team member is (they write their own work records)."""
    if isinstance(who, Reader) or who is None or not getattr(who, "is_authenticated", False):
        return None
    if not (roles_of(who) & {RoleCode.CADRE, RoleCode.TEAM_MEMBER}):
        return None
    return getattr(who, "cadre_id", None)


def may_read_unit_records(who, *, unit) -> bool:
    """May ``who`` read the work records of ``unit``'s team and cadres (CYCLE-2, SYS-11)?"""
    if sees_everything(who):
        return True
    unit_id = own_unit_id(who)
    if unit_id is not None and unit_id == unit.pk:
        return True
    return as_reader(who).may_read(Subject.RECORDS, unit_id=unit.pk, parent_id=unit.parent_id)


def may_read_cadre_records(who, *, cadre) -> bool:
    if own_cadre_id(who) == cadre.pk:
        return True
    return cadre.unit is not None and may_read_unit_records(who, unit=cadre.unit)


def can_read_record(who, record: WorkRecord) -> bool:
    if record.cadre_id and own_cadre_id(who) == record.cadre_id:
        return True
    return may_read_unit_records(who, unit=record.unit)


def can_write_for(user, *, unit_id: int | None, cadre_id: int | None = None) -> bool:
    """May ``user`` write a report for this team (``cadre_id`` None) or cadre of ``unit_id``?
    The office for anyone; a unit administrator for their own unit's; a cadre for themselves."""
    if is_office(user):
        return True
    if cadre_id is not None and own_cadre_id(user) == cadre_id:
        return True
    return RoleCode.UNIT_ADMIN in roles_of(user) and unit_id is not None and getattr(user, "unit_id", None) == unit_id


def can_read_report(who, report: WorkReport) -> bool:
    """The writers always; others a submitted report of a unit the rights table opens to them
    for ``reports`` (CYCLE-3, SYS-11)."""
    if sees_everything(who):
        return True
    if report.cadre_id and own_cadre_id(who) == report.cadre_id:
        return True
    unit_id = own_unit_id(who)
    if unit_id is not None and unit_id == report.unit_id:
        return True
    return report.is_submitted and as_reader(who).may_read(
        Subject.REPORTS, unit_id=report.unit_id, parent_id=report.unit.parent_id
    )


def can_see_report_overview(user) -> bool:
    return is_office(user) or (RoleCode.UNIT_ADMIN in roles_of(user) and getattr(user, "unit_id", None) is not None)


def can_open_inspections(user) -> bool:
    """The inspection screens: the office, and members of assessment groups (CYCLE-4). What a
    member may open is then limited to their groups' units."""
    if is_office(user):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    from kaohe.org.selectors import is_assessment_group_member

    return is_assessment_group_member(user=user)


def grading_scope(user) -> dict:
    """What ``user`` may grade each quarter (CYCLE-5): ``{"all": bool, "teams": {unit ids},
    "cadres": {unit ids}, "self": cadre id}``. The office grades everyone; a grader the
    office names grades the team and/or cadres of their unit; where nobody is named for a
    unit's cadres, its principal leader (a current 党政正职 seat) grades them, never themselves."""
    from kaohe.org.models import PostGroup
    from kaohe.org.selectors import cadre_seats

    from .models import QuarterlyGrader

    scope = {"all": is_office(user), "teams": set(), "cadres": set(), "self": None}
    if scope["all"] or user is None or not getattr(user, "is_authenticated", False):
        return scope
    for unit_id, team, cadres in QuarterlyGrader.objects.filter(user=user).values_list(
        "unit_id", "grades_team", "grades_cadres"
    ):
        if team:
            scope["teams"].add(unit_id)
        if cadres:
            scope["cadres"].add(unit_id)
    cadre_id = getattr(user, "cadre_id", None)
    if cadre_id:
        scope["self"] = cadre_id
        seats = cadre_seats(cadre_id=cadre_id, current=True).values_list(
            "team__unit_id", "post_group", "party_post", "administrative_post"
        )
        from kaohe.org.models import post_group_of

        named = set(QuarterlyGrader.objects.filter(grades_cadres=True).values_list("unit_id", flat=True))
        for unit_id, group, party, admin in seats:
            if (group or post_group_of(party, admin)) == PostGroup.PRINCIPAL and unit_id not in named:
                scope["cadres"].add(unit_id)
    return scope


def may_grade(scope: dict, *, unit_id: int, cadre_id: int | None) -> bool:
    if scope["all"]:
        return True
    if cadre_id is None:
        return unit_id in scope["teams"]
    return unit_id in scope["cadres"] and cadre_id != scope["self"]


def may_read_quarterly(who, *, unit) -> bool:
    """May ``who`` read the quarterly grades of ``unit``'s team and cadres (SYS-11 ``quarterly``)?"""
    if sees_everything(who):
        return True
    unit_id = own_unit_id(who)
    if unit_id is not None and unit_id == unit.pk:
        return True
    return as_reader(who).may_read(Subject.QUARTERLY, unit_id=unit.pk, parent_id=unit.parent_id)

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

from .models import Commitment

OFFICE = {RoleCode.OFFICE}
UNIT_WRITES = {action: {RoleCode.UNIT_ADMIN} for action in ("add", "change", "delete")}


def as_reader(who) -> Reader:
    """The access reader for a user (or None: the public), or ``who`` itself if it is one."""
    return who if isinstance(who, Reader) else reader_for(who)


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


commitment_rules = CommitmentRules()


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

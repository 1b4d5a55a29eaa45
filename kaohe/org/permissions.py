"""Who may read and change organisation records (SYS-1, SYS-2, SYS-4, SYS-7).

The assessment office keeps everything; a unit administrator edits only their
own unit's record, teams, memberships and cadres; everyone else who signs in
reads. The public reads units and teams on the portal's pages, not here.
"""

from kaohe.core.roles import RoleCode
from kaohe.core.rules import ACTIONS, Rules, has_role, is_office, office_keeps

from .models import Cadre, Membership, Team, Unit, UnitKind, WorkGroup

OFFICE = {RoleCode.OFFICE}


class UnitKindRules(Rules):
    model = UnitKind
    anywhere = office_keeps()


class UnitRules(Rules):
    model = Unit
    anywhere = office_keeps()
    own_unit = {"change": {RoleCode.UNIT_ADMIN}}
    unit_lookup = "pk"


class TeamRules(Rules):
    model = Team
    anywhere = office_keeps()
    own_unit = {action: {RoleCode.UNIT_ADMIN} for action in ("add", "change", "delete")}
    unit_lookup = "unit_id"


class MembershipRules(Rules):
    model = Membership
    anywhere = office_keeps()
    own_unit = {action: {RoleCode.UNIT_ADMIN} for action in ("add", "change", "delete")}
    unit_lookup = "team__unit_id"


class CadreRules(Rules):
    model = Cadre
    anywhere = office_keeps()
    own_unit = {action: {RoleCode.UNIT_ADMIN} for action in ("add", "change")}
    unit_lookup = "unit_id"

    def choosable(self, user, queryset=None):
        """Picking a cadre puts them in a team or on a goal, which feeds their assessment: the office
        picks any cadre, everyone else only their own unit's (issue 12: a unit administrator put
        another unit's cadre in their team and gave them goals)."""
        queryset = Cadre.objects.all() if queryset is None else queryset
        if is_office(user):
            return queryset
        unit_id = getattr(user, "unit_id", None)
        if unit_id is None or not getattr(user, "is_active", False):
            return queryset.none()
        return queryset.filter(unit_id=unit_id)


class WorkGroupRules(Rules):
    model = WorkGroup
    anywhere = {action: OFFICE for action in ACTIONS}
    anywhere["view"] = {RoleCode.OFFICE, RoleCode.SYSTEM_ADMIN, RoleCode.ASSESSMENT_GROUP, RoleCode.COUNTY_LEADER}


unit_kind_rules = UnitKindRules()
unit_rules = UnitRules()
team_rules = TeamRules()
membership_rules = MembershipRules()
cadre_rules = CadreRules()
work_group_rules = WorkGroupRules()


def can_import(user) -> bool:
    """Who opens the import screen (SYS-10): the office (organisation data) and the system
    administrator (users). Each sheet then checks its own right (``ImportSheet.allowed``)."""
    return is_office(user) or has_role(user, RoleCode.SYSTEM_ADMIN)


def can_view_cadre_photo(user, cadre: Cadre) -> bool:
    """A cadre's photo is seen by those who may see the cadre's record in the admin."""
    return cadre_rules.can_for(user, "view", cadre)


# Date of birth and education are personnel data: those who keep or assess cadres read them;
# cadres and team members, who may read the cadre list, do not read each other's.
PERSONAL_DATA_READERS = {
    RoleCode.OFFICE,
    RoleCode.SYSTEM_ADMIN,
    RoleCode.ASSESSMENT_GROUP,
    RoleCode.COUNTY_LEADER,
    RoleCode.UNIT_ADMIN,
}


def can_view_cadre_personal_data(user) -> bool:
    return is_office(user) or has_role(user, *PERSONAL_DATA_READERS)

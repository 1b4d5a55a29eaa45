"""Who inspects whom (CYCLE-4, SYS-4): the assessment work groups of a year, their units
and members, and the teams and cadres those units put before them.

A group of the year (or with no year) of kind ``assessment`` holds the units the office
assigned to it (组织机构 → 工作组). A member is a person of the group with a user account;
the leader is the member whose post is 组长 (not 副组长).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kaohe.org.models import WorkGroup
from kaohe.org.selectors import assessment_groups_of_year, memberships_in_period, teams_of_units


def is_leader_post(post: str) -> bool:
    return "组长" in (post or "") and "副组长" not in (post or "")


def year_groups(*, year: int):
    """The assessment work groups of ``year`` with their units and members (three queries)."""
    return assessment_groups_of_year(year=year)


@dataclass
class Membership:
    """A user's place in one group: the group, its unit ids, whether they lead it."""

    group: WorkGroup
    unit_ids: set[int] = field(default_factory=set)
    leader: bool = False


def memberships_of(user, *, year: int) -> list[Membership]:
    """The groups of ``year`` that ``user`` is a member of."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    found = []
    for group in year_groups(year=year).filter(members__user=user).distinct():
        mine = [member for member in group.members.all() if member.user_id == user.pk]
        found.append(
            Membership(
                group=group,
                unit_ids={unit.pk for unit in group.units.all()},
                leader=any(is_leader_post(member.post) for member in mine),
            )
        )
    return found


def membership_for_unit(user, *, year: int, unit_id: int) -> Membership | None:
    """The user's group that holds ``unit_id`` in ``year``, if any."""
    for membership in memberships_of(user, year=year):
        if unit_id in membership.unit_ids:
            return membership
    return None


@dataclass
class Target:
    unit: object
    team: object = None
    cadre: object = None

    @property
    def kind(self) -> str:
        return "cadre" if self.cadre is not None else "team"

    @property
    def pk(self) -> int:
        return (self.cadre or self.team).pk

    @property
    def name(self) -> str:
        return (self.cadre or self.team).name


def targets_of_units(*, unit_ids, year: int) -> list[Target]:
    """The teams of the units and the cadres who held a seat in them during ``year``,
    unit by unit, team first. Two queries."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return []
    targets: list[Target] = []
    for team in teams_of_units(unit_ids=unit_ids):
        targets.append(Target(unit=team.unit, team=team))
    seen = set()
    for membership in memberships_in_period(start=date(year, 1, 1), end=date(year, 12, 31)):
        if membership.team.unit_id in unit_ids and membership.cadre_id not in seen:
            seen.add(membership.cadre_id)
            targets.append(Target(unit=membership.team.unit, cadre=membership.cadre))
    targets.sort(key=lambda target: (target.unit.name, target.cadre is not None))
    return targets

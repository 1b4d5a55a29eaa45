"""Reads of organisation data for pages and reports.

Each selector runs a fixed number of queries whatever the number of rows.
"""

from collections.abc import Iterable
from datetime import date
from itertools import groupby

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Cadre, Membership, Team, Unit, UnitKind, WorkGroup, WorkGroupMember


def current_membership_q(*, prefix: str = "", on: date | None = None) -> Q:
    """Memberships in force on a day (today by default)."""
    day = on or timezone.localdate()
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def active_units():
    """Units in use (not wound up), as a queryset for choices and filters."""
    return Unit.objects.filter(is_active=True)


def unit_by_id(*, pk: int) -> Unit | None:
    """The unit (in use or wound up), or None."""
    return Unit.objects.filter(pk=pk).first()


def unit_kind_id(*, unit_id: int) -> int | None:
    """The id of the unit's kind (None for an unknown unit). One query."""
    return Unit.objects.filter(pk=unit_id).values_list("kind_id", flat=True).first()


def search_units(*, query: str, limit: int = 10) -> list[Unit]:
    """Active units (with their kind) whose indexed fields match every word of ``query``."""
    return list(active_units().select_related("kind").search(query, operator="and")[:limit])


def all_units():
    """Every unit, wound up or not (filters over records that may name an old unit)."""
    return Unit.objects.all()


def all_teams():
    """Every leadership team (references from other systems may name any)."""
    return Team.objects.all()


def all_cadres():
    """Every cadre, in use or not (references from other systems may name any)."""
    return Cadre.objects.all()


def unit_teams(*, unit: Unit | None):
    """The unit's leadership teams by name."""
    return Team.objects.filter(unit=unit).order_by("name")


def unit_team_ids(*, unit_ids: Iterable[int]) -> dict[int, int]:
    """{team id: unit id} for every team of the units named. One query."""
    return dict(Team.objects.filter(unit_id__in=list(unit_ids)).values_list("pk", "unit_id"))


def active_unit_teams() -> QuerySet[Team]:
    """The teams of the units in use, with their unit."""
    return Team.objects.filter(unit__is_active=True).select_related("unit")


def teams_of_units(*, unit_ids: Iterable[int]) -> QuerySet[Team]:
    """The teams of the units named, with their unit, by unit name and team name."""
    return Team.objects.filter(unit_id__in=list(unit_ids)).select_related("unit").order_by("unit__name", "name")


def team_with_unit(*, pk: int) -> Team | None:
    """The team with its unit, or None."""
    return Team.objects.select_related("unit").filter(pk=pk).first()


def kind_teams(*, kind: UnitKind) -> QuerySet[Team]:
    """The teams of the active units of ``kind``, in the units' order, then by name."""
    return Team.objects.filter(unit__kind=kind, unit__is_active=True).order_by("unit__sort_order", "unit__name", "name")


def kind_current_seats(*, kind: UnitKind) -> QuerySet[Membership]:
    """Seats held today in the teams of the active units of ``kind``, with their cadre; in the
    units' order, then each team's seat order (a team's first seat is its main leader)."""
    return (
        Membership.objects.filter(current_membership_q(), team__unit__kind=kind, team__unit__is_active=True)
        .select_related("cadre")
        .order_by("team__unit__sort_order", "team__unit__name", "team_id", "sort_order", "pk")
    )


def active_cadres():
    """Cadres in use, as a queryset for choices and filters."""
    return Cadre.objects.filter(is_active=True)


def cadre_seats(*, cadre_id: int, current: bool = False) -> QuerySet[Membership]:
    """The seats the cadre holds or held (only those held today when ``current``)."""
    seats = Membership.objects.filter(cadre_id=cadre_id)
    return seats.filter(current_membership_q()) if current else seats


def team_cadres(*, unit: Unit):
    """Today's members of the unit's leadership teams, by name: the people its goals can go to."""
    ids = Membership.objects.filter(current_membership_q(), team__unit=unit).values("cadre_id")
    return Cadre.objects.filter(pk__in=ids).order_by("name")


def period_membership_q(*, start: date, end: date, prefix: str = "") -> Q:
    """Memberships held on at least one day between ``start`` and ``end``."""
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": end})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": start})
    )


def memberships_in_period(*, start: date, end: date, active_units_only: bool = True) -> list[Membership]:
    """Every seat held at some time between ``start`` and ``end``, with its cadre,
    team, unit and unit kind; in team order. One query."""
    memberships = Membership.objects.filter(period_membership_q(start=start, end=end)).select_related(
        "cadre", "team__unit__kind"
    )
    if active_units_only:
        memberships = memberships.filter(team__unit__is_active=True)
    return list(memberships.order_by("team__unit__kind__sort_order", "team__unit__sort_order", "team_id", "sort_order"))


def cadre_teams_in_period(*, cadre_id: int, start: date, end: date) -> list[int]:
    """Ids of the teams in which the cadre held a seat between ``start`` and ``end``."""
    return list(
        Membership.objects.filter(period_membership_q(start=start, end=end), cadre_id=cadre_id)
        .values_list("team_id", flat=True)
        .distinct()
    )


def unit_kinds():
    """The kinds of unit, in the office's order."""
    return UnitKind.objects.all()


def cadre_with_unit(*, pk: int) -> Cadre | None:
    """The cadre (active or not) with their unit, or None."""
    return Cadre.objects.select_related("unit").filter(pk=pk).first()


def cadre_by_external_id(*, external_id: str) -> Cadre | None:
    """The cadre another system knows by ``external_id``, or None."""
    return Cadre.objects.filter(external_id=external_id).first()


def assessment_group_unit_ids(*, user_id: int) -> frozenset[int]:
    """Units of the assessment work groups the user is a member of. One query."""
    return frozenset(
        WorkGroup.units.through.objects.filter(
            workgroup__kind=WorkGroup.Kind.ASSESSMENT, workgroup__members__user_id=user_id
        ).values_list("unit_id", flat=True)
    )


def assessment_groups_of_year(*, year: int) -> QuerySet[WorkGroup]:
    """The assessment work groups of ``year`` and those without a year, by name, with their
    units and members (in the members' order) prefetched: three queries."""
    return (
        WorkGroup.objects.filter(Q(year=year) | Q(year__isnull=True), kind=WorkGroup.Kind.ASSESSMENT)
        .prefetch_related("units", Prefetch("members", queryset=WorkGroupMember.objects.order_by("sort_order")))
        .order_by("name")
    )


def is_assessment_group_member(*, user) -> bool:
    """Whether ``user`` is a member of an assessment work group (of any year). One query."""
    return WorkGroup.objects.filter(kind=WorkGroup.Kind.ASSESSMENT, members__user=user).exists()


def year_work_groups(*, year: int) -> QuerySet[WorkGroup]:
    """The work groups of ``year``, in the order they were made."""
    return WorkGroup.objects.filter(year=year).order_by("pk")


def work_group_names_taken(*, names: Iterable[str]) -> set[str]:
    """Those of ``names`` that a work group already bears."""
    return set(WorkGroup.objects.filter(name__in=list(names)).values_list("name", flat=True))


# The records other systems exchange (the REST API), each with what its serializer shows,
# in key order so that pages are stable.


def unit_records() -> QuerySet[Unit]:
    return Unit.objects.select_related("kind", "parent").order_by("pk")


def team_records() -> QuerySet[Team]:
    return Team.objects.select_related("unit").order_by("pk")


def cadre_records() -> QuerySet[Cadre]:
    return Cadre.objects.select_related("unit").order_by("pk")


def membership_records() -> QuerySet[Membership]:
    return Membership.objects.select_related("team", "cadre").order_by("pk")


def unit_kind(*, pk: int) -> UnitKind | None:
    return UnitKind.objects.filter(pk=pk).first()


def unit_kind_counts() -> list[UnitKind]:
    """Kinds of unit, each with ``unit_count`` of its active units."""
    return list(
        UnitKind.objects.annotate(unit_count=Count("units", filter=Q(units__is_active=True))).filter(unit_count__gt=0)
    )


def units_grouped_by_kind() -> list[tuple[UnitKind, list[Unit]]]:
    """Active units grouped by kind, in the office's order."""
    units = active_units().select_related("kind").order_by("kind__sort_order", "kind__name", "sort_order", "name")
    return [(kind, list(group)) for kind, group in groupby(units, key=lambda unit: unit.kind)]


def team_members_prefetch(*, to_attr: str = "current_memberships") -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(current_membership_q()).select_related("cadre").order_by("sort_order", "pk"),
        to_attr=to_attr,
    )


def unit_public_detail(*, pk: int) -> Unit | None:
    """An active unit with ``public_teams``: its teams and their current members."""
    unit = (
        Unit.objects.filter(pk=pk, is_active=True)
        .select_related("kind", "parent")
        .prefetch_related(
            Prefetch(
                "teams",
                queryset=Team.objects.order_by("name").prefetch_related(team_members_prefetch()),
                to_attr="public_teams",
            )
        )
        .first()
    )
    return unit

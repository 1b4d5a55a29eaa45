"""Reads of organisation data for pages and reports.

Each selector runs a fixed number of queries whatever the number of rows.
"""

from datetime import date
from itertools import groupby

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import Cadre, Membership, Team, Unit, UnitKind


def current_membership_q(prefix: str = "", on=None) -> Q:
    """Memberships in force on a day (today by default)."""
    day = on or timezone.localdate()
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def active_units():
    """Units in use (not wound up), as a queryset for choices and filters."""
    return Unit.objects.filter(is_active=True)


def all_units():
    """Every unit, wound up or not (filters over records that may name an old unit)."""
    return Unit.objects.all()


def unit_teams(*, unit: Unit | None):
    """The unit's leadership teams by name."""
    return Team.objects.filter(unit=unit).order_by("name")


def active_cadres():
    """Cadres in use, as a queryset for choices and filters."""
    return Cadre.objects.filter(is_active=True)


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


def team_members_prefetch(to_attr: str = "current_memberships") -> Prefetch:
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

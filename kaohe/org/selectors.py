"""Reads of organisation data for pages and reports.

Each selector runs a fixed number of queries whatever the number of rows.
"""

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


def active_cadres():
    """Cadres in use, as a queryset for choices and filters."""
    return Cadre.objects.filter(is_active=True)


def team_cadres(*, unit: Unit):
    """Today's members of the unit's leadership teams, by name: the people its goals can go to."""
    ids = Membership.objects.filter(current_membership_q(), team__unit=unit).values("cadre_id")
    return Cadre.objects.filter(pk__in=ids).order_by("name")


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

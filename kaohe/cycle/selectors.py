"""Reading the cycle's records: what each reader may see, and the lists the screens show.

``visible_commitments`` is the one place that decides which commitments a reader
sees (CYCLE-1, SYS-11). Each selector runs a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from kaohe.access.models import Subject
from kaohe.goals.models import Goal

from .models import Commitment
from .permissions import as_reader, own_unit_id, sees_everything


def visible_commitments(who, queryset: QuerySet | None = None) -> QuerySet:
    """Commitments ``who`` (a user, a reader or None) may read: all for the office; the
    published ones of the units the rights table opens to them; their own unit's all."""
    queryset = Commitment.objects.all() if queryset is None else queryset
    if sees_everything(who):
        return queryset
    q = Q(status=Commitment.Status.PUBLISHED) & as_reader(who).read_q(
        Subject.COMMITMENTS, unit="unit_id", parent="unit__parent_id"
    )
    unit_id = own_unit_id(who)
    if unit_id is not None:
        q |= Q(unit_id=unit_id)
    return queryset.filter(q)


def _with_details(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("unit", "team", "cadre").prefetch_related(
        Prefetch("goals", queryset=Goal.objects.only("pk", "name", "plan_id").order_by("sort_order", "pk"))
    )


def admin_commitments(*, user) -> QuerySet:
    """The admin list: what the user may read, with the target's names."""
    return visible_commitments(user).select_related("unit", "team", "cadre")


def unit_public_commitments(*, who, unit) -> tuple[int | None, list[Commitment]]:
    """The latest year's published commitments of ``unit`` that ``who`` may read, teams first. Two queries."""
    published = visible_commitments(who).filter(unit=unit, status=Commitment.Status.PUBLISHED)
    year = published.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None, []
    rows = _with_details(published.filter(year=year)).order_by("cadre_id", "team_id", "cadre__name", "pk")
    return year, list(rows)


def goal_public_commitments(*, who, goal: Goal) -> list[Commitment]:
    """Published commitments tied to ``goal`` that ``who`` may read."""
    published = visible_commitments(who).filter(goals=goal, status=Commitment.Status.PUBLISHED)
    return list(published.select_related("team", "cadre").order_by("cadre_id", "team_id", "pk"))


def linkable_goals(*, unit_id: int | None, year: int | None) -> QuerySet:
    """Goals a commitment (or record) of ``unit_id`` may link to: its plan's goals of the year
    (every unit's when ``unit_id`` is None, for the office)."""
    goals = Goal.objects.select_related("plan__unit").order_by("plan__unit__name", "plan_id", "sort_order", "pk")
    if year is not None:
        goals = goals.filter(plan__year=year)
    if unit_id is not None:
        goals = goals.filter(plan__unit_id=unit_id)
    return goals

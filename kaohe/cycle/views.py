"""The cycle on the portal's pages (CYCLE-1..CYCLE-3): commitments beside units and goals."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import selectors


def _who(request):
    return getattr(request, "user", None) if request is not None else None


def unit_commitments_section(request, unit) -> str | None:
    """The unit's latest published commitments, if the reader may read them."""
    year, commitments = selectors.unit_public_commitments(who=_who(request), unit=unit)
    if not commitments:
        return None
    return render_to_string(
        "cycle/public/unit_commitments.html", {"year": year, "commitments": commitments}, request=request
    )


def goal_commitments_section(request, goal) -> str | None:
    """Commitments tied to the goal, if any the reader may read."""
    commitments = selectors.goal_public_commitments(who=_who(request), goal=goal)
    if not commitments:
        return None
    return render_to_string("cycle/public/goal_commitments.html", {"commitments": commitments}, request=request)

"""The cycle on the portal's pages (CYCLE-1..CYCLE-3): commitments beside units and goals."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import OwnRecordForm
from .models import WorkRecordAttachment
from .permissions import can_read_record, may_read_cadre_records, may_read_unit_records, own_cadre_id

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


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


def _filters(request) -> tuple[str, int | None]:
    month = request.GET.get("month") or ""
    goal = request.GET.get("goal") or ""
    return (month if MONTH.match(month) else ""), (int(goal) if goal.isdigit() else None)


def _timeline(request, *, template: str, context: dict, months, goals, records):
    month, goal_id = _filters(request)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context.update(
        {
            "page_obj": page,
            "records": page.object_list,
            "months": months,
            "goals": goals,
            "month": month,
            "goal_id": goal_id,
        }
    )
    return render(request, template, context)


def cadre_records(request, pk):
    """A cadre's work records as a timeline, by month and goal (CYCLE-2)."""
    cadre = selectors.cadre_for_records(pk=pk)
    if cadre is None:
        raise Http404
    if not may_read_cadre_records(request.user, cadre=cadre):
        raise PermissionDenied
    month, goal_id = _filters(request)
    return _timeline(
        request,
        template="cycle/public/cadre_records.html",
        context={"cadre": cadre, "own": own_cadre_id(request.user) == cadre.pk},
        months=selectors.record_months(cadre=cadre),
        goals=selectors.record_goals(cadre=cadre),
        records=selectors.record_timeline(cadre=cadre, month=month, goal_id=goal_id),
    )


def unit_records(request, pk):
    """A unit's work records, its team's and its cadres', as a timeline (CYCLE-2)."""
    unit = selectors.unit_for_records(pk=pk)
    if unit is None:
        raise Http404
    if not may_read_unit_records(request.user, unit=unit):
        raise PermissionDenied
    month, goal_id = _filters(request)
    team_only = request.GET.get("team") == "1"
    return _timeline(
        request,
        template="cycle/public/unit_records.html",
        context={"unit": unit, "team_only": team_only, "cadres": selectors.unit_record_targets(unit=unit)},
        months=selectors.record_months(unit=unit),
        goals=selectors.record_goals(unit=unit),
        records=selectors.record_timeline(unit=unit, team_only=team_only, month=month, goal_id=goal_id),
    )


@login_required
def own_records(request):
    """A cadre records their own work (CYCLE-2): the form, then their timeline."""
    cadre_id = own_cadre_id(request.user)
    if cadre_id is None:
        raise PermissionDenied
    cadre = selectors.cadre_for_records(pk=cadre_id)
    form = OwnRecordForm(request.POST or None, request.FILES or None, cadre=cadre)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.work_record_add(
                    user=request.user,
                    cadre=cadre,
                    date=form.cleaned_data["date"],
                    content=form.cleaned_data["content"],
                    goals=form.cleaned_data["goals"],
                    files=[("", upload) for upload in form.cleaned_data["files"]],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Work record saved."))
                return redirect("cycle:own_records")
        status = 400
    return render(
        request,
        "cycle/public/own_records.html",
        {
            "cadre": cadre,
            "form": form,
            "records": selectors.record_timeline(cadre=cadre)[:10],
            "page_title": _("My work records"),
        },
        status=status,
    )


def record_attachment(request, pk):
    """An attachment, to those who may read its record only."""
    attachment = get_object_or_404(WorkRecordAttachment.objects.select_related("record__unit"), pk=pk)
    if not can_read_record(request.user, attachment.record):
        raise PermissionDenied
    name = attachment.title
    suffix = "." + attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else ""
    if not name.lower().endswith(suffix):
        name += suffix
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

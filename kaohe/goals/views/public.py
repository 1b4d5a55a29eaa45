"""Goals and progress on the portal: query, goal page, cadre page (GOAL-7, GOAL-8, SUP-6, SUP-7).

Readers see what ``permissions`` lets them: the public sees published goals
of public goal types and submitted reports; a unit's people also see their
drafts; the office sees everything.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from kaohe.org.models import Cadre

from ..forms import GoalFilterForm
from ..models import PERIOD_ORDER, Assignment, Goal, GoalPlan, ProgressEntry, ProgressReport
from ..permissions import can_view_plan, is_public_reader, sees_unsubmitted_reports, visible_plans, visible_reports
from ..tree import ProgressView, attach_badges, attach_latest_progress, load_tree

ANCESTOR_LEVELS = 6


def public_goal_q(prefix: str = "") -> Q:
    """Goals whose own goal type, or nearest ancestor's, is marked public."""
    q = Q()
    path = prefix
    missing = Q()
    for _level in range(ANCESTOR_LEVELS):
        q |= missing & Q(**{f"{path}goal_type__is_public": True})
        missing &= Q(**{f"{path}goal_type__isnull": True})
        path += "parent__"
    return q


def visible_goals(user):
    goals = Goal.objects.filter(plan__in=visible_plans(user))
    if is_public_reader(user):
        goals = goals.filter(public_goal_q())
    return goals


def can_view_goal(user, goal: Goal) -> bool:
    return visible_goals(user).filter(pk=goal.pk).exists()


def reports_visible_q(user) -> Q:
    """Reports the reader may see, across plans."""
    from ..permissions import own_unit_id, sees_all_plans

    if sees_all_plans(user):
        return Q()
    unit_id = own_unit_id(user)
    q = Q(submitted=True)
    if unit_id is not None:
        q |= Q(plan__unit_id=unit_id)
    return q


def goal_query(request):
    """Goals by unit, supervising department, year, goal type and cadre (GOAL-7, SUP-6)."""
    years = sorted(set(visible_plans(request.user).values_list("year", flat=True)), reverse=True)
    query = request.GET.copy()
    if years and not query.get("year"):
        query["year"] = str(years[0])  # the latest year unless another is chosen
    form = GoalFilterForm(query, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or (years[0] if years else None)
    unit = data.get("unit")
    period = data.get("period") or ""
    context = {"form": form, "year": year, "years": years, "period": period}
    if unit is not None and not any(data.get(key) for key in ("supervising_unit", "goal_type", "cadre", "q")):
        plan = visible_plans(request.user).filter(unit=unit, year=year).select_related("unit").first()
        context["plan"] = plan
        if plan is not None:
            tree = load_tree(plan, reports=_up_to(visible_reports(request.user, plan), period))
            public = is_public_reader(request.user)
            context["nodes"] = [node for node in tree.walk() if not public or node.effective_type_public]
            attach_badges(request, context["nodes"])
            context["roots"] = [node for node in tree.roots if not public or node.effective_type_public]
            context["public"] = public
        return render(request, "goals/public/goal_query.html", context)
    goals = (
        visible_goals(request.user)
        .select_related("plan__unit", "goal_type", "indicator__measure_unit", "supervising_unit")
        .order_by(
            "plan__unit__kind__sort_order", "plan__unit__sort_order", "plan__unit__name", "parent_id", "sort_order"
        )
    )
    if year:
        goals = goals.filter(plan__year=year)
    if unit is not None:
        goals = goals.filter(plan__unit=unit)
    if data.get("supervising_unit"):
        goals = goals.filter(supervising_unit=data["supervising_unit"])
    if data.get("goal_type"):
        goals = goals.filter(goal_type=data["goal_type"])
    if data.get("cadre"):
        goals = goals.filter(assignments__cadre=data["cadre"])
    if data.get("q"):
        goals = goals.filter(name__icontains=data["q"])
    page = Paginator(goals.distinct(), 50).get_page(request.GET.get("page"))
    nodes = _flat_nodes(request.user, list(page.object_list), period)
    attach_badges(request, nodes)
    context.update({"page_obj": page, "flat": nodes})
    if not any(data.get(key) for key in ("unit", "supervising_unit", "goal_type", "cadre", "q")) and year:
        overview = _overview(request.user, year, period)
        context["overview"] = overview
        context["overview_json"] = json.dumps(
            {
                "units": [row["unit"] for row in overview],
                "completion": [row["average"] for row in overview],
                "label": _("average completion (%)"),
            },
            ensure_ascii=False,
        )
    return render(request, "goals/public/goal_query.html", context)


def _up_to(reports, period):
    """Reports of ``period`` and earlier: progress as it stood then (SUP-6)."""
    if not period:
        return reports
    rank = PERIOD_ORDER.get(period, 99)
    return reports.filter(period__in=[key for key, value in PERIOD_ORDER.items() if value <= rank])


def _overview(user, year, period):
    """Per unit: goals, completed, late, average completion of goals with
    progress; for comparing units at a glance (SUP-6)."""
    goals = list(
        visible_goals(user)
        .filter(plan__year=year)
        .select_related("plan__unit__kind", "indicator")
        .order_by("plan__unit__kind__sort_order", "plan__unit__sort_order", "plan__unit__name")
    )
    by_id = {goal.pk: FlatNode(goal) for goal in goals}
    if by_id:
        attach_latest_progress(
            by_id, _up_to(ProgressReport.objects.filter(reports_visible_q(user), plan__year=year), period)
        )
    rows: dict[int, dict] = {}
    for node in by_id.values():
        unit = node.goal.plan.unit
        row = rows.setdefault(
            unit.pk, {"unit": unit.name, "unit_id": unit.pk, "goals": 0, "completed": 0, "late": 0, "values": []}
        )
        row["goals"] += 1
        row["completed"] += node.completed
        row["late"] += node.late
        if node.completion is not None:
            row["values"].append(float(min(node.completion, 100)))
    result = []
    for row in rows.values():
        values = row.pop("values")
        row["average"] = round(sum(values) / len(values), 1) if values else None
        result.append(row)
    return result


class FlatNode(ProgressView):
    """A goal outside its tree, with its latest visible progress."""

    def __init__(self, goal):
        self.goal = goal
        self.latest = None
        self.assignments = []
        self.badges = []


def _flat_nodes(user, goals, period=""):
    by_id = {goal.pk: FlatNode(goal) for goal in goals}
    if by_id:
        reports = _up_to(ProgressReport.objects.filter(reports_visible_q(user)), period)
        attach_latest_progress(by_id, reports)
        for assignment in Assignment.objects.filter(goal_id__in=list(by_id)).select_related("cadre", "role"):
            by_id[assignment.goal_id].assignments.append(assignment)
    return [by_id[goal.pk] for goal in goals]


def goal_detail(request, pk):
    """One goal: plan, decomposition, every visible report, and its line chart (GOAL-8)."""
    goal = get_object_or_404(
        Goal.objects.select_related(
            "plan__unit", "goal_type", "source", "supervising_unit", "indicator__measure_unit", "parent"
        ),
        pk=pk,
    )
    if not can_view_plan(request.user, goal.plan) or not can_view_goal(request.user, goal):
        raise Http404
    entries = list(
        ProgressEntry.objects.filter(goal=goal)
        .filter(report__in=visible_reports(request.user, goal.plan))
        .select_related("report")
    )
    entries.sort(key=lambda entry: PERIOD_ORDER.get(entry.report.period, 0))
    node = FlatNode(goal)
    node.latest = entries[-1] if entries else None
    node.assignments = list(goal.assignments.select_related("cadre", "role"))
    children = visible_goals(request.user).filter(parent=goal).order_by("sort_order")
    chart = _chart(request.user, goal, entries) if goal.is_quantitative else None
    goal_type, ancestor = goal.goal_type, goal.parent
    while goal_type is None and ancestor is not None:
        goal_type, ancestor = ancestor.goal_type, ancestor.parent
    return render(
        request,
        "goals/public/goal_detail.html",
        {
            "goal": goal,
            "node": node,
            "goal_type": goal_type,
            "sections": goal_page_sections(request, goal),
            "entries": entries,
            "children": children,
            "chart_json": json.dumps(chart, ensure_ascii=False) if chart else "",
            "changes": goal.changes.select_related("changed_by")[:20] if not is_public_reader(request.user) else [],
        },
    )


def goal_page_sections(request, goal) -> str:
    """HTML other apps add under a goal's progress, through the
    ``register_goal_page_section`` hook: ``fn(request, goal) -> (order, html) | None``
    (comments and answers, for instance)."""
    from django.utils.safestring import mark_safe
    from wagtail import hooks

    sections = [section for fn in hooks.get_hooks("register_goal_page_section") if (section := fn(request, goal))]
    return mark_safe("".join(html for _order, html in sorted(sections, key=lambda s: s[0])))  # noqa: S308


def _chart(user, goal, entries):
    """Plan and actual of every reported period, this year and the years
    before, on one line: the same unit's goals on the same indicator (GOAL-8)."""
    history = (
        Goal.objects.filter(
            plan__unit_id=goal.plan.unit_id, indicator_id=goal.indicator_id, plan__in=visible_plans(user)
        )
        .select_related("plan")
        .order_by("plan__year")
    )
    goals = {other.pk: other for other in history}
    points = (
        ProgressEntry.objects.filter(goal_id__in=list(goals))
        .filter(report__in=ProgressReport.objects.filter(reports_visible_q(user)))
        .select_related("report")
    )
    rows = sorted(
        ((goals[e.goal_id].plan.year, PERIOD_ORDER.get(e.report.period, 0), e) for e in points),
        key=lambda row: (row[0], row[1], row[2].report.period),
    )
    return {
        "unit": goal.indicator.measure_unit.name if goal.indicator_id else "",
        "labels": {"plan": _("plan value"), "actual": _("actual value")},
        "periods": [f"{year} {e.report.get_period_display()}" for year, _rank, e in rows],
        "plan": [_float(goals[e.goal_id].plan_value) for _year, _rank, e in rows],
        "actual": [_float(e.actual_value) for _year, _rank, e in rows],
        "years": [{"year": other.plan.year, "plan": _float(other.plan_value)} for other in goals.values()],
    }


def _float(value):
    return float(value) if value is not None else None


def cadre_goals(request, pk):
    """The goals assigned to a cadre, with their roles (GOAL-7)."""
    cadre = get_object_or_404(Cadre.objects.select_related("unit"), pk=pk)
    assignments = (
        Assignment.objects.filter(cadre=cadre, goal__in=visible_goals(request.user))
        .select_related("goal__plan__unit", "goal__indicator__measure_unit", "goal__goal_type", "role")
        .order_by("-goal__plan__year", "goal__plan__unit__name", "goal__sort_order")
    )
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    nodes = _flat_nodes(request.user, [a.goal for a in page.object_list])
    rows = list(zip(page.object_list, nodes, strict=True))
    return render(request, "goals/public/cadre_goals.html", {"cadre": cadre, "page_obj": page, "rows": rows})


def unit_section(request, unit):
    """The unit's published goals and latest progress on its public page."""
    user = request.user if request is not None else None
    plan = visible_plans(user).filter(unit=unit, status=GoalPlan.Status.PUBLISHED).order_by("-year").first()
    if plan is None:
        return None
    tree = load_tree(
        plan,
        reports=visible_reports(user, plan) if user else plan.reports.filter(submitted=True),
        with_assignments=False,
    )
    public = is_public_reader(user)
    roots = [node for node in tree.roots if not public or node.effective_type_public]
    if not roots:
        return None
    from django.template.loader import render_to_string

    return render_to_string(
        "goals/public/unit_section.html",
        {"plan": plan, "roots": roots, "public": public, "sees_drafts": sees_unsubmitted_reports(user, plan)},
        request=request,
    )

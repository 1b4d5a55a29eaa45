"""Goals and progress on the portal: query, goal page, cadre page (GOAL-7, GOAL-8, SUP-6, SUP-7).

Readers see what ``permissions`` lets them: the public sees published goals
of public goal types and submitted reports; a unit's people also see their
drafts; the office sees everything.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail import hooks

from kaohe.org.selectors import cadre_with_unit

from .. import selectors
from ..forms import GoalFilterForm
from ..permissions import can_view_plan, is_public_reader, sees_unsubmitted_reports
from ..tree import FlatNode, attach_badges, load_roots

FILTERS = ("supervising_unit", "goal_type", "cadre", "q")


def goal_query(request):
    """Goals by unit, supervising department, year, goal type and cadre (GOAL-7, SUP-6)."""
    user = request.user
    years = selectors.plan_years(user=user)
    query = request.GET.copy()
    if years and not query.get("year"):
        query["year"] = str(years[0])  # the latest year unless another is chosen
    form = GoalFilterForm(query, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or (years[0] if years else None)
    unit = data.get("unit")
    period = data.get("period") or ""
    context = {"form": form, "year": year, "years": years, "period": period}
    if unit is not None and not any(data.get(key) for key in FILTERS):
        plan = selectors.visible_plans(user=user).filter(unit=unit, year=year).select_related("unit").first()
        context["plan"] = plan
        if plan is not None:
            _tree, nodes, roots = selectors.plan_tree_for_reader(user=user, plan=plan, period=period)
            attach_badges(request, nodes)
            context.update({"nodes": nodes, "roots": roots, "public": is_public_reader(user)})
        return render(request, "goals/public/goal_query.html", context)
    goals = selectors.goal_search(
        user=user,
        year=year,
        unit=unit,
        supervising_unit=data.get("supervising_unit"),
        goal_type=data.get("goal_type"),
        cadre=data.get("cadre"),
        text=data.get("q") or "",
    )
    page = Paginator(goals, 50).get_page(request.GET.get("page"))
    nodes = selectors.goal_flat_nodes(user=user, goals=list(page.object_list), period=period)
    attach_badges(request, nodes)
    context.update({"page_obj": page, "flat": nodes})
    if unit is None and not any(data.get(key) for key in FILTERS) and year:
        overview = selectors.unit_completion_overview(user=user, year=year, period=period)
        context["overview"] = overview
        context["overview_json"] = {
            "units": [row["unit"] for row in overview],
            "completion": [row["average"] for row in overview],
            "label": _("average completion (%)"),
        }
    return render(request, "goals/public/goal_query.html", context)


def goal_detail(request, pk):
    """One goal: plan, decomposition, every visible report, and its line chart (GOAL-8)."""
    user = request.user
    goal = selectors.goal_for_reader(user=user, pk=pk)
    if goal is None or not can_view_plan(user, goal.plan):
        raise Http404
    entries = selectors.goal_entries(user=user, goal=goal)
    node = FlatNode(goal)
    node.latest = entries[-1] if entries else None
    node.assignments = list(goal.assignments.select_related("cadre", "role"))
    chart = selectors.goal_chart(user=user, goal=goal) if goal.is_quantitative else None
    return render(
        request,
        "goals/public/goal_detail.html",
        {
            "goal": goal,
            "node": node,
            "goal_type": selectors.goal_effective_type(goal=goal),
            "sections": goal_page_sections(request, goal),
            "entries": entries,
            "children": selectors.visible_goals(user=user).filter(parent=goal).order_by("sort_order"),
            "chart_json": chart,
            "changes": selectors.recent_goal_changes(goal=goal) if not is_public_reader(user) else [],
        },
    )


def goal_page_sections(request, goal) -> str:
    """HTML other apps add under a goal's progress, through the
    ``register_goal_page_section`` hook: ``fn(request, goal) -> (order, html) | None``
    (comments and answers, for instance)."""
    sections = [section for fn in hooks.get_hooks("register_goal_page_section") if (section := fn(request, goal))]
    return mark_safe("".join(html for _order, html in sorted(sections, key=lambda s: s[0])))  # noqa: S308


def cadre_goals(request, pk):
    """The goals assigned to a cadre, with their roles (GOAL-7)."""
    cadre = cadre_with_unit(pk=pk)
    if cadre is None:
        raise Http404
    assignments = selectors.cadre_assignments(user=request.user, cadre=cadre)
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    nodes = selectors.goal_flat_nodes(user=request.user, goals=[a.goal for a in page.object_list])
    rows = list(zip(page.object_list, nodes, strict=True))
    return render(request, "goals/public/cadre_goals.html", {"cadre": cadre, "page_obj": page, "rows": rows})


def unit_section(request, unit):
    """The unit's published goals and latest progress on its public page."""
    user = request.user if request is not None else None
    plan = selectors.unit_latest_published_plan(user=user, unit=unit)
    if plan is None:
        return None
    top = load_roots(
        plan,
        reports=selectors.visible_reports(user=user, plan=plan)
        if user
        else plan.reports.filter(submitted=True, published_at__isnull=False),
    )
    public = is_public_reader(user)
    roots = [node for node in top if not public or node.effective_type_public]
    if not roots:
        return None
    return render_to_string(
        "goals/public/unit_section.html",
        {"plan": plan, "roots": roots, "public": public, "sees_drafts": sees_unsubmitted_reports(user, plan)},
        request=request,
    )

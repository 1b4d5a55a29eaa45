"""The unit administrator's goal screens in the Wagtail admin (GOAL-1..GOAL-6).

Every view checks the rule tables on the server; the tree screen's buttons
only show what the reader may do. Forms work without JavaScript (full pages
that return to the tree); with it, they open in a dialog on the tree page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from kaohe.org.models import Unit

from .. import services
from ..forms import AssignmentFormSet, GoalForm, NewPlanForm, team_cadres
from ..models import Goal, GoalChange, GoalPlan, GoalType, period_choices
from ..permissions import (
    can_edit_plan,
    can_view_plan,
    goal_rules,
    plan_rules,
    visible_plans,
    visible_reports,
)
from ..tree import attach_badges, load_tree


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _plan_for(request, pk, *, edit=False) -> GoalPlan:
    plan = get_object_or_404(GoalPlan.objects.select_related("unit", "published_by"), pk=pk)
    if not can_view_plan(request.user, plan):
        raise PermissionDenied
    if edit and not can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _goal_for_edit(request, pk) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("plan__unit", "parent", "updated_by"), pk=pk)
    if not goal_rules.can_for(request.user, "change", goal):
        raise PermissionDenied
    return goal


def _tree_url(plan, goal=None) -> str:
    url = reverse("goals_admin:plan", args=[plan.pk])
    return f"{url}#goal-{goal.pk}" if goal is not None and goal.pk else url


def plan_index(request):
    """Every plan the reader may see, filterable by year, status and unit."""
    if not plan_rules.can(request.user, "view"):
        raise PermissionDenied
    plans = (
        visible_plans(request.user)
        .select_related("unit__kind")
        .annotate(goal_count=Count("goals"))
        .order_by("-year", "unit__kind__sort_order", "unit__sort_order", "unit__name")
    )
    years = sorted(set(GoalPlan.objects.values_list("year", flat=True)), reverse=True)
    year = request.GET.get("year") or ""
    status = request.GET.get("status") or ""
    query = (request.GET.get("q") or "").strip()
    if year.isdigit():
        plans = plans.filter(year=int(year))
    if status in GoalPlan.Status.values:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(unit__name__icontains=query) | Q(unit__short_name__icontains=query))
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    can_add = plan_rules.can(request.user, "add")
    return render(
        request,
        "goals/admin/plan_index.html",
        {
            "page_obj": page,
            "years": years,
            "year": year,
            "status": status,
            "query": query,
            "statuses": GoalPlan.Status.choices,
            "can_add": can_add,
            "new_form": _new_plan_form(request) if can_add else None,
        },
    )


def _units_for_new_plan(user):
    from kaohe.core.rules import is_office

    units = Unit.objects.filter(is_active=True).select_related("kind")
    if is_office(user):
        return units
    return units.filter(pk=getattr(user, "unit_id", None))


def _new_plan_form(request, data=None):
    from django.utils import timezone

    form = NewPlanForm(data, units=_units_for_new_plan(request.user), initial={"year": timezone.localdate().year})
    units = form.fields["unit"].queryset
    if units.count() == 1:
        form.fields["unit"].initial = units.first()
    return form


@require_POST
def plan_create(request):
    if not plan_rules.can(request.user, "add"):
        raise PermissionDenied
    form = _new_plan_form(request, request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("goals_admin:index")
    unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
    if not plan_rules.can_for(request.user, "add", GoalPlan(unit=unit, year=year)):
        raise PermissionDenied
    previous = GoalPlan.objects.filter(unit=unit, year=year - 1).first()
    try:
        if form.cleaned_data["copy_previous"] and previous is not None:
            plan = services.copy_plan(previous, year, request.user)
            messages.success(
                request, _("Started %(year)s's goals from %(previous)s's.") % {"year": year, "previous": previous.year}
            )
        else:
            plan = GoalPlan.objects.create(unit=unit, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("goals_admin:index")
    log(plan, "wagtail.create", user=request.user)
    return redirect("goals_admin:plan", plan.pk)


def plan_tree(request, pk):
    """The tree screen: the whole plan, expanded to the chosen depth (GOAL-3)."""
    plan = _plan_for(request, pk)
    tree = load_tree(plan, reports=visible_reports(request.user, plan))
    editable = can_edit_plan(request.user, plan)
    try:
        depth = max(1, min(9, int(request.GET.get("depth", 2))))
    except ValueError:
        depth = 2
    nodes = list(tree.walk())
    attach_badges(request, nodes)
    return render(
        request,
        "goals/admin/plan_tree.html",
        {
            "plan": plan,
            "tree": tree,
            "nodes": nodes,
            "editable": editable,
            "depth": depth,
            "depths": [1, 2, 3, 4],
            "warnings": tree.weight_warnings(),
            "goal_types": GoalType.objects.all(),
            "change_count": plan.changes.count() if plan.is_published else 0,
            "periods": period_choices(),
        },
    )


def _render_goal_form(request, plan, form, *, title, action, goal=None, status=200):
    base = "goals/admin/fragment.html" if _is_fetch(request) else "goals/admin/page.html"
    return render(
        request,
        "goals/admin/goal_form.html",
        {"base_template": base, "plan": plan, "form": form, "title": title, "action": action, "goal": goal},
        status=status,
    )


def _done(request, plan, goal=None, message=None):
    if message:
        messages.success(request, message)
    url = _tree_url(plan, goal)
    if _is_fetch(request):
        return JsonResponse({"ok": True, "url": url, "goal": goal.pk if goal is not None and goal.pk else None})
    return HttpResponseRedirect(url)


def goal_add(request, pk):
    """Add a top-level goal, a child (``?parent=``) or a sibling after (``?after=``)."""
    plan = _plan_for(request, pk, edit=True)
    parent = after = None
    if request.GET.get("parent"):
        parent = get_object_or_404(Goal, pk=request.GET["parent"], plan=plan)
    if request.GET.get("after"):
        after = get_object_or_404(Goal, pk=request.GET["after"], plan=plan)
        parent = after.parent
    action = request.get_full_path()
    title = _("New sub-goal of “%(parent)s”") % {"parent": parent} if parent else _("New goal")
    if request.method == "POST":
        form = GoalForm(request.POST, instance=Goal(plan=plan, parent=parent))
        if form.is_valid():
            try:
                goal = services.add_goal(form.instance, request.user, after=after)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _done(request, plan, goal, _("Added “%(goal)s”.") % {"goal": goal})
        return _render_goal_form(request, plan, form, title=title, action=action, status=400)
    initial = {}
    if parent is not None:
        initial = {
            "goal_type": parent.goal_type_id,
            "source": parent.source_id,
            "supervising_unit": parent.supervising_unit_id,
            "due_date": parent.due_date,
        }
    form = GoalForm(instance=Goal(plan=plan, parent=parent), initial=initial)
    return _render_goal_form(request, plan, form, title=title, action=action)


def goal_edit(request, pk):
    goal = _goal_for_edit(request, pk)
    plan = goal.plan
    action = reverse("goals_admin:goal_edit", args=[goal.pk])
    if request.method == "POST":
        before = services.snapshot(goal)
        form = GoalForm(request.POST, instance=goal)
        if form.is_valid():
            try:
                version = int(request.POST.get("version") or goal.version)
                services.update_goal(form.instance, before, version, request.user)
            except services.StaleGoal as stale:
                form.add_error(None, str(stale))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _done(request, plan, goal, _("Saved “%(goal)s”.") % {"goal": goal})
        return _render_goal_form(request, plan, form, title=_("Edit goal"), action=action, goal=goal, status=400)
    return _render_goal_form(request, plan, GoalForm(instance=goal), title=_("Edit goal"), action=action, goal=goal)


@require_POST
def goal_delete(request, pk):
    goal = get_object_or_404(Goal.objects.select_related("plan__unit"), pk=pk)
    if not goal_rules.can_for(request.user, "delete", goal):
        raise PermissionDenied
    plan, name = goal.plan, goal.name
    count = services.delete_goal(goal, request.user)
    message = _("Deleted “%(goal)s”.") % {"goal": name}
    if count > 1:
        message = _("Deleted “%(goal)s” and its %(count)s sub-goals.") % {"goal": name, "count": count - 1}
    return _done(request, plan, None, message)


@require_POST
def goal_move(request, pk):
    """Move under another parent (``parent``, empty for top level) at
    ``position``, or one step ``up``/``down`` (GOAL-3)."""
    goal = _goal_for_edit(request, pk)
    plan = goal.plan
    try:
        if request.POST.get("step") in ("up", "down"):
            services.shift_goal(goal, -1 if request.POST["step"] == "up" else 1, request.user)
        else:
            parent_id = request.POST.get("parent") or None
            new_parent = None
            if parent_id is not None:
                new_parent = Goal.objects.filter(pk=parent_id).first()
                if new_parent is None:
                    raise ValidationError(_("The chosen parent goal does not exist any more."))
            position = request.POST.get("position")
            services.move_goal(
                goal, new_parent, int(position) if position and position.isdigit() else None, request.user
            )
    except ValidationError as error:
        if _is_fetch(request):
            return JsonResponse({"ok": False, "error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(_tree_url(plan, goal))
    return _done(request, plan, goal)


@require_POST
def bulk_action(request, pk):
    """Delete, move or classify several goals at once (GOAL-3 bulk operations)."""
    plan = _plan_for(request, pk, edit=True)
    ids = [int(value) for value in request.POST.getlist("goal") if value.isdigit()]
    goals = list(Goal.objects.filter(plan=plan, pk__in=ids).select_related("plan"))
    action = request.POST.get("action")
    if not goals:
        messages.error(request, _("Tick the goals to act on first."))
        return redirect("goals_admin:plan", plan.pk)
    try:
        with transaction.atomic():
            if action == "delete":
                chosen = {goal.pk for goal in goals}
                parents = dict(Goal.objects.filter(plan=plan).values_list("pk", "parent_id"))
                # A goal inside a chosen subtree goes with its ancestor.
                tops = [goal for goal in goals if not _has_chosen_ancestor(goal, chosen, parents)]
                count = sum(services.delete_goal(goal, request.user) for goal in tops)
                messages.success(request, _("Deleted %(count)s goals.") % {"count": count})
            elif action == "move":
                target_id = request.POST.get("target") or None
                target = Goal.objects.filter(pk=target_id, plan=plan).first() if target_id else None
                if target_id and target is None:
                    raise ValidationError(_("The chosen parent goal does not exist any more."))
                for goal in goals:
                    goal.refresh_from_db()
                    services.move_goal(goal, target, None, request.user)
                messages.success(request, _("Moved %(count)s goals.") % {"count": len(goals)})
            elif action == "type":
                goal_type = GoalType.objects.filter(pk=request.POST.get("goal_type") or 0).first()
                if goal_type is None:
                    raise ValidationError(_("Choose a goal type."))
                for goal in goals:
                    before = services.snapshot(goal)
                    goal.goal_type = goal_type
                    services.update_goal(goal, before, goal.version, request.user)
                messages.success(request, _("Set the goal type of %(count)s goals.") % {"count": len(goals)})
            else:
                raise ValidationError(_("Unknown action."))
    except (ValidationError, services.StaleGoal) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("goals_admin:plan", plan.pk)


def _has_chosen_ancestor(goal, chosen, parents) -> bool:
    parent_id = goal.parent_id
    while parent_id:
        if parent_id in chosen:
            return True
        parent_id = parents.get(parent_id)
    return False


def goal_assign(request, pk):
    """Decomposition: team members, their roles, and 纳入考核 (GOAL-5)."""
    goal = _goal_for_edit(request, pk)
    plan = goal.plan
    cadres = team_cadres(plan.unit)
    initial = [{"cadre": a.cadre_id, "role": a.role_id} for a in goal.assignments.all()]
    if request.method == "POST":
        formset = AssignmentFormSet(request.POST, cadres=cadres, initial=initial)
        counts = request.POST.get("counts_in_assessment") == "on"
        if formset.is_valid():
            rows = [
                (form.cleaned_data["cadre"], form.cleaned_data["role"])
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            services.set_assignments(goal, rows, counts, request.user)
            return _done(request, plan, goal, _("Saved the decomposition of “%(goal)s”.") % {"goal": goal})
        status = 400
    else:
        formset = AssignmentFormSet(cadres=cadres, initial=initial)
        status = 200
    base = "goals/admin/fragment.html" if _is_fetch(request) else "goals/admin/page.html"
    return render(
        request,
        "goals/admin/goal_assign.html",
        {
            "base_template": base,
            "plan": plan,
            "goal": goal,
            "formset": formset,
            "has_cadres": cadres.exists(),
            "action": reverse("goals_admin:goal_assign", args=[goal.pk]),
            "title": _("Decompose “%(goal)s”") % {"goal": goal},
        },
        status=status,
    )


@require_POST
def plan_publish(request, pk):
    plan = _plan_for(request, pk, edit=True)
    if plan.is_published:
        messages.info(request, _("These goals are already published."))
    elif not plan.goals.exists():
        messages.error(request, _("There are no goals to publish yet."))
    else:
        services.publish_plan(plan, request.user)
        log(plan, "wagtail.publish", user=request.user)
        messages.success(request, _("Published. From now on every change is recorded and marked."))
    return redirect("goals_admin:plan", plan.pk)


def plan_changes(request, pk):
    """What changed after publishing, when and by whom (GOAL-6)."""
    plan = _plan_for(request, pk)
    changes = plan.changes.select_related("changed_by", "goal")
    goal_id = request.GET.get("goal")
    if goal_id and goal_id.isdigit():
        changes = changes.filter(goal_id=int(goal_id))
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(
        request, "goals/admin/plan_changes.html", {"plan": plan, "page_obj": page, "actions": GoalChange.Action}
    )

"""The unit administrator's goal screens in the Wagtail admin (GOAL-1..GOAL-6).

Every view checks the rule tables on the server; the tree screen's buttons
only show what the reader may do. Forms work without JavaScript (full pages
that return to the tree); with it, they open in a dialog on the tree page.
The screens are Wagtail's generic class-based views on its generic templates;
they read through ``selectors`` and write through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaohe.core.pagination import admin_page
from kaohe.core.screens import AdminScreen

from .. import selectors, services
from ..forms import AssignmentFormSet, GoalForm, NewPlanForm
from ..models import Goal, GoalChange, GoalPlan, GoalType, period_choices
from ..permissions import can_edit_plan, can_view_plan, goal_rules, plan_rules
from ..tree import attach_badges, load_tree


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _tree_url(plan, goal=None) -> str:
    url = reverse("goals_admin:plan", args=[plan.pk])
    return f"{url}#goal-{goal.pk}" if goal is not None and goal.pk else url


def _error_text(error: ValidationError | services.StaleGoal) -> str:
    return " ".join(getattr(error, "messages", [str(error)]))


class GoalsAdminView(AdminScreen):
    """Base of the goal screens, with the goals' breadcrumbs; ``load`` checks the reader's
    rights and loads what the URL names."""

    header_icon = "crosshairs"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("goals_admin:index"), "label": _("Yearly goals")}]


class PlanView(GoalsAdminView):
    """A screen of one plan: loads it and checks that the reader may see it, and edit it when ``edit``."""

    edit = False

    def load(self, **kwargs) -> None:
        self.plan = self.get_plan(kwargs["pk"])

    def get_plan(self, pk) -> GoalPlan:
        plan = get_object_or_404(GoalPlan.objects.select_related("unit", "published_by"), pk=pk)
        if not can_view_plan(self.request.user, plan):
            raise PermissionDenied
        if self.edit and not can_edit_plan(self.request.user, plan):
            raise PermissionDenied
        return plan

    def get_page_subtitle(self):
        return self.plan.unit.name

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        label = _("%(unit)s, %(year)s") % {"unit": self.plan.unit.name, "year": self.plan.year}
        items.append({"url": reverse("goals_admin:plan", args=[self.plan.pk]), "label": label})
        items.append({"url": "", "label": self.get_page_title()})
        return items

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PlanIndexView(GoalsAdminView):
    """Every plan the reader may see, filterable by year, status and unit."""

    template_name = "goals/admin/plan_index.html"
    page_title = gettext_lazy("Yearly goals")

    def load(self, **kwargs) -> None:
        if not plan_rules.can(self.request.user, "view"):
            raise PermissionDenied

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.request.GET.get("year") or ""
        status = self.request.GET.get("status") or ""
        query = (self.request.GET.get("q") or "").strip()
        plans = selectors.plan_list(
            user=self.request.user,
            year=int(year) if year.isdigit() else None,
            status=status if status in GoalPlan.Status.values else "",
            text=query,
        )
        can_add = plan_rules.can(self.request.user, "add")
        goal_words = (self.request.GET.get("goal") or "").strip()[:100]
        if goal_words:  # goals by words instead of plans (PORTAL-4)
            plans = selectors.goal_admin_search(
                user=self.request.user,
                text=goal_words,
                year=int(year) if year.isdigit() else None,
                status=status if status in GoalPlan.Status.values else "",
            )
        context.update(
            {
                "goal_words": goal_words,
                "page_obj": admin_page(self.request, plans),
                "years": selectors.all_plan_years(),
                "year": year,
                "status": status,
                "query": query,
                "statuses": GoalPlan.Status.choices,
                "can_add": can_add,
                "new_form": new_plan_form(self.request) if can_add else None,
            }
        )
        return context


def new_plan_form(request, data=None) -> NewPlanForm:
    form = NewPlanForm(
        data,
        units=selectors.units_for_new_plan(user=request.user),
        initial={"year": timezone.localdate().year},
    )
    units = form.fields["unit"].queryset
    if units.count() == 1:
        form.fields["unit"].initial = units.first()
    return form


class PlanCreateView(View):
    """POST: start a year's goals, empty or from the year before's tree (GOAL-3)."""

    http_method_names = ["post"]

    def post(self, request):
        if not plan_rules.can(request.user, "add"):
            raise PermissionDenied
        form = new_plan_form(request, request.POST)
        if not form.is_valid():
            for error in form.errors.values():
                messages.error(request, " ".join(error))
            return redirect("goals_admin:index")
        unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
        if not plan_rules.can_for(request.user, "add", GoalPlan(unit=unit, year=year)):
            raise PermissionDenied
        try:
            plan, previous = services.plan_create(
                unit=unit, year=year, user=request.user, copy_previous=form.cleaned_data["copy_previous"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("goals_admin:index")
        if previous is not None:
            messages.success(
                request, _("Started %(year)s's goals from %(previous)s's.") % {"year": year, "previous": previous.year}
            )
        return redirect("goals_admin:plan", plan.pk)


class PlanTreeView(PlanView):
    """The tree screen: the whole plan, expanded to the chosen depth (GOAL-3)."""

    template_name = "goals/admin/plan_tree.html"

    def get_page_title(self):
        return _("%(year)s goals") % {"year": self.plan.year}

    def get_breadcrumbs_items(self):
        items = GoalsAdminView.get_breadcrumbs_items(self)
        items.append({"url": "", "label": _("%(unit)s, %(year)s") % {"unit": self.plan.unit, "year": self.plan.year}})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.plan, self.request.user
        tree = load_tree(plan, reports=selectors.visible_reports(user=user, plan=plan))
        try:
            depth = max(1, min(9, int(self.request.GET.get("depth", 2))))
        except ValueError:
            depth = 2
        nodes = list(tree.walk())
        attach_badges(self.request, nodes)
        context.update(
            {
                "tree": tree,
                "nodes": nodes,
                "editable": can_edit_plan(user, plan),
                "depth": depth,
                "depths": [1, 2, 3, 4],
                "warnings": tree.weight_warnings(),
                "goal_types": GoalType.objects.all(),
                "change_count": plan.changes.count() if plan.is_published else 0,
                "periods": period_choices(),
            }
        )
        return context


class GoalDialogMixin:
    """A form that opens in a dialog on the tree page when fetched, or as a page of its own;
    on success it answers the dialog with JSON and the page with a redirect to the tree."""

    def get_context_data(self, **kwargs):
        base = "goals/admin/fragment.html" if _is_fetch(self.request) else "goals/admin/page.html"
        return super().get_context_data(base_template=base, **kwargs)

    def done(self, goal=None, message=None):
        if message:
            messages.success(self.request, message)
        url = _tree_url(self.plan, goal)
        if _is_fetch(self.request):
            return JsonResponse({"ok": True, "url": url, "goal": goal.pk if goal is not None and goal.pk else None})
        return HttpResponseRedirect(url)

    def invalid(self, **context):
        return self.render_to_response(self.get_context_data(**context), status=400)


class GoalAddView(GoalDialogMixin, PlanView):
    """Add a top-level goal, a child (``?parent=``) or a sibling after (``?after=``)."""

    edit = True
    template_name = "goals/admin/goal_form.html"

    def load(self, **kwargs) -> None:
        self.parent = self.after = None
        super().load(**kwargs)

    def get_plan(self, pk):
        plan = super().get_plan(pk)
        if self.request.GET.get("parent"):
            self.parent = get_object_or_404(Goal, pk=self.request.GET["parent"], plan=plan)
        if self.request.GET.get("after"):
            self.after = get_object_or_404(Goal, pk=self.request.GET["after"], plan=plan)
            self.parent = self.after.parent
        return plan

    def get_page_title(self):
        if self.parent is not None:
            return _("New sub-goal of “%(parent)s”") % {"parent": self.parent}
        return _("New goal")

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            initial = {}
            if self.parent is not None:
                initial = {
                    "goal_type": self.parent.goal_type_id,
                    "source": self.parent.source_id,
                    "supervising_unit": self.parent.supervising_unit_id,
                    "due_date": self.parent.due_date,
                }
            kwargs["form"] = GoalForm(instance=Goal(plan=self.plan, parent=self.parent), initial=initial)
        return super().get_context_data(title=self.get_page_title(), action=self.request.get_full_path(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = GoalForm(request.POST, instance=Goal(plan=self.plan, parent=self.parent))
        if form.is_valid():
            try:
                goal = services.goal_add(goal=form.instance, user=request.user, after=self.after)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.done(goal, _("Added “%(goal)s”.") % {"goal": goal})
        return self.invalid(form=form)


class GoalView(PlanView):
    """A screen of one goal the reader may change (``action``); its plan is the goal's."""

    action = "change"

    def load(self, **kwargs) -> None:
        self.goal = get_object_or_404(
            Goal.objects.select_related("plan__unit", "parent", "updated_by"), pk=kwargs["pk"]
        )
        if not goal_rules.can_for(self.request.user, self.action, self.goal):
            raise PermissionDenied
        super().load(**kwargs)

    def get_plan(self, pk):
        return self.goal.plan

    def get_context_data(self, **kwargs):
        return super().get_context_data(goal=self.goal, **kwargs)


class GoalEditView(GoalDialogMixin, GoalView):
    template_name = "goals/admin/goal_form.html"
    page_title = gettext_lazy("Edit goal")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", GoalForm(instance=self.goal))
        action = reverse("goals_admin:goal_edit", args=[self.goal.pk])
        return super().get_context_data(title=self.get_page_title(), action=action, **kwargs)

    def post(self, request, *args, **kwargs):
        goal = self.goal
        before = services.goal_snapshot(goal=goal)
        form = GoalForm(request.POST, instance=goal)
        if form.is_valid():
            try:
                version = int(request.POST.get("version") or goal.version)
                services.goal_update(goal=form.instance, before=before, version=version, user=request.user)
            except services.StaleGoal as stale:
                form.add_error(None, str(stale))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.done(goal, _("Saved “%(goal)s”.") % {"goal": goal})
        return self.invalid(form=form)


class GoalDeleteView(GoalDialogMixin, GoalView):
    """POST: delete the goal with its subtree."""

    action = "delete"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        name = self.goal.name
        try:
            count = services.goal_delete(goal=self.goal, user=request.user)
        except ValidationError as error:
            if _is_fetch(request):
                return JsonResponse({"ok": False, "error": _error_text(error)}, status=400)
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(_tree_url(self.plan, self.goal))
        message = _("Deleted “%(goal)s”.") % {"goal": name}
        if count > 1:
            message = _("Deleted “%(goal)s” and its %(count)s sub-goals.") % {"goal": name, "count": count - 1}
        return self.done(None, message)


class GoalMoveView(GoalDialogMixin, GoalView):
    """POST: move under another parent (``parent``, empty for top level) at
    ``position``, or one step ``up``/``down`` (GOAL-3)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        goal = self.goal
        try:
            if request.POST.get("step") in ("up", "down"):
                services.goal_shift(goal=goal, step=-1 if request.POST["step"] == "up" else 1, user=request.user)
            else:
                parent_id = request.POST.get("parent") or None
                new_parent = None
                if parent_id is not None:
                    new_parent = Goal.objects.filter(pk=parent_id).first()
                    if new_parent is None:
                        raise ValidationError(_("The chosen parent goal does not exist any more."))
                position = request.POST.get("position")
                services.goal_move(
                    goal=goal,
                    new_parent=new_parent,
                    position=int(position) if position and position.isdigit() else None,
                    user=request.user,
                )
        except ValidationError as error:
            if _is_fetch(request):
                return JsonResponse({"ok": False, "error": _error_text(error)}, status=400)
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(_tree_url(self.plan, goal))
        return self.done(goal)


class BulkActionView(PlanView):
    """POST: delete, move or classify several goals at once (GOAL-3 bulk operations)."""

    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        plan = self.plan
        ids = [int(value) for value in request.POST.getlist("goal") if value.isdigit()]
        goals = list(Goal.objects.filter(plan=plan, pk__in=ids).select_related("plan"))
        action = request.POST.get("action")
        if not goals:
            messages.error(request, _("Tick the goals to act on first."))
            return redirect("goals_admin:plan", plan.pk)
        try:
            if action == "delete":
                count = services.goals_delete(plan=plan, goals=goals, user=request.user)
                messages.success(request, _("Deleted %(count)s goals.") % {"count": count})
            elif action == "move":
                target_id = request.POST.get("target") or None
                target = Goal.objects.filter(pk=target_id, plan=plan).first() if target_id else None
                if target_id and target is None:
                    raise ValidationError(_("The chosen parent goal does not exist any more."))
                services.goals_move(goals=goals, new_parent=target, user=request.user)
                messages.success(request, _("Moved %(count)s goals.") % {"count": len(goals)})
            elif action == "type":
                goal_type = GoalType.objects.filter(pk=request.POST.get("goal_type") or 0).first()
                if goal_type is None:
                    raise ValidationError(_("Choose a goal type."))
                services.goals_classify(goals=goals, goal_type=goal_type, user=request.user)
                messages.success(request, _("Set the goal type of %(count)s goals.") % {"count": len(goals)})
            else:
                raise ValidationError(_("Unknown action."))
        except (ValidationError, services.StaleGoal) as error:
            messages.error(request, _error_text(error))
        return redirect("goals_admin:plan", plan.pk)


class GoalAssignView(GoalDialogMixin, GoalView):
    """Decomposition: team members, their roles, and 纳入考核 (GOAL-5)."""

    template_name = "goals/admin/goal_assign.html"

    def get_page_title(self):
        return _("Decompose “%(goal)s”") % {"goal": self.goal}

    cadres = None

    def get_context_data(self, **kwargs):
        if "formset" not in kwargs:
            kwargs["formset"] = AssignmentFormSet(cadres=self.team(), initial=self.initial())
        return super().get_context_data(
            has_cadres=self.team().exists(),
            action=reverse("goals_admin:goal_assign", args=[self.goal.pk]),
            title=self.get_page_title(),
            **kwargs,
        )

    def team(self):
        if self.cadres is None:
            self.cadres = selectors.assignable_cadres(goal=self.goal, user=self.request.user)
        return self.cadres

    def initial(self):
        return [{"cadre": a.cadre_id, "role": a.role_id} for a in self.goal.assignments.all()]

    def post(self, request, *args, **kwargs):
        formset = AssignmentFormSet(request.POST, cadres=self.team(), initial=self.initial())
        if not formset.is_valid():
            return self.invalid(formset=formset)
        rows = [
            (form.cleaned_data["cadre"], form.cleaned_data["role"])
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.goal_assign(
                goal=self.goal,
                rows=rows,
                counts_in_assessment=request.POST.get("counts_in_assessment") == "on",
                user=request.user,
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
            return self.invalid(formset=formset)
        return self.done(self.goal, _("Saved the decomposition of “%(goal)s”.") % {"goal": self.goal})


class PlanPublishView(PlanView):
    """POST: publish the plan; from then on every change is recorded (GOAL-6)."""

    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.plan.is_published:
            messages.info(request, _("These goals are already published."))
            return redirect("goals_admin:plan", self.plan.pk)
        try:
            services.plan_publish(plan=self.plan, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Published. From now on every change is recorded and marked."))
        return redirect("goals_admin:plan", self.plan.pk)


class PlanChangesView(PlanView):
    """What changed after publishing, when and by whom (GOAL-6)."""

    template_name = "goals/admin/plan_changes.html"
    page_title = gettext_lazy("Changes after publishing")
    header_icon = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goal_id = self.request.GET.get("goal")
        changes = selectors.plan_changes(
            plan=self.plan, goal_id=int(goal_id) if goal_id and goal_id.isdigit() else None
        )
        context.update({"page_obj": admin_page(self.request, changes), "actions": GoalChange.Action})
        return context

"""Goals in the Wagtail admin: the tree screens, the dictionaries, the portal hooks."""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.viewsets import RuleSnippetViewSet
from kaohe.org.selectors import active_units

from . import admin_urls, permissions
from .models import AssignmentRole, GoalSource, GoalType, Indicator, MeasureUnit, ReportingDeadline


@hooks.register("register_admin_urls")
def register_goal_urls():
    return [path("goals/", include(admin_urls, namespace="goals_admin"))]


class PlansMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.plan_rules.can(request.user, "view")


class MeasureUnitViewSet(RuleSnippetViewSet):
    model = MeasureUnit
    rules = permissions.measure_unit_rules
    icon = "tag"
    menu_order = 150
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("sort_order")]


class IndicatorViewSet(RuleSnippetViewSet):
    model = Indicator
    rules = permissions.indicator_rules
    icon = "list-ul"
    menu_order = 110
    list_display = ["name", "category", "measure_unit", BooleanColumn("higher_is_better"), BooleanColumn("is_active")]
    list_filter = ["category", "measure_unit", "higher_is_better", "is_active"]
    list_export = ["name", "category", "measure_unit", "definition", "higher_is_better", "is_active"]
    export_filename = "indicators"
    search_fields = ["name", "category", "definition"]
    panels = [
        FieldPanel("name"),
        FieldPanel("category"),
        FieldPanel("measure_unit"),
        FieldPanel("definition"),
        FieldPanel("higher_is_better"),
        FieldPanel("is_active"),
    ]


class GoalTypeViewSet(RuleSnippetViewSet):
    model = GoalType
    rules = permissions.goal_type_rules
    icon = "folder-open-inverse"
    menu_order = 120
    list_display = ["name", BooleanColumn("is_public"), "sort_order"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("is_public"), FieldPanel("sort_order")]


class GoalSourceViewSet(RuleSnippetViewSet):
    model = GoalSource
    rules = permissions.goal_source_rules
    icon = "arrow-down"
    menu_order = 130
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("sort_order")]


class AssignmentRoleViewSet(RuleSnippetViewSet):
    model = AssignmentRole
    rules = permissions.assignment_role_rules
    icon = "group"
    menu_order = 140
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("sort_order")]


class ReportingDeadlineViewSet(RuleSnippetViewSet):
    """When each month's or quarter's progress is due (SUP-1)."""

    model = ReportingDeadline
    rules = permissions.deadline_rules
    icon = "time"
    menu_order = 105
    list_display = ["year", "period", "due_date", "remind_days"]
    list_filter = ["year"]
    search_fields = ["year"]
    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("period")]),
        FieldRowPanel([FieldPanel("due_date"), FieldPanel("remind_days")]),
    ]


class DeadlinesMenuItem(MenuItem):
    def is_shown(self, request):
        from kaohe.core.roles import RoleCode
        from kaohe.core.rules import has_role

        return has_role(request.user, RoleCode.OFFICE, RoleCode.COUNTY_LEADER, RoleCode.UNIT_ADMIN) or (
            request.user.is_superuser
        )


class VerifyMenuItem(MenuItem):
    def is_shown(self, request):
        from .views.supervision import may_verify

        return may_verify(request.user)


class ApprovalsMenuItem(MenuItem):
    def is_shown(self, request):
        from kaohe.core.rules import is_office

        return is_office(request.user)


class GoalViewSetGroup(SnippetViewSetGroup):
    items = (
        ReportingDeadlineViewSet,
        IndicatorViewSet,
        GoalTypeViewSet,
        GoalSourceViewSet,
        AssignmentRoleViewSet,
        MeasureUnitViewSet,
    )
    menu_icon = "crosshairs"
    menu_label = _("Goals")
    menu_name = "goals"
    menu_order = 220

    def get_submenu_items(self):
        plans = PlansMenuItem(_("Yearly goals"), reverse_lazy("goals_admin:index"), icon_name="list-ol", order=100)
        late = DeadlinesMenuItem(
            _("Who has reported"), reverse_lazy("goals_admin:deadlines"), icon_name="time", order=101
        )
        verify = VerifyMenuItem(
            _("Verify reported figures"), reverse_lazy("goals_admin:verify"), icon_name="tick", order=102
        )
        approvals = ApprovalsMenuItem(
            _("Reports awaiting publication"),
            reverse_lazy("goals_admin:report_approvals"),
            icon_name="tick-inverse",
            order=103,
        )
        return [plans, late, verify, approvals] + super().get_submenu_items()


register_snippet(GoalViewSetGroup)


@hooks.register("register_portal_nav_item")
def goals_nav_item(request):
    return (_("Goals and progress"), reverse("goals:query"), 40)


@hooks.register("register_unit_page_section")
def unit_goals_section(request, unit):
    from .views.public import unit_section

    html = unit_section(request, unit)
    return (40, html) if html else None


class MyGoalsPanel(Component):
    """Dashboard: the unit's yearly goals and reports, one click from sign-in."""

    name = "my_goals"
    order = 60
    template_name = "goals/admin/dashboard_panel.html"

    def __init__(self, unit=None):
        self.unit = unit

    def get_context_data(self, parent_context):
        from django.db.models import Count, Max
        from django.utils import timezone

        from .models import GoalPlan

        year = timezone.localdate().year
        plans = GoalPlan.objects.select_related("unit").annotate(
            goal_count=Count("goals", distinct=True), last_report=Max("reports__updated_at")
        )
        context = {"year": year, "index_url": reverse("goals_admin:index")}
        if self.unit is not None:
            context["plans"] = plans.filter(unit=self.unit).order_by("-year")[:3]
            context["unit"] = self.unit
            context["has_this_year"] = any(plan.year == year for plan in context["plans"])
        else:
            this_year = list(plans.filter(year=year).values_list("status", flat=True))
            context["summary"] = {
                "published": this_year.count(GoalPlan.Status.PUBLISHED),
                "draft": this_year.count(GoalPlan.Status.DRAFT),
                "missing": active_units().count() - len(this_year),
            }
        return context


class LateReportsPanel(Component):
    """Dashboard: this year's deadlines that have passed or fall in the next fortnight, with
    the units late or still to report (SUP-1); one unit's own for its administrator."""

    name = "late_reports"
    order = 65
    template_name = "goals/admin/late_panel.html"

    def __init__(self, unit=None):
        self.unit = unit

    def get_context_data(self, parent_context):
        from datetime import timedelta

        from django.utils import timezone

        from .selectors import deadline_statuses

        today = timezone.localdate()
        statuses = [
            status
            for status in deadline_statuses(
                year=today.year, today=today, unit_id=self.unit.pk if self.unit is not None else None
            )
            if status.deadline.due_date <= today + timedelta(days=14) and (status.missing or status.late)
        ]
        return {"statuses": statuses[-3:], "unit": self.unit, "url": reverse("goals_admin:deadlines")}


@hooks.register("construct_homepage_panels")
def add_goals_panel(request, panels):
    from kaohe.core.roles import RoleCode
    from kaohe.core.rules import has_role, is_office

    user = request.user
    if is_office(user):
        panels.append(MyGoalsPanel())
        panels.append(LateReportsPanel())
    elif has_role(user, RoleCode.UNIT_ADMIN) and user.unit_id:
        panels.append(MyGoalsPanel(user.unit))
        panels.append(LateReportsPanel(user.unit))


@hooks.register("register_log_actions")
def register_goal_log_actions(actions):
    actions.register_action("goals.verify", _("Verify reported figures"), _("Reported figures verified"))
    actions.register_action("goals.report_publish", _("Publish progress report"), _("Progress report published"))
    actions.register_action("goals.report_return", _("Return progress report"), _("Progress report returned"))


@hooks.register("register_evaluation_target_links")
def evaluation_goal_links(targets):
    """Beside each target on the evaluation form: its goals and progress reports (EVAL-7, GOAL-7).

    The pages show what the public may see, so an evaluator reads nothing more."""
    links = {}
    for target in targets:
        if target.cadre_id:
            links[target.pk] = [(_("Goals and progress"), reverse("goals:cadre", args=[target.cadre_id]))]
        elif target.team_id:
            unit_id = target.team.unit_id
            links[target.pk] = [(_("Goals and progress"), f"{reverse('goals:query')}?unit={unit_id}")]
    return links


@hooks.register("register_portal_nav_item")
def my_goals_nav_item(request):
    """A signed-in cadre goes straight to the goals assigned to them (GOAL-7)."""
    user = getattr(request, "user", None)
    cadre_id = getattr(user, "cadre_id", None) if user is not None and user.is_authenticated else None
    if not cadre_id:
        return None
    return (_("My goals"), reverse("goals:cadre", args=[cadre_id]), 45)

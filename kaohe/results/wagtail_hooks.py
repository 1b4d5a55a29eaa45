"""成绩管理 in the Wagtail admin."""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.rules import is_office
from kaohe.core.viewsets import RuleSnippetViewSet

from . import permissions, urls
from .models import AssessmentYear, ResultScheme


@hooks.register("register_admin_urls")
def register_results_urls():
    return [path("results/", include(urls, namespace="results_admin"))]


@hooks.register("register_log_actions")
def register_results_actions(actions):
    actions.register_action("results.compute", _("Compute results"), _("Yearly results computed"))
    actions.register_action("results.recommended_grade", _("Recommend grades"), _("Recommended grades recorded"))
    actions.register_action("results.approved_grade", _("Approve grades"), _("Approved grades recorded"))
    actions.register_action("results.archive", _("Archive year"), _("Year archived"))
    actions.register_action("results.correct", _("Correct result"), _("Archived result corrected"))
    actions.register_action("results.reopen_task", _("Reopen task"), _("Evaluation task reopened"))
    actions.register_action("results.manual_scores", _("Enter hand-scored parts"), _("Hand-scored part scores entered"))


@hooks.register("register_plan_locks")
def archived_year_locks_plans(plan):
    """An archived year's goals, progress and scores no longer change (RES-4; asked by ``kaohe.goals.locks``)."""
    from .selectors import year_is_archived

    if year_is_archived(year=plan.year):
        return _(
            "%(year)s is archived: its goals, progress and scores no longer change; the office records a "
            "correction of the year's results instead."
        ) % {"year": plan.year}
    return None


class ResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.result_rules.can(request.user, "view")


class RollOverMenuItem(MenuItem):
    def is_shown(self, request):
        return is_office(request.user)


class ResultSchemeViewSet(RuleSnippetViewSet):
    model = ResultScheme
    rules = permissions.scheme_rules
    icon = "calculator"
    menu_order = 150
    list_display = ["year", "target_category", "goal_weight", "evaluation_weight", "missing_rule"]
    list_filter = ["year", "target_category"]
    search_fields = ["target_category__name"]
    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("target_category")]),
        FieldRowPanel([FieldPanel("goal_weight"), FieldPanel("evaluation_weight")]),
        InlinePanel(
            "parts",
            heading=_("further parts"),
            label=_("further part"),
            panels=[
                FieldRowPanel([FieldPanel("name"), FieldPanel("weight"), FieldPanel("source")]),
                FieldRowPanel(
                    [
                        FieldPanel("excellent_score"),
                        FieldPanel("competent_score"),
                        FieldPanel("basic_score"),
                        FieldPanel("incompetent_score"),
                    ],
                    heading=_("An inspection grade counts"),
                ),
                FieldRowPanel(
                    [
                        FieldPanel("good_score"),
                        FieldPanel("fairly_good_score"),
                        FieldPanel("average_score"),
                        FieldPanel("poor_score"),
                    ],
                    heading=_("A quarterly grade counts"),
                ),
            ],
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("missing_rule"), FieldPanel("default_score")]),
                FieldRowPanel([FieldPanel("min_service_months"), FieldPanel("short_service_rule")]),
            ],
            heading=_("Missing parts and short time in the seat"),
        ),
        InlinePanel(
            "coverage",
            heading=_("Who falls in the category when no evaluation task places them"),
            label=_("who falls in the category"),
        ),
    ]


class AssessmentYearViewSet(RuleSnippetViewSet):
    model = AssessmentYear
    rules = permissions.year_rules
    icon = "date"
    menu_order = 160
    list_display = ["year", "excellent_limit", "cadre_grades", "team_grades", "archived_at"]
    search_fields = ["year"]
    panels = [
        FieldPanel("year"),
        FieldPanel("excellent_limit"),
        InlinePanel("grade_limits", heading=_("grade limits of post groups"), label=_("grade limit of a post group")),
        FieldPanel("grade_basis"),
        FieldPanel("cadre_grades"),
        FieldPanel("team_grades"),
        FieldPanel("ungraded_label"),
    ]


class ResultsGroup(SnippetViewSetGroup):
    items = (ResultSchemeViewSet, AssessmentYearViewSet)
    menu_icon = "table"
    menu_label = pgettext_lazy("results menu", "Results")
    menu_name = "results"
    menu_order = 240

    def get_submenu_items(self):
        return [
            ResultsMenuItem(_("Yearly results"), reverse_lazy("results_admin:index"), icon_name="table", order=100),
            RollOverMenuItem(
                _("Start a new year"), reverse_lazy("results_admin:rollover"), icon_name="date", order=105
            ),
        ] + super().get_submenu_items()


register_snippet(ResultsGroup)


@hooks.register("register_portal_nav_item")
def my_results_nav_item(request):
    """A signed-in cadre, team member or unit administrator reads their approved results (RES-6)."""
    user = getattr(request, "user", None)
    if user is None or not permissions.may_read_results_feedback(user):
        return None
    return (_("My assessment results"), reverse("results:mine"), 46)

"""Goal scoring in the Wagtail admin: the scoring screens, the grade table and the role weights."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.viewsets import ProtectedDeleteView, RuleSnippetViewSet

from . import admin_urls, permissions, selectors
from .models import RoleWeight, ScoreGrade


@hooks.register("register_admin_urls")
def register_scoring_urls():
    return [path("scoring/", include(admin_urls, namespace="scoring_admin"))]


@hooks.register("register_goal_locks")
def locked_scores_lock_goals(plan):
    """Goals whose score is locked (SCORE-1; asked by ``kaohe.goals.locks``, which also locks the goals
    above and below them)."""
    return {
        goal_id: _(
            "the score of “%(goal)s” is locked. The assessment office reopens it, with a reason that is "
            "logged, before anything it was given for can change."
        )
        % {"goal": name}
        for goal_id, name in selectors.locked_goal_names(plan=plan).items()
    }


class ScoreGradeDeleteView(ProtectedDeleteView):
    protected_message = _(
        "This grade is used by goal scores, so it cannot be deleted. Change its name or share instead, or leave it "
        "unused."
    )


class ScoringMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.goal_score_rules.can(request.user, "view")


class ScoreGradeViewSet(RuleSnippetViewSet):
    """The grade table (SCORE-2): each grade and its share of the standard score."""

    model = ScoreGrade
    delete_view_class = ScoreGradeDeleteView
    rules = permissions.score_grade_rules
    icon = "list-ol"
    menu_order = 110
    list_display = ["name", "share", "description", "sort_order"]
    list_export = ["name", "share", "description", "sort_order"]
    export_filename = "goal_grades"
    search_fields = ["name", "description"]
    panels = [FieldPanel("name"), FieldPanel("share"), FieldPanel("description"), FieldPanel("sort_order")]


class RoleWeightViewSet(RuleSnippetViewSet):
    """How much a lead and an assist role count in a cadre's goal score."""

    model = RoleWeight
    rules = permissions.role_weight_rules
    icon = "group"
    menu_order = 120
    list_display = ["role", "weight"]
    list_export = ["role", "weight"]
    export_filename = "role_weights"
    search_fields = ["role__name"]
    panels = [FieldPanel("role"), FieldPanel("weight")]


class ScoringViewSetGroup(SnippetViewSetGroup):
    items = (ScoreGradeViewSet, RoleWeightViewSet)
    menu_icon = "pick"
    menu_label = _("Goal scoring")
    menu_name = "scoring"
    menu_order = 240

    def get_submenu_items(self):
        screen = ScoringMenuItem(_("Score goals"), reverse_lazy("scoring_admin:home"), icon_name="pick", order=100)
        return [screen] + super().get_submenu_items()


register_snippet(ScoringViewSetGroup)


@hooks.register("register_log_actions")
def register_scoring_log_actions(actions):
    actions.register_action("kaohe_scoring.score", _("Score goal"), _("Goal scored"))
    actions.register_action("kaohe_scoring.review", _("Review goal score"), _("Goal score reviewed"))
    actions.register_action("kaohe_scoring.lock", _("Lock goal score"), _("Goal score locked"))
    actions.register_action("kaohe_scoring.reopen", _("Reopen goal score"), _("Locked goal score reopened"))
    actions.register_action("kaohe_scoring.withdraw", _("Withdraw goal score"), _("Goal score withdrawn"))

"""The cycle in the Wagtail admin (menu 考核过程) and its sections on the portal's pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.viewsets import RuleSnippetViewSet

from . import permissions, selectors
from .admin_views import ReadCheckedInspectView
from .forms import CommitmentAdminForm
from .models import Commitment


class CommitmentViewSet(RuleSnippetViewSet):
    """Commitments (CYCLE-1): the unit writes them, the office reviews, publishes and assesses them."""

    model = Commitment
    rules = permissions.commitment_rules
    inspect_view_class = ReadCheckedInspectView
    icon = "tick-inverse"
    menu_order = 100
    list_display = [
        Column("target_name", label=_("team or cadre")),
        "unit",
        "year",
        "text",
        "due_date",
        "status",
        "outcome",
    ]
    list_filter = ["year", "status", "outcome", "unit"]
    list_export = ["year", "unit", "target_name", "text", "due_date", "status", "outcome", "outcome_note"]
    export_filename = "commitments"
    search_fields = ["text", "cadre__name", "team__name", "unit__name"]
    inspect_view_fields = ["year", "unit", "team", "cadre", "text", "goals", "due_date", "status", "review_note"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("due_date")]),
            FieldRowPanel([FieldPanel("team"), FieldPanel("cadre")], heading=_("Whose commitment")),
            FieldPanel("text"),
            FieldPanel("goals"),
            MultiFieldPanel([FieldPanel("status"), FieldPanel("review_note")], heading=_("Review")),
            MultiFieldPanel([FieldPanel("outcome"), FieldPanel("outcome_note")], heading=_("At the end of the year")),
        ],
        base_form_class=CommitmentAdminForm,
    )

    def get_queryset(self, request):
        return selectors.admin_commitments(user=request.user)


class CycleViewSetGroup(SnippetViewSetGroup):
    items = (CommitmentViewSet,)
    menu_icon = "date"
    menu_label = _("Assessment cycle")
    menu_name = "cycle"
    menu_order = 225


register_snippet(CycleViewSetGroup)


@hooks.register("register_unit_page_section")
def unit_commitments_section(request, unit):
    """A unit's published commitments on its public page (CYCLE-1)."""
    from .views import unit_commitments_section as section

    html = section(request, unit)
    return (45, html) if html else None


@hooks.register("register_goal_page_section")
def goal_commitments_section(request, goal):
    """The published commitments tied to a goal, under the goal (CYCLE-1)."""
    from .views import goal_commitments_section as section

    html = section(request, goal)
    return (45, html) if html else None

"""Comments in the Wagtail admin and on the portal's goal and unit pages."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.access.menu import RightsMenuItem
from kaohe.core.viewsets import ProtectedDeleteView, RuleSnippetViewSet

from . import admin_urls, permissions, selectors
from .models import Answer, Comment, CommentLogEntry, CommentRead, CommentType


@hooks.register("register_admin_urls")
def register_comment_urls():
    return [path("comments/", include(admin_urls, namespace="comments_admin"))]


class CommentTypeDeleteView(ProtectedDeleteView):
    protected_message = _(
        "This comment type is used by comments, so it cannot be deleted. Untick “active” to stop offering it."
    )


class CommentListMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_open_list(request.user)


class CommentTypeViewSet(RuleSnippetViewSet):
    model = CommentType
    delete_view_class = CommentTypeDeleteView
    rules = permissions.comment_type_rules
    icon = "tag"
    menu_order = 110
    list_display = ["name", BooleanColumn("is_report"), "moderation", BooleanColumn("is_active"), "sort_order"]
    list_filter = ["is_report", "moderation", "is_active"]
    list_export = ["name", "is_report", "moderation", "description", "is_active", "sort_order"]
    export_filename = "comment_types"
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("is_report"),
        FieldPanel("moderation"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]


class CommentViewSetGroup(SnippetViewSetGroup):
    items = (CommentTypeViewSet,)
    menu_icon = "comment"
    menu_label = pgettext_lazy("comment model", "Comments")
    menu_name = "comments"
    menu_order = 230

    def get_submenu_items(self):
        listing = CommentListMenuItem(
            _("Comment management"), reverse_lazy("comments_admin:index"), icon_name="comment", order=100
        )
        # The rights live in the office's one rights table (SYS-11); it is also found here.
        rights = RightsMenuItem(_("Comment rights"), reverse_lazy("access_admin:rights"), icon_name="key", order=120)
        return [listing] + super().get_submenu_items() + [rights]


register_snippet(CommentViewSetGroup)


class NewCommentsPanel(Component):
    """Dashboard: how many comments are new for this reader, and awaiting review (CMT-4)."""

    name = "new_comments"
    order = 60
    template_name = "comments/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        pending = selectors.pending_count() if permissions.can_moderate(self.user) else None
        return {"unread": selectors.unread_count(user=self.user), "pending": pending}


@hooks.register("construct_homepage_panels")
def add_new_comments_panel(request, panels):
    if permissions.can_open_list(request.user):
        panels.append(NewCommentsPanel(request.user))


@hooks.register("register_goal_page_section")
def goal_comments_section(request, goal):
    from .views import goal_section

    html = goal_section(request, goal)
    return (50, html) if html else None


@hooks.register("register_unit_page_section")
def unit_comments_section(request, unit):
    from .views import unit_section

    html = unit_section(request, unit)
    return (50, html) if html else None


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    # What happens to comments is logged apart, for the office's eyes only (see ``CommentLogEntry``).
    for model in (Comment, CommentType, Answer, CommentRead):
        actions.register_model(model, CommentLogEntry)
    actions.register_action("kaohe_comments.publish", _("Publish comment"), _("Comment published"))
    actions.register_action("kaohe_comments.reject", _("Reject comment"), _("Comment kept off the portal"))
    actions.register_action("kaohe_comments.remove", _("Remove comment"), _("Comment removed"))
    actions.register_action("kaohe_comments.merge", _("Merge duplicate comment"), _("Comment merged into another"))
    actions.register_action("kaohe_comments.answer", _("Answer comment"), _("Comment answered"))


@hooks.register("register_goal_badges")
def goal_comment_badges(request, goal_ids):
    """A count of the comments a reader may see, beside each goal in the trees (GOAL-7)."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    counts = selectors.goal_comment_counts(user=getattr(request, "user", None), goal_ids=goal_ids)
    return {
        goal_id: [
            (
                ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count},
                reverse("goals:goal", args=[goal_id]) + "#goal-comments",
                "",
            )
        ]
        for goal_id, count in counts.items()
    }

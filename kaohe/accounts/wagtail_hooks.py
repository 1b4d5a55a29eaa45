"""Admin screens for the system log (SYS-8)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import DateColumn
from wagtail.snippets.models import register_snippet

from kaohe.core.roles import RoleCode
from kaohe.core.rules import has_role, is_office
from kaohe.core.viewsets import RuleSnippetViewSet

from .models import SignInEvent
from .permissions import sign_in_event_rules


class SignInEventViewSet(RuleSnippetViewSet):
    """Who signed in, who failed and from where: read-only."""

    model = SignInEvent
    rules = sign_in_event_rules
    icon = "key"
    menu_label = _("Sign-in log")
    menu_order = 910
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["username", "user", "outcome", "ip_address", DateColumn("timestamp", label=_("time"))]
    list_filter = {"outcome": ["exact"], "timestamp": ["gte", "lte"], "username": ["icontains"]}
    list_export = ["timestamp", "username", "user", "outcome", "ip_address", "user_agent"]
    export_filename = "sign_in_log"
    search_fields = ["username", "ip_address"]
    ordering = ["-timestamp"]

    def get_queryset(self, request):
        return SignInEvent.objects.select_related("user")


register_snippet(SignInEventViewSet)


class ActionLogMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, RoleCode.SYSTEM_ADMIN) or is_office(request.user)


@hooks.register("register_admin_menu_item")
def register_action_log_menu_item():
    """Wagtail's own log of every create, change and delete, under a name people look for."""
    return ActionLogMenuItem(
        _("Action log"),
        reverse("wagtailadmin_reports:site_history"),
        name="action-log",
        icon_name="history",
        order=920,
    )


@hooks.register("register_org_import_sheets")
def register_user_import_sheet():
    """Users are the last sheet of the organisation import workbook (SYS-10)."""
    from .imports import UserSheet

    return [UserSheet()]

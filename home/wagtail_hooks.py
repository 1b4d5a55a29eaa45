"""Admin tweaks for an intranet without internet, and the unit administrator's shortcuts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from kaohe.core.roles import RoleCode
from kaohe.core.rules import has_role

from . import notices  # noqa: F401  (registers the notice of grades, RES-6)


@hooks.register("construct_main_menu")
def drop_wagtail_help_menu(request, menu_items):
    # Wagtail's help menu links to its website, which the intranet cannot reach.
    menu_items[:] = [item for item in menu_items if item.name != "help"]


@hooks.register("register_admin_menu_item")
def register_manuals_menu_item():
    return MenuItem(
        _("Operation manuals"),
        "/documents/?category=caozuo-shouce",
        icon_name="help",
        order=11000,
        name="manuals",
    )


class MyUnitPanel(Component):
    """Dashboard shortcuts to a unit administrator's own unit and teams."""

    name = "my_unit"
    order = 50
    template_name = "home/admin/my_unit_panel.html"

    def __init__(self, unit):
        self.unit = unit

    def get_context_data(self, parent_context):
        teams = [(team, reverse("wagtailsnippets_org_team:edit", args=[team.pk])) for team in self.unit.teams.all()]
        return {
            "unit": self.unit,
            "unit_edit_url": reverse("wagtailsnippets_org_unit:edit", args=[self.unit.pk]),
            "teams": teams,
            "team_add_url": reverse("wagtailsnippets_org_team:add"),
        }


@hooks.register("construct_homepage_panels")
def add_my_unit_panel(request, panels):
    user = request.user
    if has_role(user, RoleCode.UNIT_ADMIN) and user.unit_id:
        panels.append(MyUnitPanel(user.unit))

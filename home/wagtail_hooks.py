"""Admin tweaks for an intranet without internet: help points to our manuals."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

# Wagtail's own help links go to its website, which the intranet cannot reach.
EXTERNAL_HELP_ITEMS = ("editor-guide",)


@hooks.register("construct_help_menu")
def drop_external_help_links(request, menu_items):
    menu_items[:] = [
        item for item in menu_items if item.name not in EXTERNAL_HELP_ITEMS and not item.name.startswith("whats-new")
    ]


@hooks.register("register_help_menu_item")
def register_manuals_help_item():
    return MenuItem(
        _("Operation manuals"),
        "/documents/?category=caozuo-shouce",
        icon_name="doc-full",
        order=900,
        name="manuals",
    )

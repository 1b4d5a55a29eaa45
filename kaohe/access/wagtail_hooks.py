"""The rights table in the admin's settings menu, for the office (SYS-11)."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_urls
from .menu import RightsMenuItem


@hooks.register("register_admin_urls")
def register_access_urls():
    return [path("access/", include(admin_urls, namespace="access_admin"))]


@hooks.register("register_admin_menu_item")
def register_rights_menu_item():
    return RightsMenuItem(
        _("Query and comment rights"), reverse_lazy("access_admin:rights"), icon_name="key", order=10500, name="rights"
    )

"""Wagtail's user admin, adapted to the portal's users (SYS-6, SYS-7)."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.users.views.users import IndexView, UserFilterSet, UserViewSet

from .forms import PortalUserCreationForm, PortalUserEditForm
from .models import User


class PortalUserFilterSet(UserFilterSet):
    class Meta(UserFilterSet.Meta):
        model = User
        fields = ["unit"]


class PortalUserIndexView(IndexView):
    @cached_property
    def search_fields(self):
        return ["username", "name", "unit__name", "email"]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit").prefetch_related("groups")

    @cached_property
    def columns(self):
        columns = list(super().columns)
        columns.insert(
            3,
            Column("unit", label=_("Unit"), accessor=lambda u: u.unit or "", width="15%"),
        )
        columns.insert(
            4,
            Column(
                "roles",
                label=_("Roles"),
                accessor=lambda u: "、".join(group.name for group in u.groups.all()),
                width="15%",
            ),
        )
        return columns


class PortalUserViewSet(UserViewSet):
    index_view_class = PortalUserIndexView
    filterset_class = PortalUserFilterSet
    list_export = ["username", "name", "unit", "email", "phone", "is_active", "last_login"]
    export_filename = "users"

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm

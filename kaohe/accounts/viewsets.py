"""Wagtail's user admin, adapted to the portal's users (SYS-6, SYS-7)."""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.views.users import IndexView, UserFilterSet, UserViewSet

from .forms import PortalUserCreationForm, PortalUserEditForm
from .models import User
from .permissions import RulePermissionPolicy, Rules


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


class InstancePermissionMixin:
    """Check the permission on the record itself, not only on the model.

    Wagtail's generic edit and delete views ask whether the user may change
    *some* record of the model; a unit administrator may, but only their own.
    """

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.permission_policy and not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.permission_required, obj
        ):
            raise PermissionDenied
        return obj


class RuleIndexView(snippet_views.IndexView):
    """Edit and delete links only on the rows the user may change."""

    def get_edit_url(self, instance):
        if self.permission_policy.user_has_permission_for_instance(self.request.user, "change", instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self.permission_policy.user_has_permission_for_instance(self.request.user, "delete", instance):
            return super().get_delete_url(instance)
        return None


class RuleEditView(InstancePermissionMixin, snippet_views.EditView):
    pass


class RuleDeleteView(InstancePermissionMixin, snippet_views.DeleteView):
    pass


class ProtectedDeleteView(RuleDeleteView):
    """Refuse, with a message, to delete a record other records still use (the delete is rolled back)."""

    protected_message = ""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, self.protected_message)
            return HttpResponseRedirect(self.get_success_url())


class RuleSnippetViewSet(SnippetViewSet):
    """A snippet admin whose rights come from a ``Rules`` table, not group checkboxes.

    The model's permissions are not offered in Wagtail's group editor, since
    ticking them would change nothing: the rule table decides. Read-only
    users open a record through its inspect view.
    """

    rules: Rules
    index_view_class = RuleIndexView
    edit_view_class = RuleEditView
    delete_view_class = RuleDeleteView
    inspect_view_enabled = True

    def on_register(self):
        register_permission_policy(self.model, RulePermissionPolicy(self.rules))
        super().on_register()

    def get_permissions_to_register(self):
        return Permission.objects.none()

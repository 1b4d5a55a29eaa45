"""Base admin screens whose rights come from a ``Rules`` table (see ``kaohe.core.rules``)."""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from kaohe.core.rules import RulePermissionPolicy, Rules, rules_for


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


class ChoosableMixin:
    """A chooser lists, and accepts, only the records the rule table lets the user pick
    (``Rules.choosable``): a unit administrator picks their own unit's cadres, say."""

    def choosable(self, queryset):
        rules = rules_for(self.model_class._meta.app_label, self.model_class._meta.model_name)
        return rules.choosable(self.request.user, queryset) if rules is not None else queryset.none()

    def get_object_list(self):
        return self.choosable(super().get_object_list())

    def get_object(self, pk):
        return self.choosable(self.model_class._default_manager.all()).get(pk=pk)

    def get_objects(self, pks):
        return self.choosable(self.model_class._default_manager.filter(pk__in=pks))


class RuleChooseView(ChoosableMixin, chooser_views.ChooseView):
    pass


class RuleChooseResultsView(ChoosableMixin, chooser_views.ChooseResultsView):
    pass


class RuleChosenView(ChoosableMixin, chooser_views.SnippetChosenView):
    pass


class RuleChosenMultipleView(ChoosableMixin, chooser_views.SnippetChosenMultipleView):
    pass


class RuleChooserViewSet(SnippetChooserViewSet):
    choose_view_class = RuleChooseView
    choose_results_view_class = RuleChooseResultsView
    chosen_view_class = RuleChosenView
    chosen_multiple_view_class = RuleChosenMultipleView


class RuleSnippetViewSet(SnippetViewSet):
    """A snippet admin whose rights come from a ``Rules`` table, not group checkboxes.

    The model's permissions are not offered in Wagtail's group editor, since
    ticking them would change nothing: the rule table decides. Read-only
    users open a record through its inspect view.
    """

    rules: Rules
    # Lists search their ``search_fields`` in the database (Chinese words need no index to be found).
    search_backend_name = None
    index_view_class = RuleIndexView
    edit_view_class = RuleEditView
    delete_view_class = RuleDeleteView
    inspect_view_enabled = True
    chooser_viewset_class = RuleChooserViewSet

    def on_register(self):
        register_permission_policy(self.model, RulePermissionPolicy(self.rules))
        super().on_register()

    def get_permissions_to_register(self):
        return Permission.objects.none()

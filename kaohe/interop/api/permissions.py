"""Who may call an endpoint (SYS-3, SYS-7).

An API client needs the endpoint's scope. A person signed in to the portal
(the docs page's "try it out") may read what the area's rule table lets them
view, and never writes: the cadre-management system writes with its key,
people edit in the admin.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from ..models import ApiClient


class ScopeOrRules(permissions.BasePermission):
    message = _("You may not do this through the API.")

    def has_permission(self, request, view):
        actor = request.user
        scope = view.required_scope(request)
        if isinstance(actor, ApiClient):
            if actor.has_scope(scope):
                return True
            self.message = _("This API client does not have the scope “%(scope)s”.") % {
                "scope": ApiClient.Scope(scope).label
            }
            return False
        if not getattr(actor, "is_authenticated", False):
            return False
        if request.method not in permissions.SAFE_METHODS:
            self.message = _("Only an API client with a key writes through the API; people edit in the admin.")
            return False
        rules = view.get_rules()
        if rules is not None and rules.can(actor, "view"):
            return True
        self.message = _("Your role may not read these records.")
        return False

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .services import sign_in_is_locked


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing a user name or address after repeated failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and sign_in_is_locked(request=request, username=username):
            if request is not None:
                request._kaohe_sign_in_locked = True
            # PermissionDenied stops Django trying other backends and fires
            # user_login_failed, which records the refusal.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


class RulesBackend:
    """Answers ``user.has_perm("app.action_model")`` from the portal's rule tables.

    Authentication is left to the other backend; this one only answers
    permission questions, so Wagtail's site history, menus and any code that
    asks Django see the same rights as our views.
    """

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        from kaohe.core.rules import rules_for

        if not user_obj.is_active or "." not in perm:
            return False
        app_label, codename = perm.split(".", 1)
        action, _, model_name = codename.partition("_")
        rules = rules_for(app_label, model_name)
        if rules is None:
            return False
        if obj is not None:
            return rules.can_for(user_obj, action, obj)
        return rules.can(user_obj, action)

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    default = True
    name = "kaohe.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from . import permissions, signals  # noqa: F401  (rule tables, sign-in logging)
        from .groups import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)


class PortalUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with our form (name, unit, cadre; no first/last name)."""

    default = False
    user_viewset = "kaohe.accounts.viewsets.PortalUserViewSet"

    def ready(self):
        super().ready()
        from wagtail.permissions import register_permission_policy

        from kaohe.core.rules import RulePermissionPolicy

        from .models import User
        from .permissions import user_rules

        # Replaces the model-permission policy Wagtail registered above.
        register_permission_policy(User, RulePermissionPolicy(user_rules))

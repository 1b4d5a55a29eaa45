from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kaohe.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rule tables)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "kaohe.access"
    label = "access"
    verbose_name = _("Query and comment rights")

    def ready(self):
        from . import permissions, signals  # noqa: F401  (rule table; the cache is dropped when a rule changes)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "kaohe.cycle"
    label = "cycle"
    verbose_name = _("Assessment cycle")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rule tables)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "kaohe.results"
    label = "results"
    verbose_name = _("Yearly results and grades")

    def ready(self):
        from . import signals  # noqa: F401

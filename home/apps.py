from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Portal pages")

    def ready(self):
        from . import signals
        from .setup import ensure_portal_setup

        post_migrate.connect(ensure_portal_setup, sender=self)
        signals.connect()

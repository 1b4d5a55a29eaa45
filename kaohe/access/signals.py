"""The cached public rights and the rules version follow every change of the table."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import AccessRule
from .selectors import rules_changed


@receiver(post_save, sender=AccessRule)
@receiver(post_delete, sender=AccessRule)
def access_rule_changed(sender, **kwargs):
    rules_changed()

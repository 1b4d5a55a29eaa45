"""Results go stale when what they were computed from changes (RES-1)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from kaohe.evaluation.models import EvaluationTask


@receiver(post_save, sender=EvaluationTask)
def task_reopened(sender, instance, **kwargs):
    """A task of a computed year that is open again makes the year's results stale."""
    if instance.closed_at is None:
        from .services import mark_stale

        mark_stale(instance.year)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "kaohe.evaluation"
    label = "evaluation"
    verbose_name = _("Comprehensive evaluation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kaohe.org.models import Cadre, Team, Unit

        from . import models
        from .sheets import setup_changed

        # Whatever a ballot sheet shows: a change makes every worker build its kept sheets again.
        for model in (
            models.EvaluationTask,
            models.TaskRater,
            models.TaskTarget,
            models.IndicatorSystem,
            models.Indicator,
            models.RatingLevel,
            models.EvaluatorCategory,
            models.TargetCategory,
            Team,
            Cadre,
            Unit,
        ):
            post_save.connect(setup_changed, sender=model, dispatch_uid=f"evaluation-sheet-{model.__name__}")
            post_delete.connect(setup_changed, sender=model, dispatch_uid=f"evaluation-sheet-del-{model.__name__}")

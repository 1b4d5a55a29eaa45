"""Results go stale, and say why, when anything they were computed from changes (RES-5).

The lower areas do not know of the results; the results listen to their models'
signals: a goal score scored, locked, reopened or withdrawn, a role weight, an
evaluation task reopened or its targets changed, a seat in a team, a new team, an
inspection confirmed (or a confirmed one changed or removed), a quarterly grade given,
changed or removed, and the year's own schemes.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.cycle.models import Inspection, QuarterlyGrade
from kaohe.evaluation.models import EvaluationTask, TaskTarget
from kaohe.goals.models import Goal
from kaohe.org.models import Cadre, Membership, Team
from kaohe.scoring.models import GoalScore, RoleWeight

from .models import AssessmentYear, ResultScheme, SchemeCoverage, SchemePart, YearResult


def _stale(year, reason):
    from .services import results_mark_stale

    if year:
        results_mark_stale(year=year, reason=reason)


def _open_years():
    return (
        YearResult.objects.filter(year__in=AssessmentYear.objects.filter(archived_at__isnull=True).values("year"))
        .values_list("year", flat=True)
        .distinct()
    )


@receiver(post_save, sender=EvaluationTask)
def task_reopened(sender, instance, created, **kwargs):
    """A task of a computed year that is open again makes the year's results stale."""
    if instance.closed_at is None and not created:
        _stale(instance.year, _("The evaluation task %(task)s is open again.") % {"task": instance.name})


@receiver(post_save, sender=TaskTarget)
@receiver(post_delete, sender=TaskTarget)
def task_targets_changed(sender, instance, **kwargs):
    task = EvaluationTask.objects.filter(pk=instance.task_id).only("year", "name").first()
    if task is not None:
        _stale(task.year, _("The targets of the evaluation task %(task)s changed.") % {"task": task.name})


@receiver(post_save, sender=GoalScore)
@receiver(post_delete, sender=GoalScore)
def goal_score_changed(sender, instance, **kwargs):
    goal = Goal.objects.filter(pk=instance.goal_id).select_related("plan__unit").first()
    if goal is not None:
        _stale(
            goal.plan.year,
            _("A goal score of %(unit)s changed (scored, locked, reopened or withdrawn).")
            % {"unit": goal.plan.unit.name},
        )


@receiver(post_save, sender=RoleWeight)
@receiver(post_delete, sender=RoleWeight)
def role_weight_changed(sender, instance, **kwargs):
    for year in list(_open_years()):
        _stale(year, _("The weights of the roles in goals changed."))


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def seat_changed(sender, instance, **kwargs):
    start, end = instance.start_date, instance.end_date
    for year in list(_open_years()):
        if (start is None or start.year <= year) and (end is None or end.year >= year):
            _stale(year, _("A seat in %(team)s changed.") % {"team": instance.team})


@receiver(post_save, sender=Team)
def team_added(sender, instance, created, **kwargs):
    if created:
        for year in list(_open_years()):
            _stale(year, _("The team %(team)s was added.") % {"team": instance.name})


def _fed_by(year, source) -> bool:
    """Whether a part of the year's schemes takes its scores from ``source``."""
    return SchemePart.objects.filter(scheme__year=year, source=source).exists()


def _target_name(instance) -> str:
    try:
        return instance.target_name
    except (Team.DoesNotExist, Cadre.DoesNotExist):  # removed with its team or cadre
        return ""


@receiver(pre_save, sender=Inspection)
def inspection_before(sender, instance, **kwargs):
    """Remember whether the inspection counted before this save (confirmed), to tell a change that matters."""
    instance._was_confirmed = bool(
        instance.pk and Inspection.objects.filter(pk=instance.pk, confirmed_at__isnull=False).exists()
    )


@receiver(post_save, sender=Inspection)
@receiver(post_delete, sender=Inspection)
def inspection_changed(sender, instance, **kwargs):
    """A confirmed inspection counts in the yearly results (CYCLE-4): confirming one, and
    changing, un-confirming or removing a confirmed one, make the year's results stale."""
    if instance.confirmed_at is not None or getattr(instance, "_was_confirmed", False):
        if _fed_by(instance.year, "inspection"):
            _stale(
                instance.year,
                _("The inspection of %(target)s changed (confirmed, reopened or removed).")
                % {"target": _target_name(instance)},
            )


@receiver(post_save, sender=QuarterlyGrade)
@receiver(post_delete, sender=QuarterlyGrade)
def quarterly_grade_changed(sender, instance, **kwargs):
    """Quarterly grades may count in the yearly results (CYCLE-5)."""
    if _fed_by(instance.year, "quarterly"):
        _stale(instance.year, _("A quarterly grade of %(target)s changed.") % {"target": _target_name(instance)})


@receiver(post_save, sender=ResultScheme)
@receiver(post_delete, sender=ResultScheme)
def scheme_changed(sender, instance, **kwargs):
    _stale(instance.year, _("The rules of %(category)s changed.") % {"category": instance.target_category})


@receiver(post_save, sender=SchemePart)
@receiver(post_delete, sender=SchemePart)
@receiver(post_save, sender=SchemeCoverage)
@receiver(post_delete, sender=SchemeCoverage)
def scheme_rows_changed(sender, instance, **kwargs):
    scheme = ResultScheme.objects.filter(pk=instance.scheme_id).select_related("target_category").first()
    if scheme is not None:
        scheme_changed(ResultScheme, scheme)


@receiver(pre_save, sender=AssessmentYear)
def ranking_basis_changed(sender, instance, **kwargs):
    if instance.pk and kwargs.get("update_fields") is None:
        old = AssessmentYear.objects.filter(pk=instance.pk).values_list("grade_basis", flat=True).first()
        if old is not None and old != instance.grade_basis and not instance.is_archived:
            # The save that follows writes the reasons: add this one to the instance itself.
            if YearResult.objects.filter(year=instance.year).update(is_stale=True):
                instance.stale_reasons = list(instance.stale_reasons or []) + [
                    {
                        "at": timezone.now().isoformat(timespec="seconds"),
                        "reason": _("The year's ranking now goes by another score."),
                    }
                ]

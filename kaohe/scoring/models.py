"""Goal scores (工作目标考核, SCORE-1..SCORE-3).

The office scores each counting goal of a unit's published plan, either
directly (a score up to the goal's standard score; what is missing is the
deduction, with a reason) or by grade (等次), which maps to a share of the
standard score through the office's grade table. Scores are drafted, reviewed
and locked; a locked score changes only after the office reopens it, and every
step is kept in ``GoalScoreEvent``.

``UnitGoalScore`` and ``CadreGoalScore`` are computed from the goal scores by
``services.goal_scores_compute(year=…)``; read them through ``selectors``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.goals.models import AssignmentRole, Goal
from kaohe.org.models import Cadre, Unit


class ScoreGrade(models.Model):
    """A grade (等次) of the office's table and the share of the standard score it gives (SCORE-2)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=20, unique=True)
    share = models.DecimalField(
        _("share of the standard score (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    description = models.CharField(_("when to give it"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "-share", "name"]
        verbose_name = _("goal grade")
        verbose_name_plural = _("goal grade table")

    def __str__(self):
        return f"{self.name}（{self.share.normalize():f}%）"


class RoleWeight(models.Model):
    """How much a goal counts for a cadre in this role (主办 1, 协办 0.5, ...)."""

    role = models.OneToOneField(
        AssignmentRole, verbose_name=_("goal role"), on_delete=models.CASCADE, related_name="score_weight"
    )
    weight = models.DecimalField(
        _("weight in the cadre's goal score"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("0 leaves goals held in this role out of the cadre's goal score."),
    )

    class Meta:
        ordering = ["role__sort_order", "role__name"]
        verbose_name = _("role weight")
        verbose_name_plural = _("role weights")

    def __str__(self):
        return f"{self.role} · {self.weight.normalize():f}"


class GoalScore(models.Model):
    """The office's score of one goal (SCORE-1, SCORE-2)."""

    class Method(models.TextChoices):
        DIRECT = "direct", _("Direct score")
        GRADE = "grade", _("By grade")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("score", "Draft")
        REVIEWED = "reviewed", pgettext_lazy("score", "Reviewed")
        LOCKED = "locked", pgettext_lazy("score", "Locked")

    # A scored goal cannot be deleted: the score is withdrawn first (or, locked, reopened then withdrawn).
    goal = models.OneToOneField(Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="score")
    standard_score = models.DecimalField(
        _("standard score"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    method = models.CharField(_("scoring method"), max_length=8, choices=Method.choices)
    grade = models.ForeignKey(
        ScoreGrade, verbose_name=_("grade"), null=True, blank=True, on_delete=models.PROTECT, related_name="scores"
    )
    grade_share = models.DecimalField(
        _("share of the grade (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("As the table said when the score was given."),
    )
    deductions = models.DecimalField(_("deductions"), max_digits=7, decimal_places=2, default=Decimal("0"))
    reason = models.TextField(_("reason for deductions"), blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    status = models.CharField(
        pgettext_lazy("score", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("goal score")
        verbose_name_plural = _("goal scores")

    def __str__(self):
        return f"{self.goal} · {self.score}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    @property
    def share(self) -> Decimal:
        return self.score / self.standard_score if self.standard_score else Decimal("0")


class GoalScoreEvent(models.Model):
    """One step in a goal score's life: scored, changed, reviewed, locked, reopened."""

    class Action(models.TextChoices):
        SCORED = "scored", _("Scored")
        CHANGED = "changed", _("Changed")
        REVIEWED = "reviewed", pgettext_lazy("score", "Reviewed")
        LOCKED = "locked", pgettext_lazy("score", "Locked")
        REOPENED = "reopened", _("Reopened")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="score_events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    method = models.CharField(_("scoring method"), max_length=8, blank=True)
    grade_name = models.CharField(_("grade"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("goal score history")
        verbose_name_plural = _("goal score history")

    def __str__(self):
        return f"{self.goal_id} {self.action}"


class UnitGoalScore(models.Model):
    """A unit's goal score for a year: its goal scores weighted by standard score, on a 100-point scale."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="goal_scores")
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("goal score"), max_digits=7, decimal_places=2, null=True, blank=True)
    counted_goals = models.PositiveIntegerField(_("goals counted"), default=0)
    scored_goals = models.PositiveIntegerField(_("goals scored"), default=0)
    unscored_goals = models.PositiveIntegerField(_("goals not yet scored"), default=0)
    locked = models.BooleanField(_("all scores locked"), default=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["-year", "unit__kind__sort_order", "unit__sort_order", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unitgoalscore_unique_unit_year")]
        verbose_name = _("unit goal score")
        verbose_name_plural = _("unit goal scores")

    def __str__(self):
        return f"{self.unit} {self.year} · {self.score}"

    @property
    def complete(self) -> bool:
        return self.unscored_goals == 0 and self.scored_goals > 0


class CadreGoalScore(models.Model):
    """A cadre's goal score for a year, from the goals assigned to them and their roles."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="goal_scores")
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("goal score"), max_digits=7, decimal_places=2, null=True, blank=True)
    assigned_goals = models.PositiveIntegerField(_("goals assigned"), default=0)
    scored_goals = models.PositiveIntegerField(_("goals scored"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["-year", "cadre__name"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="cadregoalscore_unique_cadre_year")]
        verbose_name = _("cadre goal score")
        verbose_name_plural = _("cadre goal scores")

    def __str__(self):
        return f"{self.cadre} {self.year} · {self.score}"

"""Yearly results, their make-up, grades and the archive (RES-1..RES-4, BG-1).

``ResultScheme`` says, per year and target category, how a yearly result is
made: goal score, evaluation score and any parts the office scores by hand
(``SchemePart`` with ``ManualScore``), each with a weight. ``YearResult``
holds the computed result of one team or cadre with every part, weight and
source it came from, so a result explains itself. ``AssessmentYear`` holds
the year's grade rules and whether it is archived; an archived year changes
only through a ``ResultCorrection``, which is logged.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from kaohe.evaluation.models import TargetCategory
from kaohe.org.models import Cadre, Team

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
CADRE_GRADES = ["优秀", "称职", "基本称职", "不称职"]
TEAM_GRADES = ["好", "较好", "一般", "较差"]


class AssessmentYear(models.Model):
    """A year's grade rules and its state (RES-4)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excellent_limit = models.DecimalField(
        _("share of 优秀 at most (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=PERCENT,
        help_text=_("Per target category, the recommended and approved 优秀 (or 好) grades may not exceed this share."),
    )
    cadre_grades = models.CharField(
        _("cadre grades"), max_length=100, default="、".join(CADRE_GRADES), help_text=_("Best first, separated by 、")
    )
    team_grades = models.CharField(
        _("team grades"), max_length=100, default="、".join(TEAM_GRADES), help_text=_("Best first, separated by 、")
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")

    def __str__(self):
        return str(self.year)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean(self):
        if self.pk and AssessmentYear.objects.filter(pk=self.pk, archived_at__isnull=False).exists():
            raise ValidationError(_("%(year)s is archived; its rules can no longer change.") % {"year": self.year})

    def grades_for(self, kind: str) -> list[str]:
        text = self.team_grades if kind == TargetCategory.Kind.TEAM else self.cadre_grades
        return [grade.strip() for grade in text.replace(",", "、").split("、") if grade.strip()]


class ResultScheme(ClusterableModel):
    """How the yearly result of a target category is made (RES-1, BG-1)."""

    year = models.PositiveSmallIntegerField(_("year"))
    target_category = models.ForeignKey(
        TargetCategory, verbose_name=_("target category"), on_delete=models.PROTECT, related_name="result_schemes"
    )
    goal_weight = models.DecimalField(
        _("goal score weight (%)"), max_digits=5, decimal_places=2, default=Decimal("50"), validators=PERCENT
    )
    evaluation_weight = models.DecimalField(
        _("evaluation score weight (%)"), max_digits=5, decimal_places=2, default=Decimal("50"), validators=PERCENT
    )

    class Meta:
        ordering = ["-year", "target_category__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["year", "target_category"], name="resultscheme_unique_year_category")
        ]
        verbose_name = _("result scheme")
        verbose_name_plural = _("result schemes")

    def __str__(self):
        return f"{self.year} {self.target_category}"

    def total_weight(self, parts=None) -> Decimal:
        parts = self.parts.all() if parts is None else parts
        return self.goal_weight + self.evaluation_weight + sum((part.weight for part in parts), Decimal("0"))

    def clean(self):
        from .services import year_is_archived

        if self.year and year_is_archived(self.year):
            raise ValidationError(_("%(year)s is archived; its rules can no longer change.") % {"year": self.year})


class SchemePart(Orderable):
    """A part the office scores by hand, e.g. the assessment group's inspection."""

    scheme = ParentalKey(ResultScheme, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta(Orderable.Meta):
        verbose_name = _("hand-scored part")
        verbose_name_plural = _("hand-scored parts")

    def __str__(self):
        return self.name


class ManualScore(models.Model):
    """The office's score of one team or cadre in a hand-scored part."""

    part = models.ForeignKey(
        SchemePart, verbose_name=_("hand-scored part"), on_delete=models.CASCADE, related_name="scores"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=PERCENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["part", "team"], condition=Q(team__isnull=False), name="manualscore_unique_team"
            ),
            models.UniqueConstraint(
                fields=["part", "cadre"], condition=Q(cadre__isnull=False), name="manualscore_unique_cadre"
            ),
        ]
        verbose_name = _("hand-scored part score")
        verbose_name_plural = _("hand-scored part scores")

    def __str__(self):
        return f"{self.part} {self.team or self.cadre}: {self.score}"


class YearResult(models.Model):
    """The yearly result of a team or a cadre, with what it was made of (RES-1)."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    target_category = models.ForeignKey(
        TargetCategory, verbose_name=_("target category"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE, related_name="year_results"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), null=True, blank=True, on_delete=models.CASCADE, related_name="year_results"
    )
    goal_score = models.DecimalField(_("goal score"), max_digits=6, decimal_places=2, null=True, blank=True)
    evaluation_score = models.DecimalField(_("evaluation score"), max_digits=6, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("total score"), max_digits=6, decimal_places=2, null=True, blank=True)
    parts = models.JSONField(_("make-up"), default=list, help_text="[{name, weight, score, source}]")
    rank = models.PositiveIntegerField(pgettext_lazy("ranking", "rank"), null=True, blank=True)
    recommended_grade = models.CharField(_("recommended grade"), max_length=10, blank=True)
    approved_grade = models.CharField(_("approved grade"), max_length=10, blank=True)
    is_stale = models.BooleanField(_("stale"), default=False)
    computed_at = models.DateTimeField(_("computed at"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["year", "target_category__sort_order", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "team"], condition=Q(team__isnull=False), name="yearresult_unique_team"
            ),
            models.UniqueConstraint(
                fields=["year", "cadre"], condition=Q(cadre__isnull=False), name="yearresult_unique_cadre"
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=True, cadre__isnull=False) | Q(team__isnull=False, cadre__isnull=True),
                name="yearresult_team_or_cadre",
            ),
        ]
        indexes = [models.Index(fields=["year", "target_category", "total"])]
        verbose_name = _("yearly result")
        verbose_name_plural = _("yearly results")

    def __str__(self):
        return f"{self.year} {self.subject}"

    @property
    def subject(self):
        return self.team if self.team_id else self.cadre

    @property
    def subject_name(self) -> str:
        return self.team.name if self.team_id else self.cadre.name


class ResultCorrection(models.Model):
    """A change to an archived year's result: a new version, with who, when and why (RES-4)."""

    result = models.ForeignKey(YearResult, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(_("field"), max_length=30)
    old_value = models.CharField(_("old value"), max_length=50, blank=True)
    new_value = models.CharField(_("new value"), max_length=50, blank=True)
    reason = models.TextField(_("reason"))
    year_version = models.PositiveIntegerField(_("version"))
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-corrected_at"]
        verbose_name = _("result correction")
        verbose_name_plural = _("result corrections")

    def __str__(self):
        return f"{self.result} {self.field}: {self.old_value} → {self.new_value}"

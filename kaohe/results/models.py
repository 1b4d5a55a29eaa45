"""Yearly results, their make-up, grades and the archive (RES-1..RES-4, BG-1).

``ResultScheme`` says, per year and target category, how a yearly result is
made: goal score, evaluation score and any parts the office scores by hand
(``SchemePart`` with ``ManualScore``), each with a weight. ``YearResult``
holds the computed result of one team or cadre with every part, weight and
source it came from, so a result explains itself. ``AssessmentYear`` holds
the year's grade rules and whether it is archived; an archived year changes
only through a ``ResultCorrection``, which is logged.

Every team of an active unit and every cadre who held a seat in the year gets
a result (RES-5): the scheme of its category says what a missing part does
(``MissingRule``) and what a short time in the seat does (``ServiceRule``),
and the result records which rule applied and why (``status``, ``reasons``).
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
from kaohe.org.models import Cadre, PostGroup, Team, Unit, UnitKind

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
CADRE_GRADES = ["优秀", "称职", "基本称职", "不称职"]
TEAM_GRADES = ["好", "较好", "一般", "较差"]


class GradeBasis(models.TextChoices):
    TOTAL = "total", _("Total score")
    NORMALISED = "normalised", _("Normalised total (post groups evened out)")


class AssessmentYear(ClusterableModel):
    """A year's grade rules and its state (RES-3, RES-4)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excellent_limit = models.DecimalField(
        _("share of 优秀 at most (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=PERCENT,
        help_text=_("Per target category, the recommended and approved 优秀 (or 好) grades may not exceed this share."),
    )
    grade_basis = models.CharField(
        _("rank and grade by"),
        max_length=12,
        choices=GradeBasis.choices,
        default=GradeBasis.TOTAL,
        help_text=_(
            "The normalised total evens out the differences between post groups (党政正职, 副职, ...) "
            "of a category before ranking."
        ),
    )
    ungraded_label = models.CharField(
        _("grade of those not graded"),
        max_length=10,
        default="不定等次",
        help_text=_("Given to cadres whom the rule on time in the seat leaves ungraded."),
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
    stale_reasons = models.JSONField(_("why the results are stale"), default=list, blank=True, editable=False)

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


class GradeLimit(Orderable):
    """The 优秀 share of one post group in a year, over every cadre category (RES-3)."""

    assessment_year = ParentalKey(AssessmentYear, on_delete=models.CASCADE, related_name="grade_limits")
    post_group = models.CharField(_("post group"), max_length=16, choices=PostGroup.choices)
    excellent_limit = models.DecimalField(
        _("share of 优秀 at most (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )

    class Meta(Orderable.Meta):
        verbose_name = _("grade limit of a post group")
        verbose_name_plural = _("grade limits of post groups")
        constraints = [
            models.UniqueConstraint(fields=["assessment_year", "post_group"], name="gradelimit_unique_group")
        ]

    def __str__(self):
        return f"{self.get_post_group_display()} ≤ {self.excellent_limit.normalize():f}%"


class MissingRule(models.TextChoices):
    """What a result does when a weighted part has no score (RES-5)."""

    SPREAD = "spread", _("Spread its weight over the parts present")
    DEFAULT = "default", _("Count a fixed default score")
    HOLD = "hold", _("Hold the result as incomplete until it is supplied")


class ServiceRule(models.TextChoices):
    """What a result does when the cadre held a seat for less than the minimum time in the year (RES-5)."""

    UNGRADED = "ungraded", _("Assess, but give no grade (不定等次)")
    ASSESS = "assess", _("Assess and grade like everyone else")


class ResultScheme(ClusterableModel):
    """How the yearly result of a target category is made (RES-1, RES-5, BG-1)."""

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
    missing_rule = models.CharField(
        _("when a part is missing"), max_length=8, choices=MissingRule.choices, default=MissingRule.HOLD
    )
    default_score = models.DecimalField(
        _("default score of a missing part"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Used when a missing part counts a fixed default score."),
    )
    min_service_months = models.PositiveSmallIntegerField(
        _("months in the seat at least"),
        default=6,
        validators=[MaxValueValidator(12)],
        help_text=_(
            "Cadres who held a seat for less time in the year (joined late, left early) follow the rule below."
        ),
    )
    short_service_rule = models.CharField(
        _("when the time in the seat is shorter"),
        max_length=8,
        choices=ServiceRule.choices,
        default=ServiceRule.UNGRADED,
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
        from .selectors import year_is_archived

        if self.year and year_is_archived(year=self.year):
            raise ValidationError(_("%(year)s is archived; its rules can no longer change.") % {"year": self.year})
        if self.missing_rule == MissingRule.DEFAULT and self.default_score is None:
            raise ValidationError({"default_score": _("Give the default score that a missing part counts.")})


class SchemeCoverage(Orderable):
    """Which teams or cadres fall in the scheme's category when no evaluation task placed them (RES-5).

    A team falls in by its unit's kind; a cadre by the kind of the unit where they held
    their seat and the seat's post group. Empty means any; the most specific row wins."""

    scheme = ParentalKey(ResultScheme, on_delete=models.CASCADE, related_name="coverage")
    unit_kind = models.ForeignKey(
        UnitKind, verbose_name=_("unit kind"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post_group = models.CharField(
        _("post group"), max_length=16, choices=PostGroup.choices, blank=True, help_text=_("For cadre categories.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("who falls in the category")
        verbose_name_plural = _("who falls in the category")

    def __str__(self):
        return " · ".join(str(x) for x in (self.unit_kind or _("any unit"), self.get_post_group_display()) if x)


class PartSource(models.TextChoices):
    """Where a scheme part's scores come from (RES-1, CYCLE-4, CYCLE-5)."""

    MANUAL = "manual", _("Scored by hand by the office")
    INSPECTION = "inspection", _("The assessment groups' confirmed inspection scores")
    QUARTERLY = "quarterly", _("The year's quarterly grades, averaged")


def _grade_score(label, default: str):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(default), validators=PERCENT)


class SchemePart(Orderable):
    """A part of the yearly result besides the goal and evaluation scores: scored by hand by
    the office, or fed by the assessment groups' confirmed inspections (CYCLE-4) or by the
    year's quarterly grades (CYCLE-5). A grade counts as the score the part maps it to."""

    Source = PartSource

    scheme = ParentalKey(ResultScheme, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    source = models.CharField(
        _("scores come from"),
        max_length=12,
        choices=PartSource.choices,
        default=PartSource.MANUAL,
        help_text=_(
            "Inspection: the score the group's leader confirmed, or its grade counted as below. "
            "Quarterly grades: the mean of the quarters graded, each grade counted as below."
        ),
    )
    excellent_score = _grade_score(_("inspection grade 优秀 counts"), "95")
    competent_score = _grade_score(_("inspection grade 称职 counts"), "85")
    basic_score = _grade_score(_("inspection grade 基本称职 counts"), "70")
    incompetent_score = _grade_score(_("inspection grade 不称职 counts"), "50")
    good_score = _grade_score(_("quarterly grade 好 counts"), "95")
    fairly_good_score = _grade_score(_("quarterly grade 较好 counts"), "85")
    average_score = _grade_score(_("quarterly grade 一般 counts"), "75")
    poor_score = _grade_score(_("quarterly grade 较差 counts"), "60")

    INSPECTION_GRADE_FIELDS = {
        "excellent": "excellent_score",
        "competent": "competent_score",
        "basic": "basic_score",
        "incompetent": "incompetent_score",
    }
    QUARTER_GRADE_FIELDS = {
        "good": "good_score",
        "fairly_good": "fairly_good_score",
        "average": "average_score",
        "poor": "poor_score",
    }

    class Meta(Orderable.Meta):
        verbose_name = _("further part")
        verbose_name_plural = _("further parts")

    def __str__(self):
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.source == PartSource.MANUAL

    def inspection_grade_scores(self) -> dict[str, Decimal]:
        return {grade: getattr(self, name) for grade, name in self.INSPECTION_GRADE_FIELDS.items()}

    def quarter_grade_scores(self) -> dict[str, Decimal]:
        return {grade: getattr(self, name) for grade, name in self.QUARTER_GRADE_FIELDS.items()}


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


class ResultStatus(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    BY_RULE = "by_rule", _("Complete by rule (a part was missing)")
    UNGRADED = "ungraded", _("Not graded (short time in the seat)")
    INCOMPLETE = "incomplete", _("Incomplete")


class YearResult(models.Model):
    """The yearly result of a team or a cadre, with what it was made of (RES-1, RES-5)."""

    Status = ResultStatus

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    target_category = models.ForeignKey(
        TargetCategory,
        verbose_name=_("target category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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
    normalised_total = models.DecimalField(_("normalised total"), max_digits=6, decimal_places=2, null=True, blank=True)
    parts = models.JSONField(
        _("make-up"), default=list, help_text="[{name, weight, score, source, missing, used_weight}]"
    )
    status = models.CharField(
        _("state"), max_length=10, choices=ResultStatus.choices, default=ResultStatus.COMPLETE, db_index=True
    )
    reasons = models.JSONField(_("rules applied"), default=list, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seat_team = models.ForeignKey(
        Team,
        verbose_name=_("team of the seat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For a cadre: the team in which they held their seat longest in the year."),
    )
    post = models.CharField(_("post"), max_length=110, blank=True)
    post_group = models.CharField(_("post group"), max_length=16, choices=PostGroup.choices, blank=True)
    service_days = models.PositiveSmallIntegerField(_("days in the seat"), null=True, blank=True)
    service_start = models.DateField(_("in the seat from"), null=True, blank=True)
    service_end = models.DateField(_("in the seat to"), null=True, blank=True)
    rank = models.PositiveIntegerField(pgettext_lazy("ranking", "rank"), null=True, blank=True)
    group_rank = models.PositiveIntegerField(_("rank in the post group"), null=True, blank=True)
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

    @property
    def kind(self) -> str:
        return TargetCategory.Kind.TEAM if self.team_id else TargetCategory.Kind.CADRE

    @property
    def is_graded(self) -> bool:
        """Whether the result takes a grade of the scale (complete, or complete by rule)."""
        return self.status in (ResultStatus.COMPLETE, ResultStatus.BY_RULE) and self.target_category_id is not None

    @property
    def grade(self) -> str:
        return self.approved_grade or self.recommended_grade


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

"""The assessment cycle of a year (CYCLE-1..CYCLE-5): what teams and cadres promise,
record, report and are graded on besides their goals.

Every record here concerns one *target*: a unit's leadership team or one cadre
(``TargetFields``). The record keeps its unit as well, taken from the target when it
is saved, so that the office's rights table (``kaohe.access``) filters it in the
database by unit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from kaohe.goals.models import Goal
from kaohe.org.models import Cadre, Team, Unit, WorkGroup

from .attachments import ATTACHMENT_EXTENSIONS, attachment_path, validate_attachment


class TargetFields(models.Model):
    """A team or a cadre, and the unit they belong to."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+", editable=False)
    team = models.ForeignKey(
        Team, verbose_name=_("leadership team"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def target(self):
        return self.cadre if self.cadre_id else self.team

    @property
    def target_name(self) -> str:
        target = self.target
        return str(target) if target is not None else ""

    def clean_target(self) -> None:
        """Exactly one of team and cadre; the unit follows from it."""
        if bool(self.team_id) == bool(self.cadre_id):
            raise ValidationError(_("Choose either a leadership team or a cadre."))
        unit_id = self.cadre.unit_id if self.cadre_id else self.team.unit_id
        if unit_id is None:
            raise ValidationError({"cadre": _("This cadre belongs to no unit.")})
        self.unit_id = unit_id

    def clean(self):
        super().clean()
        self.clean_target()


def one_target_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(team__isnull=True, cadre__isnull=False) | Q(team__isnull=False, cadre__isnull=True),
        name=name,
        violation_error_message=_("Choose either a leadership team or a cadre."),
    )


def one_per_target_constraints(fields: list[str], name: str) -> list[models.UniqueConstraint]:
    """One row per team and one per cadre for the same ``fields``; ``name`` holds ``{target}``."""
    return [
        models.UniqueConstraint(
            fields=[*fields, target], condition=Q(**{f"{target}__isnull": False}), name=name.format(target=target)
        )
        for target in ("team", "cadre")
    ]


class YearTargetFields(TargetFields):
    """A team's or cadre's record of one year."""

    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.target_name} {self.year}"


class Commitment(YearTargetFields):
    """A promise a team or cadre makes at the start of the year, tied to goals (CYCLE-1).

    The unit writes it; the office reviews it and publishes it (or returns it with a
    note); published commitments are public beside the unit and the goals. At the end
    of the year the office marks each one kept or not kept, with a note."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned for changes")
        PUBLISHED = "published", _("Published")

    class Outcome(models.TextChoices):
        OPEN = "", _("Not yet assessed")
        KEPT = "kept", _("Kept")
        NOT_KEPT = "not_kept", _("Not kept")

    text = models.TextField(_("commitment"), max_length=2000)
    goals = models.ManyToManyField(Goal, verbose_name=_("linked goals"), blank=True, related_name="commitments")
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        pgettext_lazy("commitment", "status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    review_note = models.TextField(
        _("review note"), blank=True, help_text=_("The office's note to the unit, e.g. why it was returned.")
    )
    outcome = models.CharField(
        pgettext_lazy("commitment", "outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "unit__kind__sort_order", "unit__sort_order", "unit_id", "team_id", "cadre__name", "pk"]
        indexes = [models.Index(fields=["year", "unit", "status"])]
        constraints = [one_target_constraint("cycle_commitment_one_target")]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return f"{self.target_name} {self.year}: {self.text[:40]}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self):
        super().clean()
        if self.due_date and self.year and self.due_date.year != self.year:
            raise ValidationError({"due_date": _("The due date must fall in the commitment's year.")})
        if self.outcome and not self.is_published:
            raise ValidationError({"outcome": _("Only a published commitment can be marked kept or not kept.")})


class WorkRecord(ClusterableModel, TargetFields):
    """A dated entry of work done by a cadre, or by a unit for its team (工作纪实, CYCLE-2).

    Written by the cadre, or by the unit administrator for the cadre or the team; read as
    the office's rights table says for the subject ``records``."""

    date = models.DateField(_("date"))
    content = models.TextField(_("work done"), max_length=5000)
    goals = models.ManyToManyField(Goal, verbose_name=_("linked goals"), blank=True, related_name="work_records")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["cadre", "-date"], name="cycle_record_cadre_date"),
            models.Index(fields=["unit", "-date"], name="cycle_record_unit_date"),
        ]
        constraints = [one_target_constraint("cycle_workrecord_one_target")]
        verbose_name = _("work record")
        verbose_name_plural = _("work records")

    def __str__(self):
        return f"{self.target_name} {self.date:%Y-%m-%d}"

    def clean(self):
        super().clean()
        from django.utils import timezone

        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A work record tells what was done: its date cannot be in the future.")})


class WorkRecordAttachment(Orderable):
    """A document or photo kept with a work record (CYCLE-2): served only to those who may read the record."""

    record = ParentalKey(WorkRecord, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        max_length=200,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment],
        help_text=_("PDF, Word, Excel, WPS, text or a photo (JPEG, PNG)."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title


class ReportDeadline(models.Model):
    """The office's deadline for a year's work reports and self-assessments (CYCLE-3)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    deadline = models.DateTimeField(_("deadline"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("work report deadline")
        verbose_name_plural = _("work report deadlines")

    def __str__(self):
        return str(self.year)


class OverallGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    COMPETENT = "competent", _("Competent (称职)")
    BASIC = "basic", _("Basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("Incompetent (不称职)")


class GoalGrade(models.TextChoices):
    DONE = "done", _("Completed")
    MOSTLY = "mostly", _("Basically completed")
    NOT_DONE = "not_done", _("Not completed")


class WorkReport(YearTargetFields):
    """A team's or cadre's year-end work report and self-assessment (述职报告、自我评估, CYCLE-3).

    Written by the cadre (or the unit administrator for the cadre or the team) until the
    office's deadline; read-only once submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    body = models.TextField(_("work report"), blank=True, max_length=30000)
    document = models.FileField(
        _("report document"),
        upload_to=attachment_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment],
        help_text=_("Instead of or besides the text: the report as PDF, Word or WPS."),
    )
    overall_grade = models.CharField(_("overall self-grade"), max_length=12, choices=OverallGrade.choices, blank=True)
    overall_reasons = models.TextField(_("reasons"), blank=True, max_length=3000)
    status = models.CharField(
        pgettext_lazy("work report", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "unit_id", "team_id", "cadre__name"]
        constraints = [
            one_target_constraint("cycle_workreport_one_target"),
            *one_per_target_constraints(["year"], "cycle_workreport_unique_{target}_year"),
        ]
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class GoalSelfAssessment(models.Model):
    """The self-grade of one goal in a work report, with reasons (CYCLE-3)."""

    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="assessments")
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="self_assessments")
    grade = models.CharField(_("self-grade"), max_length=10, choices=GoalGrade.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True, max_length=2000)

    class Meta:
        ordering = ["report", "goal__sort_order", "goal_id"]
        constraints = [models.UniqueConstraint(fields=["report", "goal"], name="cycle_selfassessment_unique_goal")]
        verbose_name = _("goal self-assessment")
        verbose_name_plural = _("goal self-assessments")

    def __str__(self):
        return f"{self.goal} · {self.get_grade_display()}"


class Inspection(YearTargetFields):
    """An assessment work group's inspection of a team or cadre (上级考核组考察, CYCLE-4): its
    opinion and a score or grade, recorded by a member of the group that holds the unit and
    confirmed by the group's leader. Once confirmed it is final."""

    group = models.ForeignKey(
        WorkGroup, verbose_name=_("assessment work group"), on_delete=models.PROTECT, related_name="inspections"
    )
    opinion = models.TextField(_("inspection opinion"), max_length=5000)
    score = models.DecimalField(
        _("inspection score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0-100."),
    )
    grade = models.CharField(_("inspection grade"), max_length=12, choices=OverallGrade.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "group", "unit_id", "team_id", "cadre__name"]
        constraints = [
            one_target_constraint("cycle_inspection_one_target"),
            *one_per_target_constraints(["year"], "cycle_inspection_unique_{target}_year"),
        ]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class QuarterGrade(models.TextChoices):
    GOOD = "good", _("Good (好)")
    FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
    AVERAGE = "average", _("Average (一般)")
    POOR = "poor", _("Poor (较差)")


class QuarterlyGrader(models.Model):
    """A person the office names to give a unit's quarterly grades (CYCLE-5). Where the office
    names nobody for a unit's cadres, the unit's principal leader grades them; the office
    grades teams."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("grader"), on_delete=models.CASCADE, related_name="+"
    )
    grades_team = models.BooleanField(_("grades the team"), default=False)
    grades_cadres = models.BooleanField(_("grades the cadres"), default=True)

    class Meta:
        ordering = ["unit__name", "user__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="cycle_grader_unique_unit_user")]
        verbose_name = _("quarterly grader")
        verbose_name_plural = _("quarterly graders")

    def __str__(self):
        return f"{self.unit} · {self.user}"


class QuarterlyGrade(YearTargetFields):
    """A quarter's grade of a team or cadre from that quarter's progress and records, with a
    short comment (平时考核, CYCLE-5)."""

    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    grade = models.CharField(_("quarterly grade"), max_length=12, choices=QuarterGrade.choices)
    comment = models.CharField(pgettext_lazy("quarterly grade", "comment"), max_length=300, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    graded_at = models.DateTimeField(_("graded at"), auto_now=True)

    class Meta:
        ordering = ["year", "quarter"]
        constraints = [
            one_target_constraint("cycle_quarterly_one_target"),
            *one_per_target_constraints(["year", "quarter"], "cycle_quarterly_unique_{target}"),
        ]
        verbose_name = _("quarterly grade")
        verbose_name_plural = _("quarterly grades")

    def __str__(self):
        return f"{self.target_name} {self.year}Q{self.quarter}"

"""Yearly goals of units, their decomposition to cadres, and progress reports.

GOAL-1..GOAL-9 and SUP-1..SUP-7. A unit's goals for a year hang from a
``GoalPlan``; goals form a tree through ``parent`` (an adjacency list: a
plan's whole tree is read in one query and assembled in Python, see
``tree.py``). After a plan is published every change is kept as a
``GoalChange`` with the old and new value of each field.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.numbers import round_score
from kaohe.org.models import Cadre, Unit


class MeasureUnit(models.Model):
    """A unit of measure (亿元, 万元, %, 人, 个, 公里): one spelling for the whole county."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """An entry of the indicator dictionary (指标字典, GOAL-2)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, unique=True)
    category = models.CharField(_("indicator category"), max_length=50, help_text=_("e.g. 经济发展, 社会民生"))
    measure_unit = models.ForeignKey(
        MeasureUnit, verbose_name=_("unit of measure"), on_delete=models.PROTECT, related_name="indicators"
    )
    definition = models.TextField(_("definition"), blank=True)
    higher_is_better = models.BooleanField(
        _("higher is better"), default=True, help_text=_("Untick for indicators where less is better, e.g. energy use.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicator dictionary")

    def __str__(self):
        return f"{self.name}（{self.measure_unit}）"


class GoalType(models.Model):
    """Classes of goals the office defines (经济发展, 党的建设, 民生保障, ...)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_public = models.BooleanField(
        _("shown to the public"),
        default=True,
        help_text=_("Published goals of this type and their progress are shown on the public portal."),
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("goal type")
        verbose_name_plural = _("goal types")

    def __str__(self):
        return self.name


class GoalSource(models.Model):
    """Where a goal comes from (上级下达, 县委县政府, 本单位, ...)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("goal source")
        verbose_name_plural = _("goal sources")

    def __str__(self):
        return self.name


class AssignmentRole(models.Model):
    """A cadre's role on a goal (主办, 协办, and roles the office adds, GOAL-5)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("goal role")
        verbose_name_plural = _("goal roles")

    def __str__(self):
        return self.name


class GoalPlan(models.Model):
    """A unit's goals for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="goal_plans")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    status = models.CharField(
        pgettext_lazy("goal plan", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "unit__kind__sort_order", "unit__sort_order", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="goalplan_unique_unit_year")]
        verbose_name = _("goal plan")
        verbose_name_plural = _("goal plans")

    def __str__(self):
        return f"{self.unit} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Goal(models.Model):
    """A goal, task or project; children refine it (GOAL-1, GOAL-2, GOAL-4)."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative")

    class Importance(models.IntegerChoices):
        KEY = 1, _("Key")
        IMPORTANT = 2, _("Important")
        NORMAL = 3, _("Normal")

    plan = models.ForeignKey(GoalPlan, verbose_name=_("goal plan"), on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent goal"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("goal"), max_length=300)
    kind = models.CharField(_("goal kind"), max_length=16, choices=Kind.choices, default=Kind.QUALITATIVE)
    goal_type = models.ForeignKey(
        GoalType, verbose_name=_("goal type"), null=True, blank=True, on_delete=models.PROTECT, related_name="goals"
    )
    source = models.ForeignKey(
        GoalSource, verbose_name=_("goal source"), null=True, blank=True, on_delete=models.PROTECT, related_name="goals"
    )
    supervising_unit = models.ForeignKey(
        Unit,
        verbose_name=_("supervising department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_goals",
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of the parent (or of the plan for top-level goals), 0-100."),
    )
    importance = models.PositiveSmallIntegerField(
        _("importance"), choices=Importance.choices, default=Importance.NORMAL
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    criteria = models.TextField(_("completion criteria"), blank=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.PROTECT, related_name="goals"
    )
    plan_value = models.DecimalField(_("plan value"), max_digits=16, decimal_places=4, null=True, blank=True)
    counts_in_assessment = models.BooleanField(_("counts in the assessment"), default=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", editable=False
    )
    changed_after_publish = models.BooleanField(_("changed after publishing"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["plan", "parent_id", "sort_order", "pk"]
        indexes = [models.Index(fields=["plan", "parent", "sort_order"])]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("The due date is before the start date.")
        if self.kind == self.Kind.QUANTITATIVE:
            if not self.indicator_id:
                errors["indicator"] = _("A quantitative goal needs an indicator from the dictionary.")
            if self.plan_value is None:
                errors["plan_value"] = _("A quantitative goal needs a plan value.")
        if self.parent_id and self.plan_id and self.parent.plan_id != self.plan_id:
            errors["parent"] = _("The parent goal belongs to another unit's or year's goals.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_quantitative(self) -> bool:
        return self.kind == self.Kind.QUANTITATIVE


class Assignment(models.Model):
    """A cadre's share of a goal, with their role (GOAL-5)."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="assignments")
    # A cadre who holds goals is not deleted with them (their scores hang on these): mark them inactive.
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="goal_assignments")
    role = models.ForeignKey(AssignmentRole, verbose_name=_("goal role"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["role__sort_order", "cadre__name"]
        constraints = [models.UniqueConstraint(fields=["goal", "cadre"], name="assignment_unique_goal_cadre")]
        verbose_name = _("goal assignment")
        verbose_name_plural = _("goal assignments")

    def __str__(self):
        return f"{self.cadre} · {self.role}"


class GoalChange(models.Model):
    """One change to a published plan's goal: what, when, by whom (GOAL-6)."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        MOVED = "moved", _("Moved")
        DELETED = "deleted", _("Deleted")

    plan = models.ForeignKey(GoalPlan, on_delete=models.CASCADE, related_name="changes")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    goal_name = models.CharField(_("goal"), max_length=300)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, help_text="{field label: [old, new]}")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("goal change")
        verbose_name_plural = _("goal changes")

    def __str__(self):
        return f"{self.goal_name} {self.get_action_display()}"


def period_choices():
    months = [(f"M{m:02d}", _("Month %(month)d") % {"month": m}) for m in range(1, 13)]
    quarters = [(f"Q{q}", _("Quarter %(q)d") % {"q": q}) for q in range(1, 5)]
    return quarters + months


PERIOD_ORDER = {f"Q{q}": q * 3 for q in range(1, 5)} | {f"M{m:02d}": m for m in range(1, 13)}


class ProgressReport(models.Model):
    """A unit's progress report for a month or quarter (SUP-1, SUP-3, SUP-5)."""

    plan = models.ForeignKey(GoalPlan, verbose_name=_("goal plan"), on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("period"), max_length=3, choices=period_choices)
    summary = models.TextField(_("summary"), blank=True)
    submitted = models.BooleanField(_("submitted"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A submitted report is read beyond the unit once the office approves it (PORTAL-1)."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "period"]
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="progressreport_unique_period")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.plan} {self.get_period_display()}"

    @property
    def is_live(self) -> bool:
        return self.submitted and self.published_at is not None

    @property
    def period_rank(self) -> int:
        return PERIOD_ORDER.get(self.period, 0)


class ProgressEntry(models.Model):
    """What a report says about one goal (SUP-2, SUP-3)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="entries")
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="progress_entries")
    actual_value = models.DecimalField(_("actual value"), max_digits=16, decimal_places=4, null=True, blank=True)
    estimated_progress = models.PositiveSmallIntegerField(
        _("estimated progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    work_done = models.TextField(_("main work done"), blank=True)
    delay_reasons = models.TextField(_("reasons for delay"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)

    class Meta:
        ordering = ["report", "goal"]
        constraints = [models.UniqueConstraint(fields=["report", "goal"], name="progressentry_unique_goal")]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")

    def __str__(self):
        return f"{self.goal} {self.report.get_period_display()}"

    @property
    def completion(self) -> Decimal | None:
        return completion_percent(self.goal, self.actual_value, self.estimated_progress)


def completion_percent(goal: Goal, actual, estimated) -> Decimal | None:
    """Completion in percent (SUP-2): from plan and actual when the goal is
    quantitative, respecting whether higher is better; the estimate otherwise."""
    if goal.is_quantitative:
        plan = goal.plan_value
        if actual is None or plan is None:
            return None
        actual = Decimal(actual)
        if goal.indicator is None or goal.indicator.higher_is_better:
            if plan == 0:
                return Decimal("100") if actual >= 0 else Decimal("0")
            return round_score(actual / plan * 100, 1)
        # Less is better: reaching the plan or staying below it is 100%.
        if actual <= 0:
            return Decimal("100")
        return round_score(plan / actual * 100, 1)
    if estimated is None:
        return None
    return Decimal(estimated)


class EntryVerification(models.Model):
    """The supervising department's (or the office's) check of what a submitted report
    says about one goal (核准数据, SCORE-1): the figures confirmed, or questioned with a note."""

    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        QUESTIONED = "questioned", _("Questioned")

    entry = models.OneToOneField(
        ProgressEntry, verbose_name=_("progress entry"), on_delete=models.CASCADE, related_name="verification"
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    verified_value = models.DecimalField(
        _("verified value"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The figure the department confirms (核准数据), if it differs from the reported one."),
    )
    note = models.TextField(_("note"), blank=True)
    verifier_unit = models.ForeignKey(
        Unit, verbose_name=_("verified by unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("verified by")
    )
    verified_at = models.DateTimeField(_("verified at"), auto_now=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self):
        return f"{self.entry} · {self.get_verdict_display()}"

    @property
    def is_confirmed(self) -> bool:
        return self.verdict == self.Verdict.CONFIRMED


class ReportingDeadline(models.Model):
    """When a month's or quarter's progress reports are due (SUP-1), set by the office."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    period = models.CharField(_("period"), max_length=3, choices=period_choices)
    due_date = models.DateField(_("due date"))
    remind_days = models.PositiveSmallIntegerField(
        _("reminder days before"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_("Units that have not submitted get an e-mail this many days before, and on the day."),
    )

    class Meta:
        ordering = ["-year", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "period"],
                name="reportingdeadline_unique_period",
                violation_error_message=_("This period already has a deadline in this year."),
            )
        ]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")

    def __str__(self):
        return f"{self.year} {self.get_period_display()}"

    def clean(self):
        if self.due_date and self.year and abs(self.due_date.year - self.year) > 1:
            raise ValidationError({"due_date": _("The due date should lie in the report's year or the next.")})


class DeadlineReminder(models.Model):
    """A reminder e-mail sent to a unit about a deadline, so a second run of the command sends none."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("A few days before")
        DUE = "due", _("On the day")

    deadline = models.ForeignKey(ReportingDeadline, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "unit", "kind"], name="deadlinereminder_unique_kind")
        ]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")

    def __str__(self):
        return f"{self.deadline} {self.unit} {self.kind}"


ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "txt", "jpg", "jpeg", "png", "zip"]


class ReportAttachment(models.Model):
    """A summary document uploaded with a report (SUP-5)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to="progress/%Y/", validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)]
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("summary document")
        verbose_name_plural = _("summary documents")

    def __str__(self):
        return self.title

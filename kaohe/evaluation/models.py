"""Comprehensive evaluation (综合测评): evaluator categories, indicator systems,
targets, tasks, one-time accounts, anonymous ballots and tallied results (EVAL-1 to EVAL-8).

Anonymity is kept by the shape of the data and by how it is written (EVAL-10,
see ``services.ballot_submit`` and the README): a ``Ballot`` has no link to the
``EvaluationAccount`` that cast it, no time finer than the day and no address;
the account only records that it has voted (``status``). A ballot is never
written in the transaction that marks its account: it waits, sealed, in the
``BallotBoxEntry`` table and enters the ballot table in a batch, in random
order, under a random key; the whole table is rewritten in random order when
the task closes.
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from kaohe.org.models import Cadre, Team

ZERO = Decimal("0")
HUNDRED = Decimal("100")


class EvaluatorCategory(models.Model):
    """A class of evaluators (测评主体): leaders in charge, grassroots representatives... (EVAL-1).

    The rights decide what an account of the category may do: read the
    targets' duties, goals and reports, leave remarks, and evaluate.
    """

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    can_read_info = models.BooleanField(
        _("may read target information"),
        default=True,
        help_text=_("Links to each target's duties, goals, work records and reports are shown on the form."),
    )
    can_give_feedback = models.BooleanField(
        _("may give feedback"),
        default=False,
        help_text=_("The form has a remarks box for each target; remarks are anonymous like the ratings."),
    )
    can_evaluate = models.BooleanField(_("may evaluate"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluator category")
        verbose_name_plural = _("evaluator categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def rights_display(self) -> str:
        rights = []
        if self.can_read_info:
            rights.append(str(_("read information")))
        if self.can_give_feedback:
            rights.append(str(_("feedback")))
        if self.can_evaluate:
            rights.append(str(_("evaluate")))
        return "、".join(rights) or "—"


class TargetCategory(models.Model):
    """A class of evaluation targets (测评对象分类): main leaders, service-window units... (EVAL-4)."""

    class Kind(models.TextChoices):
        TEAM = "team", _("Leadership teams")
        CADRE = "cadre", _("Cadres")

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50, unique=True)
    kind = models.CharField(_("targets are"), max_length=8, choices=Kind.choices, default=Kind.TEAM)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target category")
        verbose_name_plural = _("target categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class IndicatorSystem(ClusterableModel):
    """A list of weighted indicators with a rating scale (测评指标体系) (EVAL-3).

    Scores are put on a 100-point scale: a level is worth its points over the
    best level's points; a number is worth itself over the scale's maximum.
    """

    class Scale(models.TextChoices):
        LEVELS = "levels", _("Rating levels")
        NUMERIC = "numeric", _("Numeric score")

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    is_template = models.BooleanField(
        _("template"), default=False, help_text=_("Offered for copying into next year's systems.")
    )
    scale = models.CharField(_("rating scale"), max_length=8, choices=Scale.choices, default=Scale.LEVELS)
    scale_min = models.DecimalField(_("lowest score"), max_digits=6, decimal_places=2, default=ZERO)
    scale_max = models.DecimalField(_("highest score"), max_digits=6, decimal_places=2, default=HUNDRED)
    excellent_from = models.DecimalField(
        _("excellent from"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Numeric scale: a score at or above this counts as “excellent” for forced distribution."),
    )
    bottom_below = models.DecimalField(
        _("bottom below"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Numeric scale: a score below this counts as a bottom rating for forced distribution."),
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    class Meta:
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                "year",
                "name",
                name="evaluation_system_unique_name_in_year",
                violation_error_message=_("An indicator system with this name already exists for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.year}）"

    def clean(self):
        super().clean()
        if self.scale == self.Scale.NUMERIC:
            if self.scale_max is None or self.scale_min is None or self.scale_max <= self.scale_min:
                raise ValidationError({"scale_max": _("The highest score must be above the lowest score.")})
            if self.scale_max <= 0:
                raise ValidationError({"scale_max": _("The highest score must be above zero.")})
            for name in ("excellent_from", "bottom_below"):
                value = getattr(self, name)
                if value is not None and not (self.scale_min <= value <= self.scale_max):
                    raise ValidationError({name: _("The threshold must lie within the scale.")})


class Indicator(Orderable):
    """One indicator of a system, with its scoring criteria and weight."""

    system = ParentalKey(
        IndicatorSystem, verbose_name=_("indicator system"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    criteria = models.TextField(_("scoring criteria"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Relative weight; the weights of a system need not add up to 100."),
    )
    instructions = models.TextField(_("instructions"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name


class RatingLevel(Orderable):
    """A level of a rating scale, such as 优秀 worth 100 points, with its one-key code for paper entry."""

    class Band(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        MIDDLE = "middle", _("Middle")
        BOTTOM = "bottom", _("Bottom")

    system = ParentalKey(
        IndicatorSystem, verbose_name=_("indicator system"), on_delete=models.CASCADE, related_name="levels"
    )
    code = models.CharField(
        pgettext_lazy("keyboard", "key"),
        max_length=1,
        help_text=_("One letter or digit typed when entering paper ballots, e.g. A."),
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=20)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(ZERO)])
    band = models.CharField(
        _("counts as"),
        max_length=10,
        choices=Band.choices,
        default=Band.MIDDLE,
        help_text=_("For forced distribution: excellent, or one of the bottom levels."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")

    def __str__(self):
        return f"{self.code} {self.name}"


class EvaluationTask(ClusterableModel):
    """An evaluation (测评任务): its targets, who rates them with which system, and when (EVAL-6)."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")
        BOTH = "both", _("Online and paper")

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(
        _("instructions for evaluators"), blank=True, help_text=_("Shown at the top of the form and on the slips.")
    )
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.BOTH)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    min_ballots = models.PositiveSmallIntegerField(
        _("minimum ballots"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A target's result (and each evaluator category's part) is shown only with at least this many valid "
            "ballots."
        ),
    )
    trim_extremes = models.BooleanField(
        _("drop highest and lowest"),
        default=False,
        help_text=_(
            "Drop each target's highest and lowest ballot in every evaluator category (when there are at least three)."
        ),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    tallied_at = models.DateTimeField(_("tallied at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Moves on whenever what a ballot sheet shows changes (``sheets.setup_changed``): read with the
    # evaluator's account, so a kept sheet is checked without a query of its own.
    setup_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("evaluation task")
        verbose_name_plural = _("evaluation tasks")
        ordering = ["-year", "-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="evaluation_task_ends_after_start",
                violation_error_message=_("A task must end after it starts."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A task must end after it starts.")})

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def has_ended(self, now=None) -> bool:
        return self.is_closed or (now or timezone.now()) >= self.ends_at

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.is_closed and self.starts_at <= now < self.ends_at

    def has_cast_ballots(self) -> bool:
        """Whether any ballot has been cast: counted, or still waiting in the ballot box."""
        return self.ballots.exists() or self.box_entries.exists()

    @property
    def accepts_online(self) -> bool:
        return self.mode in (self.Mode.ONLINE, self.Mode.BOTH)

    @property
    def accepts_paper(self) -> bool:
        return self.mode in (self.Mode.PAPER, self.Mode.BOTH)

    @property
    def status_label(self) -> str:
        if self.is_closed:
            return str(_("Closed"))
        now = timezone.now()
        if now < self.starts_at:
            return str(_("Not started"))
        if now >= self.ends_at:
            return str(_("Ended"))
        return str(_("Open"))


class TaskTarget(Orderable):
    """A team or cadre evaluated in a task, in a target category."""

    task = ParentalKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.CASCADE, related_name="targets"
    )
    target_category = models.ForeignKey(
        TargetCategory, verbose_name=_("target category"), on_delete=models.PROTECT, related_name="task_targets"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("leadership team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_targets",
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_targets",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("evaluation target")
        verbose_name_plural = _("evaluation targets")
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=False) & Q(cadre__isnull=True))
                | (Q(team__isnull=True) & Q(cadre__isnull=False)),
                name="evaluation_target_team_xor_cadre",
                violation_error_message=_("Choose either a leadership team or a cadre."),
            ),
            models.UniqueConstraint(
                "task",
                "team",
                condition=Q(team__isnull=False),
                name="evaluation_target_unique_team",
                violation_error_message=_("This team is already a target of the task."),
            ),
            models.UniqueConstraint(
                "task",
                "cadre",
                condition=Q(cadre__isnull=False),
                name="evaluation_target_unique_cadre",
                violation_error_message=_("This cadre is already a target of the task."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.team_id:
            return self.team.name
        if self.cadre_id:
            return self.cadre.name
        return "—"

    @property
    def subtitle(self) -> str:
        if self.cadre_id:
            return self.cadre.position
        return ""

    @property
    def unit(self):
        if self.team_id:
            return self.team.unit
        if self.cadre_id:
            return self.cadre.unit
        return None

    def clean(self):
        super().clean()
        if bool(self.team_id) == bool(self.cadre_id):
            raise ValidationError(_("Choose either a leadership team or a cadre."))
        if self.target_category_id:
            kind = self.target_category.kind
            if kind == TargetCategory.Kind.TEAM and not self.team_id:
                raise ValidationError({"team": _("The targets of this category are leadership teams.")})
            if kind == TargetCategory.Kind.CADRE and not self.cadre_id:
                raise ValidationError({"cadre": _("The targets of this category are cadres.")})


def _percent_validators():
    return [MinValueValidator(ZERO), MaxValueValidator(HUNDRED)]


class TaskRater(Orderable):
    """Who rates a target category in a task: an evaluator category, its system, weight and quotas (EVAL-4, EVAL-5)."""

    task = ParentalKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.CASCADE, related_name="raters"
    )
    evaluator_category = models.ForeignKey(
        EvaluatorCategory, verbose_name=_("evaluator category"), on_delete=models.PROTECT, related_name="task_raters"
    )
    target_category = models.ForeignKey(
        TargetCategory, verbose_name=_("target category"), on_delete=models.PROTECT, related_name="task_raters"
    )
    indicator_system = models.ForeignKey(
        IndicatorSystem, verbose_name=_("indicator system"), on_delete=models.PROTECT, related_name="task_raters"
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Weight of this evaluator category in the target's combined score."),
    )
    max_excellent_percent = models.DecimalField(
        _("at most excellent (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_percent_validators(),
    )
    max_excellent_count = models.PositiveSmallIntegerField(_("at most excellent (number)"), null=True, blank=True)
    min_bottom_percent = models.DecimalField(
        _("at least bottom (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_percent_validators(),
    )
    min_bottom_count = models.PositiveSmallIntegerField(_("at least bottom (number)"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")
        constraints = [
            models.UniqueConstraint(
                "task",
                "evaluator_category",
                "target_category",
                name="evaluation_rater_unique",
                violation_error_message=_("This evaluator category already rates this target category in the task."),
            ),
        ]

    def __str__(self):
        return f"{self.evaluator_category} → {self.target_category}"

    def limits_for(self, target_count: int) -> tuple[int | None, int | None]:
        """(most “excellent” ratings, fewest bottom ratings) per indicator among ``target_count`` targets."""
        import math

        most = []
        if self.max_excellent_count is not None:
            most.append(self.max_excellent_count)
        if self.max_excellent_percent is not None:
            most.append(math.floor(self.max_excellent_percent * target_count / HUNDRED))
        fewest = []
        if self.min_bottom_count is not None:
            fewest.append(self.min_bottom_count)
        if self.min_bottom_percent is not None:
            fewest.append(math.ceil(self.min_bottom_percent * target_count / HUNDRED))
        return (min(most) if most else None, min(max(fewest), target_count) if fewest else None)


class EvaluationAccount(models.Model):
    """A one-time account (测评账号) of a task and evaluator category (EVAL-2).

    Only a keyed hash of the code is kept: a copy of the database cannot be
    used to vote. Once submitted the account can do nothing more, and nothing
    links it to its ballot.
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SIGNED_IN = "signed_in", pgettext_lazy("evaluation account", "Signed in")
        DRAFT = "draft", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")
        REVOKED = "revoked", _("Revoked")

    task = models.ForeignKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.CASCADE, related_name="accounts"
    )
    category = models.ForeignKey(
        EvaluatorCategory, verbose_name=_("evaluator category"), on_delete=models.PROTECT, related_name="accounts"
    )
    serial = models.PositiveIntegerField(_("number"), help_text=_("Printed on the slip; used to revoke a lost slip."))
    code_digest = models.CharField(_("code hash"), max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation account")
        verbose_name_plural = _("evaluation accounts")
        ordering = ["task", "serial"]
        constraints = [
            models.UniqueConstraint("task", "serial", name="evaluation_account_unique_serial"),
        ]
        indexes = [models.Index(fields=["task", "category", "status"])]

    def __str__(self):
        return f"{self.task} · {self.category} · No.{self.serial:04d}"

    @property
    def serial_display(self) -> str:
        return f"{self.serial:04d}"

    @property
    def can_still_vote(self) -> bool:
        return self.status in (self.Status.ISSUED, self.Status.SIGNED_IN, self.Status.DRAFT)


class Draft(models.Model):
    """An evaluator's unfinished answers, sealed with the evaluator's own key (see ``sealing``).

    Only the evaluator's browser holds the key (it comes from the code), so
    neither this row nor a deleted copy of it left on disk shows their answers
    to anyone else. Deleted when the ballot is submitted or the task closes.
    """

    account = models.OneToOneField(
        EvaluationAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="draft"
    )
    sealed = models.BinaryField(_("sealed answers"))

    class Meta:
        verbose_name = _("draft ballot")
        verbose_name_plural = _("draft ballots")

    def __str__(self):
        return str(_("draft ballot"))


def random_id() -> int:
    """A random positive 62-bit key: rows keyed by it are not numbered in the order they were written."""
    return secrets.randbits(62) + 1


class RandomIdField(models.BigIntegerField):
    """A primary key drawn at random (``random_id``).

    On SQLite the column is declared ``INTEGER`` so that it is the table's rowid:
    SQLite stores a table in rowid order, so the rows lie in random order on
    disk too. (PostgreSQL keeps rows in the order they are written; see
    ``services.ballot_box_flush`` for how that order is made random.)
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", random_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is random_id:
            del kwargs["default"]
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class BallotBoxEntry(models.Model):
    """A cast online ballot waiting to enter the ballot table, sealed with the task's box key (EVAL-10).

    Written in the same transaction as the account's “submitted”, so that a
    ballot is never lost and never counted for an account that can still vote;
    moved into ``Ballot`` by ``services.ballot_box_flush`` in a later
    transaction, with others, in random order. It holds no account, no time and
    not the receipt hash the ballot will hold.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.ForeignKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.PROTECT, related_name="box_entries"
    )
    category = models.ForeignKey(
        EvaluatorCategory, verbose_name=_("evaluator category"), on_delete=models.PROTECT, related_name="+"
    )
    cast_on = models.DateField(_("day cast"))
    receipt_digest = models.CharField(_("receipt hash"), max_length=64, unique=True, editable=False)
    sealed = models.BinaryField(_("sealed ballot"))

    class Meta:
        verbose_name = _("ballot in the box")
        verbose_name_plural = _("ballots in the box")

    def __str__(self):
        return str(_("ballot in the box"))


class Ballot(models.Model):
    """A counted ballot, online or entered from paper. It knows its task, evaluator
    category and day, never its account, time or address.

    ``answers`` maps a task target's id to ``{indicator id: level code or number}``,
    all as strings; ``remarks`` maps a task target's id to the evaluator's remark.
    """

    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")

    id = RandomIdField(primary_key=True)
    # A cast ballot is never deleted with its task: the rule table refuses deleting such a task.
    task = models.ForeignKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.PROTECT, related_name="ballots"
    )
    category = models.ForeignKey(
        EvaluatorCategory, verbose_name=_("evaluator category"), on_delete=models.PROTECT, related_name="ballots"
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    cast_on = models.DateField(_("day cast"))
    receipt_digest = models.CharField(
        _("receipt hash"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    paper_serial = models.CharField(_("paper ballot number"), max_length=30, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    remarks = models.JSONField(_("remarks"), default=dict)
    is_valid = models.BooleanField(_("valid"), default=True)
    invalid_reason = models.TextField(_("why invalid"), blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                "task",
                "paper_serial",
                condition=~Q(paper_serial=""),
                name="evaluation_ballot_unique_paper_serial",
                violation_error_message=_("A paper ballot with this number has already been entered."),
            ),
        ]
        indexes = [models.Index(fields=["task", "category", "is_valid"])]

    def __str__(self):
        return f"{self.task} · {self.category} · {self.get_source_display()}"


class PaperCheckEntry(models.Model):
    """A paper ballot keyed a second time, by a second person, to check the first entry (double entry, EVAL-6).

    Never counted: the office compares it with the counted ballot of the same
    slip number and corrects the ballot where the paper says otherwise.
    """

    task = models.ForeignKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.CASCADE, related_name="paper_checks"
    )
    category = models.ForeignKey(
        EvaluatorCategory, verbose_name=_("evaluator category"), on_delete=models.PROTECT, related_name="+"
    )
    paper_serial = models.CharField(_("slip number"), max_length=30)
    answers = models.JSONField(_("answers"), default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keyed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("second keying of a paper ballot")
        verbose_name_plural = _("second keyings of paper ballots")
        constraints = [models.UniqueConstraint("task", "paper_serial", name="evaluation_paper_check_unique")]

    def __str__(self):
        return f"{self.task} · {self.paper_serial}"


class TargetResult(models.Model):
    """A target's tallied result in a task (EVAL-8); read through ``selectors.results_for_task``."""

    task = models.ForeignKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.CASCADE, related_name="results"
    )
    task_target = models.OneToOneField(
        TaskTarget, verbose_name=_("evaluation target"), on_delete=models.CASCADE, related_name="result"
    )
    target_category = models.ForeignKey(
        TargetCategory, verbose_name=_("target category"), on_delete=models.PROTECT, related_name="+"
    )
    target_team = models.ForeignKey(
        Team,
        verbose_name=_("leadership team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_results",
    )
    target_cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_results",
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    ballot_count = models.PositiveIntegerField(_("valid ballots"), default=0)
    is_shown = models.BooleanField(_("shown"), default=False)
    rank = models.PositiveIntegerField(pgettext_lazy("ranking", "rank"), null=True, blank=True)
    excellent_rate = models.DecimalField(_("excellent rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    level_counts = models.JSONField(_("level counts"), default=dict)
    indicator_scores = models.JSONField(_("indicator scores"), default=dict)

    class Meta:
        verbose_name = _("target result")
        verbose_name_plural = _("target results")
        ordering = ["task", "target_category__sort_order", "rank", "task_target__sort_order"]

    def __str__(self):
        return f"{self.display_name} · {self.score}"

    @property
    def display_name(self) -> str:
        if self.target_team_id:
            return self.target_team.name
        if self.target_cadre_id:
            return self.target_cadre.name
        return "—"

    @property
    def subtitle(self) -> str:
        return self.target_cadre.position if self.target_cadre_id else ""


class CategoryResult(models.Model):
    """A target's result from one evaluator category."""

    target_result = models.ForeignKey(
        TargetResult, verbose_name=_("target result"), on_delete=models.CASCADE, related_name="by_category"
    )
    evaluator_category = models.ForeignKey(
        EvaluatorCategory, verbose_name=_("evaluator category"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    ballot_count = models.PositiveIntegerField(_("valid ballots"), default=0)
    counted_ballots = models.PositiveIntegerField(_("ballots counted"), default=0)
    is_shown = models.BooleanField(_("shown"), default=False)
    excellent_rate = models.DecimalField(_("excellent rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    level_counts = models.JSONField(_("level counts"), default=dict)
    indicator_scores = models.JSONField(_("indicator scores"), default=dict)

    class Meta:
        verbose_name = _("evaluator category result")
        verbose_name_plural = _("evaluator category results")
        ordering = ["target_result", "evaluator_category__sort_order"]
        constraints = [
            models.UniqueConstraint("target_result", "evaluator_category", name="evaluation_category_result_unique"),
        ]

    def __str__(self):
        return f"{self.target_result.task_target} · {self.evaluator_category} · {self.score}"


class SlipsJob(models.Model):
    """A batch of accounts whose slips a background worker prints (EVAL-2, EVAL-9).

    Records who asked, for which task and category, how many, how far the
    printing has got and where the finished file lies. The file holds the
    one-time codes: it is encrypted under ``PORTAL_PRIVATE_DIR`` (never under
    ``MEDIA_ROOT``), handed only to the office user who asked, and deleted once
    downloaded or when it expires. The job keeps the numbers of the batch, as
    the generation's log entry does, and nothing of the codes.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Printing")
        READY = "ready", _("Ready to download")
        DOWNLOADED = "downloaded", _("Downloaded; the file is deleted")
        EXPIRED = "expired", _("Expired; the file is deleted")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.ForeignKey(
        EvaluationTask, verbose_name=_("evaluation task"), on_delete=models.CASCADE, related_name="slips_jobs"
    )
    category = models.ForeignKey(
        EvaluatorCategory, verbose_name=_("evaluator category"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("number of accounts"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("slips printed"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    first_serial = models.PositiveIntegerField(_("first number"), null=True, blank=True)
    last_serial = models.PositiveIntegerField(_("last number"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("slips job")
        verbose_name_plural = _("slips jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.task} · {self.category} · {self.count}"

    @property
    def total(self) -> int:
        return self.count

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def download_name(self) -> str:
        return f"slips-{self.task_id}-{self.first_serial or 0:04d}-{self.last_serial or 0:04d}.pdf"

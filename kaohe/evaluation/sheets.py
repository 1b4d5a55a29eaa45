"""The evaluation form of one evaluator category in one task, and the rules every ballot must meet.

A ``BallotSheet`` is built from the task's set-up: for each target category the
category rates, a ``Section`` with its targets, the indicators of its system,
the rating scale and the forced-distribution limits. Online ballots, paper
ballots and the tally all read ballots through the same sheet, so a rule is
checked in one place (EVAL-5, EVAL-6, EVAL-7).

Answers are ``{task target id: {indicator id: value}}`` with string keys and
string values: a level's code, or a number on a numeric scale.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _

from .models import HUNDRED, EvaluationTask, Indicator, IndicatorSystem, RatingLevel, TaskRater, TaskTarget

MAX_RATING_LENGTH = 20  # longer than any level key or score on a scale of at most 9999.99
MAX_REMARK_LENGTH = 500

EXCELLENT = RatingLevel.Band.EXCELLENT
BOTTOM = RatingLevel.Band.BOTTOM
MIDDLE = RatingLevel.Band.MIDDLE


@dataclass
class Level:
    code: str
    name: str
    points: Decimal
    band: str
    score: Decimal  # on the 100-point scale


@dataclass
class Section:
    """The targets of one target category, rated on one indicator system."""

    rater: TaskRater
    system: IndicatorSystem
    indicators: list[Indicator]
    levels: list[Level]
    targets: list[TaskTarget]
    max_excellent: int | None
    min_bottom: int | None
    levels_by_code: dict[str, Level] = field(default_factory=dict)
    indicator_by_id: dict[str, Indicator] = field(default_factory=dict)

    def __post_init__(self):
        self.levels_by_code = {level.code.upper(): level for level in self.levels}
        self.indicator_by_id = {str(indicator.pk): indicator for indicator in self.indicators}

    @property
    def key(self) -> str:
        return str(self.rater.target_category_id)

    @property
    def title(self) -> str:
        return self.rater.target_category.name

    @property
    def numeric(self) -> bool:
        return self.system.scale == IndicatorSystem.Scale.NUMERIC

    @property
    def excellent_names(self) -> str:
        if self.numeric:
            return _("%(value)s or more") % {"value": _number(self.system.excellent_from)}
        return "、".join(level.name for level in self.levels if level.band == EXCELLENT)

    @property
    def bottom_names(self) -> str:
        if self.numeric:
            return _("below %(value)s") % {"value": _number(self.system.bottom_below)}
        return "、".join(level.name for level in self.levels if level.band == BOTTOM)

    @property
    def has_quota(self) -> bool:
        return self.max_excellent is not None or self.min_bottom is not None

    def parse(self, raw) -> str | None:
        """The stored form of a typed value, or None when it is not a valid rating.

        Anything a browser or script can send is refused here rather than raised:
        ``1E+100``, ``NaN``, ``Infinity`` and thousands of digits are not ratings.
        """
        text = str(raw).strip()
        if len(text) > MAX_RATING_LENGTH:
            return None
        if self.numeric:
            try:
                number = Decimal(text)
                if not number.is_finite() or not (self.system.scale_min <= number <= self.system.scale_max):
                    return None
                if number != number.quantize(Decimal("0.01")):
                    return None
            except InvalidOperation:
                return None
            return _number(number)
        level = self.levels_by_code.get(text.upper())
        return level.code if level else None

    def band_of(self, value: str) -> str:
        if self.numeric:
            number = Decimal(value)
            if self.system.excellent_from is not None and number >= self.system.excellent_from:
                return EXCELLENT
            if self.system.bottom_below is not None and number < self.system.bottom_below:
                return BOTTOM
            return MIDDLE
        return self.levels_by_code[value.upper()].band

    def score_of(self, value: str) -> Decimal:
        """A rating on the 100-point scale."""
        if self.numeric:
            return Decimal(value) * HUNDRED / self.system.scale_max
        return self.levels_by_code[value.upper()].score

    def level_key(self, value: str) -> str:
        """The key a rating is counted under in the level counts: a level's code, or its band."""
        return value.upper() if not self.numeric else self.band_of(value)

    def count_keys(self) -> list[tuple[str, str]]:
        """(key, label) of the level counts, best first."""
        if self.numeric:
            return [
                (EXCELLENT, self.excellent_names or _("Excellent")),
                (MIDDLE, _("Middle")),
                (BOTTOM, self.bottom_names or _("Bottom")),
            ]
        return [(level.code, level.name) for level in self.levels]


def _number(value) -> str:
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


@dataclass
class BallotSheet:
    task_id: int
    category_id: int
    sections: list[Section]
    setup_key: tuple = ()  # set by ``cached_ballot_sheet``: which set-up this sheet was built from

    def __post_init__(self):
        self.section_of_target = {str(target.pk): section for section in self.sections for target in section.targets}
        self.target_by_id = {str(target.pk): target for section in self.sections for target in section.targets}

    @property
    def cell_count(self) -> int:
        return sum(len(section.targets) * len(section.indicators) for section in self.sections)

    def clean(self, answers: dict) -> tuple[dict, list[str]]:
        """Keep the answers that belong on this sheet; report values that are not ratings."""
        cleaned: dict[str, dict[str, str]] = {}
        errors: list[str] = []
        if not isinstance(answers, dict):
            return {}, [_("The ballot could not be read.")]
        for target_id, row in answers.items():
            section = self.section_of_target.get(str(target_id))
            if section is None or not isinstance(row, dict):
                errors.append(_("The ballot names a target that is not on this form."))
                continue
            indicator_ids = section.indicator_by_id
            target = self.target_by_id[str(target_id)]
            for indicator_id, raw in row.items():
                indicator = indicator_ids.get(str(indicator_id))
                if indicator is None:
                    errors.append(_("The ballot names an indicator that is not on this form."))
                    continue
                if raw is None or str(raw).strip() == "":
                    continue
                value = section.parse(raw)
                if value is None:
                    errors.append(
                        _("“%(target)s”, “%(indicator)s”: “%(value)s” is not a valid rating.")
                        % {"target": target.display_name, "indicator": indicator.name, "value": str(raw)[:20]}
                    )
                    continue
                cleaned.setdefault(str(target_id), {})[str(indicator_id)] = value
        return cleaned, errors

    def band_counts(self, cleaned: dict) -> dict[tuple[str, str], dict[str, int]]:
        """{(section key, indicator id): {"excellent": n, "bottom": n}} of clean answers."""
        counts = {}
        for section in self.sections:
            for indicator in section.indicators:
                counts[(section.key, str(indicator.pk))] = {EXCELLENT: 0, BOTTOM: 0, MIDDLE: 0}
        for target_id, row in cleaned.items():
            section = self.section_of_target[target_id]
            for indicator_id, value in row.items():
                counts[(section.key, indicator_id)][section.band_of(value)] += 1
        return counts

    def distribution_errors(self, cleaned: dict) -> list[str]:
        """Breaches of the forced distribution, one message per indicator and limit (EVAL-5)."""
        errors = []
        counts = self.band_counts(cleaned)
        for section in self.sections:
            if not section.has_quota:
                continue
            for indicator in section.indicators:
                count = counts[(section.key, str(indicator.pk))]
                if section.max_excellent is not None and count[EXCELLENT] > section.max_excellent:
                    errors.append(
                        _(
                            "%(section)s, “%(indicator)s”: at most %(limit)s may be rated %(levels)s; there are "
                            "%(count)s."
                        )
                        % {
                            "section": section.title,
                            "indicator": indicator.name,
                            "limit": section.max_excellent,
                            "levels": section.excellent_names,
                            "count": count[EXCELLENT],
                        }
                    )
                if section.min_bottom is not None and count[BOTTOM] < section.min_bottom:
                    errors.append(
                        _(
                            "%(section)s, “%(indicator)s”: at least %(limit)s must be rated %(levels)s; there are "
                            "%(count)s."
                        )
                        % {
                            "section": section.title,
                            "indicator": indicator.name,
                            "limit": section.min_bottom,
                            "levels": section.bottom_names,
                            "count": count[BOTTOM],
                        }
                    )
        return errors

    def blanks(self, cleaned: dict) -> list[tuple[TaskTarget, list[Indicator]]]:
        """Targets with the indicators left unrated, in form order."""
        missing = []
        for section in self.sections:
            for target in section.targets:
                row = cleaned.get(str(target.pk), {})
                left = [indicator for indicator in section.indicators if str(indicator.pk) not in row]
                if left:
                    missing.append((target, left))
        return missing

    def validate(self, answers: dict) -> list[str]:
        """Every reason this ballot cannot count; an empty list means valid."""
        cleaned, errors = self.clean(answers)
        if errors:
            return errors
        if not any(cleaned.values()):
            return [_("Nothing is rated on this ballot.")]
        return self.distribution_errors(cleaned)

    def clean_remarks(self, remarks: dict, *, allowed: bool) -> dict[str, str]:
        if not allowed or not isinstance(remarks, dict):
            return {}
        kept = {}
        for target_id, text in remarks.items():
            text = clean_text(text)[:MAX_REMARK_LENGTH]
            if text and str(target_id) in self.target_by_id:
                kept[str(target_id)] = text
        return kept


_CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")


def clean_text(value) -> str:
    """Typed text without NUL and other control characters (PostgreSQL's JSON refuses NUL), trimmed."""
    return str(value or "").translate(_CONTROL_CHARACTERS).strip()


def build_sections(raters, targets_by_category) -> list[Section]:
    sections = []
    for rater in raters:
        system = rater.indicator_system
        indicators = list(system.indicators.all())
        raw_levels = list(system.levels.all())
        best = max((level.points for level in raw_levels), default=Decimal("0"))
        levels = [
            Level(
                code=level.code.upper(),
                name=level.name,
                points=level.points,
                band=level.band,
                score=(level.points * HUNDRED / best) if best > 0 else Decimal("0"),
            )
            for level in raw_levels
        ]
        targets = targets_by_category.get(rater.target_category_id, [])
        if not targets or not indicators:
            continue
        most, fewest = rater.limits_for(len(targets))
        sections.append(Section(rater, system, indicators, levels, targets, most, fewest))
    return sections


def _raters(task_id):
    return (
        TaskRater.objects.filter(task_id=task_id)
        .select_related("target_category", "evaluator_category", "indicator_system")
        .prefetch_related(
            Prefetch("indicator_system__indicators", queryset=Indicator.objects.order_by("sort_order", "pk")),
            Prefetch("indicator_system__levels", queryset=RatingLevel.objects.order_by("sort_order", "pk")),
        )
        .order_by("target_category__sort_order", "target_category__name", "sort_order", "pk")
    )


def _targets_by_category(task_id) -> dict[int, list[TaskTarget]]:
    targets: dict[int, list[TaskTarget]] = {}
    queryset = (
        TaskTarget.objects.filter(task_id=task_id)
        .select_related("team__unit", "cadre__unit", "target_category")
        .order_by("sort_order", "pk")
    )
    for target in queryset:
        targets.setdefault(target.target_category_id, []).append(target)
    return targets


def ballot_sheet(*, task_id: int, category_id: int, reading: bool = False) -> BallotSheet:
    """The form of ``category_id`` in ``task_id``; a fixed number of queries.

    A category without the right to evaluate has an empty form, unless
    ``reading``: then the sheet lists what it may read about.
    """
    raters = [rater for rater in _raters(task_id) if rater.evaluator_category_id == category_id]
    if raters and not raters[0].evaluator_category.can_evaluate and not reading:
        raters = []
    return BallotSheet(task_id, category_id, build_sections(raters, _targets_by_category(task_id)))


def task_sheets(*, task_id: int) -> dict[int, BallotSheet]:
    """Every evaluator category's sheet in a task, keyed by category id (for the tally)."""
    raters = list(_raters(task_id))
    targets = _targets_by_category(task_id)
    by_category: dict[int, list[TaskRater]] = {}
    for rater in raters:
        # Ballots already cast still count if a category later loses the right to evaluate.
        by_category.setdefault(rater.evaluator_category_id, []).append(rater)
    return {
        category_id: BallotSheet(task_id, category_id, build_sections(category_raters, targets))
        for category_id, category_raters in by_category.items()
    }


def answers_from_post(data, sheet: BallotSheet) -> tuple[dict, dict]:
    """Answers and remarks from a form post: fields ``r-<target>-<indicator>`` and ``c-<target>``."""
    answers: dict[str, dict[str, str]] = {}
    remarks: dict[str, str] = {}
    for section in sheet.sections:
        for target in section.targets:
            row = {}
            for indicator in section.indicators:
                value = data.get(f"r-{target.pk}-{indicator.pk}", "")
                if value not in (None, ""):
                    row[str(indicator.pk)] = str(value)[:20]
            if row:
                answers[str(target.pk)] = row
            remark = clean_text(data.get(f"c-{target.pk}", ""))[:MAX_REMARK_LENGTH]
            if remark:
                remarks[str(target.pk)] = remark
    return answers, remarks


# --- The sheet kept between requests (voting day: hundreds of evaluators load the same form) -------------

_sheets: dict[tuple, tuple[float, BallotSheet]] = {}


def setup_changed(**kwargs) -> None:
    """Signal receiver: every task still open moves its set-up version on, so every worker builds its kept
    sheets again (the version is read with the evaluator's account and task, no query of its own). A queryset
    update: no signal of the task's own, and no lock that waits for evaluators (PostgreSQL's key-share locks
    they hold on the task do not conflict with it)."""
    EvaluationTask.objects.filter(closed_at__isnull=True).update(setup_version=F("setup_version") + 1)


def cached_ballot_sheet(task, category_id: int) -> BallotSheet:
    """``ballot_sheet`` of the task and category, kept in this process for ``EVALUATION_SHEET_SECONDS`` (60) or
    until the task's set-up version changes; no query when kept, instead of the sheet's queries.

    The key holds the task's creation time too, so a task id used again (tests) never finds an old sheet.
    """
    key = (task.pk, task.created_at.timestamp() if task.created_at else 0, category_id, task.setup_version)
    now = time.monotonic()
    kept = _sheets.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    sheet = ballot_sheet(task_id=task.pk, category_id=category_id)
    sheet.setup_key = key
    if len(_sheets) > 64:
        _sheets.clear()
    _sheets[key] = (now + getattr(settings, "EVALUATION_SHEET_SECONDS", 60), sheet)
    return sheet

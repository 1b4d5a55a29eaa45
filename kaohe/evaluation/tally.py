"""The tally (EVAL-8): scores per target, per evaluator category and per indicator.

For each valid ballot and each target it rates, the ballot's score of the
target is the weighted average of its indicator ratings on the 100-point scale
(unrated indicators left out). A target's score from an evaluator category is
the mean of those ballot scores, optionally without the highest and lowest
(when there are at least three). The target's combined score weighs the
categories' scores by the task's category weights. Level counts and the
“excellent” rate count every single rating. All arithmetic is Decimal and
rounded once, by ``round_score``.

Small groups stay hidden (EVAL-10): an evaluator category with fewer than the
task's minimum number of ballots for a target keeps only its ballot count, and
every combined figure of that target — score, indicator scores, level counts,
excellent rate, ballot count, rank — is computed from the categories that are
shown, so that nothing published can be taken apart to recover the hidden one.
A target with no category shown has no figures at all.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.core.numbers import round_score

from .models import HUNDRED, ZERO, Ballot, CategoryResult, EvaluationTask, TargetResult, TaskTarget
from .sheets import EXCELLENT, Section, task_sheets


class _Cell:
    """What one rating adds up to: its weighted score, weight, count key, band and plain score."""

    __slots__ = ("weighted", "weight", "key", "excellent", "score")

    def __init__(self, section: Section, indicator, value: str):
        self.score = section.score_of(value)
        self.weight = indicator.weight
        self.weighted = self.score * indicator.weight
        self.key = section.level_key(value)
        self.excellent = section.band_of(value) == EXCELLENT


class _Accumulator:
    """Everything one evaluator category said about one target."""

    __slots__ = ("ballot_scores", "indicator_sums", "indicator_counts", "level_counts", "ratings", "excellent")

    def __init__(self):
        self.ballot_scores: list[Decimal] = []
        self.indicator_sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.indicator_counts: dict[str, int] = defaultdict(int)
        self.level_counts: dict[str, int] = defaultdict(int)
        self.ratings = 0
        self.excellent = 0


def _mean(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def compute(task: EvaluationTask) -> list[TargetResult]:
    """The task's results as unsaved ``TargetResult`` objects, each with ``category_results`` to save."""
    sheets = task_sheets(task_id=task.pk)
    cells: dict[tuple[int, str, str, str], _Cell] = {}
    accumulators: dict[tuple[str, int], _Accumulator] = defaultdict(_Accumulator)

    ballots = (
        Ballot.objects.filter(task=task, is_valid=True).values_list("category_id", "answers").iterator(chunk_size=500)
    )
    for category_id, answers in ballots:
        sheet = sheets.get(category_id)
        if sheet is None:
            continue
        for target_id, row in answers.items():
            section = sheet.section_of_target.get(target_id)
            if section is None or not row:
                continue
            indicators = {str(indicator.pk): indicator for indicator in section.indicators}
            accumulator = accumulators[(target_id, category_id)]
            weighted = ZERO
            weight = ZERO
            for indicator_id, value in row.items():
                key = (category_id, target_id, indicator_id, value)
                cell = cells.get(key)
                if cell is None:
                    indicator = indicators.get(indicator_id)
                    if indicator is None:
                        continue
                    cell = cells[key] = _Cell(section, indicator, value)
                weighted += cell.weighted
                weight += cell.weight
                accumulator.indicator_sums[indicator_id] += cell.score
                accumulator.indicator_counts[indicator_id] += 1
                accumulator.level_counts[cell.key] += 1
                accumulator.ratings += 1
                if cell.excellent:
                    accumulator.excellent += 1
            if weight:
                accumulator.ballot_scores.append(weighted / weight)

    targets = TaskTarget.objects.filter(task=task).select_related("target_category").order_by("sort_order", "pk")
    results = []
    for target in targets:
        target_key = str(target.pk)
        result = TargetResult(
            task=task,
            task_target=target,
            target_category=target.target_category,
            target_team_id=target.team_id,
            target_cadre_id=target.cadre_id,
        )
        result.category_results = []
        combined_sum = ZERO
        combined_weight = ZERO
        shown_ballots = 0
        indicator_weighted: dict[str, Decimal] = defaultdict(lambda: ZERO)
        indicator_weights: dict[str, Decimal] = defaultdict(lambda: ZERO)
        level_totals: dict[str, int] = {}
        ratings = excellent = 0
        for category_id, sheet in sheets.items():
            section = sheet.section_of_target.get(target_key)
            if section is None:
                continue
            accumulator = accumulators.get((target_key, category_id)) or _Accumulator()
            scores = sorted(accumulator.ballot_scores)
            category_result = CategoryResult(
                evaluator_category_id=category_id,
                weight=section.rater.weight,
                ballot_count=len(scores),
                is_shown=len(scores) >= task.min_ballots,
                level_counts=[],
                indicator_scores=[],
            )
            category_result.evaluator_category_name = section.rater.evaluator_category.name
            result.category_results.append(category_result)
            if not category_result.is_shown:
                # Too few to show: keep the count, and let nothing of its ratings into any figure.
                continue
            counted = scores[1:-1] if task.trim_extremes and len(scores) >= 3 else scores
            category_score = _mean(counted)
            category_result.score = round_score(category_score)
            category_result.counted_ballots = len(counted)
            category_result.excellent_rate = (
                round_score(HUNDRED * accumulator.excellent / accumulator.ratings) if accumulator.ratings else None
            )
            category_result.level_counts = [
                [label, accumulator.level_counts.get(key, 0)] for key, label in section.count_keys()
            ]
            category_result.indicator_scores = [
                {
                    "id": indicator.pk,
                    "name": indicator.name,
                    "score": str(
                        round_score(
                            accumulator.indicator_sums[str(indicator.pk)]
                            / accumulator.indicator_counts[str(indicator.pk)]
                        )
                    )
                    if accumulator.indicator_counts.get(str(indicator.pk))
                    else None,
                    "ratings": accumulator.indicator_counts.get(str(indicator.pk), 0),
                }
                for indicator in section.indicators
            ]
            shown_ballots += len(scores)
            combined_sum += category_score * section.rater.weight
            combined_weight += section.rater.weight
            for indicator in section.indicators:
                count = accumulator.indicator_counts.get(str(indicator.pk))
                if count:
                    mean = accumulator.indicator_sums[str(indicator.pk)] / count
                    indicator_weighted[(indicator.name, str(indicator.pk))] += mean * section.rater.weight
                    indicator_weights[(indicator.name, str(indicator.pk))] += section.rater.weight
            for key, label in section.count_keys():
                level_totals[label] = level_totals.get(label, 0) + accumulator.level_counts.get(key, 0)
            ratings += accumulator.ratings
            excellent += accumulator.excellent
        result.ballot_count = shown_ballots
        result.is_shown = shown_ballots > 0
        result.score = round_score(combined_sum / combined_weight) if combined_weight else None
        result.excellent_rate = round_score(HUNDRED * excellent / ratings) if ratings else None
        result.level_counts = [[label, count] for label, count in level_totals.items()]
        result.indicator_scores = [
            {
                "id": int(indicator_id),
                "name": name,
                "score": str(round_score(indicator_weighted[(name, indicator_id)] / weight)),
            }
            for (name, indicator_id), weight in indicator_weights.items()
        ]
        results.append(result)
    _rank(results)
    return results


def _rank(results: list[TargetResult]) -> None:
    """Rank shown results within their target category by score: 1, 2, 2, 4..."""
    by_category = defaultdict(list)
    for result in results:
        if result.is_shown and result.score is not None:
            by_category[result.target_category.pk].append(result)
    for group in by_category.values():
        group.sort(key=lambda r: r.score, reverse=True)
        previous = None
        for position, result in enumerate(group, 1):
            result.rank = previous.rank if previous is not None and previous.score == result.score else position
            previous = result


def task_tally(task: EvaluationTask) -> list[TargetResult]:
    """Compute the task's results and store them, replacing any earlier tally."""
    results = compute(task)
    with transaction.atomic():
        TargetResult.objects.filter(task=task).delete()
        TargetResult.objects.bulk_create(results, batch_size=500)
        category_results = []
        for result in results:
            for category_result in result.category_results:
                category_result.target_result = result
                category_results.append(category_result)
        CategoryResult.objects.bulk_create(category_results, batch_size=1000)
        EvaluationTask.objects.filter(pk=task.pk).update(tallied_at=timezone.now())
    return results

"""The rules that turn a year's parts into results (RES-1, RES-3, RES-5): plain
functions over plain data, no queries, so each rule is tested on its own and the
service that stores the results stays short.

* ``roster``: who is assessed. Every team of an active unit; every cadre who held a
  seat during the year, once, with the days held, the seat held longest (its team,
  unit, posts and post group) and the dates they joined or left within the year.
* ``place``: the target category of each, from the year's evaluation tasks first,
  then from the schemes' coverage (most specific row first).
* ``assess``: the parts, weights and total, with the missing-part rule and the
  time-in-seat rule of the category applied and said in words.
* ``rank``: ranks within the category and within its post groups, by the total or
  the normalised total as the year says.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from kaohe.core.numbers import round_score

HUNDRED = Decimal("100")
HOLD, SPREAD, DEFAULT = "hold", "spread", "default"
UNGRADED, ASSESS = "ungraded", "assess"
COMPLETE, BY_RULE, NOT_GRADED, INCOMPLETE = "complete", "by_rule", "ungraded", "incomplete"


@dataclass
class Subject:
    """A team or a cadre in the year's assessment."""

    kind: str  # "team" or "cadre"
    pk: int
    unit_id: int | None
    unit_kind_id: int | None
    team_id: int | None
    post: str = ""
    post_group: str = ""
    service_days: int | None = None
    service_start: date | None = None
    service_end: date | None = None
    joined: date | None = None
    left: date | None = None
    category_id: int | None = None
    placed_by: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)


@dataclass
class Rules:
    """A category's scheme as the rules read it; a category without a scheme takes the defaults."""

    goal_weight: Decimal = Decimal("50")
    evaluation_weight: Decimal = Decimal("50")
    parts: list[tuple[int, str, Decimal, str]] = field(default_factory=list)  # (part id, name, weight, source)
    missing_rule: str = HOLD
    default_score: Decimal | None = None
    min_service_months: int = 6
    short_service_rule: str = UNGRADED
    coverage: list[tuple[int | None, str]] = field(default_factory=list)  # (unit kind id, post group)
    kind: str = ""
    sort_order: int = 0


@dataclass
class Outcome:
    subject: Subject
    parts: list[dict]
    goal_score: Decimal | None
    evaluation_score: Decimal | None
    total: Decimal | None
    status: str
    reasons: list[str]
    normalised_total: Decimal | None = None
    rank: int | None = None
    group_rank: int | None = None


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def roster(year: int, teams, memberships) -> list[Subject]:
    """``teams``: (team id, unit id, unit kind id) of active units; ``memberships``: the seats
    held during the year (``Membership`` with ``team.unit``), in team order."""
    first, last = year_bounds(year)
    subjects = [Subject("team", pk, unit_id, kind_id, pk) for pk, unit_id, kind_id in teams]
    seats_by_cadre = defaultdict(list)
    for seat in memberships:
        seats_by_cadre[seat.cadre_id].append(seat)
    for cadre_id, seats in seats_by_cadre.items():
        spans = sorted(
            (max(first, seat.start_date or first), min(last, seat.end_date or last), seat)
            for seat in seats
            if seat.days_within(first, last) > 0
        )
        if not spans:
            continue
        days, covered_to = 0, None
        for start, end, _seat in spans:
            start = max(start, covered_to + timedelta(days=1)) if covered_to else start
            if end >= start:
                days += (end - start).days + 1
            covered_to = max(covered_to or end, end)
        main = max(spans, key=lambda span: ((span[1] - span[0]).days, span[0]))[2]
        starts = [seat.start_date for seat in seats if seat.start_date and first < seat.start_date <= last]
        ends = [seat.end_date for seat in seats if seat.end_date and first <= seat.end_date < last]
        still_in = any(seat.end_date is None or seat.end_date >= last for seat in seats)
        held_from_start = any(seat.start_date is None or seat.start_date <= first for seat in seats)
        subjects.append(
            Subject(
                "cadre",
                cadre_id,
                main.team.unit_id,
                main.team.unit.kind_id,
                main.team_id,
                post=main.posts[:110],
                post_group=main.group,
                service_days=days,
                service_start=spans[0][0],
                service_end=max(span[1] for span in spans),
                joined=None if held_from_start else min(starts),
                left=None if still_in else max(ends),
            )
        )
    return subjects


def place(subjects: list[Subject], task_categories: dict[tuple[str, int], int], rules: dict[int, Rules]) -> None:
    """Give each subject its target category: the year's evaluation task's, else the most
    specific coverage row of a scheme of the same kind (ties: the category's order)."""
    for subject in subjects:
        if subject.key in task_categories:
            subject.category_id, subject.placed_by = task_categories[subject.key], "task"
            continue
        best = None
        for category_id, rule in rules.items():
            if rule.kind != subject.kind:
                continue
            for unit_kind_id, post_group in rule.coverage:
                if unit_kind_id is not None and unit_kind_id != subject.unit_kind_id:
                    continue
                if post_group and post_group != subject.post_group:
                    continue
                fit = (unit_kind_id is not None) + bool(post_group)
                candidate = (-fit, rule.sort_order, category_id)
                if best is None or candidate < best:
                    best = candidate
        if best is not None:
            subject.category_id, subject.placed_by = best[2], "scheme"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(round_score(value))


def _months(days: int, months: int) -> bool:
    """Whether ``days`` is at least ``months`` months (a month being a twelfth of 365 days)."""
    return days * 12 >= months * 365


def assess(
    subject: Subject,
    rules: Rules | None,
    category_name: str,
    goal: tuple[Decimal | None, str] | None,
    evaluation,
    further: dict[int, tuple[Decimal | None, str]],
) -> Outcome:
    """The result of one subject under its category's rules (RES-5). ``further``: part id ->
    (score, where it came from) of the scheme's further parts that have a score for it."""
    rule = rules or Rules()
    reasons: list[str] = []
    if goal is None:
        goal = (
            None,
            _("no goal of the unit counts in the assessment")
            if subject.kind == "team"
            else _("no goal counting in the assessment is assigned to the cadre"),
        )
    if evaluation is None:
        evaluation_part = (None, _("not a target of any evaluation task of the year"))
    elif evaluation.score is None:
        evaluation_part = (None, "；".join(evaluation.hidden))
    else:
        evaluation_part = (evaluation.score, "、".join(evaluation.tasks))
    parts = [
        {"name": _("goal score"), "weight": rule.goal_weight, "value": goal[0], "text": goal[1]},
        {
            "name": _("evaluation score"),
            "weight": rule.evaluation_weight,
            "value": evaluation_part[0],
            "text": evaluation_part[1],
        },
    ]
    missing_text = {
        "inspection": _("no inspection confirmed by an assessment group's leader yet"),
        "quarterly": _("no quarterly grade in the year"),
    }
    for part_id, name, weight, source in rule.parts:
        value, text = further.get(part_id) or (None, missing_text.get(source, _("not scored by the office yet")))
        parts.append({"name": name, "weight": weight, "value": value, "text": text})
    missing = [part for part in parts if part["value"] is None and part["weight"]]
    present_weight = sum((part["weight"] for part in parts if part["value"] is not None), Decimal("0"))
    total = None
    status = COMPLETE
    for part in parts:
        part["counted_weight"], part["counted_value"] = part["weight"], part["value"]
    if subject.category_id is None:
        status = INCOMPLETE
        reasons.append(
            _(
                "In no target category: no evaluation task of the year rates it and no scheme of the year "
                "covers its unit kind or post group. Add it to a scheme's coverage and compute again."
            )
        )
    elif missing and rule.missing_rule == SPREAD and present_weight > 0:
        status = BY_RULE
        for part in parts:
            part["counted_weight"] = part["weight"] * HUNDRED / present_weight if part["value"] is not None else 0
        total = sum((p["counted_weight"] * p["value"] for p in parts if p["value"] is not None), Decimal("0"))
        for part in missing:
            reasons.append(
                _(
                    "%(part)s missing (%(why)s): its weight is spread over the parts present, "
                    "as %(category)s's rule says."
                )
                % {"part": part["name"], "why": part["text"], "category": category_name}
            )
    elif missing and rule.missing_rule == DEFAULT and rule.default_score is not None:
        status = BY_RULE
        for part in missing:
            part["counted_value"] = rule.default_score
            reasons.append(
                _("%(part)s missing (%(why)s): counted at the default score %(score)s, as %(category)s's rule says.")
                % {
                    "part": part["name"],
                    "why": part["text"],
                    "score": _text(rule.default_score),
                    "category": category_name,
                }
            )
        total = sum((p["weight"] * p["counted_value"] for p in parts if p["counted_value"] is not None), Decimal("0"))
    elif missing:
        status = INCOMPLETE
        for part in missing:
            reasons.append(
                _("%(part)s missing (%(why)s): the result is held as incomplete until it is supplied.")
                % {"part": part["name"], "why": part["text"]}
            )
    else:
        total = sum((p["weight"] * p["value"] for p in parts), Decimal("0"))
    if total is not None:
        total = round_score(total / HUNDRED)
    if subject.kind == "cadre":
        reasons.extend(_service_notes(subject, rule))
        if (
            subject.service_days is not None
            and not _months(subject.service_days, rule.min_service_months)
            and rule.short_service_rule == UNGRADED
            and status != INCOMPLETE
        ):
            status = NOT_GRADED
    stored = [
        {
            "name": str(part["name"]),
            "weight": str(part["weight"]),
            "score": _text(part["value"]),
            "source": str(part["text"]),
            "missing": part["value"] is None and bool(part["weight"]),
            "counted_weight": str(round_score(part["counted_weight"])),
            "counted_score": _text(part["counted_value"]),
        }
        for part in parts
    ]
    return Outcome(
        subject,
        stored,
        round_score(goal[0]),
        round_score(evaluation_part[0]),
        total,
        status,
        [str(reason) for reason in reasons],
    )


def _service_notes(subject: Subject, rule: Rules) -> list[str]:
    notes = []
    if subject.joined:
        notes.append(_("Joined the team on %(day)s.") % {"day": subject.joined.isoformat()})
    if subject.left:
        notes.append(_("Left the team on %(day)s.") % {"day": subject.left.isoformat()})
    if subject.service_days is not None and not _months(subject.service_days, rule.min_service_months):
        values = {"days": subject.service_days, "months": rule.min_service_months}
        if rule.short_service_rule == UNGRADED:
            notes.append(
                _("In the seat %(days)s days of the year, under %(months)s months: assessed, not graded (不定等次).")
                % values
            )
        else:
            notes.append(
                _("In the seat %(days)s days of the year, under %(months)s months: graded like everyone else.") % values
            )
    return notes


def rank(outcomes: list[Outcome], basis: str) -> None:
    """Normalise within each category (post groups evened out to the category's mean and
    spread), then rank each category and each post group in it; ties share a rank.
    Only results that take a grade are ranked."""
    by_category = defaultdict(list)
    for outcome in outcomes:
        if outcome.status in (COMPLETE, BY_RULE) and outcome.total is not None and outcome.subject.category_id:
            by_category[outcome.subject.category_id].append(outcome)
    for members in by_category.values():
        values = [float(o.total) for o in members]
        mean, spread = statistics.fmean(values), statistics.pstdev(values)
        groups = defaultdict(list)
        for outcome in members:
            groups[outcome.subject.post_group].append(outcome)
        for group in groups.values():
            group_values = [float(o.total) for o in group]
            g_mean, g_spread = statistics.fmean(group_values), statistics.pstdev(group_values)
            for outcome in group:
                before = float(outcome.total)
                after = mean + (before - g_mean) / g_spread * spread if g_spread else mean + (before - g_mean)
                outcome.normalised_total = round_score(after)
        score = (lambda o: o.normalised_total) if basis == "normalised" else (lambda o: o.total)
        _positions(members, score, "rank")
        for group in groups.values():
            _positions(group, score, "group_rank")


def _positions(members: list[Outcome], score, attribute: str) -> None:
    ordered = sorted(members, key=lambda o: -score(o))
    position_of_last, last = 0, None
    for position, outcome in enumerate(ordered, start=1):
        if score(outcome) != last:
            position_of_last, last = position, score(outcome)
        setattr(outcome, attribute, position_of_last)

"""Reads of evaluation data for pages, exports and other areas.

``results_for_task`` is the API the yearly results read; the rest serve the
evaluation's own screens. Each runs a fixed number of queries whatever the
number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from wagtail import hooks

from kaohe.core.numbers import round_score

from . import codes
from .models import (
    Ballot,
    BallotBoxEntry,
    CategoryResult,
    EvaluationAccount,
    EvaluationTask,
    EvaluatorCategory,
    TargetResult,
    TaskRater,
)

Status = EvaluationAccount.Status


def results_for_task(*, task: EvaluationTask, shown_only: bool = True) -> QuerySet[TargetResult]:
    """The task's ``TargetResult`` rows, best first within each target category.

    Each has ``target_team`` or ``target_cadre``, ``score`` (Decimal on the
    100-point scale, None without ballots), ``ballot_count``, ``rank``,
    ``excellent_rate`` and ``by_category`` (prefetched ``CategoryResult`` rows).
    With ``shown_only`` the targets below the task's minimum number of valid
    ballots are left out, so small groups cannot be singled out.
    """
    queryset = (
        TargetResult.objects.filter(task=task)
        .select_related("task_target", "target_category", "target_team__unit", "target_cadre__unit")
        .prefetch_related(
            Prefetch(
                "by_category",
                queryset=CategoryResult.objects.select_related("evaluator_category").order_by(
                    "evaluator_category__sort_order", "evaluator_category__name"
                ),
            )
        )
        .order_by("target_category__sort_order", "target_category__name", "rank", "task_target__sort_order", "pk")
    )
    if shown_only:
        queryset = queryset.filter(is_shown=True)
    return queryset


def target_result_detail(*, task: EvaluationTask, pk: int) -> TargetResult | None:
    return results_for_task(task=task, shown_only=False).filter(pk=pk).first()


@dataclass
class CategoryProgress:
    category: EvaluatorCategory
    issued: int = 0
    signed_in: int = 0
    drafts: int = 0
    submitted: int = 0
    revoked: int = 0
    online_ballots: int = 0
    paper_valid: int = 0
    paper_invalid: int = 0

    @property
    def valid(self) -> int:
        return self.online_ballots + self.paper_valid

    @property
    def invalid(self) -> int:
        return self.paper_invalid

    @property
    def percent_submitted(self) -> int:
        return int(round_score(Decimal(100 * self.submitted) / self.issued, 0)) if self.issued else 0

    def as_dict(self) -> dict:
        return {
            "category": self.category.name,
            "category_id": self.category.pk,
            "issued": self.issued,
            "signed_in": self.signed_in,
            "drafts": self.drafts,
            "submitted": self.submitted,
            "revoked": self.revoked,
            "online_ballots": self.online_ballots,
            "paper_valid": self.paper_valid,
            "paper_invalid": self.paper_invalid,
            "valid": self.valid,
            "invalid": self.invalid,
            "percent_submitted": self.percent_submitted,
        }


@dataclass
class TaskProgress:
    rows: list[CategoryProgress] = field(default_factory=list)

    @property
    def total(self) -> CategoryProgress:
        total = CategoryProgress(category=EvaluatorCategory(pk=0, name=_("Total")))
        for row in self.rows:
            for name in (
                "issued",
                "signed_in",
                "drafts",
                "submitted",
                "revoked",
                "online_ballots",
                "paper_valid",
                "paper_invalid",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    def as_dict(self) -> dict:
        return {"rows": [row.as_dict() for row in self.rows], "total": self.total.as_dict()}


def task_progress(*, task: EvaluationTask) -> TaskProgress:
    """Accounts and ballots per evaluator category, in a few queries (EVAL-6).

    “Issued” counts accounts in use (not revoked); “signed in” counts those
    that have signed in at least once, including those that went on to save a
    draft or submit. Online ballots still waiting in the ballot box count as
    cast. Counts only: never which account has voted (EVAL-10).
    """
    category_ids = set(TaskRater.objects.filter(task=task).values_list("evaluator_category_id", flat=True))
    accounts = (
        EvaluationAccount.objects.filter(task=task)
        .values("category_id")
        .annotate(
            issued=Count("pk", filter=~Q(status=Status.REVOKED)),
            signed_in=Count("pk", filter=Q(status__in=[Status.SIGNED_IN, Status.DRAFT, Status.SUBMITTED])),
            drafts=Count("pk", filter=Q(status=Status.DRAFT)),
            submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
            revoked=Count("pk", filter=Q(status=Status.REVOKED)),
        )
    )
    ballots = (
        Ballot.objects.filter(task=task)
        .values("category_id")
        .annotate(
            online=Count("pk", filter=Q(source=Ballot.Source.ONLINE)),
            paper_valid=Count("pk", filter=Q(source=Ballot.Source.PAPER, is_valid=True)),
            paper_invalid=Count("pk", filter=Q(source=Ballot.Source.PAPER, is_valid=False)),
        )
    )
    waiting = dict(
        BallotBoxEntry.objects.filter(task=task)
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    account_rows = {row["category_id"]: row for row in accounts}
    ballot_rows = {row["category_id"]: row for row in ballots}
    category_ids |= set(account_rows) | set(ballot_rows) | set(waiting)
    rows = []
    for category in EvaluatorCategory.objects.filter(pk__in=category_ids):
        a = account_rows.get(category.pk, {})
        b = ballot_rows.get(category.pk, {})
        rows.append(
            CategoryProgress(
                category=category,
                issued=a.get("issued", 0),
                signed_in=a.get("signed_in", 0),
                drafts=a.get("drafts", 0),
                submitted=a.get("submitted", 0),
                revoked=a.get("revoked", 0),
                online_ballots=b.get("online", 0) + waiting.get(category.pk, 0),
                paper_valid=b.get("paper_valid", 0),
                paper_invalid=b.get("paper_invalid", 0),
            )
        )
    return TaskProgress(rows)


def task_evaluator_categories(*, task: EvaluationTask) -> list[EvaluatorCategory]:
    ids = TaskRater.objects.filter(task=task).values_list("evaluator_category_id", flat=True)
    return list(EvaluatorCategory.objects.filter(pk__in=ids))


def receipt_lookup(*, raw_code: str) -> Ballot | BallotBoxEntry | None:
    """The ballot a receipt code belongs to (counted, or still in the ballot box), or None.

    Either reveals the task, category and day only.
    """
    normalised = codes.normalise(raw_code)
    if not codes.looks_valid(normalised, codes.RECEIPT_LENGTH):
        return None
    return (
        Ballot.objects.select_related("task", "category")
        .filter(receipt_digest=codes.receipt_digest(normalised))
        .first()
    ) or (
        BallotBoxEntry.objects.select_related("task", "category")
        .filter(receipt_digest=codes.box_receipt_digest(normalised))
        .first()
    )


def unit_page_url_builder():
    """A function giving a unit's public page address, or None when the portal has no unit index.

    The evaluation sits below the portal's pages, so the page model is looked
    up by name rather than imported.
    """
    try:
        index_model = apps.get_model("home", "UnitIndexPage")
    except LookupError:
        return None
    index = index_model.objects.live().first()
    if index is None:
        return None
    base = index.url
    if base is None:
        return None
    # UnitIndexPage.unit_url(), with the index's address worked out once.
    return lambda unit: base + index.reverse_subpage("unit_detail", kwargs={"pk": unit.pk})


def target_links(
    *, targets: list, can_read_info: bool, category_id: int | None = None
) -> dict[int, list[tuple[str, str]]]:
    """Links beside each target on the form: its unit's duties, then whatever other areas add.

    Other areas add links with the ``register_evaluation_target_links`` hook: a
    function taking the list of ``TaskTarget`` objects and returning
    ``{task target id: [(label, url), ...]}``.
    """
    links: dict[int, list[tuple[str, str]]] = {target.pk: [] for target in targets}
    if not can_read_info:
        return links
    unit_url = unit_page_url_builder()
    if unit_url is not None:
        for target in targets:
            unit = target.unit
            if unit is not None and unit.is_active:
                links[target.pk].append((_("Duties and team"), unit_url(unit)))
    for hook in hooks.get_hooks("register_evaluation_target_links"):
        for target_id, extra in (hook(targets) or {}).items():
            if target_id in links:
                links[target_id].extend(extra)
    if category_id is not None:
        # Links that read as the evaluator's category in the office's rights table (SYS-11, BG-3):
        # ``register_evaluator_reading_links(targets, reader_kind)``.
        for hook in hooks.get_hooks("register_evaluator_reading_links"):
            for target_id, extra in (hook(targets, f"evaluator:{category_id}") or {}).items():
                if target_id in links:
                    links[target_id].extend(extra)
    return links

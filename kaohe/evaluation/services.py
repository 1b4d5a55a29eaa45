"""Writes of the evaluation: accounts, sign-in, drafts, ballots, closing and tallying.

Every write that must be all-or-nothing is one function here inside
``transaction.atomic``; where two requests can race on one account the row is
locked with ``select_for_update`` (on SQLite the portal's IMMEDIATE
transactions serialise writers anyway).

How a ballot is kept apart from its account (EVAL-10):

1. ``ballot_submit``, one transaction: the account is locked and marked
   submitted, its draft deleted, and the ballot put in the **ballot box**
   (``BallotBoxEntry``) sealed with the task's box key. All or nothing: a ballot
   is never lost and never counted for an account that can still vote.
2. ``ballot_box_flush``, a later transaction that touches no account: once the
   box holds ``EVALUATION_BALLOT_BATCH`` ballots they are opened and written to
   the ballot table together, in random order, under random keys. A ballot
   therefore shares no transaction id with any account, and its row tells at
   most which batch it came in.
3. ``task_close``: the rest of the box is emptied and the task's whole ballot
   table rewritten in random order; then, in a transaction of its own, every
   account of the task is rewritten, so that not even the order in which
   accounts voted stays in the database's transaction ids.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from kaohe.core.net import client_address
from kaohe.core.throttle import Counter, Limit
from kaohe.org.models import Membership, Team
from kaohe.org.selectors import current_membership_q

from . import codes, sealing
from .models import (
    Ballot,
    BallotBoxEntry,
    Draft,
    EvaluationAccount,
    EvaluationTask,
    EvaluatorCategory,
    Indicator,
    IndicatorSystem,
    RatingLevel,
    TargetCategory,
    TaskTarget,
)
from .sheets import BallotSheet, ballot_sheet

MAX_ACCOUNTS_PER_BATCH = 5000

logger = logging.getLogger(__name__)
_shuffle = random.SystemRandom().shuffle

Status = EvaluationAccount.Status


class EvaluationError(Exception):
    """A refusal a person can act on; ``messages`` are shown to them, with HTTP ``status``."""

    status = 403

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass
class IssuedAccount:
    account: EvaluationAccount
    code: str  # the plain code, only ever held in memory while printing

    @property
    def grouped_code(self) -> str:
        return codes.grouped(self.code)


def validate_ballot(task: EvaluationTask, category: EvaluatorCategory, answers: dict) -> list[str]:
    """Every reason ``answers`` cannot count as a ballot of ``category`` in ``task`` (EVAL-5, EVAL-6).

    Online submissions and paper entry both call this, so the same rules hold
    for both; an empty list means the ballot is valid.
    """
    return ballot_sheet(task_id=task.pk, category_id=category.pk).validate(answers)


# --- Accounts (EVAL-2) ---------------------------------------------------------------


def _new_accounts(task, category, count, *, first_serial, replaces=None) -> list[IssuedAccount]:
    issued = []
    seen = set()
    while len(issued) < count:
        code = codes.new_code()
        digest = codes.account_digest(code)
        if digest in seen:
            continue
        seen.add(digest)
        account = EvaluationAccount(
            task=task, category=category, serial=first_serial + len(issued), code_digest=digest, replaces=replaces
        )
        issued.append(IssuedAccount(account, code))
    return issued


def _next_serial(task) -> int:
    return (EvaluationAccount.objects.filter(task=task).aggregate(top=Max("serial"))["top"] or 0) + 1


def accounts_generate(
    *, task: EvaluationTask, category: EvaluatorCategory, count: int, user=None, before_saving=None
) -> list[IssuedAccount]:
    """Issue ``count`` new accounts of ``category``; returns their codes, which are not stored anywhere.

    ``before_saving(issued)`` runs before anything is written, outside any
    transaction: the slips are printed there, so that if printing fails (or
    the worker is stopped half-way) no account exists whose code nobody has.
    Two batches made at the same moment would share numbers: the second is
    refused and can simply be made again.
    """
    if count < 1 or count > MAX_ACCOUNTS_PER_BATCH:
        raise EvaluationError(_("Generate between 1 and %(max)s accounts at a time.") % {"max": MAX_ACCOUNTS_PER_BATCH})
    if task.is_closed:
        raise EvaluationError(_("The task is closed: no more accounts can be issued."))
    first_serial = _next_serial(task)
    issued = _new_accounts(task, category, count, first_serial=first_serial)
    if before_saving is not None:
        before_saving(issued)
    with transaction.atomic():
        locked = EvaluationTask.objects.select_for_update().get(pk=task.pk)
        if locked.is_closed:
            raise EvaluationError(_("The task is closed: no more accounts can be issued."))
        if _next_serial(locked) != first_serial:
            raise EvaluationError(
                _("Another batch of accounts was generated at the same moment. Generate this batch again.")
            )
        EvaluationAccount.objects.bulk_create([item.account for item in issued], batch_size=1000)
        log(
            locked,
            "evaluation.accounts_generate",
            user=user,
            data={
                "category": category.name,
                "count": count,
                "first": issued[0].account.serial,
                "last": issued[-1].account.serial,
            },
        )
    return issued


def account_revoke_and_replace(*, account: EvaluationAccount, reason: str, user=None) -> IssuedAccount:
    """Revoke a lost or wrong account and issue its replacement; both are logged.

    A submitted account cannot be revoked: its ballot is already in the count
    and nothing could find it again.
    """
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("Give the reason for revoking the account."))
    with transaction.atomic():
        locked = EvaluationAccount.objects.select_for_update().select_related("task", "category").get(pk=account.pk)
        if locked.status == Status.SUBMITTED:
            raise EvaluationError(_("This account has already voted; it cannot be revoked."))
        if locked.status == Status.REVOKED:
            raise EvaluationError(_("This account has already been revoked."))
        if locked.task.is_closed:
            raise EvaluationError(_("The task is closed: no more accounts can be issued."))
        EvaluationTask.objects.select_for_update().filter(pk=locked.task_id).first()
        Draft.objects.filter(account=locked).delete()
        locked.status = Status.REVOKED
        locked.revoked_reason = reason[:200]
        locked.save(update_fields=["status", "revoked_reason"])
        [replacement] = _new_accounts(
            locked.task, locked.category, 1, first_serial=_next_serial(locked.task), replaces=locked
        )
        replacement.account.save()
        log(
            locked,
            "evaluation.account_revoke",
            user=user,
            data={"reason": locked.revoked_reason, "serial": locked.serial},
        )
        log(
            replacement.account,
            "evaluation.account_replace",
            user=user,
            data={"replaces": locked.serial, "serial": replacement.account.serial},
        )
    return replacement


# --- Sign-in and throttling (EVAL-7) -------------------------------------------------


THROTTLE_COOKIE = "kaohe_ceping_t"


def _throttle_settings():
    return (
        getattr(settings, "EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP", 500),
        getattr(settings, "EVALUATION_SIGN_IN_MAX_FAILURES_PER_BROWSER", 10),
        getattr(settings, "EVALUATION_SIGN_IN_MAX_FAILURES_PER_PREFIX", 10),
        getattr(settings, "EVALUATION_SIGN_IN_WINDOW_SECONDS", 600),
    )


def browser_token(request) -> str:
    """The random token the sign-in page gave this browser (``THROTTLE_COOKIE``), or "" without a usable one.

    It only counts that browser's wrong codes: it is never stored with an
    account, a draft or a ballot.
    """
    token = request.COOKIES.get(THROTTLE_COOKIE, "") if request is not None else ""
    return token if 16 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum() else ""


def _throttle_limits(request, normalised: str) -> list[Limit]:
    """What a wrong code counts against: this browser and the code's first group first, then the address.

    One meeting room shares one address, so the address's limit is high; a
    client that drops its cookie to escape the browser's limit meets it.
    """
    per_ip, per_browser, per_prefix, _window = _throttle_settings()
    limits = [Limit("address", client_address(request) or "-", per_ip)]
    token = browser_token(request)
    if token:
        limits.append(Limit("browser", token, per_browser))
    if normalised:
        limits.append(Limit("prefix", codes.prefix(normalised), per_prefix))
    return limits


def _counter(scope: str) -> Counter:
    return Counter(f"evaluation:{scope}", _throttle_settings()[3])


def throttle_wait(request, normalised: str, scope: str = "sign-in") -> int | None:
    """Seconds to wait when this browser, code prefix or address has failed too often; None otherwise."""
    return _counter(scope).retry_after(_throttle_limits(request, normalised))


def record_failure(request, normalised: str, scope: str = "sign-in") -> None:
    _counter(scope).record(_throttle_limits(request, normalised))


def throttle_message(seconds: int | None = None) -> str:
    seconds = _throttle_settings()[3] if seconds is None else seconds
    minutes = max(1, math.ceil(seconds / 60))
    return _(
        "Too many wrong codes were tried. Wait %(minutes)s minutes and try again, or ask the staff of the "
        "assessment office."
    ) % {"minutes": minutes}


class Throttled(EvaluationError):
    """Too many wrong codes: answered 429 with ``Retry-After``."""

    status = 429

    def __init__(self, retry_after: int):
        super().__init__(throttle_message(retry_after))
        self.retry_after = retry_after


def check_task_accepts_online(task: EvaluationTask, now=None) -> None:
    now = now or timezone.now()
    if not task.accepts_online:
        raise EvaluationError(_("This evaluation takes paper ballots only."))
    if task.is_closed or now >= task.ends_at:
        raise EvaluationError(_("This evaluation has ended."))
    if now < task.starts_at:
        raise EvaluationError(
            _("This evaluation has not started yet. It opens at %(time)s.")
            % {"time": timezone.localtime(task.starts_at).strftime("%Y-%m-%d %H:%M")}
        )


@dataclass
class Voter:
    """A signed-in evaluator: the account, and the key that seals their draft (held by their browser only)."""

    account: EvaluationAccount
    draft_key: bytes


def evaluator_sign_in(*, request, raw_code: str) -> Voter:
    """Check an evaluator's code; returns the account and the draft key made from the code.

    Nothing is stored for the sign-in but the account's first “signed in”: the
    view keeps the voter in a signed cookie of the evaluator's browser, not in a
    session row, so the database holds no record of who is signed in, or since
    when. Wrong codes are counted per browser, per code prefix and per address
    (``_throttle_limits``); past a limit every attempt it covers is refused for
    the rest of the window (``Throttled``).
    """
    normalised = codes.normalise(raw_code)
    wait = throttle_wait(request, normalised)
    if wait is not None:
        raise Throttled(wait)
    account = None
    if codes.looks_valid(normalised):
        account = (
            EvaluationAccount.objects.select_related("task", "category")
            .filter(code_digest=codes.account_digest(normalised))
            .first()
        )
    if account is None:
        record_failure(request, normalised)
        raise EvaluationError(
            _("This code is not right. Check it against your slip; capitals and dashes do not matter.")
        )
    if account.status == Status.REVOKED:
        raise EvaluationError(_("This code has been revoked. Ask the assessment office for your new slip."))
    if account.status == Status.SUBMITTED:
        raise EvaluationError(_("This code has already been used to submit a ballot; it cannot be used again."))
    check_task_accepts_online(account.task)
    if account.status == Status.ISSUED:
        EvaluationAccount.objects.filter(pk=account.pk, status=Status.ISSUED).update(status=Status.SIGNED_IN)
        account.status = Status.SIGNED_IN
    return Voter(account, sealing.draft_key(normalised))


def _lock_task_open(task: EvaluationTask) -> None:
    """Hold the task row against closing until this transaction ends, and read its times again.

    A key-share lock on PostgreSQL: evaluators do not wait for each other, only
    ``task_close`` (which locks the row for update) waits for them, and they for
    it, so no ballot enters the box of a task whose box has been emptied. On
    SQLite the portal's IMMEDIATE transactions serialise writers already.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT closed_at, starts_at, ends_at, mode FROM {EvaluationTask._meta.db_table} "  # noqa: S608
            "WHERE id = %s FOR KEY SHARE",
            [task.pk],
        )
        task.closed_at, task.starts_at, task.ends_at, task.mode = cursor.fetchone()


def _locked_voting_account(account_id: int) -> EvaluationAccount:
    account = (
        EvaluationAccount.objects.select_for_update(of=("self",))
        .select_related("task", "category")
        .filter(pk=account_id)
        .first()
    )
    if account is None or account.status == Status.REVOKED:
        raise EvaluationError(_("This code has been revoked. Ask the assessment office for your new slip."))
    if account.status == Status.SUBMITTED:
        raise EvaluationError(_("Your ballot has already been submitted; nothing more can be changed."))
    _lock_task_open(account.task)
    check_task_accepts_online(account.task)
    if not account.category.can_evaluate:
        raise EvaluationError(_("Your evaluator category reads the targets' information but does not evaluate."))
    return account


# --- Drafts and ballots (EVAL-7, EVAL-10) ----------------------------------------------


def draft_contents(*, account: EvaluationAccount, draft_key: bytes | None) -> tuple[dict, dict]:
    """The answers and remarks of the account's draft, opened with the evaluator's key; empty without one."""
    draft = Draft.objects.filter(account=account).only("sealed").first()
    if draft is None or draft_key is None:
        return {}, {}
    try:
        content = sealing.unseal(draft_key, sealing.draft_context(account.pk), draft.sealed)
    except sealing.Unreadable:
        # Sealed under another key (the portal's secret changed): as good as no draft.
        return {}, {}
    return content.get("a", {}), content.get("r", {})


def draft_save(
    *,
    account_id: int,
    draft_key: bytes,
    answers: dict,
    remarks: dict | None = None,
    sheet: BallotSheet | None = None,
) -> list[str]:
    """Keep an evaluator's answers for later, sealed with their key; returns values that were not ratings
    (and were dropped).

    Refused once the ballot is submitted, the account revoked or the task over.
    """
    with transaction.atomic():
        account = _locked_voting_account(account_id)
        sheet = sheet or ballot_sheet(task_id=account.task_id, category_id=account.category_id)
        cleaned, errors = sheet.clean(answers)
        kept_remarks = sheet.clean_remarks(remarks or {}, allowed=account.category.can_give_feedback)
        sealed = sealing.seal(draft_key, sealing.draft_context(account.pk), {"a": cleaned, "r": kept_remarks})
        Draft.objects.update_or_create(account=account, defaults={"sealed": sealed})
        if account.status in (Status.ISSUED, Status.SIGNED_IN):
            EvaluationAccount.objects.filter(pk=account.pk).update(status=Status.DRAFT)
    return errors


def ballot_submit(
    *,
    account_id: int,
    draft_key: bytes | None = None,
    answers: dict | None = None,
    remarks: dict | None = None,
    sheet: BallotSheet | None = None,
) -> str:
    """Cast the account's ballot for good and return the receipt code (EVAL-7, EVAL-10).

    With ``answers`` None the saved draft is cast (opened with ``draft_key``).
    In one transaction: the account row is locked, the ballot validated and put
    in the ballot box sealed, without any link to the account, the draft deleted
    and the account marked submitted. A second submission of the same account,
    however concurrent, is refused. The ballot reaches the ballot table later,
    in another transaction (``ballot_box_flush``); if this worker dies in
    between, it is still in the box and counted.
    """
    with transaction.atomic():
        account = _locked_voting_account(account_id)
        if sheet is None or sheet.task_id != account.task_id or sheet.category_id != account.category_id:
            sheet = ballot_sheet(task_id=account.task_id, category_id=account.category_id)
        if answers is None:
            answers, remarks = draft_contents(account=account, draft_key=draft_key)
        cleaned, errors = sheet.clean(answers)
        errors = errors or sheet.validate(cleaned)
        if errors:
            raise EvaluationError(*errors)
        receipt = codes.new_code(codes.RECEIPT_LENGTH)
        content = {
            "answers": cleaned,
            "remarks": sheet.clean_remarks(remarks or {}, allowed=account.category.can_give_feedback),
            "receipt": codes.receipt_digest(receipt),
        }
        EvaluationAccount.objects.filter(pk=account.pk).update(status=Status.SUBMITTED)
        Draft.objects.filter(account=account).delete()
        BallotBoxEntry.objects.create(
            task_id=account.task_id,
            category_id=account.category_id,
            cast_on=timezone.localdate(),
            receipt_digest=codes.box_receipt_digest(receipt),
            sealed=sealing.seal(sealing.box_key(account.task_id), sealing.box_context(account.task_id), content),
        )
    try:
        ballot_box_flush(task_id=account.task_id)
    except Exception:
        # The ballot is safe in the box; the next flush or the closing of the task counts it.
        logger.exception("Emptying the ballot box of task %s failed", account.task_id)
    return receipt


def _ballots_from_box(entries: list[BallotBoxEntry]) -> list[Ballot]:
    ballots = []
    for entry in entries:
        content = sealing.unseal(sealing.box_key(entry.task_id), sealing.box_context(entry.task_id), entry.sealed)
        ballots.append(
            Ballot(
                task_id=entry.task_id,
                category_id=entry.category_id,
                source=Ballot.Source.ONLINE,
                cast_on=entry.cast_on,
                receipt_digest=content["receipt"],
                answers=content["answers"],
                remarks=content["remarks"],
            )
        )
    return ballots


def ballot_batch_size() -> int:
    return max(1, int(getattr(settings, "EVALUATION_BALLOT_BATCH", 10)))


def ballot_box_flush(*, task_id: int, minimum: int | None = None) -> int:
    """Move the ballots waiting in the task's box into the ballot table, in random order; returns how many.

    Nothing happens while fewer than ``minimum`` (``EVALUATION_BALLOT_BATCH``)
    wait, so every batch mixes at least that many evaluators. Touches no
    account: the counted ballots share no transaction with the accounts that
    cast them. Two workers flushing at once take disjoint entries (rows locked
    with SKIP LOCKED on PostgreSQL; SQLite serialises writers).
    """
    minimum = ballot_batch_size() if minimum is None else minimum
    if minimum > 1 and BallotBoxEntry.objects.filter(task_id=task_id).count() < minimum:
        return 0
    with transaction.atomic():
        entries = list(BallotBoxEntry.objects.select_for_update(skip_locked=True).filter(task_id=task_id))
        if not entries or len(entries) < minimum:
            return 0
        ballots = _ballots_from_box(entries)
        _shuffle(ballots)
        Ballot.objects.bulk_create(ballots, batch_size=500)
        BallotBoxEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
    return len(ballots)


def _ballot_table_rewrite(task: EvaluationTask) -> None:
    """Empty the box and write all the task's ballots again, in random order (inside the closing transaction).

    PostgreSQL appends rewritten rows at the end of the table, so afterwards
    neither their place on disk nor their transaction id follows the order in
    which they were cast or typed; the keys stay (they are random already).
    """
    entries = list(BallotBoxEntry.objects.select_for_update().filter(task=task))
    ballots = list(Ballot.objects.filter(task=task)) + _ballots_from_box(entries)
    _shuffle(ballots)
    Ballot.objects.filter(task=task).delete()
    Ballot.objects.bulk_create(ballots, batch_size=500)
    BallotBoxEntry.objects.filter(task=task).delete()


def paper_ballot_record(
    *,
    task: EvaluationTask,
    category: EvaluatorCategory,
    answers: dict,
    remarks: dict | None = None,
    paper_serial: str = "",
    spoiled_reason: str = "",
    user=None,
) -> Ballot:
    """Enter a paper ballot (EVAL-6): validated like an online one; a breach makes it invalid, with the reason.

    Values that are not ratings are typing mistakes, refused so the clerk can
    correct them; ``spoiled_reason`` records a ballot the clerk found spoiled.
    """
    if not task.accepts_paper:
        raise EvaluationError(_("This evaluation takes online ballots only."))
    sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
    if not sheet.sections:
        raise EvaluationError(_("This evaluator category rates nothing in this task."))
    cleaned, errors = sheet.clean(answers)
    if errors:
        raise EvaluationError(*errors)
    reasons = []
    if spoiled_reason.strip():
        reasons.append(spoiled_reason.strip()[:300])
    reasons += sheet.validate(cleaned)
    paper_serial = (paper_serial or "").strip()[:30]
    try:
        with transaction.atomic():
            # Locked so that a ballot typed while the office closes the task is either counted or refused.
            if EvaluationTask.objects.select_for_update().filter(pk=task.pk, closed_at__isnull=True).first() is None:
                raise EvaluationError(_("The task is closed: its results have been computed."))
            ballot = Ballot.objects.create(
                task=task,
                category=category,
                source=Ballot.Source.PAPER,
                cast_on=timezone.localdate(),
                paper_serial=paper_serial,
                answers=cleaned,
                remarks=sheet.clean_remarks(remarks or {}, allowed=category.can_give_feedback),
                is_valid=not reasons,
                invalid_reason="\n".join(reasons),
            )
            log(
                task,
                "evaluation.paper_ballot",
                user=user,
                data={"category": category.name, "number": paper_serial, "valid": not reasons},
            )
    except IntegrityError as exc:
        raise EvaluationError(_("A paper ballot with this number has already been entered.")) from exc
    return ballot


# --- Closing and tallying (EVAL-8) ----------------------------------------------------


def task_close(*, task: EvaluationTask, user=None) -> EvaluationTask:
    """Close a task and compute its results; idempotent (EVAL-8, EVAL-10).

    Drafts left behind are discarded; the ballot box is emptied and the task's
    ballots rewritten in random order; then, in a separate transaction, every
    account of the task is rewritten so that its transaction id no longer tells
    when it voted.
    """
    from .tally import task_tally

    with transaction.atomic():
        locked = EvaluationTask.objects.select_for_update().get(pk=task.pk)
        if locked.closed_at is not None:
            return locked
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        Draft.objects.filter(account__task=locked).delete()
        _ballot_table_rewrite(locked)
        task_tally(locked)
        log(locked, "evaluation.task_close", user=user, data={})
    with transaction.atomic():
        EvaluationAccount.objects.filter(task=locked).update(status=F("status"))
    locked.refresh_from_db()
    return locked


@transaction.atomic
def task_reopen(*, task: EvaluationTask, user=None) -> EvaluationTask:
    """Open a closed task again (the office, to take late paper ballots, say); logged.

    Its tallies stay until it is closed again, which tallies afresh. Other areas
    (the yearly results) learn of it from the task's ``post_save``."""
    locked = EvaluationTask.objects.select_for_update().get(pk=task.pk)
    if locked.closed_at is None:
        return locked
    locked.closed_at = None
    locked.save(update_fields=["closed_at"])
    log(locked, "evaluation.task_reopen", user=user, data={})
    return locked


def task_close_if_ended(task: EvaluationTask) -> EvaluationTask:
    """Close an online-only task once its end time has passed (EVAL-8).

    A task that also takes paper ballots is closed by the office when the last
    paper ballot is entered, so none is left out.
    """
    if task.closed_at is None and task.mode == EvaluationTask.Mode.ONLINE and timezone.now() >= task.ends_at:
        return task_close(task=task)
    return task


def tasks_close_ended() -> list[EvaluationTask]:
    """Close every online-only task past its end time (run by ``close_evaluation_tasks``)."""
    closed = []
    for task in EvaluationTask.objects.filter(
        closed_at__isnull=True, mode=EvaluationTask.Mode.ONLINE, ends_at__lte=timezone.now()
    ):
        closed.append(task_close(task=task))
    return closed


# --- Set-up helpers for the office ------------------------------------------------------


def task_targets_add(*, task, target_category, unit_kind, main_leaders_only=False, user=None) -> int:
    """Add the teams of active units of ``unit_kind`` (or their current members) not yet in the task."""
    with transaction.atomic():
        order = TaskTarget.objects.filter(task=task).count()
        new = []
        if target_category.kind == TargetCategory.Kind.TEAM:
            taken = set(TaskTarget.objects.filter(task=task, team__isnull=False).values_list("team_id", flat=True))
            for team in Team.objects.filter(unit__kind=unit_kind, unit__is_active=True).order_by(
                "unit__sort_order", "unit__name", "name"
            ):
                if team.pk not in taken:
                    new.append(TaskTarget(task=task, target_category=target_category, team=team))
        else:
            taken = set(TaskTarget.objects.filter(task=task, cadre__isnull=False).values_list("cadre_id", flat=True))
            seats = (
                Membership.objects.filter(
                    current_membership_q(), team__unit__kind=unit_kind, team__unit__is_active=True
                )
                .select_related("cadre")
                .order_by("team__unit__sort_order", "team__unit__name", "team_id", "sort_order", "pk")
            )
            seen_teams = set()
            for seat in seats:
                if main_leaders_only and seat.team_id in seen_teams:
                    continue
                seen_teams.add(seat.team_id)
                if seat.cadre_id not in taken and seat.cadre.is_active:
                    taken.add(seat.cadre_id)
                    new.append(TaskTarget(task=task, target_category=target_category, cadre=seat.cadre))
        for offset, target in enumerate(new):
            target.sort_order = order + offset
        TaskTarget.objects.bulk_create(new)
        if new:
            log(task, "evaluation.targets_add", user=user, data={"count": len(new), "category": target_category.name})
    return len(new)


def system_copy(*, system: IndicatorSystem, year: int, name: str, user=None) -> IndicatorSystem:
    """A new system with the same scale, indicators and levels, for ``year``; logged as created."""
    with transaction.atomic():
        indicators = list(system.indicators.all())
        levels = list(system.levels.all())
        copy = IndicatorSystem.objects.create(
            name=name,
            year=year,
            description=system.description,
            is_template=False,
            scale=system.scale,
            scale_min=system.scale_min,
            scale_max=system.scale_max,
            excellent_from=system.excellent_from,
            bottom_below=system.bottom_below,
            copied_from=system,
        )
        Indicator.objects.bulk_create(
            Indicator(
                system=copy,
                name=item.name,
                criteria=item.criteria,
                weight=item.weight,
                instructions=item.instructions,
                sort_order=item.sort_order,
            )
            for item in indicators
        )
        RatingLevel.objects.bulk_create(
            RatingLevel(
                system=copy,
                code=item.code,
                name=item.name,
                points=item.points,
                band=item.band,
                sort_order=item.sort_order,
            )
            for item in levels
        )
        log(copy, "wagtail.create", user=user)
    return copy

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
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from kaohe.core.net import client_address
from kaohe.core.throttle import Counter, Limit
from kaohe.org.selectors import kind_current_seats, kind_teams

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
    PaperCheckEntry,
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


def validate_ballot(*, task: EvaluationTask, category: EvaluatorCategory, answers: dict) -> list[str]:
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


def browser_token(*, request: HttpRequest | None) -> str:
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
    token = browser_token(request=request)
    if token:
        limits.append(Limit("browser", token, per_browser))
    if normalised:
        limits.append(Limit("prefix", codes.prefix(normalised), per_prefix))
    return limits


def _counter(scope: str) -> Counter:
    return Counter(f"evaluation:{scope}", _throttle_settings()[3])


def throttle_wait(*, request: HttpRequest, normalised: str, scope: str = "sign-in") -> int | None:
    """Seconds to wait when this browser, code prefix or address has failed too often; None otherwise."""
    return _counter(scope).retry_after(_throttle_limits(request, normalised))


def record_failure(*, request: HttpRequest, normalised: str, scope: str = "sign-in") -> None:
    _counter(scope).record(_throttle_limits(request, normalised))


def throttle_message(*, seconds: int | None = None) -> str:
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
        super().__init__(throttle_message(seconds=retry_after))
        self.retry_after = retry_after


def check_task_accepts_online(*, task: EvaluationTask, now: datetime | None = None) -> None:
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
    wait = throttle_wait(request=request, normalised=normalised)
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
        record_failure(request=request, normalised=normalised)
        raise EvaluationError(
            _("This code is not right. Check it against your slip; capitals and dashes do not matter.")
        )
    if account.status == Status.REVOKED:
        raise EvaluationError(_("This code has been revoked. Ask the assessment office for your new slip."))
    if account.status == Status.SUBMITTED:
        raise EvaluationError(_("This code has already been used to submit a ballot; it cannot be used again."))
    check_task_accepts_online(task=account.task)
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
    check_task_accepts_online(task=account.task)
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
        # The account row is locked: no other save of this draft runs now, so no savepoint is needed.
        if not Draft.objects.filter(account_id=account.pk).update(sealed=sealed):
            Draft.objects.create(account=account, sealed=sealed)
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


def slip_number(*, raw: object) -> int | None:
    """The number of an evaluator's slip as typed (``7``, ``0007``, ``No.7``), or None."""
    text = str(raw or "").strip().upper().removeprefix("NO.").removeprefix("NO").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    number = int(text)
    return number if number > 0 else None


def _use_slip_for_paper(task: EvaluationTask, category: EvaluatorCategory, number: int) -> EvaluationAccount:
    """Lock the account of slip ``number`` and use it up for a paper ballot (inside a transaction).

    A slip is one vote: online or on paper, never both (EVAL-10). A draft the
    evaluator may have saved online is discarded with it.
    """
    account = (
        EvaluationAccount.objects.select_for_update(of=("self",))
        .select_related("category")
        .filter(task=task, serial=number)
        .first()
    )
    if account is None:
        raise EvaluationError(_("No slip of this task has the number %(number)s.") % {"number": f"{number:04d}"})
    if account.category_id != category.pk:
        raise EvaluationError(
            _("Slip %(number)s belongs to “%(category)s”, not to this evaluator category.")
            % {"number": account.serial_display, "category": account.category.name}
        )
    if account.status == Status.REVOKED:
        raise EvaluationError(
            _("Slip %(number)s was revoked; the paper ballot of its replacement counts.")
            % {"number": account.serial_display}
        )
    if account.status == Status.SUBMITTED:
        raise EvaluationError(
            _(
                "Slip %(number)s has already been used to vote, online or on paper: one person cannot vote twice. "
                "This paper ballot is not counted."
            )
            % {"number": account.serial_display}
        )
    Draft.objects.filter(account=account).delete()
    EvaluationAccount.objects.filter(pk=account.pk).update(status=Status.SUBMITTED)
    return account


def _check_ballots_within_accounts(task: EvaluationTask, category: EvaluatorCategory) -> None:
    """A task never holds more ballots of a category than slips used in it (each ballot uses one up)."""
    ballots = Ballot.objects.filter(task=task, category=category).count()
    ballots += BallotBoxEntry.objects.filter(task=task, category=category).count()
    used = EvaluationAccount.objects.filter(task=task, category=category, status=Status.SUBMITTED).count()
    if ballots > used:
        raise EvaluationError(
            _(
                "This evaluator category would hold %(ballots)s ballots for %(used)s used slips. Nothing was "
                "entered; check the ballots already typed."
            )
            % {"ballots": ballots, "used": used}
        )


def _paper_validity(sheet: BallotSheet, answers: dict, spoiled_reason: str) -> tuple[dict, list[str]]:
    cleaned, errors = sheet.clean(answers)
    if errors:
        raise EvaluationError(*errors)
    reasons = []
    if spoiled_reason.strip():
        reasons.append(spoiled_reason.strip()[:300])
    reasons += sheet.validate(cleaned)
    return cleaned, reasons


def _lock_open_task(task: EvaluationTask) -> EvaluationTask:
    locked = EvaluationTask.objects.select_for_update().filter(pk=task.pk, closed_at__isnull=True).first()
    if locked is None:
        raise EvaluationError(_("The task is closed: its results have been computed."))
    return locked


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

    ``paper_serial`` is the number of the slip the ballot was issued with; the
    slip's account is used up in the same transaction, so that its code can no
    longer vote online, and a slip that has voted online is refused here: one
    person, one ballot (EVAL-10). Values that are not ratings are typing
    mistakes, refused so the clerk can correct them; ``spoiled_reason`` records
    a ballot the clerk found spoiled.
    """
    if not task.accepts_paper:
        raise EvaluationError(_("This evaluation takes online ballots only."))
    sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
    if not sheet.sections:
        raise EvaluationError(_("This evaluator category rates nothing in this task."))
    number = slip_number(raw=paper_serial)
    if number is None:
        raise EvaluationError(_("Type the number printed on the evaluator's slip (on the paper ballot too)."))
    cleaned, reasons = _paper_validity(sheet, answers, spoiled_reason)
    try:
        with transaction.atomic():
            # Locked so that a ballot typed while the office closes the task is either counted or refused.
            _lock_open_task(task)
            account = _use_slip_for_paper(task, category, number)
            ballot = Ballot.objects.create(
                task=task,
                category=category,
                source=Ballot.Source.PAPER,
                cast_on=timezone.localdate(),
                paper_serial=account.serial_display,
                answers=cleaned,
                remarks=sheet.clean_remarks(remarks or {}, allowed=category.can_give_feedback),
                is_valid=not reasons,
                invalid_reason="\n".join(reasons),
            )
            _check_ballots_within_accounts(task, category)
            log(
                task,
                "evaluation.paper_ballot",
                user=user,
                data={"category": category.name, "number": ballot.paper_serial, "valid": not reasons},
            )
    except IntegrityError as exc:
        raise EvaluationError(_("A paper ballot with this number has already been entered.")) from exc
    return ballot


def _locked_paper_ballot(ballot: Ballot) -> Ballot:
    locked = Ballot.objects.select_for_update().select_related("category").filter(pk=ballot.pk).first()
    if locked is None or locked.source != Ballot.Source.PAPER:
        raise EvaluationError(_("Only a paper ballot typed by the office can be voided or corrected."))
    return locked


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()[:300]
    if not reason:
        raise EvaluationError(_("Give the reason: it is kept in the history."))
    return reason


def paper_ballot_void(*, ballot: Ballot, reason: str, free_slip: bool = False, user=None) -> None:
    """Void a typed paper ballot, with a reason, logged (EVAL-6).

    A voided ballot stays in the list as invalid and its slip stays used. When
    the slip number itself was typed wrong (``free_slip``), the entry is removed
    and that slip can vote again; the paper is then typed under its right number.
    """
    reason = _required_reason(reason)
    with transaction.atomic():
        _lock_open_task(ballot.task)
        locked = _locked_paper_ballot(ballot)
        number = locked.paper_serial
        if free_slip:
            EvaluationAccount.objects.filter(
                task_id=locked.task_id, serial=slip_number(raw=number) or 0, status=Status.SUBMITTED
            ).update(status=Status.ISSUED)
            locked.delete()
        else:
            locked.is_valid = False
            locked.invalid_reason = _("Voided: %(reason)s") % {"reason": reason}
            locked.save(update_fields=["is_valid", "invalid_reason"])
        log(
            ballot.task,
            "evaluation.paper_ballot_void",
            user=user,
            data={"category": locked.category.name, "number": number, "reason": reason, "slip_freed": free_slip},
        )


def paper_ballot_correct(*, ballot: Ballot, answers: dict, spoiled_reason: str = "", reason: str, user=None) -> Ballot:
    """Correct the ratings of a typed paper ballot after checking the paper, with a reason, logged (EVAL-6).

    The corrected ballot is validated again like a new one.
    """
    reason = _required_reason(reason)
    sheet = ballot_sheet(task_id=ballot.task_id, category_id=ballot.category_id)
    cleaned, reasons = _paper_validity(sheet, answers, spoiled_reason)
    with transaction.atomic():
        _lock_open_task(ballot.task)
        locked = _locked_paper_ballot(ballot)
        was_valid = locked.is_valid
        locked.answers = cleaned
        locked.is_valid = not reasons
        locked.invalid_reason = "\n".join(reasons)
        locked.save(update_fields=["answers", "is_valid", "invalid_reason"])
        log(
            ballot.task,
            "evaluation.paper_ballot_correct",
            user=user,
            data={
                "category": locked.category.name,
                "number": locked.paper_serial,
                "reason": reason,
                "was_valid": was_valid,
                "valid": locked.is_valid,
            },
        )
    return locked


def paper_check_record(
    *,
    task: EvaluationTask,
    category: EvaluatorCategory,
    answers: dict,
    paper_serial: str,
    user=None,
) -> PaperCheckEntry:
    """Key a paper ballot a second time, by a second person, to check the first entry (double entry).

    The check entry is never counted; ``paper_check_differences`` lists where it
    and the counted ballot of the same slip differ. Keying a number again
    replaces that number's check entry.
    """
    sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
    number = slip_number(raw=paper_serial)
    if number is None:
        raise EvaluationError(_("Type the number printed on the evaluator's slip (on the paper ballot too)."))
    cleaned, errors = sheet.clean(answers)
    if errors:
        raise EvaluationError(*errors)
    with transaction.atomic():
        entry, _created = PaperCheckEntry.objects.update_or_create(
            task=task,
            paper_serial=f"{number:04d}",
            defaults={
                "category": category,
                "answers": cleaned,
                "entered_by": user if getattr(user, "pk", None) else None,
            },
        )
        log(task, "evaluation.paper_check", user=user, data={"category": category.name, "number": entry.paper_serial})
    return entry


@dataclass
class PaperDifference:
    number: str
    category: str
    problem: str
    cells: list[str]


def paper_check_differences(*, task: EvaluationTask) -> tuple[int, list[PaperDifference]]:
    """(numbers keyed twice that agree, every difference) between typed paper ballots and their second keying."""
    from .sheets import task_sheets

    sheets = task_sheets(task_id=task.pk)
    paper = Ballot.objects.filter(task=task, source=Ballot.Source.PAPER).select_related("category")
    first = {ballot.paper_serial: ballot for ballot in paper}
    checks = {c.paper_serial: c for c in PaperCheckEntry.objects.filter(task=task).select_related("category")}
    agreed = 0
    differences = []
    for number, check in sorted(checks.items()):
        ballot = first.get(number)
        if ballot is None:
            differences.append(
                PaperDifference(number, check.category.name, _("Keyed the second time only: not counted."), [])
            )
            continue
        if ballot.category_id != check.category_id:
            differences.append(
                PaperDifference(
                    number,
                    ballot.category.name,
                    _("Typed as “%(first)s” the first time, “%(second)s” the second time.")
                    % {"first": ballot.category.name, "second": check.category.name},
                    [],
                )
            )
            continue
        sheet = sheets.get(ballot.category_id)
        cells = []
        for section in sheet.sections if sheet else []:
            for target in section.targets:
                for indicator in section.indicators:
                    a = ballot.answers.get(str(target.pk), {}).get(str(indicator.pk), "")
                    b = check.answers.get(str(target.pk), {}).get(str(indicator.pk), "")
                    if a != b:
                        cells.append(
                            _("%(target)s, “%(indicator)s”: %(first)s / %(second)s")
                            % {
                                "target": target.display_name,
                                "indicator": indicator.name,
                                "first": a or "—",
                                "second": b or "—",
                            }
                        )
        if cells:
            differences.append(PaperDifference(number, ballot.category.name, _("The two entries differ."), cells))
        else:
            agreed += 1
    missing = sorted(set(first) - set(checks))
    if checks:
        differences += [
            PaperDifference(number, first[number].category.name, _("Not keyed the second time yet."), [])
            for number in missing
        ]
    return agreed, differences


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


def task_close_if_ended(*, task: EvaluationTask) -> EvaluationTask:
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
            for team in kind_teams(kind=unit_kind):
                if team.pk not in taken:
                    new.append(TaskTarget(task=task, target_category=target_category, team=team))
        else:
            taken = set(TaskTarget.objects.filter(task=task, cadre__isnull=False).values_list("cadre_id", flat=True))
            seats = kind_current_seats(kind=unit_kind)
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


# What ``system_copy`` carries over from a system, its indicators and its levels.
SYSTEM_COPIED_FIELDS = ("description", "scale", "scale_min", "scale_max", "excellent_from", "bottom_below")
INDICATOR_COPIED_FIELDS = ("name", "criteria", "weight", "instructions", "sort_order")
LEVEL_COPIED_FIELDS = ("code", "name", "points", "band", "sort_order")


def system_copy(*, system: IndicatorSystem, year: int, name: str, user=None) -> IndicatorSystem:
    """A new system with the same scale, indicators and levels, for ``year``; logged as created."""
    with transaction.atomic():
        indicators = list(system.indicators.all())
        levels = list(system.levels.all())
        copy = IndicatorSystem.objects.create(
            name=name,
            year=year,
            is_template=False,
            copied_from=system,
            **{field: getattr(system, field) for field in SYSTEM_COPIED_FIELDS},
        )
        Indicator.objects.bulk_create(
            Indicator(system=copy, **{field: getattr(item, field) for field in INDICATOR_COPIED_FIELDS})
            for item in indicators
        )
        RatingLevel.objects.bulk_create(
            RatingLevel(system=copy, **{field: getattr(item, field) for field in LEVEL_COPIED_FIELDS})
            for item in levels
        )
        log(copy, "wagtail.create", user=user)
    return copy


# The common scale of four levels (优秀, 良好, 一般, 较差 worth 100, 85, 70, 50; key, name, points,
# band): the demo's indicator systems, the tests' and the benchmarks' are given it.
STANDARD_LEVELS = (
    ("A", "优秀", Decimal("100"), RatingLevel.Band.EXCELLENT),
    ("B", "良好", Decimal("85"), RatingLevel.Band.MIDDLE),
    ("C", "一般", Decimal("70"), RatingLevel.Band.BOTTOM),
    ("D", "较差", Decimal("50"), RatingLevel.Band.BOTTOM),
)


def rating_levels_add(*, system: IndicatorSystem, levels=STANDARD_LEVELS) -> list[RatingLevel]:
    """Give ``system`` the rating levels ``levels`` (key, name, points, band), in that order."""
    return RatingLevel.objects.bulk_create(
        RatingLevel(system=system, code=code, name=name, points=points, band=band, sort_order=index)
        for index, (code, name, points, band) in enumerate(levels)
    )

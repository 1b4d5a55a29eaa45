"""EVAL-10: no database artefact ties a ballot to the account that cast it, on SQLite and PostgreSQL.

30 ballots are cast in a known order (each ballot's ratings spell its place in
that order); then the tests look where a careful reviewer would: transaction
ids (``xmin`` on PostgreSQL), the rows' physical order (``ctid`` / SQLite's
``rowid``), the keys, sessions, drafts (also deleted ones, on disk) and what a
worker dying half-way leaves behind.

The order tests use the portal's real randomness. For 30 ballots in random
order Spearman's rank correlation has a standard deviation of 1/√29 ≈ 0.19;
the bound of 0.65 (3.5 standard deviations) is crossed by chance about once in
2,000 runs, while ballots written in casting order give 1.0 and ballots written
in batches of ten about 0.9.
"""

import itertools
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from kaohe.evaluation import codes, sealing, services
from kaohe.evaluation.models import (
    Ballot,
    BallotBoxEntry,
    Draft,
    EvaluationAccount,
    EvaluationTask,
    EvaluatorCategory,
    TargetResult,
)
from kaohe.evaluation.sheets import ballot_sheet
from kaohe.evaluation.views import VOTER_COOKIE
from tests.evaluation.factories import full_answers, issue_account, key_of, make_task

Status = EvaluationAccount.Status
VOTERS = 30
LEVELS = "ABCD"


def spearman(order_a, order_b):
    """Rank correlation of two orderings of the same items (no ties)."""
    rank_b = {item: position for position, item in enumerate(order_b)}
    n = len(order_a)
    d2 = sum((position - rank_b[item]) ** 2 for position, item in enumerate(order_a))
    return 1 - 6 * d2 / (n * (n * n - 1))


def numbered_answers(sheet, number):
    """A ballot whose ratings spell ``number`` in base 4 over the sheet's cells (4 targets × 3 indicators)."""
    cells = [(str(t.pk), str(i.pk)) for s in sheet.sections for t in s.targets for i in s.indicators]
    answers = {}
    for position, (target, indicator) in enumerate(cells):
        answers.setdefault(target, {})[indicator] = LEVELS[(number // 4**position) % 4]
    return answers


def number_of(sheet, answers):
    cells = [(str(t.pk), str(i.pk)) for s in sheet.sections for t in s.targets for i in s.indicators]
    return sum(
        LEVELS.index(answers[target][indicator]) * 4**position for position, (target, indicator) in enumerate(cells)
    )


def cast_thirty():
    """A task whose 30 accounts vote one after another, each in its own request; returns the task and sheet."""
    task = make_task(targets=4, indicators=3)
    category = EvaluatorCategory.objects.get(name="分管领导")
    sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
    accounts = [issue_account(task, category) for _ in range(VOTERS)]
    for number, (account, _code) in enumerate(accounts):
        services.ballot_submit(account_id=account.pk, answers=numbered_answers(sheet, number))
    return task, sheet


def physical_order(task):
    """The ballots' ids in the order their rows lie in the table."""
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM evaluation_ballot WHERE task_id = %s ORDER BY {column}",  # noqa: S608
            [task.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def casting_numbers(task, sheet, ids):
    answers = dict(Ballot.objects.filter(task=task).values_list("id", "answers"))
    return [number_of(sheet, answers[pk]) for pk in ids]


def xmins(table, task):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {table} WHERE task_id = %s", [task.pk])  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eval10_thirty_ballots_cast_in_a_known_order_leave_no_trace_of_it():
    """EVAL-10: 30 ballots cast one by one: no transaction id is shared by an account and a ballot (PostgreSQL),
    and neither the rows' order on disk nor their keys follow the order of casting once the task is closed (on
    SQLite, where rows lie in key order, not even while it is open).
    """
    task, sheet = cast_thirty()
    counted = Ballot.objects.filter(task=task).count()
    waiting = BallotBoxEntry.objects.filter(task=task).count()
    assert counted + waiting == VOTERS and counted == 30 // services.ballot_batch_size() * services.ballot_batch_size()
    assert EvaluationAccount.objects.filter(task=task, status=Status.SUBMITTED).count() == VOTERS
    if connection.vendor == "postgresql":
        assert not xmins("evaluation_evaluationaccount", task) & xmins("evaluation_ballot", task)
    else:
        # SQLite keeps a table in key order, and the keys are random: the batches leave no order behind.
        numbers = casting_numbers(task, sheet, physical_order(task))
        assert abs(spearman(numbers, sorted(numbers))) < 0.65, numbers

    services.task_close(task=task)
    assert not BallotBoxEntry.objects.exists() and Ballot.objects.filter(task=task).count() == VOTERS
    assert sorted(casting_numbers(task, sheet, physical_order(task))) == list(range(VOTERS))
    on_disk = casting_numbers(task, sheet, physical_order(task))
    assert abs(spearman(list(range(VOTERS)), on_disk)) < 0.65, on_disk
    by_key = casting_numbers(task, sheet, sorted(Ballot.objects.filter(task=task).values_list("id", flat=True)))
    assert abs(spearman(list(range(VOTERS)), by_key)) < 0.65, by_key
    if connection.vendor == "postgresql":
        account_xmins = xmins("evaluation_evaluationaccount", task)
        # Closing rewrote every account at once: their transaction ids no longer tell the order they voted in.
        assert len(account_xmins) == 1
        assert not account_xmins & xmins("evaluation_ballot", task)
    assert TargetResult.objects.filter(task=task, ballot_count=VOTERS).count() == 4


class WorkerKilled(BaseException):
    """What a worker stopped by the operating system looks like to the code after it: nothing runs any more."""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eval10_a_worker_dying_between_the_two_transactions_loses_no_ballot_and_allows_no_second_vote(client):
    """EVAL-10: killed after the account is marked but before the ballot box is emptied, the ballot is still
    counted (at the next batch or at closing) and the account cannot vote again; killed inside the first
    transaction, nothing happened and the evaluator can simply submit again.
    """
    task = make_task(targets=2, indicators=1)
    category = EvaluatorCategory.objects.get(name="分管领导")
    account, code = issue_account(task, category)
    answers = full_answers(task, "分管领导", "A")

    with mock.patch.object(BallotBoxEntry.objects, "create", side_effect=WorkerKilled):
        with pytest.raises(WorkerKilled):
            services.ballot_submit(account_id=account.pk, answers=answers)
    account.refresh_from_db()
    assert account.status == Status.ISSUED and not BallotBoxEntry.objects.exists() and not Ballot.objects.exists()

    with mock.patch.object(services, "ballot_box_flush", side_effect=WorkerKilled):
        with pytest.raises(WorkerKilled):
            services.ballot_submit(account_id=account.pk, answers=answers)
    account.refresh_from_db()
    assert account.status == Status.SUBMITTED and BallotBoxEntry.objects.count() == 1
    with pytest.raises(services.EvaluationError):
        services.ballot_submit(account_id=account.pk, answers=answers)
    refused = client.post(reverse("evaluation:sign_in"), {"code": code})
    assert refused.status_code == 403 and "已提交过测评表" in refused.content.decode()

    services.task_close(task=task)
    ballot = Ballot.objects.get(task=task)
    assert ballot.answers == answers and not BallotBoxEntry.objects.exists()
    assert TargetResult.objects.filter(task=task, ballot_count=1).count() == 2


@pytest.mark.django_db
def test_eval10_a_ballot_in_the_box_counts_in_progress_and_its_receipt_checks_out(client, office_user):
    """EVAL-10, EVAL-6: a ballot waiting for its batch counts as cast on the progress page, its receipt shows it is
    in the count, and the box holds neither the receipt hash the ballot will hold nor readable answers.
    """
    task = make_task(targets=2, indicators=1)
    category = EvaluatorCategory.objects.get(name="分管领导")
    account, _code = issue_account(task, category)
    receipt = services.ballot_submit(account_id=account.pk, answers=full_answers(task, "分管领导", "A"))
    entry = BallotBoxEntry.objects.get()
    assert not Ballot.objects.exists()
    assert entry.receipt_digest != codes.receipt_digest(receipt)
    sealed = bytes(entry.sealed)
    assert b'"A"' not in sealed and b'{"' not in sealed and b"answers" not in sealed
    client.force_login(office_user)
    data = client.get(reverse("evaluation_admin:progress_json", args=[task.pk])).json()
    assert data["total"]["submitted"] == 1 and data["total"]["valid"] == 1
    client.logout()
    check = client.post(reverse("evaluation:receipt"), {"receipt": receipt})
    assert check.status_code == 200 and "已计入统计" in check.content.decode()
    services.ballot_box_flush(task_id=task.pk, minimum=1)
    assert Ballot.objects.get().receipt_digest == codes.receipt_digest(receipt)
    assert "已计入统计" in client.post(reverse("evaluation:receipt"), {"receipt": receipt}).content.decode()


@pytest.mark.django_db
def test_eval10_voting_writes_no_session_and_the_draft_is_sealed_with_the_evaluators_key(client):
    """EVAL-10: signing in, saving a draft and submitting leave no session row; the draft row holds ciphertext
    only, which the portal's own keys cannot open: only the key made from the evaluator's code does.
    """
    task = make_task(targets=2, indicators=2)
    category = EvaluatorCategory.objects.get(name="分管领导")
    account, code = issue_account(task, category)
    client.post(reverse("evaluation:sign_in"), {"code": code})
    answers = full_answers(task, "分管领导", "C")
    data = {"action": "draft"}
    for target_id, row in answers.items():
        for indicator_id, value in row.items():
            data[f"r-{target_id}-{indicator_id}"] = value
    data[f"c-{next(iter(answers))}"] = "草稿里的意见"
    assert client.post(reverse("evaluation:form"), data).status_code == 302
    sealed = bytes(Draft.objects.get(account=account).sealed)
    assert b'"C"' not in sealed and "草稿里的意见".encode() not in sealed and len(sealed) < 200
    assert [field.name for field in Draft._meta.concrete_fields] == ["id", "account", "sealed"]
    for wrong in (sealing.box_key(task.pk), sealing.draft_key(account.code_digest)):
        with pytest.raises(sealing.Unreadable):
            sealing.unseal(wrong, sealing.draft_context(account.pk), sealed)
    # Another account's row cannot take this sealed draft either: the seal names its account.
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(key_of(code), sealing.draft_context(account.pk + 1), sealed)
    assert services.draft_contents(account=account, draft_key=key_of(code)) == (
        answers,
        {next(iter(answers)): "草稿里的意见"},
    )
    assert client.post(reverse("evaluation:form"), {"action": "confirm"}).status_code == 200
    assert not client.cookies[VOTER_COOKIE].value
    assert not Session.objects.exists() and not Draft.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eval10_deleted_drafts_left_on_disk_show_no_answers():
    """EVAL-10: PostgreSQL keeps deleted rows in its pages until vacuum; the draft rows there, live or deleted,
    hold no answer and no remark that can be read.
    """
    task = make_task(targets=3, indicators=2)
    category = EvaluatorCategory.objects.get(name="分管领导")
    remark = "只在草稿里写过的意见"
    for value in "ABC":
        account, code = issue_account(task, category)
        answers = full_answers(task, "分管领导", value)
        for _ in range(3):
            services.draft_save(
                account_id=account.pk, draft_key=key_of(code), answers=answers, remarks={next(iter(answers)): remark}
            )
        services.ballot_submit(account_id=account.pk, draft_key=key_of(code))
    assert not Draft.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT t_data FROM generate_series(0, pg_relation_size('evaluation_draft') / 8192 - 1) AS page, "
            "LATERAL heap_page_items(get_raw_page('evaluation_draft', page::int)) WHERE t_data IS NOT NULL"
        )
        tuples = [bytes(row[0]) for row in cursor.fetchall()]
    assert len(tuples) >= 9  # every version of every draft is still on disk
    target_ids = [str(pk).encode() for pk in task.targets.values_list("pk", flat=True)]
    for data in tuples:
        assert remark.encode() not in data
        assert not any(b'"' + target + b'"' in data for target in target_ids)


@pytest.mark.django_db
def test_eval10_the_office_sees_counts_per_category_never_which_number_has_voted(client, office_user):
    """EVAL-10, EVAL-6: the accounts list says “in use” or “revoked” for every number, whatever it has done; the
    progress page counts per category.
    """
    task = make_task(targets=2, indicators=1)
    category = EvaluatorCategory.objects.get(name="分管领导")
    voted, _ = issue_account(task, category)
    drafting, drafting_code = issue_account(task, category)
    idle, _ = issue_account(task, category)
    services.ballot_submit(account_id=voted.pk, answers=full_answers(task, "分管领导", "B"))
    services.draft_save(
        account_id=drafting.pk, draft_key=key_of(drafting_code), answers=full_answers(task, "分管领导", "B")
    )
    client.force_login(office_user)
    url = reverse("evaluation_admin:accounts", args=[task.pk])
    page = client.get(url).content.decode()
    for label in ("已提交", "已保存草稿", "已登录"):
        assert label not in page.split('class="evaluation-table"')[1]
    assert page.split('class="evaluation-table"')[1].count("使用中") == 3
    # Filtering cannot single out the voters either.
    for status in ("submitted", "draft", "signed_in"):
        listing = client.get(url, {"status": status}).content.decode().split('class="evaluation-table"')[1]
        assert all(f"No.{a.serial_display}" in listing for a in (voted, drafting, idle))
    progress = client.get(reverse("evaluation_admin:progress", args=[task.pk])).content.decode()
    for account in (voted, drafting, idle):
        assert f"No.{account.serial_display}" not in progress


@pytest.mark.django_db
def test_eval10_closing_an_emptied_task_twice_changes_nothing():
    """EVAL-10, EVAL-8: closing rewrites the ballots once; a second close leaves the results as they were."""
    task = make_task(targets=2, indicators=1)
    category = EvaluatorCategory.objects.get(name="分管领导")
    for value in itertools.islice(itertools.cycle("AB"), 3):
        account, _ = issue_account(task, category)
        services.ballot_submit(account_id=account.pk, answers=full_answers(task, "分管领导", value))
    services.task_close(task=task)
    before = sorted(Ballot.objects.values_list("id", flat=True))
    services.task_close(task=EvaluationTask.objects.get(pk=task.pk))
    assert sorted(Ballot.objects.values_list("id", flat=True)) == before and len(before) == 3

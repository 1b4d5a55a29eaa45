"""EVAL-7 reliability on PostgreSQL: one account submitting from 20 threads at once
ends with exactly one ballot; two evaluators submitting together both count; a
draft saved after submission is refused.

Run with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_evaluation``.
"""

import threading

import pytest
from django.db import connection

from kaohe.evaluation import services
from kaohe.evaluation.models import Draft, EvaluationAccount, EvaluatorCategory
from tests.evaluation.factories import counted_ballots, full_answers, issue_account, key_of, make_task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_together(functions):
    """Start every function at the same instant in its own thread; return their results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # the refusals are the point
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_eval7_one_account_submitting_from_20_threads_casts_exactly_one_ballot():
    """EVAL-7: 20 simultaneous submissions of one account: one receipt, 19 refusals, one ballot, account submitted."""
    task = make_task(targets=6, indicators=3)
    account, code = issue_account(task, EvaluatorCategory.objects.get(name="分管领导"))
    answers = full_answers(task, "分管领导", "B")
    services.draft_save(account_id=account.pk, draft_key=key_of(code), answers=answers)
    results = run_together([lambda: services.ballot_submit(account_id=account.pk, draft_key=key_of(code))] * 20)
    receipts = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if isinstance(r, services.EvaluationError)]
    assert len(receipts) == 1 and len(refusals) == 19, results
    assert counted_ballots(task).count() == 1
    assert counted_ballots(task).get().answers == answers
    account.refresh_from_db()
    assert account.status == EvaluationAccount.Status.SUBMITTED
    assert not Draft.objects.exists()


def test_eval7_a_draft_racing_a_submission_never_survives_it():
    """EVAL-7: drafts saved while the ballot is submitted are either before it (and deleted) or refused after it."""
    task = make_task(targets=4, indicators=2)
    account, code = issue_account(task, EvaluatorCategory.objects.get(name="分管领导"))
    key = key_of(code)
    answers = full_answers(task, "分管领导", "B")
    services.draft_save(account_id=account.pk, draft_key=key, answers=answers)
    calls = [lambda: services.ballot_submit(account_id=account.pk, draft_key=key)] + [
        lambda: services.draft_save(account_id=account.pk, draft_key=key, answers=answers) for _ in range(9)
    ]
    run_together(calls)
    assert counted_ballots(task).count() == 1
    assert not Draft.objects.filter(account=account).exists()
    with pytest.raises(services.EvaluationError):
        services.draft_save(account_id=account.pk, draft_key=key, answers=answers)


def test_eval7_many_evaluators_submitting_at_the_same_moment_lose_nothing():
    """EVAL-7: 12 evaluators submit at once: 12 ballots, 12 submitted accounts, every receipt distinct."""
    task = make_task(targets=5, indicators=3)
    category = EvaluatorCategory.objects.get(name="分管领导")
    accounts = [issue_account(task, category)[0] for _ in range(12)]
    answers = full_answers(task, "分管领导", "B")
    results = run_together([lambda a=a: services.ballot_submit(account_id=a.pk, answers=answers) for a in accounts])
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 12
    assert counted_ballots(task).count() == 12
    assert EvaluationAccount.objects.filter(status=EvaluationAccount.Status.SUBMITTED).count() == 12

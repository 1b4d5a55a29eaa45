"""EVAL-7: every malformed rating, code or field answers 400 with a message a person can act on, never 500.

What an evaluator's phone, a clumsy paste or a hostile client can send: numbers
too large for any scale (``1E+100``), ``NaN``, ``Infinity``, thousands of digits,
NUL characters (PostgreSQL refuses them in JSON), codes of the wrong shape and
very long strings. None of it may crash a page or reach the database.
"""

import pytest
from django.urls import reverse

from kaohe.evaluation import services
from kaohe.evaluation.models import Ballot, BallotBoxEntry, EvaluatorCategory, IndicatorSystem
from tests.evaluation.factories import IndicatorSystemFactory, full_answers, issue_account, key_of, make_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

BAD_NUMBERS = ["1E+100", "1e-100", "NaN", "-nan", "sNaN", "Infinity", "-Infinity", "9" * 5000, "0x10", "5,5", "8.555"]


def numeric_task():
    system = IndicatorSystemFactory(
        indicators=2, scale=IndicatorSystem.Scale.NUMERIC, scale_min=0, scale_max=10, excellent_from=9, bottom_below=6
    )
    task = make_task(targets=3, system=system)
    category = EvaluatorCategory.objects.get(name="分管领导")
    account, code = issue_account(task, category)
    return task, category, account, code


def signed_in(client, code):
    assert client.post(reverse("evaluation:sign_in"), {"code": code}).status_code == 302


def one_cell(task, value):
    answers = full_answers(task, "分管领导", "8")
    target_id = next(iter(answers))
    indicator_id = next(iter(answers[target_id]))
    return {"action": "draft", f"r-{target_id}-{indicator_id}": value}


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_eval7_a_malformed_number_on_a_numeric_scale_answers_400_with_a_message(client, value):
    """EVAL-7: ``1E+100``, NaN, Infinity, 5,000 digits... are reported as “not a valid rating”, not a 500."""
    task, _category, account, code = numeric_task()
    signed_in(client, code)
    for action in ("draft", "submit"):
        data = one_cell(task, value)
        data["action"] = action
        response = client.post(reverse("evaluation:form"), data)
        assert response.status_code == 400, (value, action)
        assert "不是有效的评价" in response.content.decode()
    assert services.draft_contents(account=account, draft_key=key_of(code)) == ({}, {})


@pytest.mark.parametrize("value", ["1E+100", "NaN", "9" * 5000])
def test_eval7_the_services_refuse_a_malformed_number_with_a_message(value):
    """EVAL-7: the same values handed to the service (an API, a script) are refused with a message."""
    task, category, account, code = numeric_task()
    answers = full_answers(task, "分管领导", "8")
    target_id = next(iter(answers))
    answers[target_id][next(iter(answers[target_id]))] = value
    with pytest.raises(services.EvaluationError, match="不是有效的评价"):
        services.ballot_submit(account_id=account.pk, answers=answers)
    assert services.validate_ballot(task=task, category=category, answers=answers)
    assert not Ballot.objects.exists() and not BallotBoxEntry.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("8.5E0", "8.5"), ("８", "8"), (" 7.50 ", "7.5")])
def test_eval7_odd_but_correct_numbers_are_still_ratings(typed, stored):
    """EVAL-7: ``8.5E0`` means 8.5 and a full-width ``８`` (a Chinese input method's) means 8: refusing malformed
    numbers does not refuse correct ones.
    """
    task, category, account, _code = numeric_task()
    answers = full_answers(task, "分管领导", typed)
    assert services.validate_ballot(task=task, category=category, answers=answers) == []
    services.ballot_submit(account_id=account.pk, answers=answers)
    services.ballot_box_flush(task_id=task.pk, minimum=1)
    row = next(iter(Ballot.objects.get(task=task).answers.values()))
    assert set(row.values()) == {stored}


@pytest.mark.parametrize(
    "code",
    ["", "x" * 5000, "ABCD", "\x00" * 17, "ÄÖÜ-ÄÖÜ-ÄÖÜ-ÄÖÜ-ÄÖÜ-ÄÖ", "<script>alert(1)</script>"],
)
def test_eval7_a_malformed_code_answers_400_with_a_message(client, code):
    """EVAL-7: an empty, overlong, short, NUL or foreign-letter code answers 400 and says what is wrong."""
    make_task()
    response = client.post(reverse("evaluation:sign_in"), {"code": code})
    assert response.status_code == 400
    html = response.content.decode()
    assert "这不是测评码" in html and "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("receipt", ["", "y" * 5000, "\x00"])
def test_eval7_a_malformed_receipt_code_answers_400_with_a_message(client, receipt):
    """EVAL-7: checking a receipt with a malformed code answers 400 with a message."""
    response = client.post(reverse("evaluation:receipt"), {"receipt": receipt})
    assert response.status_code == 400
    assert "这不是回执码" in response.content.decode()


def test_eval7_a_remark_with_nul_characters_or_huge_length_is_kept_short_and_clean(client):
    """EVAL-7, EVAL-10: a remark with NUL characters (PostgreSQL's JSON refuses them) and 100,000 characters is
    stored without the NULs and cut to 500 characters; the ballot counts.
    """
    task = make_task(targets=2, indicators=1)
    category = EvaluatorCategory.objects.get(name="分管领导")
    _account, code = issue_account(task, category)
    signed_in(client, code)
    answers = full_answers(task, "分管领导", "B")
    data = {"action": "submit"}
    for target_id, row in answers.items():
        for indicator_id, value in row.items():
            data[f"r-{target_id}-{indicator_id}"] = value
    target_id = next(iter(answers))
    data[f"c-{target_id}"] = "好\x00" + "很" * 100_000
    assert client.post(reverse("evaluation:form"), data).status_code == 200
    confirmed = client.post(reverse("evaluation:form"), {"action": "confirm"})
    assert confirmed.status_code == 200
    services.ballot_box_flush(task_id=task.pk, minimum=1)
    remark = Ballot.objects.get(task=task).remarks[target_id]
    assert "\x00" not in remark and remark.startswith("好很") and len(remark) == 500


def test_eval6_a_paper_ballot_with_a_malformed_number_is_refused_with_a_message(client, office_user):
    """EVAL-6: the office typing ``1E+100`` on a numeric paper ballot sees the mistake (400), nothing is entered."""
    task, category, _account, _code = numeric_task()
    client.force_login(office_user)
    answers = full_answers(task, "分管领导", "8")
    data = {"paper_serial": "P-1", "spoiled_reason": ""}
    for index, target_id in enumerate(answers):
        data[f"t{target_id}"] = "1E+100 8" if index == 0 else "8 8"
    response = client.post(reverse("evaluation_admin:paper_entry", args=[task.pk, category.pk]), data)
    assert response.status_code == 400
    assert "1E+100" in response.content.decode()
    assert not Ballot.objects.exists()

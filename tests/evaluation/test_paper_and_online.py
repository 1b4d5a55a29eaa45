"""EVAL-10, EVAL-6: no person can vote both online and on paper; typed paper ballots can be voided or corrected
with a logged reason, and keyed twice (double entry) with the differences shown.

A paper ballot names the number of the slip it was issued with; entering it
uses that slip's account up. So a task never holds more ballots than slips.
"""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.core.roles import RoleCode
from kaohe.evaluation import services
from kaohe.evaluation.models import Ballot, EvaluationAccount, EvaluatorCategory, TargetResult
from tests.evaluation.factories import counted_ballots, full_answers, issue_account, make_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
Status = EvaluationAccount.Status


def paper_post(task, lines, serial):
    data = {"paper_serial": serial, "spoiled_reason": ""}
    for target, line in zip(task.targets.order_by("sort_order"), lines, strict=False):
        data[f"t{target.pk}"] = line
    return data


def entry_url(task, category, check=False):
    return reverse(
        "evaluation_admin:paper_check" if check else "evaluation_admin:paper_entry", args=[task.pk, category.pk]
    )


def leaders_task(slips=5, **kwargs):
    task = make_task(targets=2, indicators=2, **kwargs)
    category = EvaluatorCategory.objects.get(name="分管领导")
    return task, category, [issue_account(task, category) for _ in range(slips)]


def test_eval10_a_slip_that_voted_online_is_refused_on_paper(client, office_user):
    """EVAL-10: the office types the paper ballot of a slip whose code already voted online: refused, not
    counted.
    """
    task, category, [(account, _code), *_rest] = leaders_task()
    services.ballot_submit(account_id=account.pk, answers=full_answers(task, "分管领导", "B"))
    client.force_login(office_user)
    response = client.post(entry_url(task, category), paper_post(task, ["AB", "BB"], str(account.serial)))
    assert response.status_code == 400
    assert "已经用于投票" in response.content.decode()
    assert counted_ballots(task).count() == 1 and not counted_ballots(task).filter(source="paper").exists()


def test_eval10_a_slip_entered_on_paper_can_no_longer_vote_online():
    """EVAL-10: once its paper ballot is typed, the slip's code is refused at sign-in, and a browser already signed
    in with it cannot submit.
    """
    task, category, [(account, code), *_rest] = leaders_task()
    browser = Client()
    assert browser.post(reverse("evaluation:sign_in"), {"code": code}).status_code == 302
    services.paper_ballot_record(
        task=task, category=category, answers=full_answers(task, "分管领导", "B"), paper_serial=str(account.serial)
    )
    assert browser.post(reverse("evaluation:form"), {"action": "confirm"}).status_code == 302
    refused = Client().post(reverse("evaluation:sign_in"), {"code": code})
    assert refused.status_code == 403 and "已提交过测评表" in refused.content.decode()
    with pytest.raises(services.EvaluationError):
        services.ballot_submit(account_id=account.pk, answers=full_answers(task, "分管领导", "B"))
    assert counted_ballots(task).count() == 1


def test_eval10_a_task_never_holds_more_ballots_than_slips():
    """EVAL-10: 5 slips, 3 vote online, then the office tries to type a paper ballot for every slip: 2 are taken,
    3 are refused; the task holds 5 ballots for 5 slips.
    """
    task, category, accounts = leaders_task(slips=5)
    for account, _code in accounts[:3]:
        services.ballot_submit(account_id=account.pk, answers=full_answers(task, "分管领导", "B"))
    refused = 0
    for account, _code in accounts:
        try:
            services.paper_ballot_record(
                task=task,
                category=category,
                answers=full_answers(task, "分管领导", "B"),
                paper_serial=f"{account.serial:04d}",
            )
        except services.EvaluationError:
            refused += 1
    assert refused == 3
    assert counted_ballots(task).count() == 5 == EvaluationAccount.objects.filter(task=task).count()
    services.task_close(task=task)
    assert set(TargetResult.objects.filter(task=task).values_list("ballot_count", flat=True)) == {5}


@pytest.mark.parametrize(
    ("number", "message"),
    [("9999", "没有编号为 9999 的账号条"), ("abc", "账号条上印的编号"), ("2", "不属于这个测评主体"), ("3", "已作废")],
)
def test_eval10_a_paper_ballot_must_name_a_usable_slip_of_its_category(number, message):
    """EVAL-10: an unknown number, no number, a slip of another evaluator category or a revoked slip is refused."""
    task, category, _accounts = leaders_task(slips=1, categories=("分管领导", "基层代表"))
    issue_account(task, EvaluatorCategory.objects.get(name="基层代表"))  # slip 2
    issue_account(task, category, status=Status.REVOKED)  # slip 3
    with pytest.raises(services.EvaluationError, match=message):
        services.paper_ballot_record(
            task=task, category=category, answers=full_answers(task, "分管领导", "B"), paper_serial=number
        )
    assert not Ballot.objects.exists()


def typed(task, category, slip, value="B"):
    return services.paper_ballot_record(
        task=task, category=category, answers=full_answers(task, "分管领导", value), paper_serial=str(slip.serial)
    )


def test_eval6_a_typed_paper_ballot_is_voided_with_a_reason_that_is_logged(client, office_user):
    """EVAL-6: voiding needs a reason; the voided ballot is listed as invalid, not counted, and the history says
    who voided it and why.
    """
    task, category, [(slip, _code), *_rest] = leaders_task()
    ballot = typed(task, category, slip)
    client.force_login(office_user)
    url = reverse("evaluation_admin:paper_ballot", args=[task.pk, ballot.pk])
    assert client.post(url, {"action": "void", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "void", "reason": "同一张纸质票录入两次"}).status_code == 302
    ballot.refresh_from_db()
    assert not ballot.is_valid and "同一张纸质票录入两次" in ballot.invalid_reason
    entry = ModelLogEntry.objects.get(action="evaluation.paper_ballot_void", object_id=str(task.pk))
    assert entry.user == office_user and entry.data["reason"] == "同一张纸质票录入两次"
    listing = client.get(reverse("evaluation_admin:paper", args=[task.pk])).content.decode()
    assert "同一张纸质票录入两次" in listing
    # The slip stays used: its code cannot vote online now.
    slip.refresh_from_db()
    assert slip.status == Status.SUBMITTED


def test_eval6_a_mistyped_slip_number_is_freed_so_that_slip_can_still_vote(client, office_user):
    """EVAL-6, EVAL-10: typed under the wrong slip number, the entry is removed with a reason and that slip's code
    can vote online again; the paper is then typed under its right number.
    """
    task, category, [(wrong, code), (right, _code), *_rest] = leaders_task()
    ballot = typed(task, category, wrong)
    client.force_login(office_user)
    url = reverse("evaluation_admin:paper_ballot", args=[task.pk, ballot.pk])
    response = client.post(url, {"action": "void", "reason": "账号条编号录错", "free_slip": "on"})
    assert response.status_code == 302
    assert not Ballot.objects.exists()
    wrong.refresh_from_db()
    assert wrong.status == Status.ISSUED
    assert Client().post(reverse("evaluation:sign_in"), {"code": code}).status_code == 302
    typed(task, category, right)
    assert ModelLogEntry.objects.get(action="evaluation.paper_ballot_void").data["slip_freed"] is True


def test_eval6_a_typed_paper_ballot_is_corrected_with_a_reason_and_checked_again(client, office_user):
    """EVAL-6: a correction replaces the ratings, is validated like a new ballot (a quota breach makes it invalid)
    and is logged with its reason; without a reason nothing changes.
    """
    task, category, [(slip, _code), *_rest] = leaders_task(quota={"max_excellent_count": 1})
    ballot = typed(task, category, slip)
    client.force_login(office_user)
    url = reverse("evaluation_admin:paper_ballot", args=[task.pk, ballot.pk])
    page = client.get(url).content.decode()
    assert 'value="BB"' in page
    targets = list(task.targets.order_by("sort_order"))
    data = {"action": "correct", f"t{targets[0].pk}": "AB", f"t{targets[1].pk}": "BC", "spoiled_reason": ""}
    assert client.post(url, {**data, "reason": ""}).status_code == 400
    ballot.refresh_from_db()
    assert set(ballot.answers[str(targets[0].pk)].values()) == {"B"}
    assert client.post(url, {**data, "reason": "核对原票：第一行录错"}).status_code == 302
    ballot.refresh_from_db()
    assert ballot.is_valid and sorted(ballot.answers[str(targets[0].pk)].values()) == ["A", "B"]
    # Two 优秀 in one column breaks the quota of one: the corrected ballot becomes invalid.
    data[f"t{targets[1].pk}"] = "AC"
    assert client.post(url, {**data, "reason": "再次核对"}).status_code == 302
    ballot.refresh_from_db()
    assert not ballot.is_valid and "至多 1 个" in ballot.invalid_reason
    reasons = list(
        ModelLogEntry.objects.filter(action="evaluation.paper_ballot_correct").values_list("data__reason", flat=True)
    )
    assert sorted(reasons) == ["再次核对", "核对原票：第一行录错"]


def test_eval6_online_ballots_cannot_be_voided_or_corrected_and_only_the_office_may(client, office_user, make_user):
    """EVAL-6: the void/correct screen refuses the assessment group (403) and does not exist for online ballots."""
    task, category, [(slip, _code), (online, _code2), *_rest] = leaders_task()
    ballot = typed(task, category, slip)
    services.ballot_submit(account_id=online.pk, answers=full_answers(task, "分管领导", "B"))
    online_ballot = counted_ballots(task).get(source="online")
    client.force_login(make_user(RoleCode.ASSESSMENT_GROUP))
    url = reverse("evaluation_admin:paper_ballot", args=[task.pk, ballot.pk])
    assert client.post(url, {"action": "void", "reason": "x"}).status_code in (302, 403)
    ballot.refresh_from_db()
    assert ballot.is_valid
    client.force_login(office_user)
    online_url = reverse("evaluation_admin:paper_ballot", args=[task.pk, online_ballot.pk])
    assert client.post(online_url, {"action": "void", "reason": "x"}).status_code == 404


def test_eval6_double_entry_shows_where_the_second_keying_differs(client, office_user, make_user):
    """EVAL-6: three paper ballots typed; a second person keys them again (one cell differs) plus a number the
    first person missed; the differences page names the slip, the cell and both values, and nothing keyed the
    second time is counted.
    """
    task, category, accounts = leaders_task(slips=4)
    client.force_login(office_user)
    for (slip, _code), lines in zip(accounts[:3], (["AB", "BB"], ["BB", "BC"], ["BA", "BB"]), strict=True):
        assert client.post(entry_url(task, category), paper_post(task, lines, str(slip.serial))).status_code == 302
    second = make_user(RoleCode.OFFICE)
    client.force_login(second)
    check = entry_url(task, category, check=True)
    assert "第二次录入" in client.get(check).content.decode()
    for (slip, _code), lines in zip(accounts, (["AB", "BB"], ["BB", "BB"], ["BA", "BB"], ["AA", "AA"]), strict=True):
        assert client.post(check, paper_post(task, lines, str(slip.serial))).status_code == 302
    assert counted_ballots(task).count() == 3
    page = client.get(reverse("evaluation_admin:paper_differences", args=[task.pk])).content.decode()
    second_target = task.targets.order_by("sort_order")[1].display_name
    assert "2 张两次录入一致" in page
    assert accounts[1][0].serial_display in page and f"{second_target}，“指标2”：C / B" in page
    assert accounts[3][0].serial_display in page and "只在第二次录入" in page
    assert ModelLogEntry.objects.filter(action="evaluation.paper_check", user=second).count() == 4

"""EVAL-6: paper ballots typed by the office, validated like online ones, and the live progress page."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.evaluation import services
from kaohe.evaluation.models import Ballot, EvaluationAccount, EvaluationTask, EvaluatorCategory
from tests.evaluation.factories import full_answers, issue_account, key_of, make_task
from tests.evaluation.pdfutil import embedded_fonts

pytestmark = pytest.mark.django_db
Status = EvaluationAccount.Status


def paper_post(task, lines, serial="", spoiled=""):
    data = {"paper_serial": serial, "spoiled_reason": spoiled}
    for target, line in zip(task.targets.order_by("sort_order"), lines, strict=False):
        data[f"t{target.pk}"] = line
    return data


def entry_url(task, name="分管领导"):
    return reverse("evaluation_admin:paper_entry", args=[task.pk, EvaluatorCategory.objects.get(name=name).pk])


def test_eval6_office_types_a_paper_ballot_one_line_per_target(client, office_user):
    """EVAL-6: lines “ab”, “B-” and “ A” give a valid paper ballot with those ratings (blank where “-” or space);
    logged.
    """
    task = make_task(targets=3, indicators=2)
    issue_account(task, EvaluatorCategory.objects.get(name="分管领导"))
    client.force_login(office_user)
    page = client.get(entry_url(task)).content.decode()
    assert "A</strong> 优秀" in page and "1. 指标1" in page
    response = client.post(entry_url(task), paper_post(task, ["ab", "B-", " A"], serial="001"))
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    targets = list(task.targets.order_by("sort_order"))
    indicators = [str(i.pk) for i in task.raters.get().indicator_system.indicators.order_by("sort_order")]
    assert ballot.answers == {
        str(targets[0].pk): {indicators[0]: "A", indicators[1]: "B"},
        str(targets[1].pk): {indicators[0]: "B"},
        str(targets[2].pk): {indicators[1]: "A"},
    }
    assert ballot.is_valid and ballot.source == Ballot.Source.PAPER and ballot.paper_serial == "0001"
    follow = client.get(entry_url(task)).content.decode()
    assert "纸质票 0001 已录入：有效" in follow
    assert ModelLogEntry.objects.filter(
        action="evaluation.paper_ballot", object_id=str(task.pk), user=office_user
    ).exists()


def test_eval5_a_paper_ballot_breaking_forced_distribution_is_counted_invalid(client, office_user):
    """EVAL-5, EVAL-6: a paper ballot with too many “优秀” is recorded as invalid with the reason, by the same
    rules as online.
    """
    task = make_task(targets=3, indicators=1, quota={"max_excellent_count": 1})
    for _ in range(2):
        issue_account(task, EvaluatorCategory.objects.get(name="分管领导"))
    client.force_login(office_user)
    response = client.post(entry_url(task), paper_post(task, ["A", "A", "B"], serial="002"))
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert not ballot.is_valid and "至多 1 个，现有 2 个" in ballot.invalid_reason
    category = EvaluatorCategory.objects.get(name="分管领导")
    assert services.validate_ballot(task=task, category=category, answers=ballot.answers) == [ballot.invalid_reason]
    listing = client.get(reverse("evaluation_admin:paper", args=[task.pk]), {"valid": "0"}).content.decode()
    assert "002" in listing and "至多 1 个" in listing


def test_eval6_typing_mistakes_are_refused_and_change_nothing(client, office_user):
    """EVAL-6: a key that is no level, or too many keys for a line, is shown on that line; nothing is recorded."""
    task = make_task(targets=2, indicators=2)
    client.force_login(office_user)
    wrong_key = client.post(entry_url(task), paper_post(task, ["AZ", "BB"]))
    assert wrong_key.status_code == 400 and "“Z”不是“指标2”的有效评价" in wrong_key.content.decode()
    too_long = client.post(entry_url(task), paper_post(task, ["ABA", "BB"]))
    assert "应为 2 个值" in too_long.content.decode()
    assert not Ballot.objects.exists()


def test_eval6_a_spoiled_or_blank_paper_ballot_is_invalid_and_numbers_are_unique(client, office_user):
    """EVAL-6: a ballot marked spoiled, or with nothing rated, counts as invalid; the same ballot number twice is
    refused.
    """
    task = make_task(targets=2, indicators=1)
    for _ in range(8):
        issue_account(task, EvaluatorCategory.objects.get(name="分管领导"))
    client.force_login(office_user)
    client.post(entry_url(task), paper_post(task, ["A", "B"], serial="7", spoiled="署名票"))
    client.post(entry_url(task), paper_post(task, ["", ""], serial="8"))
    reasons = dict(Ballot.objects.values_list("paper_serial", "invalid_reason"))
    assert reasons == {"0007": "署名票", "0008": "这张测评票一项也没有评价。"}
    assert not Ballot.objects.filter(is_valid=True).exists()
    again = client.post(entry_url(task), paper_post(task, ["A", "B"], serial="7"))
    assert again.status_code == 400 and "已经用于投票" in again.content.decode()
    assert Ballot.objects.count() == 2


def test_eval6_paper_ballots_are_refused_for_online_only_or_closed_tasks(office_user):
    """EVAL-6: an online-only task takes no paper ballots; a closed task takes none either."""
    task = make_task(targets=1, indicators=1, mode=EvaluationTask.Mode.ONLINE)
    category = EvaluatorCategory.objects.get(name="分管领导")
    answers = full_answers(task, "分管领导", "A")
    issue_account(task, category)
    with pytest.raises(services.EvaluationError, match="只收网上"):
        services.paper_ballot_record(task=task, category=category, answers=answers, paper_serial="1")
    EvaluationTask.objects.filter(pk=task.pk).update(mode=EvaluationTask.Mode.BOTH)
    task.refresh_from_db()
    services.task_close(task=task)
    with pytest.raises(services.EvaluationError, match="已结束"):
        services.paper_ballot_record(task=task, category=category, answers=answers, paper_serial="1")
    assert not Ballot.objects.exists()


def test_eval6_blank_paper_ballot_prints_with_keys_and_targets(client, office_user):
    """EVAL-6: the office prints the blank paper ballot of a category as a PDF in Chinese."""
    task = make_task(targets=3, indicators=2)
    client.force_login(office_user)
    response = client.get(
        reverse("evaluation_admin:paper_form_pdf", args=[task.pk, EvaluatorCategory.objects.get(name="分管领导").pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert "Noto-Sans-CJK-SC" in embedded_fonts(response.content)


def progress_fixture():
    task = make_task(targets=2, indicators=1, categories=("分管领导", "基层代表"))
    leaders = EvaluatorCategory.objects.get(name="分管领导")
    grassroots = EvaluatorCategory.objects.get(name="基层代表")
    for _ in range(2):
        issue_account(task, leaders)
    signed, _ = issue_account(task, leaders, status=Status.SIGNED_IN)
    drafting, code = issue_account(task, grassroots)
    services.draft_save(account_id=drafting.pk, draft_key=key_of(code), answers=full_answers(task, "基层代表", "B"))
    voter, _ = issue_account(task, grassroots)
    services.ballot_submit(account_id=voter.pk, answers=full_answers(task, "基层代表", "B"))
    issue_account(task, grassroots, status=Status.REVOKED)
    for answers in (full_answers(task, "分管领导", "A"), {}):
        slip, _ = issue_account(task, leaders)
        services.paper_ballot_record(task=task, category=leaders, answers=answers, paper_serial=str(slip.serial))
    return task, leaders, grassroots


def test_eval6_progress_counts_accounts_and_ballots_per_category(client, make_user):
    """EVAL-6: progress shows, per category, accounts issued, signed in, drafts, submitted, revoked, valid and
    invalid ballots.
    """
    from kaohe.core.roles import RoleCode

    task, leaders, grassroots = progress_fixture()
    client.force_login(make_user(RoleCode.ASSESSMENT_GROUP))
    data = client.get(reverse("evaluation_admin:progress_json", args=[task.pk])).json()
    rows = {row["category"]: row for row in data["rows"]}
    assert {
        k: rows["分管领导"][k] for k in ("issued", "signed_in", "drafts", "submitted", "revoked", "valid", "invalid")
    } == {
        "issued": 5,
        "signed_in": 3,
        "drafts": 0,
        "submitted": 2,
        "revoked": 0,
        "valid": 1,
        "invalid": 1,
    }
    assert {
        k: rows["基层代表"][k] for k in ("issued", "signed_in", "drafts", "submitted", "revoked", "valid", "invalid")
    } == {
        "issued": 2,
        "signed_in": 2,
        "drafts": 1,
        "submitted": 1,
        "revoked": 1,
        "valid": 1,
        "invalid": 0,
    }
    assert data["total"]["issued"] == 7 and data["total"]["valid"] == 2 and data["total"]["percent_submitted"] == 43
    page = client.get(reverse("evaluation_admin:progress", args=[task.pk])).content.decode()
    assert "progress.js" in page and "每10秒自动刷新" in page
    assert f'data-progress-url="{reverse("evaluation_admin:progress_json", args=[task.pk])}"' in page


def test_eval6_progress_runs_a_fixed_number_of_queries(client, office_user):
    """EVAL-6: the progress endpoint takes the same few queries with 5 accounts as with 35."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    task, leaders, _grassroots = progress_fixture()
    client.force_login(office_user)
    url = reverse("evaluation_admin:progress_json", args=[task.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        issue_account(task, leaders)
    with CaptureQueriesContext(connection) as many:
        data = client.get(url).json()
    assert data["total"]["issued"] == 37
    assert len(many) == len(few) <= 12

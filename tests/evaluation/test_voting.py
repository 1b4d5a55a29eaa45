"""EVAL-7, EVAL-5 and anonymity: an evaluator signs in with the code, fills in the
one-page form, saves a draft, submits after a confirmation and gets a receipt.

Also: forced distribution refused on the server, throttled wrong codes, the end
time, and what the database and the pages do not reveal.
"""

from datetime import timedelta

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from kaohe.evaluation import codes, services
from kaohe.evaluation.models import Ballot, Draft, EvaluationAccount, EvaluationTask, EvaluatorCategory, RandomIdField
from kaohe.evaluation.views import VOTER_COOKIE
from tests.evaluation.factories import (
    counted_ballots,
    full_answers,
    issue_account,
    key_of,
    make_cadre_targets,
    make_task,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
Status = EvaluationAccount.Status


def post_data(answers, action, remarks=None):
    data = {"action": action}
    for target_id, row in answers.items():
        for indicator_id, value in row.items():
            data[f"r-{target_id}-{indicator_id}"] = value
    for target_id, text in (remarks or {}).items():
        data[f"c-{target_id}"] = text
    return data


def sign_in(client, code):
    return client.post(reverse("evaluation:sign_in"), {"code": code})


def voting_task(**kwargs):
    task = make_task(**kwargs)
    category = EvaluatorCategory.objects.get(name="分管领导")
    account, code = issue_account(task, category)
    return task, category, account, code


def test_eval7_sign_in_with_the_code_alone_in_any_case_and_grouping(client):
    """EVAL-7: the code typed in lower case with spaces instead of dashes opens the form; the account is marked
    signed in.
    """
    task, _category, account, code = voting_task()
    typed = " ".join(codes.grouped(code).lower().split("-"))
    response = sign_in(client, typed)
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:form")
    account.refresh_from_db()
    assert account.status == Status.SIGNED_IN
    page = client.get(reverse("evaluation:form")).content.decode()
    assert task.name in page and "分管领导" in page


def test_eval7_the_form_shows_all_the_categorys_targets_and_indicators_on_one_page(client):
    """EVAL-7: one page with every target of the category's sheet and every indicator, with links to each unit's
    duties.
    """
    task, category, _account, code = voting_task(targets=5, indicators=4)
    sign_in(client, code)
    page = client.get(reverse("evaluation:form")).content.decode()
    for target in task.targets.select_related("team__unit"):
        assert target.team.name in page
        assert f"/units/{target.team.unit_id}/" in page
    for number in range(1, 5):
        assert f"指标{number}" in page
    assert page.count('type="radio"') == 5 * 4 * 4
    assert "优秀" in page and "较差" in page


def test_eval7_a_category_sees_only_its_own_targets_and_no_links_without_the_right(client):
    """EVAL-4, EVAL-7: a category rating only cadres sees only cadres; without the read right no duty links are
    shown.
    """
    task = make_task(targets=2, categories=("分管领导", "基层代表"))
    cadre_category, cadres = make_cadre_targets(task, 2)
    grassroots = EvaluatorCategory.objects.get(name="基层代表")
    grassroots.can_read_info = False
    grassroots.save()
    # 基层代表 rate the cadres instead of the teams.
    task.raters.filter(evaluator_category=grassroots).update(target_category=cadre_category)
    _account, code = issue_account(task, grassroots)
    sign_in(client, code)
    page = client.get(reverse("evaluation:form")).content.decode()
    for target in cadres:
        assert target.cadre.name in page
    for target in task.targets.filter(team__isnull=False).select_related("team"):
        assert target.team.name not in page
    assert "ballot-target__links" not in page and "职责和班子" not in page


def test_eval7_draft_is_saved_and_comes_back_after_signing_in_again(client):
    """EVAL-7: a saved draft survives signing out; signing in again shows the same choices."""
    task, _category, account, code = voting_task()
    sign_in(client, code)
    answers = full_answers(task, "分管领导", "B")
    first = next(iter(answers))
    answers[first] = {key: "A" for key in answers[first]}
    response = client.post(reverse("evaluation:form"), post_data(answers, "draft"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == Status.DRAFT
    client.post(reverse("evaluation:sign_out"))
    assert client.get(reverse("evaluation:form")).status_code == 302
    sign_in(client, code)
    page = client.get(reverse("evaluation:form")).content.decode()
    indicator = next(iter(answers[first]))
    assert f'name="r-{first}-{indicator}" value="A" data-band="excellent" data-indicator="{indicator}" checked' in page


def test_eval7_submit_confirms_blanks_then_casts_the_ballot_and_gives_a_receipt(client):
    """EVAL-7: “submit” lists what is left blank; “submit for good” casts the ballot, shows a receipt and ends
    the account.
    """
    task, category, account, code = voting_task(targets=3, indicators=2)
    sign_in(client, code)
    answers = full_answers(task, "分管领导", "B")
    blank_target = task.targets.order_by("sort_order").last()
    del answers[str(blank_target.pk)]
    confirm = client.post(reverse("evaluation:form"), post_data(answers, "submit"))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "以下未评价" in html and blank_target.team.name in html
    assert not Ballot.objects.exists()
    receipt = client.post(reverse("evaluation:form"), {"action": "confirm"})
    assert receipt.status_code == 200
    body = receipt.content.decode()
    assert "回执码" in body
    ballot = counted_ballots(task).get()
    assert ballot.answers == answers and ballot.category == category and ballot.is_valid
    assert ballot.source == Ballot.Source.ONLINE and ballot.cast_on == timezone.localdate()
    account.refresh_from_db()
    assert account.status == Status.SUBMITTED
    assert not Draft.objects.exists()
    # The browser no longer holds the account, and the code no longer opens anything.
    assert not client.cookies[VOTER_COOKIE].value
    again = sign_in(client, code)
    assert again.status_code == 403 and "已提交过测评表" in again.content.decode()
    # The receipt shown checks out.
    import re

    shown = re.search(r'id="receipt-code">([A-Z0-9-]+)<', body).group(1)
    check = client.post(reverse("evaluation:receipt"), {"receipt": shown})
    assert check.status_code == 200 and "已计入统计" in check.content.decode()


def test_eval5_a_ballot_breaking_forced_distribution_is_refused_with_the_reason(client):
    """EVAL-5: with at most 1 “优秀” and at least 1 bottom rating per indicator, 2 excellent and no bottom are
    refused; the draft is kept.
    """
    task, _category, account, code = voting_task(
        targets=4, indicators=1, quota={"max_excellent_count": 1, "min_bottom_count": 1}
    )
    sign_in(client, code)
    answers = full_answers(task, "分管领导", "B")
    ids = list(answers)
    for target_id in ids[:2]:
        answers[target_id] = {key: "A" for key in answers[target_id]}
    response = client.post(reverse("evaluation:form"), post_data(answers, "submit"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "评为优秀的至多 1 个，现有 2 个" in html
    assert "评为一般、较差的至少 1 个，现有 0 个" in html
    assert not Ballot.objects.exists()
    assert services.draft_contents(account=account, draft_key=key_of(code))[0] == answers
    # Corrected: one excellent, one bottom.
    answers[ids[1]] = {key: "C" for key in answers[ids[1]]}
    assert client.post(reverse("evaluation:form"), post_data(answers, "submit")).status_code == 200
    assert client.post(reverse("evaluation:form"), {"action": "confirm"}).status_code == 200
    assert counted_ballots(task).count() == 1


def test_eval5_the_quota_is_applied_as_a_share_of_the_targets():
    """EVAL-5: 30% of 10 targets allows 3 “优秀” per indicator, 4 is refused; 10% bottom requires 1."""
    task = make_task(targets=10, indicators=1, quota={"max_excellent_percent": 30, "min_bottom_percent": 10})
    category = EvaluatorCategory.objects.get(name="分管领导")
    answers = full_answers(task, "分管领导", "B")
    ids = list(answers)
    for index, target_id in enumerate(ids):
        value = "A" if index < 3 else "D" if index == 9 else "B"
        answers[target_id] = {key: value for key in answers[target_id]}
    assert services.validate_ballot(task=task, category=category, answers=answers) == []
    answers[ids[3]] = {key: "A" for key in answers[ids[3]]}
    errors = services.validate_ballot(task=task, category=category, answers=answers)
    assert len(errors) == 1 and "至多 3 个，现有 4 个" in errors[0]


def test_eval7_nothing_rated_cannot_be_submitted_and_bad_values_are_reported(client):
    """EVAL-7: an empty ballot is refused; a value that is not a level is reported, not stored."""
    task, _category, account, code = voting_task()
    sign_in(client, code)
    empty = client.post(reverse("evaluation:form"), {"action": "submit"})
    assert empty.status_code == 400 and "一项也没有评价" in empty.content.decode()
    answers = full_answers(task, "分管领导", "B")
    target_id = next(iter(answers))
    indicator_id = next(iter(answers[target_id]))
    answers[target_id][indicator_id] = "Z"
    bad = client.post(reverse("evaluation:form"), post_data(answers, "draft"))
    assert bad.status_code == 400 and "不是有效的评价" in bad.content.decode()
    assert indicator_id not in services.draft_contents(account=account, draft_key=key_of(code))[0][target_id]


def test_eval7_after_submission_a_draft_or_a_second_ballot_is_refused():
    """EVAL-7: once submitted, saving a draft or submitting again is refused and changes nothing."""
    task, _category, account, code = voting_task()
    answers = full_answers(task, "分管领导", "B")
    services.ballot_submit(account_id=account.pk, answers=answers)
    with pytest.raises(services.EvaluationError, match="已经提交"):
        services.draft_save(account_id=account.pk, draft_key=key_of(code), answers=answers)
    with pytest.raises(services.EvaluationError):
        services.ballot_submit(account_id=account.pk, answers=answers)
    assert counted_ballots(task).count() == 1 and not Draft.objects.exists()


def test_eval7_after_the_end_time_nobody_signs_in_or_submits(client):
    """EVAL-7: past the end time a code is refused at sign-in, and a signed-in evaluator can no longer submit or
    save.
    """
    task, _category, account, code = voting_task()
    sign_in(client, code)
    answers = full_answers(task, "分管领导", "B")
    client.post(reverse("evaluation:form"), post_data(answers, "draft"))
    EvaluationTask.objects.filter(pk=task.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    late = client.post(reverse("evaluation:form"), {"action": "confirm"})
    assert late.status_code == 302
    assert not Ballot.objects.exists()
    with pytest.raises(services.EvaluationError, match="已经结束"):
        services.ballot_submit(account_id=account.pk)
    refused = sign_in(client, code)
    assert refused.status_code == 403 and "已经结束" in refused.content.decode()


def test_eval7_before_the_start_or_in_a_paper_only_task_online_sign_in_is_refused(client):
    """EVAL-6, EVAL-7: a task not yet open, or taking paper ballots only, refuses online sign-in with the reason."""
    task, _category, _account, code = voting_task(starts_at=timezone.now() + timedelta(hours=1))
    early = sign_in(client, code)
    assert early.status_code == 403 and "尚未开始" in early.content.decode()
    EvaluationTask.objects.filter(pk=task.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), mode=EvaluationTask.Mode.PAPER
    )
    paper = sign_in(client, code)
    assert "只收纸质票" in paper.content.decode()


def test_eval7_wrong_codes_are_throttled_per_address(client, settings):
    """EVAL-7: after the limit of wrong codes from one address, even a right code is refused there for the window."""
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP = 5
    _task, _category, account, code = voting_task()
    for index in range(5):
        wrong = sign_in(client, f"{index + 2}BCD-EFGH-JKMN-PQRS-T")
        assert "测评码不正确" in wrong.content.decode()
    blocked = sign_in(client, code)
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.content.decode()
    account.refresh_from_db()
    assert account.status == Status.ISSUED
    # Another address is not affected.
    other = client.post(reverse("evaluation:sign_in"), {"code": code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_eval7_wrong_codes_are_throttled_per_code_prefix_across_addresses(client, settings):
    """EVAL-7: guessing the rest of one code from many addresses stops after the per-prefix limit."""
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_PREFIX = 3
    _task, _category, _account, code = voting_task()
    prefix = code[:4]
    for index in range(3):
        client.post(
            reverse("evaluation:sign_in"), {"code": prefix + "2" * 12 + str(index + 2)}, REMOTE_ADDR=f"10.0.1.{index}"
        )
    blocked = client.post(reverse("evaluation:sign_in"), {"code": code}, REMOTE_ADDR="10.0.2.1")
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.content.decode()


def test_eval7_a_category_without_the_evaluate_right_cannot_vote():
    """EVAL-1, EVAL-7: an account whose category may only read information cannot save or submit a ballot."""
    task, category, account, _code = voting_task()
    category.can_evaluate = False
    category.save()
    with pytest.raises(services.EvaluationError, match="不参加测评"):
        services.ballot_submit(account_id=account.pk, answers=full_answers(task, "分管领导", "B"))
    assert not Ballot.objects.exists()


def test_eval7_remarks_are_kept_only_for_categories_with_the_feedback_right(client):
    """EVAL-2, EVAL-7: with the feedback right a remark is stored on the ballot; without it, it is dropped."""
    task, category, account, code = voting_task()
    answers = full_answers(task, "分管领导", "B")
    target_id = next(iter(answers))
    services.ballot_submit(account_id=account.pk, answers=answers, remarks={target_id: "服务意识有待加强"})
    assert counted_ballots(task).get().remarks == {target_id: "服务意识有待加强"}
    category.can_give_feedback = False
    category.save()
    other, _ = issue_account(task, category)
    services.ballot_submit(account_id=other.pk, answers=answers, remarks={target_id: "不应保存"})
    assert counted_ballots(task).filter(remarks={}).count() == 1


# --- Anonymity -------------------------------------------------------------------------


def test_anonymity_a_ballot_has_no_link_to_its_account_no_time_and_a_random_key():
    """EVAL-7, EVAL-10: Ballot has no relation to accounts, users or sessions, no time of day, and a random key."""
    fields = Ballot._meta.get_fields()
    related = {field.related_model for field in fields if field.is_relation}
    assert EvaluationAccount not in related
    from django.conf import settings as django_settings

    assert django_settings.AUTH_USER_MODEL not in {f"{m._meta.app_label}.{m.__name__}" for m in related if m}
    assert not any(
        isinstance(field, models.DateTimeField | models.TimeField | models.GenericIPAddressField) for field in fields
    )
    assert isinstance(Ballot._meta.pk, RandomIdField)
    account_fields = {field.name for field in EvaluationAccount._meta.get_fields()}
    assert not {"ballot", "submitted_at", "signed_in_at", "ip_address"} & account_fields


def test_anonymity_nothing_recorded_at_submission_ties_the_ballot_to_the_account(client):
    """EVAL-7 anonymity: after two evaluators vote, neither the ballots, the accounts nor the log can pair them up."""
    task, category, first, first_code = voting_task()
    second, second_code = issue_account(task, category)
    before = ModelLogEntry.objects.count()
    for code, value in ((first_code, "A"), (second_code, "C")):
        client.post(reverse("evaluation:sign_in"), {"code": code})
        answers = full_answers(task, "分管领导", value)
        client.post(reverse("evaluation:form"), post_data(answers, "submit"))
        client.post(reverse("evaluation:form"), {"action": "confirm"})
    assert counted_ballots(task).count() == 2
    # Nothing was logged for the votes, and the accounts carry no time of voting.
    assert ModelLogEntry.objects.count() == before
    assert set(EvaluationAccount.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    ballot_values = [str(v) for row in Ballot.objects.values() for v in row.values()]
    for account in (first, second):
        assert account.code_digest not in ballot_values
    for code in (first_code, second_code):
        assert not any(code in value for value in ballot_values)
    # No session row ever held the accounts: evaluators are remembered by their own browser alone.
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()


def test_anonymity_pages_show_no_other_ballot_draft_or_code(client, make_user):
    """EVAL-7: an evaluator's form shows only their own draft; the office screens never show a code, a draft or a
    single ballot's answers.
    """
    from kaohe.core.roles import RoleCode

    task, category, first, first_code = voting_task(targets=2, indicators=1)
    second, second_code = issue_account(task, category)
    answers_a = full_answers(task, "分管领导", "A")
    services.draft_save(
        account_id=first.pk,
        draft_key=key_of(first_code),
        answers=answers_a,
        remarks={next(iter(answers_a)): "甲的意见"},
    )
    sign_in(client, second_code)
    page = client.get(reverse("evaluation:form")).content.decode()
    assert "甲的意见" not in page and " checked" not in page
    client.post(reverse("evaluation:sign_out"))
    office = make_user(RoleCode.OFFICE)
    client.force_login(office)
    for name in (
        "evaluation_admin:task",
        "evaluation_admin:accounts",
        "evaluation_admin:progress",
        "evaluation_admin:paper",
    ):
        html = client.get(reverse(name, args=[task.pk])).content.decode()
        assert first_code not in html and codes.grouped(first_code) not in html and "甲的意见" not in html
        assert first.code_digest not in html


def test_anonymity_the_receipt_check_reveals_only_task_category_and_day_and_is_throttled(client, settings):
    """EVAL-7: a receipt shows that the ballot is counted, not how it voted; wrong receipts are throttled."""
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP = 3
    task, _category, account, _code = voting_task()
    receipt = services.ballot_submit(account_id=account.pk, answers=full_answers(task, "分管领导", "A"))
    ok = client.post(reverse("evaluation:receipt"), {"receipt": codes.grouped(receipt).lower()})
    html = ok.content.decode()
    assert ok.status_code == 200 and task.name in html and "分管领导" in html
    assert "优秀" not in html
    for _ in range(3):
        assert client.post(reverse("evaluation:receipt"), {"receipt": "2222-2222-2222"}).status_code == 404
    blocked = client.post(reverse("evaluation:receipt"), {"receipt": receipt})
    assert "尝试次数过多" in blocked.content.decode()


def test_eval7_the_form_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """EVAL-7: the form of 40 targets × 6 indicators loads with a bounded number of queries."""
    task, _category, _account, code = voting_task(targets=40, indicators=6)
    sign_in(client, code)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("evaluation:form"))
    assert response.status_code == 200
    assert response.content.decode().count('type="radio"') == 40 * 6 * 4


def test_eval1_a_reading_category_sees_its_targets_information_but_no_form(client):
    """EVAL-1: an account of a category that may read but not evaluate sees the targets and their duty links, and
    no ratings.
    """
    task, category, _account, code = voting_task(targets=2)
    category.can_evaluate = False
    category.save()
    sign_in(client, code)
    response = client.get(reverse("evaluation:form"))
    page = response.content.decode()
    assert response.status_code == 200 and 'type="radio"' not in page and "只能查阅对象信息" in page
    for target in task.targets.select_related("team"):
        assert target.team.name in page and f"/units/{target.team.unit_id}/" in page
    refused = client.post(reverse("evaluation:form"), {"action": "confirm"})
    assert refused.status_code == 200 and not Ballot.objects.exists()


def test_eval7_the_evaluator_session_expires_within_hours(client):
    """EVAL-7: an evaluator's sign-in on a shared computer ends four hours after signing in (the draft stays): the
    browser's cookie expires then, and an older cookie is refused by the server.
    """
    from unittest import mock

    from django.core import signing

    _task, _category, _account, code = voting_task()
    sign_in(client, code)
    cookie = client.cookies[VOTER_COOKIE]
    assert cookie["max-age"] == 4 * 3600 and cookie["httponly"] and cookie["path"] == "/ceping/"
    assert client.get(reverse("evaluation:form")).status_code == 200
    later = signing.time.time() + 4 * 3600 + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(reverse("evaluation:form")).status_code == 302

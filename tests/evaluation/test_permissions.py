"""EVAL-1..8, SYS-7: the role × action × outcome table of the evaluation's records.

Each row is asked through the rule table and Django's ``user.has_perm``; the
admin screens of a task are then requested role by role over HTTP.
"""

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from kaohe.evaluation.permissions import (
    account_rules,
    ballot_rules,
    draft_rules,
    evaluator_category_rules,
    indicator_system_rules,
    target_category_rules,
    target_result_rules,
    task_rules,
)
from tests.conftest import table_id

R = RoleCode
ALL_ROLES = list(RoleCode)
READERS = {R.OFFICE, R.ASSESSMENT_GROUP, R.COUNTY_LEADER}

TABLE = [
    (evaluator_category_rules, "view", READERS),
    (evaluator_category_rules, "add", {R.OFFICE}),
    (evaluator_category_rules, "change", {R.OFFICE}),
    (target_category_rules, "delete", {R.OFFICE}),
    (indicator_system_rules, "view", READERS),
    (indicator_system_rules, "change", {R.OFFICE}),
    (task_rules, "view", READERS),
    (task_rules, "change", {R.OFFICE}),
    (account_rules, "view", {R.OFFICE}),
    (account_rules, "add", {R.OFFICE}),
    (account_rules, "change", {R.OFFICE}),
    (account_rules, "delete", set()),
    (ballot_rules, "view", {R.OFFICE}),
    (ballot_rules, "add", {R.OFFICE}),
    (ballot_rules, "change", {R.OFFICE}),  # void or correct a typed paper ballot, with a logged reason
    (ballot_rules, "delete", set()),
    (draft_rules, "view", set()),
    (target_result_rules, "view", READERS),
    (target_result_rules, "change", set()),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("rules", "action", "allowed"), TABLE, ids=table_id)
def test_sys7_evaluation_role_action_table(rules, action, allowed, make_user):
    """SYS-7, EVAL-2, EVAL-8: every role gets exactly the table's answer; nobody edits a ballot or reads a draft."""
    perm = f"{rules.model._meta.app_label}.{action}_{rules.model._meta.model_name}"
    for role in ALL_ROLES:
        user = make_user(role)
        expected = role in allowed
        assert rules.can(user, action) is expected, (role, action)
        assert user.has_perm(perm) is expected, (role, perm)


SCREENS = [
    ("evaluation_admin:task", READERS),
    ("evaluation_admin:progress", READERS),
    ("evaluation_admin:progress_json", READERS),
    ("evaluation_admin:accounts", {R.OFFICE}),
    ("evaluation_admin:paper", {R.OFFICE}),
    ("evaluation_admin:results", READERS),
    ("evaluation_admin:results_indicators", READERS),
    ("evaluation_admin:results_xlsx", READERS),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "allowed"), SCREENS)
def test_eval6_task_screens_answer_each_role_as_the_rules_say(url_name, allowed, client, make_user):
    """EVAL-6, EVAL-8, SYS-7: the task's admin screens open for the roles of the table and for nobody else."""
    from tests.evaluation.factories import make_task

    task = make_task()
    url = reverse(url_name, args=[task.pk])
    for role in ALL_ROLES:
        user = make_user(role)
        client.force_login(user)
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url_name, response.status_code)
        else:
            assert response.status_code in (302, 403), (role, url_name, response.status_code)
        client.logout()


@pytest.mark.django_db
def test_eval2_only_the_office_generates_accounts_and_enters_paper_ballots(client, make_user):
    """EVAL-2, EVAL-6: the assessment group may watch a task but its POSTs to generate accounts, enter ballots or
    close are refused.
    """
    from kaohe.evaluation.models import Ballot, EvaluationAccount, EvaluatorCategory
    from tests.evaluation.factories import make_task

    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    client.force_login(make_user(R.ASSESSMENT_GROUP))
    assert client.post(
        reverse("evaluation_admin:accounts_generate", args=[task.pk]), {"category": category.pk, "count": 3}
    ).status_code in (302, 403)
    assert client.post(
        reverse("evaluation_admin:paper_entry", args=[task.pk, category.pk]), {"paper_serial": "1"}
    ).status_code in (302, 403)
    assert client.post(reverse("evaluation_admin:task_close", args=[task.pk])).status_code in (302, 403)
    assert not EvaluationAccount.objects.exists()
    assert not Ballot.objects.exists()
    task.refresh_from_db()
    assert task.closed_at is None

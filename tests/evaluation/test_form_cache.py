"""EVAL-7: the form of a category is rendered once per task, category and set-up and then only filled in with
each evaluator's own answers, so a meeting room loading it at once is served fast; a change of the set-up
shows at once.
"""

import pytest
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from kaohe.evaluation import services
from kaohe.evaluation.models import EvaluatorCategory, TaskTarget
from tests.evaluation.factories import TargetCategoryFactory, full_answers, issue_account, key_of, make_task
from tests.factories import TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def signed_in(code):
    browser = Client()
    assert browser.post(reverse("evaluation:sign_in"), {"code": code}).status_code == 302
    return browser


def sheet_renders(browser):
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        response = browser.get(reverse("evaluation:form"))
    finally:
        template_rendered.disconnect(record)
    assert response.status_code == 200
    return rendered.count("evaluation/_sheet.html"), response.content.decode()


def test_eval7_the_form_is_rendered_once_for_a_room_and_each_evaluator_sees_only_their_own_draft():
    """EVAL-7: three evaluators of one category load the form: the sheet is rendered for the first only; each page
    shows that evaluator's own draft ratings and remark, escaped, and nobody else's.
    """
    task = make_task(targets=3, indicators=2)
    category = EvaluatorCategory.objects.get(name="分管领导")
    people = [issue_account(task, category) for _ in range(3)]
    first_target = str(task.targets.order_by("sort_order").first().pk)
    for index, (account, code) in enumerate(people[:2]):
        answers = full_answers(task, "分管领导", "AB"[index])
        services.draft_save(
            account_id=account.pk,
            draft_key=key_of(code),
            answers=answers,
            remarks={first_target: f"<b>意见{index}</b>"},
        )
    pages = [sheet_renders(signed_in(code)) for _account, code in people]
    assert [count for count, _html in pages] == [1, 0, 0]
    (_, first), (_, second), (_, third) = pages
    assert first.count(" checked>") == 6 and 'value="A" data-band="excellent"' in first
    assert "&lt;b&gt;意见0&lt;/b&gt;" in first and "意见1" not in first and "<b>意见0" not in first
    assert second.count(" checked>") == 6 and "&lt;b&gt;意见1&lt;/b&gt;" in second and "意见0" not in second
    assert third.count(" checked>") == 0 and "意见0" not in third and "意见1" not in third


def test_eval7_a_change_of_the_set_up_shows_on_the_next_form_load():
    """EVAL-7: a target added or a team renamed after the form was kept appears on the next load."""
    task = make_task(targets=2, indicators=1)
    category = EvaluatorCategory.objects.get(name="分管领导")
    _account, code = issue_account(task, category)
    browser = signed_in(code)
    assert sheet_renders(browser)[0] == 1
    assert sheet_renders(browser)[0] == 0
    team = TeamFactory(name="新增的领导班子")
    TaskTarget.objects.create(task=task, target_category=TargetCategoryFactory(name="综合管理部门"), team=team)
    count, html = sheet_renders(browser)
    assert count == 1 and "新增的领导班子" in html
    team.name = "改名后的领导班子"
    team.save()
    assert "改名后的领导班子" in sheet_renders(browser)[1]


# What one evaluator's steps may ask of the database once the room's form is kept: a meeting room of
# hundreds votes at once, and every query is a round trip each of them waits for (issue 11's bench).
# (Counted on PostgreSQL, which adds the task's key-share lock; a database cache adds one read of the form's version.)
STEP_QUERY_BUDGET = {"sign-in page": 0, "sign in": 2, "load form": 2, "save draft": 8, "submit": 6, "confirm": 10}


def test_eval7_a_ballot_from_sign_in_to_receipt_asks_the_database_little(django_assert_max_num_queries):
    """EVAL-7, EVAL-10: after the first evaluator of a category, each step of the next one stays within a
    small, fixed number of queries (the sign-in page none: the voting pages leave out the portal's menu of
    pages), and the ballot is cast."""
    task = make_task(targets=3, indicators=2)
    category = EvaluatorCategory.objects.get(name="分管领导")
    (_first, first_code), (_account, code) = issue_account(task, category), issue_account(task, category)
    assert sheet_renders(signed_in(first_code))[0] == 1  # the room's form is kept
    answers = {
        f"r-{target}-{indicator}": value
        for target, row in full_answers(task, "分管领导", "B").items()
        for indicator, value in row.items()
    }
    browser = Client()
    steps = [
        ("sign-in page", "get", {}, 200),
        ("sign in", "post", {"code": code}, 302),
        ("load form", "get", {}, 200),
        ("save draft", "post", {**answers, "action": "draft"}, 302),
        ("submit", "post", {**answers, "action": "submit"}, 200),
        ("confirm", "post", {"action": "confirm"}, 200),
    ]
    for name, method, data, status in steps:
        url = reverse("evaluation:sign_in" if name.startswith("sign") else "evaluation:form")
        with django_assert_max_num_queries(STEP_QUERY_BUDGET[name]):
            response = getattr(browser, method)(url, data)
        assert response.status_code == status, name
    assert "receipt-code" in response.content.decode()
    assert "site-nav__list" in response.content.decode()  # the frame is the portal's, without its menu

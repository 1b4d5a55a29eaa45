"""EVAL-7: the form of a category is rendered once per task, category and set-up and then only filled in with
each evaluator's own answers, so a meeting room loading it at once is served fast; a change of the set-up
shows at once.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from kaohe.evaluation import services
from kaohe.evaluation.models import EvaluatorCategory, TaskTarget
from tests.evaluation.factories import TargetCategoryFactory, full_answers, issue_account, key_of, make_task
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


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

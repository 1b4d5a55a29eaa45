"""Browser tests of online evaluation: an evaluator votes on a phone, and with the keyboard on a desktop (EVAL-5,
EVAL-7).
"""

import pytest

from kaohe.evaluation import codes
from kaohe.evaluation.models import EvaluationAccount, EvaluatorCategory
from tests.evaluation.factories import counted_ballots, issue_account, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def voting_setup(**kwargs):
    task = make_task(**kwargs)
    category = EvaluatorCategory.objects.get(name="分管领导")
    account, code = issue_account(task, category)
    targets = list(task.targets.order_by("sort_order").select_related("team"))
    return task, account, code, targets


def test_eval7_an_evaluator_votes_on_a_phone(phone_page, live_server):
    """EVAL-7, EVAL-5: on a phone an evaluator signs in with the printed code, sees the quota warning, saves a
    draft, submits and gets a receipt.
    """
    task, account, code, targets = voting_setup(targets=3, indicators=2, quota={"max_excellent_count": 1})
    page = phone_page
    page.goto(f"{live_server.url}/ceping/")
    page.fill("#id_code", codes.grouped(code).lower())
    with page.expect_navigation():
        page.get_by_role("button", name="开始测评").click()
    assert page.get_by_role("heading", level=1).inner_text() == task.name

    def rate(target, indicator, level):
        group = page.get_by_role("radiogroup", name=f"{target.team.name}：指标{indicator}")
        group.get_by_text(level, exact=True).tap()

    # Two “优秀” on 指标1 break the quota of one: the action bar says so at once.
    rate(targets[0], 1, "优秀")
    rate(targets[1], 1, "优秀")
    warning = page.locator("[data-quota-warning]")
    assert warning.is_visible() and "超出名额：1 处" in warning.inner_text()
    rate(targets[1], 1, "良好")
    assert not warning.is_visible()
    assert page.locator("[data-rated]").inner_text() == "2"
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").tap()
    assert page.get_by_text("草稿已于").is_visible()
    assert EvaluationAccount.objects.get(pk=account.pk).status == EvaluationAccount.Status.DRAFT
    # The draft came back; finish the form.
    assert page.get_by_role("radiogroup", name=f"{targets[0].team.name}：指标1").locator("input:checked").count() == 1
    for target in targets:
        rate(target, 2, "良好")
    rate(targets[2], 1, "一般")
    with page.expect_navigation():
        page.get_by_role("button", name="提交…").tap()
    assert page.get_by_role("heading", name="确认提交测评表").is_visible()
    assert page.get_by_text("所有对象的所有指标均已评价").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交").tap()
    assert page.get_by_role("heading", name="测评表已提交").is_visible()
    receipt = page.locator("#receipt-code").inner_text()
    assert len(codes.normalise(receipt)) == codes.RECEIPT_LENGTH
    ballot = counted_ballots(task).get()
    assert ballot.answers[str(targets[0].pk)] and len(ballot.answers) == 3
    # Going back to the form now leads to the sign-in page.
    page.goto(f"{live_server.url}/ceping/form/")
    assert page.get_by_role("heading", name="网上测评").is_visible()


def test_eval7_the_form_is_keyboard_operable(page, live_server):
    """EVAL-7: with the keyboard alone an evaluator moves through the ratings with Tab and arrows, clears one
    with Delete, and submits.
    """
    task, account, code, targets = voting_setup(targets=2, indicators=1)
    page.goto(f"{live_server.url}/ceping/")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = page.get_by_role("radiogroup", name=f"{targets[0].team.name}：指标1")
    first.locator("input").first.focus()
    page.keyboard.press("Space")  # 优秀
    page.keyboard.press("ArrowRight")  # 良好
    assert first.locator("input:checked").get_attribute("value") == "B"
    page.keyboard.press("Delete")
    assert first.locator("input:checked").count() == 0
    page.keyboard.press("Space")  # the focused 良好 again
    second = page.get_by_role("radiogroup", name=f"{targets[1].team.name}：指标1")
    second.locator("input").nth(2).focus()
    page.keyboard.press("Space")
    assert second.locator("input:checked").get_attribute("value") == "C"
    page.get_by_role("button", name="提交…").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("button", name="确认提交").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="测评表已提交").is_visible()
    assert counted_ballots(task).get().answers == {
        str(targets[0].pk): {str(task.raters.get().indicator_system.indicators.get().pk): "B"},
        str(targets[1].pk): {str(task.raters.get().indicator_system.indicators.get().pk): "C"},
    }


def test_eval9_a_slips_qr_code_opens_the_ballot_and_the_code_never_leaves_the_phone(phone_page, live_server):
    """EVAL-9: opening the QR code's address (``/ceping/#CODE``) on a phone signs in without typing; no request the
    browser makes carries the code, and neither the address bar nor the history keeps it.
    """
    task, account, code, _targets = voting_setup(targets=2, indicators=1)
    grouped = codes.grouped(code)
    page = phone_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    with page.expect_navigation(url="**/ceping/form/"):
        page.goto(f"{live_server.url}/ceping/#{grouped}")
    assert page.get_by_role("heading", level=1).inner_text() == task.name
    assert EvaluationAccount.objects.get(pk=account.pk).status == EvaluationAccount.Status.SIGNED_IN
    assert not [url for url in requested if code in codes.normalise(url) or grouped in url]
    assert grouped not in page.url
    page.go_back()
    assert grouped not in page.url and "#" not in page.url
    # Scanning again while signed in lands on the form with the code gone from the address bar too.
    page.goto(f"{live_server.url}/ceping/#{grouped}")
    page.wait_for_url("**/ceping/form/")
    page.wait_for_function("!window.location.hash")
    assert grouped not in page.url


def test_eval7_on_a_375_px_phone_the_sticky_bar_counts_the_problems_and_links_to_the_first(browser, live_server):
    """EVAL-7, EVAL-5: on a 375 px phone, a draft breaking the quota on all six indicators keeps the sticky bar short
    (a count and a link, not six messages); the link brings the first breached indicator into view.
    """
    task, _account, code, targets = voting_setup(targets=4, indicators=6, quota={"max_excellent_count": 1})
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/ceping/")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.get_by_role("button", name="开始测评").click()
    for target in targets[:2]:
        for indicator in range(1, 7):
            page.get_by_role("radiogroup", name=f"{target.team.name}：指标{indicator}").get_by_text(
                "优秀", exact=True
            ).tap()
    warning = page.locator("[data-quota-warning]")
    assert "超出名额：6 处" in warning.inner_text()
    assert warning.inner_text().count("指标") == 0
    bar = page.locator(".ballot-actions").bounding_box()
    assert bar["height"] <= 667 / 4, bar
    first = page.locator("[data-quota-indicator]").first
    warning.get_by_role("link", name="查看第一处").tap()
    page.wait_for_function("document.activeElement && document.activeElement.matches('[data-quota-indicator]')")
    box = first.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 667 - bar["height"], box
    context.close()

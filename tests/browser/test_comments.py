"""Browser tests of comments (CMT-1, CMT-4, CMT-5): a visitor comments under a
goal and reads the note about reports before sending; the office publishes it;
the unit answers in public and the answer shows beside the goal and on the
unit's page; the form fits a phone."""

import pytest
from playwright.sync_api import expect

from kaohe.comments.models import Answer, Comment, CommenterKind
from kaohe.core.roles import RoleCode
from tests.comments.factories import comment_type
from tests.factories import UnitFactory, UserFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory, GoalTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def defaults():
    """The types the migration makes (a flushing test before may have emptied them); the rights
    are the office's defaults, which need no rows."""
    for name in ("点评", "建议"):
        comment_type(name)
    report = comment_type("举报")
    report.is_report = True
    report.save()


@pytest.fixture
def goal(db):
    defaults()
    unit = UnitFactory(name="县水利局")
    plan = GoalPlanFactory(unit=unit, year=2026, status="published")
    return GoalFactory(plan=plan, name="完成水库除险加固", goal_type=GoalTypeFactory(name="民生保障", is_public=True))


def test_cmt1_visitor_comments_office_publishes_unit_answers(page, live_server, goal, settings, admin_sign_in):
    settings.COMMENTS_MIN_SECONDS = 0
    page.goto(f"{live_server.url}/goals/goal/{goal.pk}/")
    form = page.locator("form.comment-form")
    note = form.locator("[data-report-note]")
    expect(note).to_contain_text("举报仅县考核办可见")
    form.locator("select[name=comment_type]").select_option(label="举报")
    expect(note).to_have_class("comment-form__report-note is-active")
    form.locator("select[name=comment_type]").select_option(label="建议")
    expect(note).not_to_have_class("comment-form__report-note is-active")
    form.locator("textarea[name=body]").fill("施工期间请在路口设置警示标志。<b>谢谢</b>")
    form.locator("input[name=author_name]").fill("过路群众")
    with page.expect_navigation():
        form.get_by_role("button", name="提交").click()
    expect(page.get_by_text("您的点评将在考核办审核后显示")).to_be_visible()
    comment = Comment.objects.get()
    assert (comment.status, comment.commenter_kind) == (Comment.Status.PENDING, CommenterKind.PUBLIC)

    office = UserFactory(username="kaoheban", roles=[RoleCode.OFFICE])
    admin_sign_in(page, office)
    page.goto(f"{live_server.url}/admin/comments/?status=pending")
    row = page.locator("tr", has_text="施工期间请在路口设置警示标志")
    expect(row.get_by_text("新", exact=True)).to_be_visible()
    row.locator("input[name=ids]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_text("已发布 1 条点评")).to_be_visible()

    unit_admin = UserFactory(username="slj", roles=[RoleCode.UNIT_ADMIN], unit=goal.plan.unit)
    page.context.clear_cookies()
    admin_sign_in(page, unit_admin)
    page.goto(f"{live_server.url}/admin/comments/")
    with page.expect_navigation():
        page.get_by_role("link", name="施工期间请在路口设置警示标志").click()
    page.locator("textarea[name=body]").fill("已在各路口设置警示标志和夜间警示灯。")
    expect(page.locator("input[name=is_public]")).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_text("答复已随点评公开")).to_be_visible()
    assert Answer.objects.get().is_public

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/goals/goal/{goal.pk}/")
    section = page.locator("#goal-comments").locator("..")
    expect(section).to_contain_text("施工期间请在路口设置警示标志。<b>谢谢</b>")  # shown as typed, not as markup
    expect(section).to_contain_text("已在各路口设置警示标志和夜间警示灯。")
    page.goto(f"{live_server.url}/units/{goal.plan.unit_id}/")
    expect(page.locator("#unit-comments").locator("..")).to_contain_text("已在各路口设置警示标志和夜间警示灯。")


def test_cmt1_comment_form_fits_a_phone(phone_page, live_server, goal):
    phone_page.goto(f"{live_server.url}/goals/goal/{goal.pk}/")
    form = phone_page.locator("form.comment-form")
    form.scroll_into_view_if_needed()
    expect(form.locator("textarea[name=body]")).to_be_visible()
    # The section keeps to the column of the goal's own cards, and the fields to the section.
    section = phone_page.locator("section.comments").bounding_box()
    progress = phone_page.locator("section.card").first.bounding_box()
    assert abs((section["x"] + section["width"]) - (progress["x"] + progress["width"])) < 1
    for name in ("body", "author_name", "email", "comment_type"):
        box = form.locator(f"[name={name}]").bounding_box()
        assert box["x"] >= section["x"] and box["x"] + box["width"] <= section["x"] + section["width"], name

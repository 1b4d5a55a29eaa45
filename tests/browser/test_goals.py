"""Browser test: a unit administrator builds a goal tree in the admin (GOAL-1, GOAL-3, GOAL-5)."""

import pytest
from playwright.sync_api import expect

from kaohe.core.roles import RoleCode
from kaohe.goals.models import Goal
from tests.factories import MembershipFactory, TeamFactory, UnitFactory, UserFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory, GoalTypeFactory, role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_goal3_unit_admin_builds_and_rearranges_the_tree(page, live_server, admin_sign_in):
    unit = UnitFactory(name="县发展和改革局")
    GoalTypeFactory(name="经济发展")
    role("主办")  # a flushing test before this one may have emptied the roles the migration made
    MembershipFactory(team=TeamFactory(unit=unit), cadre__name="张主任")
    plan = GoalPlanFactory(unit=unit, year=2026)
    existing = GoalFactory(plan=plan, name="推动高质量发展")
    GoalFactory(plan=plan, parent=existing, name="抓好项目建设")
    admin = UserFactory(username="fgj", name="发改局管理员", roles=[RoleCode.UNIT_ADMIN], unit=unit)
    admin_sign_in(page, admin)
    page.goto(f"{live_server.url}/admin/goals/plan/{plan.pk}/?depth=1")
    expect(page.locator(".goals-title", has_text="抓好项目建设")).to_be_hidden()
    page.locator(f"#goal-{existing.pk} [data-toggle]").click()
    expect(page.locator(".goals-title", has_text="抓好项目建设")).to_be_visible()

    # A new top-level goal through the dialog; a wrong date is refused first.
    page.get_by_role("link", name="新增目标").click()
    dialog = page.locator("#goal-dialog")
    dialog.locator("[name=name]").fill("办好民生实事")
    dialog.locator("[name=start_date]").fill("2026-03-01")
    dialog.locator("[name=due_date]").fill("2026-01-01")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.get_by_text("完成时限早于开始日期")).to_be_visible()
    dialog.locator("[name=due_date]").fill("2026-12-31")
    with page.expect_navigation():
        dialog.get_by_role("button", name="保存").click()
    new = Goal.objects.get(name="办好民生实事")
    page.locator(f"#goal-{new.pk}").wait_for()

    # Move it under the first goal, as its first child.
    page.locator(f"#goal-{new.pk} [data-move]").click()
    move = page.locator("#move-dialog")
    move.locator("[data-move-parent]").select_option(str(existing.pk))
    move.locator("[data-move-position]").fill("1")
    with page.expect_navigation():
        move.locator("[data-move-submit]").click()
    new.refresh_from_db()
    assert new.parent_id == existing.pk and new.sort_order == 0
    expect(page.locator(f"#goal-{new.pk} .goals-code")).to_have_text("1.1")

    # Decompose it to the team member as lead.
    page.locator(f"#goal-{new.pk}").get_by_role("link", name="分解到干部").click()
    dialog.locator("select[name='form-0-cadre']").select_option(label="张主任")
    with page.expect_navigation():
        dialog.get_by_role("button", name="保存").click()
    expect(page.locator(f"#goal-{new.pk}").get_by_text("张主任")).to_be_visible()

    # Delete the first goal with its subtree, after confirming.
    page.once("dialog", lambda confirm: confirm.accept())
    with page.expect_navigation():
        page.locator(f"#goal-{existing.pk} [data-delete]").click()
    assert not Goal.objects.filter(plan=plan).exists()

"""GOAL-1, GOAL-3, GOAL-4: building and quickly editing a unit's goal tree in the admin."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.goals.models import Assignment, Goal, GoalPlan
from tests.factories import MembershipFactory, TeamFactory
from tests.goals.conftest import names
from tests.goals.factories import GoalFactory, GoalPlanFactory, GoalTypeFactory, IndicatorFactory, role

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def goal_data(**overrides):
    data = {
        "name": "新目标",
        "kind": "qualitative",
        "weight": "50",
        "importance": "3",
        "start_date": "2026-01-01",
        "due_date": "2026-12-31",
        "criteria": "按期完成",
    }
    data.update(overrides)
    return data


def test_goal1_unit_admin_adds_goals_children_and_siblings(client, unit_admin, plan):
    """GOAL-1: a top-level goal, a child, and a sibling right after the child."""
    client.force_login(unit_admin)
    add = reverse("goals_admin:goal_add", args=[plan.pk])
    response = client.post(add, goal_data(name="招商引资"), **FETCH)
    assert response.status_code == 200 and response.json()["ok"]
    top = Goal.objects.get(name="招商引资")
    client.post(f"{add}?parent={top.pk}", goal_data(name="引进项目"), **FETCH)
    first = Goal.objects.get(name="引进项目")
    client.post(f"{add}?parent={top.pk}", goal_data(name="最后一个"), **FETCH)
    client.post(f"{add}?after={first.pk}", goal_data(name="紧随其后"), **FETCH)
    assert names(plan, top) == ["引进项目", "紧随其后", "最后一个"]
    page = client.get(reverse("goals_admin:plan", args=[plan.pk]) + "?depth=9").content.decode()
    assert "1.2" in page and "紧随其后" in page


def test_goal4_a_sub_goal_carries_importance_due_date_and_criteria(client, unit_admin, plan):
    """GOAL-4: the unit breaks a goal into a sub-goal with its importance, due date and completion criteria,
    changes them with the same form, and the public reads them on the published goal's page."""
    client.force_login(unit_admin)
    top = GoalFactory(plan=plan, name="改善营商环境")
    add = reverse("goals_admin:goal_add", args=[plan.pk]) + f"?parent={top.pk}"
    fields = {"importance": "2", "due_date": "2026-06-30", "criteria": "企业开办一日办结"}
    assert client.post(add, goal_data(name="压缩企业开办时间", **fields), **FETCH).json()["ok"]
    child = Goal.objects.get(name="压缩企业开办时间")
    assert (child.parent, child.importance, child.due_date, child.criteria) == (
        top,
        Goal.Importance.IMPORTANT,
        date(2026, 6, 30),
        "企业开办一日办结",
    )
    tree = client.get(reverse("goals_admin:plan", args=[plan.pk]) + "?depth=9").content.decode()
    assert "2026-06-30" in tree
    edit = reverse("goals_admin:goal_edit", args=[child.pk])
    changed = {"importance": "1", "due_date": "2026-09-30", "criteria": "企业开办半日办结", "version": child.version}
    response = client.post(edit, goal_data(name="压缩企业开办时间", **changed), **FETCH)
    assert response.status_code == 200, response.content
    child.refresh_from_db()
    assert (child.importance, child.due_date, child.criteria) == (
        Goal.Importance.KEY,
        date(2026, 9, 30),
        "企业开办半日办结",
    )
    plan.status = GoalPlan.Status.PUBLISHED
    plan.save()
    client.logout()
    page = client.get(reverse("goals:goal", args=[child.pk])).content.decode()
    for shown in ("重要度", "重点", "完成时限", "2026-09-30", "完成标准", "企业开办半日办结"):
        assert shown in page, shown


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_date": "2025-12-31"}, "完成时限早于开始日期"),
        ({"kind": "quantitative"}, "定量目标须从指标字典中选择指标"),
        ({"weight": "150"}, "100"),
        ({"name": ""}, "必需字段"),
    ],
)
def test_goal1_bad_input_is_refused_with_a_message(client, unit_admin, plan, overrides, message):
    """GOAL-1 bad input: the form comes back with the reason and nothing is saved."""
    client.force_login(unit_admin)
    response = client.post(reverse("goals_admin:goal_add", args=[plan.pk]), goal_data(**overrides), **FETCH)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not plan.goals.exists()


def test_goal2_quantitative_goal_needs_indicator_and_plan_value(client, unit_admin, plan):
    """GOAL-2: with its indicator and plan value, a quantitative goal saves in the indicator's unit."""
    client.force_login(unit_admin)
    indicator = IndicatorFactory(name="地区生产总值")
    url = reverse("goals_admin:goal_add", args=[plan.pk])
    response = client.post(url, goal_data(kind="quantitative", indicator=indicator.pk), **FETCH)
    assert "定量目标须填写计划值" in response.content.decode()
    response = client.post(url, goal_data(kind="quantitative", indicator=indicator.pk, plan_value="12.5"), **FETCH)
    assert response.status_code == 200
    page = client.get(reverse("goals_admin:plan", args=[plan.pk])).content.decode()
    assert "12.5 亿元" in page


def test_goal1_sibling_weights_that_do_not_add_up_are_flagged(client, unit_admin, plan):
    """GOAL-1: weights 60 + 30 under the top level show a warning, not silence."""
    GoalFactory(plan=plan, weight=60)
    GoalFactory(plan=plan, weight=30)
    client.force_login(unit_admin)
    page = client.get(reverse("goals_admin:plan", args=[plan.pk])).content.decode()
    assert "权重合计为 90，不是100" in page


def test_goal3_delete_takes_the_subtree(client, unit_admin, tree, plan):
    client.force_login(unit_admin)
    response = client.post(reverse("goals_admin:goal_delete", args=[tree["a"].pk]), **FETCH)
    assert response.json()["ok"]
    assert list(plan.goals.values_list("name", flat=True)) == ["乙目标"]


def test_goal3_move_across_levels_and_reorder(client, unit_admin, tree, plan):
    """GOAL-3: move 乙 under 甲一 as first child; then 甲二 up above 甲一."""
    client.force_login(unit_admin)
    move = reverse("goals_admin:goal_move", args=[tree["b"].pk])
    assert client.post(move, {"parent": tree["a1"].pk, "position": "0"}, **FETCH).json()["ok"]
    assert names(plan, tree["a1"]) == ["乙目标", "甲一子"]
    assert names(plan) == ["甲目标"]
    client.post(reverse("goals_admin:goal_move", args=[tree["a2"].pk]), {"step": "up"}, **FETCH)
    assert names(plan, tree["a"]) == ["甲二", "甲一"]
    client.post(reverse("goals_admin:goal_move", args=[tree["a1a"].pk]), {"parent": ""}, **FETCH)
    assert names(plan) == ["甲目标", "甲一子"]


def test_goal3_move_under_own_descendant_or_into_another_unit_is_refused(client, unit_admin, tree, plan, other_unit):
    client.force_login(unit_admin)
    move = reverse("goals_admin:goal_move", args=[tree["a"].pk])
    response = client.post(move, {"parent": tree["a1a"].pk}, **FETCH)
    assert response.status_code == 400
    assert "不能移到自身或自身的下级目标之下" in response.json()["error"]
    foreign = GoalFactory(plan=GoalPlanFactory(unit=other_unit))
    response = client.post(move, {"parent": foreign.pk}, **FETCH)
    assert response.status_code == 400
    assert "只能在本单位同一年度" in response.json()["error"]
    tree["a"].refresh_from_db()
    assert tree["a"].parent_id is None


def test_goal3_copy_last_years_tree(client, unit_admin, unit):
    """GOAL-3: this year's plan starts from last year's, dates one year on, decomposition kept."""
    last = GoalPlanFactory(unit=unit, year=2025)
    top = GoalFactory(plan=last, name="去年目标", due_date=date(2025, 12, 31), start_date=date(2025, 1, 1))
    child = GoalFactory(
        plan=last, parent=top, name="去年子目标", start_date=date(2024, 3, 1), due_date=date(2024, 2, 29)
    )
    member = MembershipFactory(team=TeamFactory(unit=unit))
    Assignment.objects.create(goal=child, cadre=member.cadre, role=role())
    client.force_login(unit_admin)
    response = client.post(reverse("goals_admin:plan_create"), {"unit": unit.pk, "year": 2026, "copy_previous": "on"})
    plan = GoalPlan.objects.get(unit=unit, year=2026)
    assert response.url == reverse("goals_admin:plan", args=[plan.pk])
    copied = plan.goals.get(name="去年子目标")
    assert copied.parent.name == "去年目标" and copied.plan == plan
    assert plan.goals.get(name="去年目标").due_date == date(2026, 12, 31)
    assert copied.due_date == date(2025, 2, 28)
    assert copied.assignments.get().cadre == member.cadre
    assert not plan.is_published


def test_goal3_second_save_of_a_changed_goal_is_told_not_lost(client, make_user, unit, plan):
    """Bad input: editing a goal another administrator just changed."""
    first = make_user("unit_admin", unit=unit, name="王一")
    second = make_user("unit_admin", unit=unit, name="李二")
    goal = GoalFactory(plan=plan, name="原名")
    url = reverse("goals_admin:goal_edit", args=[goal.pk])
    client.force_login(first)
    assert client.post(url, goal_data(name="王一改的", version=1), **FETCH).status_code == 200
    client.force_login(second)
    response = client.post(url, goal_data(name="李二改的", version=1), **FETCH)
    assert response.status_code == 400
    assert "王一" in response.content.decode() and "未保存" in response.content.decode()
    goal.refresh_from_db()
    assert goal.name == "王一改的"


def test_goal3_bulk_delete_move_and_classify(client, unit_admin, tree, plan):
    client.force_login(unit_admin)
    bulk = reverse("goals_admin:bulk", args=[plan.pk])
    party = GoalTypeFactory(name="党的建设")
    client.post(bulk, {"action": "type", "goal_type": party.pk, "goal": [tree["a2"].pk, tree["b"].pk]})
    assert set(plan.goals.filter(goal_type=party).values_list("name", flat=True)) == {"甲二", "乙目标"}
    client.post(bulk, {"action": "move", "target": tree["b"].pk, "goal": [tree["a2"].pk]})
    assert names(plan, tree["b"]) == ["甲二"]
    client.post(bulk, {"action": "delete", "goal": [tree["a"].pk, tree["a1a"].pk]})
    assert sorted(plan.goals.values_list("name", flat=True)) == ["乙目标", "甲二"]


def test_goal3_tree_opens_to_the_chosen_depth(client, unit_admin, tree, plan):
    client.force_login(unit_admin)
    page = client.get(reverse("goals_admin:plan", args=[plan.pk]) + "?depth=1").content.decode()
    row = page[page.index(f'id="goal-{tree["a1"].pk}"') :]
    assert row[: row.index(">")].rstrip().endswith("hidden")
    row = page[page.index(f'id="goal-{tree["a"].pk}"') :]
    assert "hidden" not in row[: row.index(">")]


def _tree_queries(client, plan):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("goals_admin:plan", args=[plan.pk])).status_code == 200
    return len(queries)


def test_goal3_tree_screen_queries_do_not_grow_with_the_tree(client, unit_admin, plan):
    """Measured: the tree screen's queries are the same for 6 and 60 goals."""
    client.force_login(unit_admin)

    def grow(count):
        for _ in range(count):
            top = GoalFactory(plan=plan)
            GoalFactory(plan=plan, parent=GoalFactory(plan=plan, parent=top))

    grow(2)
    small = _tree_queries(client, plan)
    grow(20)
    assert _tree_queries(client, plan) == small


def test_goal1_dashboard_leads_the_unit_admin_to_the_goals(client, unit_admin, plan, office_user):
    """GOAL-1, PORTAL-2: goals are managed in the same Wagtail admin; its dashboard leads there."""
    client.force_login(unit_admin)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("goals_admin:plan", args=[plan.pk]) in page
    assert reverse("goals_admin:reports", args=[plan.pk]) in page
    client.force_login(office_user)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "0 个单位已发布目标，1 个正在起草" in page


def test_goal6_publishing_needs_goals_and_is_logged(client, unit_admin, plan):
    """GOAL-6: an empty plan is not published (the unit is told why); a published one is in the history."""
    from wagtail.models import ModelLogEntry

    client.force_login(unit_admin)
    publish = reverse("goals_admin:publish", args=[plan.pk])
    response = client.post(publish, follow=True)
    plan.refresh_from_db()
    assert not plan.is_published and "还没有可发布的目标" in response.content.decode()
    GoalFactory(plan=plan, name="唯一目标")
    client.post(publish)
    plan.refresh_from_db()
    assert plan.is_published and plan.published_by == unit_admin
    assert ModelLogEntry.objects.filter(object_id=str(plan.pk), action="wagtail.publish", user=unit_admin).exists()


@pytest.mark.parametrize(
    "name, arg", [("publish", "plan"), ("bulk", "plan"), ("goal_delete", "goal"), ("goal_move", "goal")]
)
def test_goal9_post_only_screens_refuse_a_get_and_change_nothing(client, unit_admin, plan, name, arg):
    goal = GoalFactory(plan=plan, name="留着")
    client.force_login(unit_admin)
    response = client.get(reverse(f"goals_admin:{name}", args=[plan.pk if arg == "plan" else goal.pk]))
    assert response.status_code == 405
    plan.refresh_from_db()
    assert not plan.is_published and Goal.objects.filter(pk=goal.pk).exists()


def test_goal9_plan_list_pages_with_the_admins_pagination(client, office_user):
    """The yearly-goals list pages like every admin list: Wagtail's bar and its ``?p=``."""
    plans = [GoalPlanFactory(year=2000 + number) for number in range(51)]
    client.force_login(office_user)
    first = client.get(reverse("goals_admin:index")).content.decode()
    second = client.get(reverse("goals_admin:index") + "?p=2").content.decode()
    assert 'class="pagination"' in first and "?p=2" in first
    oldest = reverse("goals_admin:plan", args=[plans[0].pk])
    assert oldest not in first and oldest in second

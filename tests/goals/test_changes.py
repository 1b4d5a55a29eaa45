"""GOAL-5 decomposition and GOAL-6 changes after publishing."""

import pytest
from django.urls import reverse

from kaohe.goals.models import GoalChange
from tests.factories import MembershipFactory, TeamFactory
from tests.goals.factories import GoalFactory, role

pytestmark = pytest.mark.django_db
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def assign_data(rows, counts=True):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"}
    for index, (cadre, goal_role) in enumerate(rows):
        data[f"form-{index}-cadre"] = cadre.pk
        data[f"form-{index}-role"] = goal_role.pk
    if counts:
        data["counts_in_assessment"] = "on"
    return data


def test_goal5_goal_is_decomposed_to_team_members_with_roles(client, unit_admin, unit, plan):
    team = TeamFactory(unit=unit)
    lead, assist = MembershipFactory(team=team).cadre, MembershipFactory(team=team).cadre
    goal = GoalFactory(plan=plan)
    client.force_login(unit_admin)
    url = reverse("goals_admin:goal_assign", args=[goal.pk])
    response = client.post(url, assign_data([(lead, role("主办")), (assist, role("协办"))], counts=False), **FETCH)
    assert response.json()["ok"]
    assert {(a.cadre, a.role.name) for a in goal.assignments.all()} == {(lead, "主办"), (assist, "协办")}
    goal.refresh_from_db()
    assert goal.counts_in_assessment is False
    page = client.get(reverse("goals:cadre", args=[lead.pk])).content.decode()
    assert goal.name in page and "主办" in page


def test_goal5_only_the_units_team_members_can_be_chosen(client, unit_admin, unit, plan, other_unit):
    outsider = MembershipFactory(team=TeamFactory(unit=other_unit)).cadre
    goal = GoalFactory(plan=plan)
    client.force_login(unit_admin)
    response = client.post(
        reverse("goals_admin:goal_assign", args=[goal.pk]), assign_data([(outsider, role())]), **FETCH
    )
    assert response.status_code == 400
    assert not goal.assignments.exists()


def test_goal6_changes_after_publishing_are_recorded_and_marked(client, unit_admin, plan):
    goal = GoalFactory(plan=plan, name="原目标")
    client.force_login(unit_admin)
    edit = reverse("goals_admin:goal_edit", args=[goal.pk])
    data = {"name": "草稿期修改", "kind": "qualitative", "weight": "0", "importance": "3", "version": 1}
    client.post(edit, data, **FETCH)
    assert not GoalChange.objects.exists(), "changes before publishing are not tracked"
    client.post(reverse("goals_admin:publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.is_published
    client.post(edit, data | {"name": "发布后修改", "weight": "40", "version": 2}, **FETCH)
    change = GoalChange.objects.get()
    assert change.changed_by == unit_admin
    assert change.changes["目标"] == ["草稿期修改", "发布后修改"]
    assert change.changes["权重"] == ["0", "40"]
    tree_page = client.get(reverse("goals_admin:plan", args=[plan.pk])).content.decode()
    assert "goals-tag--changed" in tree_page and "is-changed" in tree_page
    history = client.get(reverse("goals_admin:changes", args=[plan.pk])).content.decode()
    assert "草稿期修改" in history and "发布后修改" in history and unit_admin.name in history
    public = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "已变更" in public


def test_goal6_moves_and_deletions_after_publishing_are_recorded(client, unit_admin, tree, plan):
    plan.status = "published"
    plan.save()
    client.force_login(unit_admin)
    client.post(reverse("goals_admin:goal_move", args=[tree["b"].pk]), {"parent": tree["a"].pk}, **FETCH)
    client.post(reverse("goals_admin:goal_delete", args=[tree["a1"].pk]), **FETCH)
    actions = list(GoalChange.objects.order_by("pk").values_list("action", "goal_name"))
    assert actions == [("moved", "乙目标"), ("deleted", "甲一")]


def test_goal5_an_untouched_extra_row_is_not_an_error(client, unit_admin, unit, plan):
    """GOAL-5: the form's spare row opens on the first role; saving without using it changes nothing else."""
    team = TeamFactory(unit=unit)
    lead = MembershipFactory(team=team).cadre
    goal = GoalFactory(plan=plan)
    client.force_login(unit_admin)
    data = assign_data([(lead, role("主办"))])
    data.update({"form-TOTAL_FORMS": "2", "form-1-cadre": "", "form-1-role": str(role("主办").pk)})
    response = client.post(reverse("goals_admin:goal_assign", args=[goal.pk]), data, **FETCH)
    assert response.status_code == 200, response.content.decode()[:500]
    assert [a.cadre for a in goal.assignments.all()] == [lead]

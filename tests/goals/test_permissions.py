"""GOAL-9: who sees and edits goals and progress, role by role.

The table is asked over HTTP, the way people reach the data: the admin tree
screen and edit form, and the public goal page.
"""

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from tests.goals.factories import (
    GoalFactory,
    GoalPlanFactory,
    GoalTypeFactory,
    ProgressEntryFactory,
    ProgressReportFactory,
)

pytestmark = pytest.mark.django_db
R = RoleCode
ALL_ROLES = list(RoleCode)
STAFF_ADMIN = {R.SYSTEM_ADMIN, R.OFFICE, R.ASSESSMENT_GROUP, R.UNIT_ADMIN, R.COUNTY_LEADER, R.EDITOR}

# (published?, same unit as the user?) -> roles that may open the tree screen / edit a goal
TREE_VIEW = {
    # A draft is seen by the unit's own people (any role) and the office.
    (False, True): STAFF_ADMIN,
    (False, False): {R.OFFICE},
    (True, False): STAFF_ADMIN,
}
EDIT = {
    (False, True): {R.OFFICE, R.UNIT_ADMIN},
    (True, True): {R.OFFICE, R.UNIT_ADMIN},
    (True, False): {R.OFFICE},
}


def _goal(unit, other_unit, published, own):
    plan = GoalPlanFactory(unit=unit if own else other_unit, status="published" if published else "draft")
    return GoalFactory(plan=plan)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("published", "own"), list(TREE_VIEW))
def test_goal9_tree_screen_by_role(client, make_user, unit, other_unit, role, published, own):
    goal = _goal(unit, other_unit, published, own)
    client.force_login(make_user(role, unit=unit))
    response = client.get(reverse("goals_admin:plan", args=[goal.plan_id]))
    allowed = role in TREE_VIEW[(published, own)]
    # People without admin access are sent to sign in or refused; never shown the tree.
    assert (response.status_code == 200) == allowed, response.status_code


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("published", "own"), list(EDIT))
def test_goal9_editing_by_role(client, make_user, unit, other_unit, role, published, own):
    goal = _goal(unit, other_unit, published, own)
    client.force_login(make_user(role, unit=unit))
    data = {"name": "改名", "kind": "qualitative", "weight": "0", "importance": "3", "version": 1}
    response = client.post(reverse("goals_admin:goal_edit", args=[goal.pk]), data, HTTP_X_REQUESTED_WITH="fetch")
    goal.refresh_from_db()
    allowed = role in EDIT[(published, own)]
    assert (goal.name == "改名") == allowed
    if not allowed:
        assert response.status_code in (302, 403)


@pytest.mark.parametrize(
    ("reader", "published", "public_type", "visible"),
    [
        ("anonymous", True, True, True),
        ("anonymous", True, False, False),
        ("anonymous", False, True, False),
        ("own_unit_cadre", False, True, True),
        ("other_unit_cadre", False, True, False),
        ("other_unit_cadre", True, False, True),
        ("office", False, False, True),
    ],
)
def test_goal9_public_goal_page(client, make_user, unit, other_unit, reader, published, public_type, visible):
    """The public sees only published goals of public types; drafts stay in the unit and the office."""
    plan = GoalPlanFactory(unit=unit, status="published" if published else "draft")
    goal = GoalFactory(
        plan=plan,
        name="某项目标",
        goal_type=GoalTypeFactory(name="公开类" if public_type else "内部类", is_public=public_type),
    )
    if reader == "own_unit_cadre":
        client.force_login(make_user(R.CADRE, unit=unit))
    elif reader == "other_unit_cadre":
        client.force_login(make_user(R.CADRE, unit=other_unit))
    elif reader == "office":
        client.force_login(make_user(R.OFFICE))
    response = client.get(reverse("goals:goal", args=[goal.pk]))
    assert (response.status_code == 200) == visible
    listing = client.get(reverse("goals:query") + f"?year={plan.year}").content.decode()
    assert ("某项目标" in listing) == visible


def test_goal9_unsubmitted_reports_stay_inside_the_unit(client, make_user, unit):
    plan = GoalPlanFactory(unit=unit, status="published")
    goal = GoalFactory(plan=plan)
    ProgressEntryFactory(
        report=ProgressReportFactory(plan=plan, period="Q1", submitted=False), goal=goal, work_done="草稿里的工作"
    )
    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "草稿里的工作" not in page
    client.force_login(make_user(R.CADRE, unit=unit))
    assert "草稿里的工作" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()


def test_goal9_unit_admin_cannot_start_another_units_plan(client, unit_admin, other_unit):
    client.force_login(unit_admin)
    client.post(reverse("goals_admin:plan_create"), {"unit": other_unit.pk, "year": 2026})
    assert not other_unit.goal_plans.exists()

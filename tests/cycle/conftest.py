import pytest

from kaohe.core.roles import RoleCode
from tests.factories import CadreFactory, TeamFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory


@pytest.fixture
def team(unit):
    return TeamFactory(unit=unit)


@pytest.fixture
def cadre(unit):
    return CadreFactory(unit=unit, name="李明")


@pytest.fixture
def other_cadre(other_unit):
    return CadreFactory(unit=other_unit, name="王强")


@pytest.fixture
def goal(unit):
    plan = GoalPlanFactory(unit=unit, year=2026, status="published")
    return GoalFactory(plan=plan, name="推进重点项目建设")


@pytest.fixture
def other_goal(other_unit):
    plan = GoalPlanFactory(unit=other_unit, year=2026, status="published")
    return GoalFactory(plan=plan, name="办好人民满意的教育")


@pytest.fixture
def other_admin(make_user, other_unit):
    return make_user(RoleCode.UNIT_ADMIN, unit=other_unit)

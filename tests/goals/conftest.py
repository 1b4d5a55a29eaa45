import pytest

from tests.goals.factories import GoalFactory, GoalPlanFactory


@pytest.fixture
def plan(unit):
    return GoalPlanFactory(unit=unit, year=2026)


@pytest.fixture
def tree(plan):
    """A small tree: A(A1(A1a), A2), B."""
    a = GoalFactory(plan=plan, name="甲目标", sort_order=0)
    a1 = GoalFactory(plan=plan, parent=a, name="甲一", sort_order=0)
    a1a = GoalFactory(plan=plan, parent=a1, name="甲一子", sort_order=0)
    a2 = GoalFactory(plan=plan, parent=a, name="甲二", sort_order=1)
    b = GoalFactory(plan=plan, name="乙目标", sort_order=1)
    return {"a": a, "a1": a1, "a1a": a1a, "a2": a2, "b": b}


def names(plan, parent=None):
    return list(plan.goals.filter(parent=parent).order_by("sort_order").values_list("name", flat=True))

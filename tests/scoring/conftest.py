from decimal import Decimal

import pytest

from kaohe.scoring.models import ScoreGrade
from tests.factories import CadreFactory
from tests.goals.factories import AssignmentFactory, GoalFactory, GoalPlanFactory, role


@pytest.fixture
def plan(unit):
    return GoalPlanFactory(unit=unit, year=2025, status="published")


@pytest.fixture
def tree(plan):
    """A (weight 60) with A1, A2 (50 each); B (weight 40). Standards: A 60, A1 30, A2 30, B 40."""
    a = GoalFactory(plan=plan, name="甲", weight=Decimal("60"), sort_order=0)
    a1 = GoalFactory(plan=plan, parent=a, name="甲一", weight=Decimal("50"), sort_order=0)
    a2 = GoalFactory(plan=plan, parent=a, name="甲二", weight=Decimal("50"), sort_order=1)
    b = GoalFactory(plan=plan, name="乙", weight=Decimal("40"), sort_order=1)
    return {"a": a, "a1": a1, "a2": a2, "b": b}


@pytest.fixture
def cadres(unit, tree):
    """Cadre 1 leads A1 and assists on B; cadre 2 leads B."""
    first, second = CadreFactory(unit=unit, name="甲干部"), CadreFactory(unit=unit, name="乙干部")
    AssignmentFactory(goal=tree["a1"], cadre=first, role=role("主办"))
    AssignmentFactory(goal=tree["b"], cadre=first, role=role("协办"))
    AssignmentFactory(goal=tree["b"], cadre=second, role=role("主办"))
    return first, second


def grade(name):
    return ScoreGrade.objects.get(name=name)

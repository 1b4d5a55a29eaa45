"""BG-1 and RES-1 end to end: the goal part of a yearly result comes from the office's goal scores."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.evaluation.models import TargetCategory
from kaohe.results import services
from kaohe.results.models import YearResult
from kaohe.scoring import services as scoring
from kaohe.scoring.models import GoalScore
from tests.evaluation.factories import EvaluationTaskFactory, TargetCategoryFactory
from tests.factories import MembershipFactory, TeamFactory
from tests.goals.factories import AssignmentFactory, GoalFactory, GoalPlanFactory, role
from tests.results.conftest import add_target

pytestmark = pytest.mark.django_db


def test_bg1_goal_scores_flow_from_goals_to_team_and_cadre_results(unit, office_user):
    team = TeamFactory(unit=unit)
    lead = MembershipFactory(team=team).cadre
    plan = GoalPlanFactory(unit=unit, year=2026, status="published")
    first = GoalFactory(plan=plan, weight=Decimal("50"))
    second = GoalFactory(plan=plan, weight=Decimal("50"))
    AssignmentFactory(goal=first, cadre=lead, role=role("主办"))
    scoring.goal_score(goal=first, method=GoalScore.Method.DIRECT, user=office_user, score="100", standard_score="100")
    scoring.goal_score(
        goal=second,
        method=GoalScore.Method.DIRECT,
        user=office_user,
        score="80",
        standard_score="100",
        reason="进度滞后",
    )
    task = EvaluationTaskFactory(
        year=2026,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=1),
        closed_at=timezone.now(),
    )
    add_target(task, TargetCategoryFactory(name="综合管理部门"), team=team, score="80")
    add_target(task, TargetCategoryFactory(name="一般领导干部", kind=TargetCategory.Kind.CADRE), cadre=lead, score="90")
    services.results_compute(year=2026, user=office_user)
    # RES-5: scores not yet locked are not final; the goal part waits for them.
    unlocked = YearResult.objects.get(team=team)
    assert unlocked.goal_score is None and unlocked.status == "incomplete"
    assert "尚未全部锁定" in unlocked.parts[0]["source"]
    scoring.plan_scores_review(plan=plan, user=office_user)
    scoring.plan_scores_lock(plan=plan, user=office_user)
    services.results_compute(year=2026, user=office_user)
    team_result = YearResult.objects.get(team=team)
    assert team_result.goal_score == Decimal("90.00")  # (100 + 80) / 2
    assert team_result.total == Decimal("85.00")
    assert "已评 2 个" in team_result.parts[0]["source"]
    cadre_result = YearResult.objects.get(cadre=lead)
    assert cadre_result.goal_score == Decimal("100.00")  # the one goal they lead scored full marks
    assert cadre_result.total == Decimal("95.00")

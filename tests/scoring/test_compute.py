"""SCORE-1, SCORE-2: a unit's goal score is the weighted result of its goal
scores; each cadre's follows from their goals and roles. The API the yearly
results use: ``unit_goal_score(unit=unit, year=year)``, ``cadre_goal_scores(year=year)``."""

from decimal import Decimal

import pytest

from kaohe.goals.models import AssignmentRole
from kaohe.scoring.models import RoleWeight, UnitGoalScore
from kaohe.scoring.selectors import cadre_goal_scores, default_standard, unit_goal_score
from kaohe.scoring.services import goal_score, goal_scores_compute
from tests.goals.factories import GoalFactory, GoalPlanFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_score1_default_standard_scores_share_100_points_down_the_tree(tree):
    assert [default_standard(goal=tree[k]) for k in ("a", "a1", "a2", "b")] == [D("60"), D("30"), D("30"), D("40")]


def test_score1_siblings_without_weights_share_equally(plan):
    goals = [GoalFactory(plan=plan, weight=D("0")) for _ in range(3)]
    assert [default_standard(goal=goal) for goal in goals] == [D("33.33")] * 3


def test_score1_unit_score_is_weighted_by_standard_score(office_user, unit, tree):
    goal_score(goal=tree["a1"], method="direct", score="30", user=office_user)
    goal_score(goal=tree["a2"], method="grade", grade="基本完成", reason="个别指标未达到", user=office_user)  # 24
    goal_score(goal=tree["b"], method="direct", score="30", reason="进度滞后", user=office_user)
    assert unit_goal_score(unit=unit, year=2025) == D("84.00")  # (30 + 24 + 30) / (30 + 30 + 40)
    row = UnitGoalScore.objects.get(unit=unit, year=2025)
    assert (row.counted_goals, row.scored_goals, row.unscored_goals) == (4, 3, 0)


def test_score1_a_scored_goal_stands_for_its_subtree(office_user, unit, tree):
    goal_score(goal=tree["a1"], method="direct", score="10", reason="差", user=office_user)
    goal_score(goal=tree["a"], method="direct", score="54", reason="总体较好", user=office_user)
    goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    assert unit_goal_score(unit=unit, year=2025) == D(
        "94.00"
    )  # (54 + 40) / (60 + 40); A1's own score is covered by A's


def test_score1_partly_scored_unit_counts_what_is_missing(office_user, unit, tree):
    goal_score(goal=tree["b"], method="direct", score="36", reason="略有差距", user=office_user)
    row = UnitGoalScore.objects.get(unit=unit, year=2025)
    assert row.score == D("90.00") and row.unscored_goals == 2 and not row.complete


def test_score1_goals_that_do_not_count_are_left_out(office_user, unit, tree):
    tree["a2"].counts_in_assessment = False
    tree["a2"].save()
    goal_score(goal=tree["a1"], method="direct", score="15", reason="一半", user=office_user)
    goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    row = UnitGoalScore.objects.get(unit=unit, year=2025)
    assert row.score == D("78.57") and row.unscored_goals == 0  # (15 + 40) / (30 + 40)


def test_score1_cadre_score_follows_goals_and_role_weights(office_user, tree, cadres):
    first, second = cadres
    goal_score(goal=tree["a1"], method="direct", score="30", user=office_user)  # result 1.0
    goal_score(goal=tree["b"], method="direct", score="30", reason="滞后", user=office_user)  # result 0.75
    scores = cadre_goal_scores(year=2025)
    # first: (1.0 x 30 x 1 + 0.75 x 40 x 0.5) / (30 + 20) = 90; second: 0.75 -> 75
    assert scores == {first.pk: D("90.00"), second.pk: D("75.00")}


def test_score1_office_changes_how_much_an_assist_role_counts(office_user, tree, cadres):
    first, _second = cadres
    goal_score(goal=tree["a1"], method="direct", score="30", user=office_user)
    goal_score(goal=tree["b"], method="direct", score="30", reason="滞后", user=office_user)
    RoleWeight.objects.filter(role=AssignmentRole.objects.get(name="协办")).update(weight=D("0"))
    goal_scores_compute(year=2025)
    assert cadre_goal_scores(year=2025)[first.pk] == D("100.00")  # the assisted goal no longer counts for them


def test_score1_cadre_result_comes_from_a_scored_parent(office_user, plan, tree, cadres):
    first, _second = cadres
    goal_score(
        goal=tree["a"], method="grade", grade="基本完成", reason="个别指标未达到", user=office_user
    )  # A: 0.8, covers A1
    scores = cadre_goal_scores(year=2025)
    assert scores[first.pk] == D("80.00")  # only A1 has a result; B is not scored


def test_score1_cadre_without_scored_goals_has_no_score_yet(office_user, tree, cadres):
    first, second = cadres
    goal_score(goal=tree["a1"], method="direct", score="30", user=office_user)
    assert set(cadre_goal_scores(year=2025)) == {first.pk}


def test_score1_drafts_plans_and_other_years_are_left_out(office_user, unit, tree):
    GoalFactory(plan=GoalPlanFactory(unit=unit, year=2026, status="draft"))
    goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    goal_scores_compute(year=2026)
    assert unit_goal_score(unit=unit, year=2026) is None
    assert unit_goal_score(unit=unit, year=2025) == D("100.00")

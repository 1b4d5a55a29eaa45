"""RES-1..RES-4 through the real chain: goals scored by the office, progress reported by the units and a
closed evaluation give the yearly results, analyses and rankings. Nothing is stood in for: the goal
part comes from ``kaohe.scoring`` as the results compute it (the fast tests beside this one set it
by hand)."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.evaluation.models import TargetCategory
from kaohe.org.models import Cadre
from kaohe.results import services
from kaohe.results.models import YearResult
from kaohe.scoring import services as scoring
from kaohe.scoring.models import GoalScore
from tests.evaluation.factories import EvaluationTaskFactory, TargetCategoryFactory
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory
from tests.goals.factories import (
    AssignmentFactory,
    GoalFactory,
    GoalPlanFactory,
    IndicatorFactory,
    ProgressEntryFactory,
    ProgressReportFactory,
    QuantitativeGoalFactory,
    role,
)
from tests.results.conftest import add_target

pytestmark = pytest.mark.django_db

# Per unit: the goal scores of its two goals (each led by one of its two cadres), its team's evaluation
# score, the cadres' evaluation scores, and the indicator's actual value in 2025 and 2026.
UNITS = {
    "东城街道": {"goals": ("100", "80"), "team": "80", "cadres": (("甲", "90"), ("乙", "70")), "gdp": ("100", "110")},
    "西城街道": {"goals": ("60", "70"), "team": "90", "cadres": (("丙", "80"), ("丁", "60")), "gdp": ("50", "60")},
}
RANKS = {"甲": "section_chief", "乙": "section_deputy", "丙": "section_chief", "丁": "section_deputy"}


def chart_data(response, script_id):
    found = re.search(
        rf'<script id="{script_id}" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found[1])


@pytest.fixture
def year(office_user):
    kind = UnitKindFactory(name="街道")
    indicator = IndicatorFactory(name="辖区生产总值")
    task = EvaluationTaskFactory(
        year=2026,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=2),
        closed_at=timezone.now() - timedelta(days=2),
    )
    team_category = TargetCategoryFactory(name="乡镇街道", kind=TargetCategory.Kind.TEAM)
    cadre_category = TargetCategoryFactory(name="一般领导干部", kind=TargetCategory.Kind.CADRE)
    for name, data in UNITS.items():
        unit = UnitFactory(name=name, kind=kind)
        team = TeamFactory(unit=unit, name=f"{name}领导班子")
        for plan_year, actual in zip((2025, 2026), data["gdp"], strict=True):
            plan = GoalPlanFactory(unit=unit, year=plan_year, status="published")
            goal = QuantitativeGoalFactory(plan=plan, indicator=indicator, weight=Decimal("50"))
            report = ProgressReportFactory(plan=plan, period="Q4")
            ProgressEntryFactory(report=report, goal=goal, actual_value=Decimal(actual))
        goals = [goal, GoalFactory(plan=plan, weight=Decimal("50"))]
        add_target(
            task,
            team_category,
            team=team,
            score=data["team"],
            indicators=[("政治素质", data["team"]), ("工作实绩", "85")],
        )
        for goal, score, (cadre_name, evaluation) in zip(goals, data["goals"], data["cadres"], strict=True):
            cadre = CadreFactory(name=cadre_name, unit=unit, rank=RANKS[cadre_name], profession="经济管理")
            MembershipFactory(team=team, cadre=cadre)
            AssignmentFactory(goal=goal, cadre=cadre, role=role("主办"))
            scoring.goal_score(
                goal=goal,
                method=GoalScore.Method.DIRECT,
                user=office_user,
                score=score,
                standard_score="100",
                reason="" if score == "100" else "部分任务未按期完成",
            )
            add_target(task, cadre_category, cadre=cadre, score=evaluation)
        scoring.plan_scores_review(plan=plan, user=office_user)
        scoring.plan_scores_lock(plan=plan, user=office_user)  # only locked scores count (RES-5)
    services.results_compute(year=2026, user=office_user)
    return {"kind": kind, "cadre_category": cadre_category}


def test_res1_yearly_results_weigh_the_office_goal_scores_and_the_evaluation(year):
    """RES-1: a team's goal part is its unit's goal score, a cadre's follows from the goals they lead;
    with the default weights (50/50) the totals are the means of goal and evaluation score."""
    teams = {
        r.team.unit.name: (r.goal_score, r.evaluation_score, r.total) for r in YearResult.objects.exclude(team=None)
    }
    assert teams == {
        "东城街道": (Decimal("90.00"), Decimal("80.00"), Decimal("85.00")),
        "西城街道": (Decimal("65.00"), Decimal("90.00"), Decimal("77.50")),
    }
    cadres = {r.cadre.name: (r.goal_score, r.total) for r in YearResult.objects.exclude(cadre=None)}
    assert cadres == {
        "甲": (Decimal("100.00"), Decimal("95.00")),
        "乙": (Decimal("80.00"), Decimal("75.00")),
        "丙": (Decimal("60.00"), Decimal("70.00")),
        "丁": (Decimal("70.00"), Decimal("65.00")),
    }


def test_res2_team_analysis_draws_reported_progress_and_the_evaluation(client, office_user, year):
    """RES-2: for the teams of one kind, the indicator's values come from the units' progress reports
    (growth on the year before), and the evaluation is compared indicator by indicator."""
    client.force_login(office_user)
    page = client.get(reverse("results_admin:teams", args=[2026]) + f"?kind={year['kind'].pk}")
    assert page.status_code == 200
    compared = {row["unit"]: (row["value"], row["growth"]) for row in page.context["trend"]["comparison"]}
    assert compared == {"东城街道": (110.0, 10.0), "西城街道": (60.0, 20.0)}
    by_indicator = chart_data(page, "indicator-chart")
    assert by_indicator["labels"] == ["政治素质", "工作实绩"]
    assert sorted(series["name"] for series in by_indicator["series"]) == ["东城街道", "西城街道"]


def test_res3_cadre_analysis_and_history_show_the_goal_part(client, office_user, year):
    """RES-3: cadres grouped by position with their mean goal and total scores; a cadre's page shows the
    year's goal score, evaluation score and total."""
    client.force_login(office_user)
    page = client.get(reverse("results_admin:cadres", args=[2026]) + "?by=rank&method=none")
    assert {point["name"] for point in chart_data(page, "bubble-chart")["points"]} == {"甲", "乙", "丙", "丁"}
    groups = {group["name"]: (group["goal"], group["total"]) for group in page.context["groups"]}
    chief, deputy = str(Cadre.Rank.SECTION_CHIEF.label), str(Cadre.Rank.SECTION_DEPUTY.label)
    assert groups == {chief: (80.0, 82.5), deputy: (75.0, 70.0)}
    cadre = YearResult.objects.get(cadre__name="甲").cadre
    history = client.get(reverse("results_admin:cadre", args=[cadre.pk])).content.decode()
    assert "100.00" in history and "90.00" in history and "95.00" in history


def test_res4_ranking_by_goal_score_follows_the_office_scores(client, office_user, year):
    """RES-4: ranked by goal score the cadres stand as the office scored their goals; by total, as goal
    and evaluation together give."""
    client.force_login(office_user)

    def names(by):
        url = reverse("results_admin:ranking", args=[2026]) + f"?category={year['cadre_category'].pk}&by={by}"
        return [result.cadre.name for result in client.get(url).context["results"]]

    assert names("goal") == ["甲", "乙", "丁", "丙"]
    assert names("total") == ["甲", "乙", "丙", "丁"]

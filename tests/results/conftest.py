"""A small assessed year: teams and cadres with closed evaluation results and goal scores."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.evaluation.models import TargetCategory, TargetResult, TaskTarget
from tests.evaluation.factories import EvaluationTaskFactory, TargetCategoryFactory
from tests.factories import CadreFactory, TeamFactory


class Year:
    """What ``assessed_year`` built, for the tests to refer to."""


def add_target(task, category, *, team=None, cadre=None, score, indicators=None):
    target = TaskTarget.objects.create(task=task, target_category=category, team=team, cadre=cadre)
    return TargetResult.objects.create(
        task=task,
        task_target=target,
        target_category=category,
        target_team=team,
        target_cadre=cadre,
        score=Decimal(score),
        ballot_count=20,
        is_shown=True,
        indicator_scores=[
            {"id": i, "name": name, "score": str(value)} for i, (name, value) in enumerate(indicators or [], start=1)
        ],
    )


@pytest.fixture
def goal_scores(monkeypatch):
    """The goal part of each result, as the office's goal scoring gives it (set per test)."""
    teams, cadres = {}, {}

    def fake(year):
        return (
            {k: (Decimal(v), "单位目标得分") for k, v in teams.items()},
            {k: (Decimal(v), "分解目标得分") for k, v in cadres.items()},
        )

    monkeypatch.setattr("kaohe.results.sources.goal_scores", fake)
    return teams, cadres


@pytest.fixture
def assessed_year(db, goal_scores):
    year = Year()
    year.task = EvaluationTaskFactory(
        year=2026,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=2),
        closed_at=timezone.now() - timedelta(days=2),
    )
    year.team_category = TargetCategoryFactory(name="综合管理部门", kind=TargetCategory.Kind.TEAM)
    year.cadre_category = TargetCategoryFactory(name="一般领导干部", kind=TargetCategory.Kind.CADRE)
    teams, cadres = goal_scores
    year.teams = [TeamFactory(name=f"班子{i}") for i in range(3)]
    for team, (goal, evaluation) in zip(year.teams, [("90", "80"), ("70", "95"), ("85", "85")], strict=True):
        add_target(
            year.task,
            year.team_category,
            team=team,
            score=evaluation,
            indicators=[("政治素质", evaluation), ("工作实绩", goal)],
        )
        teams[team.pk] = goal
    year.cadres = [
        CadreFactory(name="甲", rank="section_chief", profession="经济管理"),
        CadreFactory(name="乙", rank="section_chief", profession="党务"),
        CadreFactory(name="丙", rank="section_deputy", profession="经济管理"),
        CadreFactory(name="丁", rank="section_deputy", profession="党务"),
    ]
    for cadre, (goal, evaluation) in zip(
        year.cadres, [("95", "90"), ("80", "85"), ("70", "75"), ("60", "65")], strict=True
    ):
        add_target(year.task, year.cadre_category, cadre=cadre, score=evaluation)
        cadres[cadre.pk] = goal
    return year


@pytest.fixture
def computed_year(assessed_year):
    from kaohe.results import services

    services.results_compute(year=2026)
    return assessed_year

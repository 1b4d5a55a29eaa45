"""A small assessed year: teams and cadres with closed evaluation results and goal scores."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.evaluation.models import TargetCategory, TargetResult, TaskTarget
from kaohe.org.models import PostGroup
from kaohe.results.models import MissingRule, ResultScheme, SchemeCoverage
from tests.evaluation.factories import EvaluationTaskFactory, TargetCategoryFactory
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory


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


class County:
    """What ``county`` built, for the tests to refer to."""


def seat(team, name, group, start=date(2020, 1, 1), end=None):
    return MembershipFactory(
        team=team, cadre__name=name, post_group=group, start_date=start, end_date=end, administrative_post=name
    )


@pytest.fixture
def county(db, goal_scores):
    """Departments and towns; a closed task rating two teams and two cadres (one below the
    task's minimum ballots); a department that no task rates; a unit of a kind no scheme covers;
    members who joined in September, left in June, joined in March, and who were never evaluated."""
    c = County()
    teams_goal, cadres_goal = goal_scores
    departments, towns, others = (
        UnitKindFactory(name="县直部门"),
        UnitKindFactory(name="乡镇"),
        UnitKindFactory(name="其他"),
    )
    c.t1 = TeamFactory(unit=UnitFactory(name="县发改局", kind=departments))
    c.t2 = TeamFactory(unit=UnitFactory(name="城关镇", kind=towns))
    c.t3 = TeamFactory(unit=UnitFactory(name="县统计局", kind=departments))
    c.t4 = TeamFactory(unit=UnitFactory(name="县档案馆", kind=others))
    wound_up = TeamFactory(unit=UnitFactory(name="已撤销单位", kind=departments, is_active=False))
    c.principal = seat(c.t1, "甲局长", PostGroup.PRINCIPAL).cadre
    c.below_minimum = seat(c.t1, "乙副局长", PostGroup.DEPUTY).cadre
    c.joined_late = seat(c.t2, "丙副镇长", PostGroup.DEPUTY, start=date(2026, 9, 1)).cadre
    c.left_early = seat(c.t2, "丁委员", PostGroup.OTHER, end=date(2026, 6, 30)).cadre
    c.not_evaluated = seat(c.t2, "戊镇长", PostGroup.PRINCIPAL).cadre
    c.joined_march = seat(c.t3, "己局长", PostGroup.PRINCIPAL, start=date(2026, 3, 1)).cadre
    c.left_last_year = seat(c.t3, "庚局长", PostGroup.PRINCIPAL, end=date(2025, 12, 31)).cadre
    seat(wound_up, "辛局长", PostGroup.PRINCIPAL)
    c.team_cat = TargetCategoryFactory(name="县直部门班子", kind=TargetCategory.Kind.TEAM, sort_order=1)
    c.town_cat = TargetCategoryFactory(name="乡镇班子", kind=TargetCategory.Kind.TEAM, sort_order=2)
    c.leaders = TargetCategoryFactory(name="主要领导", kind=TargetCategory.Kind.CADRE, sort_order=3)
    c.deputies = TargetCategoryFactory(name="副职及其他", kind=TargetCategory.Kind.CADRE, sort_order=4)
    now = timezone.now()
    c.task = EvaluationTaskFactory(
        year=2026, min_ballots=5, starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2), closed_at=now
    )
    add_target(c.task, c.team_cat, team=c.t1, score="88")
    add_target(c.task, c.town_cat, team=c.t2, score="84")
    add_target(c.task, c.leaders, cadre=c.principal, score="90")
    hidden = add_target(c.task, c.deputies, cadre=c.below_minimum, score="61.37")
    TargetResult.objects.filter(pk=hidden.pk).update(is_shown=False, ballot_count=3)
    teams_goal.update({c.t1.pk: "90", c.t2.pk: "80"})
    cadres_goal.update(
        {
            c.principal.pk: "94",
            c.below_minimum.pk: "85",
            c.joined_late.pk: "70",
            c.left_early.pk: "75",
            c.not_evaluated.pk: "88",
            c.joined_march.pk: "82",
        }
    )
    rules = [
        (c.team_cat, MissingRule.HOLD, None, [(departments, "")]),
        (c.town_cat, MissingRule.HOLD, None, [(towns, "")]),
        (c.leaders, MissingRule.SPREAD, None, [(None, PostGroup.PRINCIPAL)]),
        (c.deputies, MissingRule.DEFAULT, Decimal("80"), [(None, PostGroup.DEPUTY), (None, PostGroup.OTHER)]),
    ]
    for category, rule, default, coverage in rules:
        scheme = ResultScheme.objects.create(
            year=2026, target_category=category, missing_rule=rule, default_score=default
        )
        for unit_kind, group in coverage:
            SchemeCoverage.objects.create(scheme=scheme, unit_kind=unit_kind, post_group=group)
    return c

"""RES-1 and BG-1: computing the yearly results, explained, repeatable, and stale after a reopen."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.results import services
from kaohe.results.models import ManualScore, ResultScheme, SchemePart, YearResult

pytestmark = pytest.mark.django_db


def test_res1_default_weights_are_goal_50_evaluation_50(assessed_year):
    assert services.results_compute(year=2026)["count"] == 7
    result = YearResult.objects.get(team=assessed_year.teams[0])
    assert (result.goal_score, result.evaluation_score, result.total) == (Decimal("90"), Decimal("80"), Decimal("85"))
    names = [part["name"] for part in result.parts]
    assert names == ["目标得分", "测评得分"]
    assert result.parts[1]["source"] == assessed_year.task.name
    ranks = {r.team.name: r.rank for r in YearResult.objects.filter(team__isnull=False)}
    assert ranks == {"班子0": 1, "班子1": 3, "班子2": 1}  # totals 85, 82.5, 85: ties share a rank


def test_res1_office_sets_weights_and_hand_scored_parts(client, office_user, assessed_year):
    scheme = ResultScheme.objects.create(
        year=2026, target_category=assessed_year.cadre_category, goal_weight=40, evaluation_weight=40
    )
    part = SchemePart.objects.create(scheme=scheme, name="考核组实地考察", weight=20)
    client.force_login(office_user)
    response = client.post(
        reverse("results_admin:manual", args=[part.pk]), {f"score-cadre-{assessed_year.cadres[0].pk}": "100"}
    )
    assert response.status_code == 302
    assert ManualScore.objects.get().score == 100
    client.post(reverse("results_admin:compute", args=[2026]))
    result = YearResult.objects.get(cadre=assessed_year.cadres[0])
    assert result.total == Decimal("94.00")  # 0.4*95 + 0.4*90 + 0.2*100
    page = client.get(reverse("results_admin:result", args=[result.pk])).content.decode()
    assert "考核组实地考察" in page and "由考核办评分" in page and "38.00" in page


def test_res1_bad_manual_score_saves_nothing(client, office_user, assessed_year):
    scheme = ResultScheme.objects.create(
        year=2026, target_category=assessed_year.cadre_category, goal_weight=40, evaluation_weight=40
    )
    part = SchemePart.objects.create(scheme=scheme, name="考察", weight=20)
    client.force_login(office_user)
    response = client.post(
        reverse("results_admin:manual", args=[part.pk]),
        {
            f"score-cadre-{assessed_year.cadres[0].pk}": "90",
            f"score-cadre-{assessed_year.cadres[1].pk}": "120",
        },
    )
    assert response.status_code == 200 and "0 到 100" in response.content.decode()
    assert not ManualScore.objects.exists()


def test_res1_weights_that_do_not_add_up_are_refused(client, office_user, assessed_year):
    ResultScheme.objects.create(
        year=2026, target_category=assessed_year.team_category, goal_weight=50, evaluation_weight=40
    )
    client.force_login(office_user)
    response = client.post(reverse("results_admin:compute", args=[2026]), follow=True)
    assert "权重合计为 90%，不是 100%" in response.content.decode()
    assert not YearResult.objects.exists()


def test_res1_computing_while_a_task_is_open_is_refused(client, office_user, assessed_year):
    from tests.evaluation.factories import EvaluationTaskFactory

    EvaluationTaskFactory(year=2026, name="补充测评")
    client.force_login(office_user)
    response = client.post(reverse("results_admin:compute", args=[2026]), follow=True)
    assert "补充测评" in response.content.decode() and "仍未结束" in response.content.decode()
    assert not YearResult.objects.exists()


def test_res1_repeatable_and_stale_after_reopening(client, office_user, assessed_year):
    services.results_compute(year=2026)
    first = {r.pk: r.total for r in YearResult.objects.all()}
    services.results_compute(year=2026)
    assert {r.pk: r.total for r in YearResult.objects.all()} == first
    client.force_login(office_user)
    client.post(reverse("results_admin:reopen", args=[assessed_year.task.pk]))
    assert YearResult.objects.filter(is_stale=True).count() == 7
    page = client.get(reverse("results_admin:year", args=[2026])).content.decode()
    assert "7 个结果已过时" in page
    response = client.post(reverse("results_admin:compute", args=[2026]), follow=True)
    assert "仍未结束" in response.content.decode()
    assessed_year.task.refresh_from_db()
    from django.utils import timezone

    assessed_year.task.closed_at = timezone.now()
    assessed_year.task.save()
    services.results_compute(year=2026)
    assert not YearResult.objects.filter(is_stale=True).exists()


def test_res5_a_result_missing_a_part_is_held_incomplete_by_default(assessed_year, goal_scores):
    """RES-5: without a goal score and without a rule saying otherwise, the result is held as
    incomplete (no total, no rank, no grade), never counted as 0, and it says why."""
    teams, _cadres = goal_scores
    del teams[assessed_year.teams[1].pk]
    services.results_compute(year=2026)
    result = YearResult.objects.get(team=assessed_year.teams[1])
    assert result.total is None and result.goal_score is None and result.rank is None
    assert result.status == YearResult.Status.INCOMPLETE
    assert result.parts[0]["missing"] and result.parts[0]["source"] == "单位没有计入考核的目标"
    assert any("目标得分缺失" in reason and "暂不完整" in reason for reason in result.reasons)

"""RES-2 and RES-3: team and cadre analyses, with bounded queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.results import analysis, services

pytestmark = pytest.mark.django_db


def chart_data(page, script_id):
    """The data a chart on ``page`` draws: its ``json_script`` element."""
    found = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', page.content.decode(), re.S)
    return json.loads(found[1])


def test_res3_groups_by_position_and_profession(computed_year):
    from kaohe.org.models import Cadre

    chief, deputy = str(Cadre.Rank.SECTION_CHIEF.label), str(Cadre.Rank.SECTION_DEPUTY.label)
    by_rank = {g["name"]: (g["count"], g["total"]) for g in analysis.cadre_groups(2026, "rank")}
    assert by_rank == {chief: (2, 87.5), deputy: (2, 67.5)}
    by_profession = {
        g["name"]: (g["count"], g["goal"], g["evaluation"]) for g in analysis.cadre_groups(2026, "profession")
    }
    assert by_profession == {"经济管理": (2, 82.5, 82.5), "党务": (2, 70.0, 75.0)}


def test_res3_normalisation_brings_groups_to_the_overall_mean(computed_year):
    rows = analysis.normalise(2026, "rank", "zscore")
    by_group = {}
    for row in rows:
        by_group.setdefault(row["group"], []).append(row["after"])
    overall = sum(row["before"] for row in rows) / len(rows)
    for values in by_group.values():
        assert sum(values) / len(values) == pytest.approx(overall, abs=0.01)
    untouched = analysis.normalise(2026, "rank", "none")
    assert all(row["before"] == row["after"] for row in untouched)


def test_res3_cadre_page_bubbles_and_history(client, office_user, computed_year):
    client.force_login(office_user)
    page = client.get(reverse("results_admin:cadres", args=[2026]) + "?by=profession&method=minmax")
    bubble = chart_data(page, "bubble-chart")
    assert {p["name"] for p in bubble["points"]} == {"甲", "乙", "丙", "丁"}
    cadre = computed_year.cadres[0]
    history = client.get(reverse("results_admin:cadre", args=[cadre.pk]))
    assert chart_data(history, "history-chart")["labels"] == [2026]
    assert "92.50" in history.content.decode()


def test_res2_team_analysis_compares_evaluation_by_indicator(client, office_user, computed_year):
    client.force_login(office_user)
    page = client.get(reverse("results_admin:teams", args=[2026]))
    data = chart_data(page, "indicator-chart")
    assert data["labels"] == ["政治素质", "工作实绩"]
    assert len(data["series"]) == 3
    pdf = client.get(reverse("results_admin:teams", args=[2026]) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_res2_indicator_trend_and_growth(unit, other_unit):
    from decimal import Decimal

    from tests.goals.factories import (
        GoalPlanFactory,
        IndicatorFactory,
        ProgressEntryFactory,
        ProgressReportFactory,
        QuantitativeGoalFactory,
    )

    indicator = IndicatorFactory(name="地区生产总值")
    for owner, values in ((unit, {2025: "100", 2026: "110"}), (other_unit, {2025: "50", 2026: "60"})):
        for year, actual in values.items():
            plan = GoalPlanFactory(unit=owner, year=year, status="published")
            goal = QuantitativeGoalFactory(plan=plan, indicator=indicator)
            ProgressEntryFactory(
                report=ProgressReportFactory(plan=plan, period="Q4"), goal=goal, actual_value=Decimal(actual)
            )
    trend = analysis.indicator_trend(indicator.pk)
    assert trend["years"] == [2025, 2026]
    growth = {row["unit"]: (row["value"], row["growth"]) for row in trend["comparison"]}
    assert growth == {unit.name: (110.0, 10.0), other_unit.name: (60.0, 20.0)}


@pytest.mark.parametrize("name", ["results_admin:ranking", "results_admin:cadres", "results_admin:teams"])
def test_res2_res3_analysis_queries_do_not_grow_with_the_cadres(client, office_user, computed_year, goal_scores, name):
    from tests.factories import CadreFactory
    from tests.results.conftest import add_target

    client.force_login(office_user)
    url = reverse(name, args=[2026])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for index in range(15):
        cadre = CadreFactory(name=f"新{index}")
        add_target(computed_year.task, computed_year.cadre_category, cadre=cadre, score="80")
        goal_scores[1][cadre.pk] = "80"
    services.results_compute(year=2026)
    assert count() == before


def test_res3_cadre_history_prints_with_its_chart(client, office_user, computed_year):
    """RES-3 with item 6: the cadre's history chart is in the PDF too, drawn, with Chinese text."""
    from tests.evaluation.pdfutil import embedded_fonts

    client.force_login(office_user)
    response = client.get(reverse("results_admin:cadre", args=[computed_year.cadres[0].pk]) + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert any("Noto" in font for font in embedded_fonts(response.content))
    assert b"/Subtype /Image" not in response.content

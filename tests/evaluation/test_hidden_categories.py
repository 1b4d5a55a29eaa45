"""EVAL-10: nothing published reveals an evaluator category below the task's minimum ballot count.

The attack: a target is rated by 分管领导 (weight 1, three ballots, shown) and by
基层代表 (weight 2, one ballot rating everything 优秀, hidden as “too few
ballots”). Anyone holding the published combined score S, 分管领导's score s and
the weights can compute the hidden part as (3·S − 1·s) / 2; level counts,
excellent rate and indicator scores give it away by subtraction too. Each test
tries that on one medium — the results screens, the Excel workbook, the PDF —
and must fail to recover the hidden 100.
"""

import json
import re
from decimal import Decimal
from io import BytesIO
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from kaohe.evaluation import services
from kaohe.evaluation.selectors import results_for_task
from tests.evaluation.test_tally import cast, weighted_task

pytestmark = pytest.mark.django_db

HIDDEN_TRUTH = Decimal("100")  # the single 基层代表 ballot: 优秀 on both indicators


def scenario():
    """Target 1: 分管领导 BA, BB, CC (96.25, 85, 70: 83.75); 基层代表 AA (100, one ballot, below the minimum of
    3). Target 2: rated by 分管领导 only, so the ranking has something to compare with."""
    task = weighted_task(min_ballots=3)
    for rows in (["BA", "AA"], ["BB", "AB"], ["CC", "BB"]):
        cast(task, "分管领导", rows)
    cast(task, "基层代表", ["AA", ""])
    services.task_close(task=task)
    first = task.targets.order_by("sort_order").first()
    return task, first.team.name


def recovered(combined, shown):
    """The hidden category's score, recomputed from the published combined score and the shown category's."""
    return (Decimal(3) * Decimal(str(combined)) - Decimal(1) * Decimal(str(shown))) / Decimal(2)


def cells(html, name):
    """The texts of the cells of the table row that names ``name``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        if name in row:
            return [
                re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
            ]
    raise AssertionError(f"no row names {name}")


def level_counts(text):
    return {label: int(count) for label, count in re.findall(r"(优秀|良好|一般|较差)\s*(?:<strong>)?(\d+)", text)}


def test_eval10_the_stored_figures_of_a_target_come_from_its_shown_categories_only():
    """EVAL-10: the target's score, indicator scores, level counts, excellent rate and ballot count equal those of
    分管领导 alone; the hidden category keeps only its ballot count."""
    task, _name = scenario()
    result = results_for_task(task=task).get(task_target__sort_order=0)
    parts = {row.evaluator_category.name: row for row in result.by_category.all()}
    shown, hidden = parts["分管领导"], parts["基层代表"]
    assert result.score == shown.score == Decimal("83.75")
    assert result.level_counts == shown.level_counts and result.ballot_count == 3
    assert result.excellent_rate == shown.excellent_rate == Decimal("16.67")
    assert [item["score"] for item in result.indicator_scores] == [item["score"] for item in shown.indicator_scores]
    assert not hidden.is_shown and hidden.ballot_count == 1
    assert hidden.score is None and hidden.excellent_rate is None and not hidden.level_counts
    assert not hidden.indicator_scores
    assert recovered(result.score, shown.score) != HIDDEN_TRUTH


def test_eval10_the_results_screens_do_not_give_away_a_hidden_category(client, office_user):
    """EVAL-10: on the results list and the target's page, S, the shown score, the level counts, the excellent
    rate and the indicator scores recompute to nothing of the hidden 优秀 ballot."""
    task, name = scenario()
    client.force_login(office_user)
    listing = client.get(reverse("evaluation_admin:results", args=[task.pk])).content.decode()
    row = cells(listing, name)
    # Rank, target, target category, score, ballots, excellent rate, 分管领导, 基层代表
    combined, ballots, excellent, shown, hidden = row[3], row[4], row[5], row[6], row[7]
    assert hidden == "票数不足" and ballots == "3" and excellent == "16.67"
    assert abs(recovered(combined, shown) - HIDDEN_TRUTH) > 10, (combined, shown)
    result = results_for_task(task=task).get(task_target__sort_order=0)
    detail = client.get(reverse("evaluation_admin:result_detail", args=[task.pk, result.pk])).content.decode()
    overall = level_counts(detail.split("<h3>各等次票数</h3>")[1])
    by_category = level_counts("".join(cells(detail, "分管领导")))
    assert overall.get("优秀", 0) - by_category.get("优秀", 0) == 0
    assert overall == by_category
    indicator_rows = [cells(detail, f"指标{n}")[1] for n in (1, 2)]
    assert indicator_rows == ["80.00", "85.00"]  # 分管领导's own: (85+85+70)/3 and (100+85+70)/3
    radar = json.loads(re.search(r'<script id="radar-data" type="application/json">(.*?)</script>', detail, re.S)[1])
    assert radar["series"] == [
        {"name": "全部测评主体", "value": [80.0, 85.0]},
        {"name": "分管领导", "value": [80.0, 85.0]},
    ]
    assert "基层代表的票数不足" in detail


def test_eval10_the_excel_workbook_does_not_give_away_a_hidden_category(client, office_user):
    """EVAL-10: in the workbook the combined score, the weights and 分管领导's score recompute to 分管领导's own
    score, the level counts add up to 分管领导's, and the indicator sheet shows 分管领导's indicator scores."""
    task, name = scenario()
    client.force_login(office_user)
    workbook = openpyxl.load_workbook(
        BytesIO(client.get(reverse("evaluation_admin:results_xlsx", args=[task.pk])).content)
    )
    row = next(r for r in workbook["测评结果"].iter_rows(min_row=3, values_only=True) if r[1] == name)
    assert row[7] == "票数不足" and row[4] == 3
    assert abs(recovered(row[3], row[6]) - HIDDEN_TRUTH) > 10, row
    parts = [r for r in workbook["分测评主体"].iter_rows(min_row=3, values_only=True) if r[1] == name]
    weights = {r[2]: r[3] for r in parts}
    assert weights == {"分管领导": 1, "基层代表": 2}
    hidden = next(r for r in parts if r[2] == "基层代表")
    assert hidden[4] == "票数不足" and not hidden[7] and not hidden[8]
    by_indicator = next(r for r in workbook["分指标"].iter_rows(values_only=True) if r[1] == name)
    assert list(by_indicator[2:4]) == [80.0, 85.0]


def test_eval10_the_pdf_does_not_give_away_a_hidden_category(client, office_user):
    """EVAL-10: the PDF prints the same figures: the combined score recomputes to 分管领导's own score."""
    task, name = scenario()
    client.force_login(office_user)
    printed = {}

    class Capture:
        def __init__(self, string, base_url=None):
            printed["html"] = string

        def write_pdf(self):
            return b"%PDF-1.7"

    with mock.patch("weasyprint.HTML", Capture):
        response = client.get(reverse("evaluation_admin:results_pdf", args=[task.pk]))
    assert response.status_code == 200
    row = cells(printed["html"], name)
    assert row[7] == "票数不足" and row[4] == "3"
    assert abs(recovered(row[3], row[6]) - HIDDEN_TRUTH) > 10, row
    indicators = cells(printed["html"].split("分指标分析")[1], name)
    assert indicators[2:4] == ["80.00", "85.00"]

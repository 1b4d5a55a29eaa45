"""EVAL-8: the tally — weighted indicator averages on a 100-point scale, optional
trimming, category weights, level counts, the minimum number of ballots — and
the result screens, charts and exports."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kaohe.evaluation import services
from kaohe.evaluation.models import Ballot, EvaluationTask, EvaluatorCategory, Indicator, IndicatorSystem, TaskTarget
from kaohe.evaluation.selectors import results_for_task
from kaohe.evaluation.tally import task_tally
from tests.evaluation.factories import IndicatorSystemFactory, make_task
from tests.evaluation.pdfutil import embedded_fonts

pytestmark = pytest.mark.django_db


def cast(task, category_name, rows, *, valid=True):
    """A ballot of ``category_name`` rating targets in order; each row is a string of level keys per indicator."""
    category = EvaluatorCategory.objects.get(name=category_name)
    targets = list(TaskTarget.objects.filter(task=task).order_by("sort_order"))
    indicators = list(
        task.raters.filter(evaluator_category=category).get().indicator_system.indicators.order_by("sort_order")
    )
    answers = {}
    for target, row in zip(targets, rows, strict=False):
        if row:
            answers[str(target.pk)] = {str(i.pk): v for i, v in zip(indicators, row, strict=True) if v != "-"}
    return Ballot.objects.create(
        task=task,
        category=category,
        source=Ballot.Source.PAPER,
        cast_on=timezone.localdate(),
        answers=answers,
        is_valid=valid,
    )


def weighted_task(**kwargs):
    """Two targets, indicators weighted 1 and 3, categories 分管领导 (weight 1) and 基层代表 (weight 2)."""
    task = make_task(targets=2, indicators=2, categories=("分管领导", "基层代表"), **kwargs)
    system = task.raters.first().indicator_system
    first, second = system.indicators.order_by("sort_order")
    Indicator.objects.filter(pk=second.pk).update(weight=3)
    return task


def test_eval8_scores_are_weighted_averages_combined_by_category_weight():
    """EVAL-8: 分管领导 (A,B)+(C,C) → 79.38, 基层代表 (B,A) → 96.25, combined 1:2 → 90.63; excellent rate 33.33%."""
    task = weighted_task()
    cast(task, "分管领导", ["AB"])
    cast(task, "分管领导", ["CC"])
    cast(task, "基层代表", ["BA"])
    task_tally(task)
    result = results_for_task(task=task, shown_only=False).get(task_target__sort_order=0)
    by_category = {c.evaluator_category.name: c for c in result.by_category.all()}
    assert by_category["分管领导"].score == Decimal("79.38")
    assert by_category["基层代表"].score == Decimal("96.25")
    assert result.score == Decimal("90.63")
    assert result.ballot_count == 3 and result.rank == 1
    assert result.excellent_rate == Decimal("33.33")
    assert result.level_counts == [["优秀", 2], ["良好", 2], ["一般", 2], ["较差", 0]]
    assert [(i["name"], i["score"]) for i in result.indicator_scores] == [("指标1", "85.00"), ("指标2", "92.50")]
    assert by_category["分管领导"].level_counts == [["优秀", 1], ["良好", 1], ["一般", 2], ["较差", 0]]


def test_eval8_highest_and_lowest_ballots_are_dropped_when_asked():
    """EVAL-8: ballots of 100, 85, 70 and 50 average 76.25, or 77.50 without the highest and lowest."""
    task = make_task(targets=1, indicators=1)
    for key in "ABCD":
        cast(task, "分管领导", [key])
    task_tally(task)
    assert results_for_task(task=task).get().score == Decimal("76.25")
    EvaluationTask.objects.filter(pk=task.pk).update(trim_extremes=True)
    task.refresh_from_db()
    task_tally(task)
    result = results_for_task(task=task).get()
    assert result.score == Decimal("77.50")
    assert result.by_category.get().counted_ballots == 2 and result.ballot_count == 4


def test_eval8_a_target_with_too_few_ballots_is_not_shown_nor_ranked():
    """EVAL-8 anonymity: with a minimum of 3 ballots, a target rated twice gets no rank and is left out of the
    results API.
    """
    task = make_task(targets=2, indicators=1, min_ballots=3)
    for _ in range(3):
        cast(task, "分管领导", ["A", ""])
    cast(task, "分管领导", ["B", "B"])
    cast(task, "分管领导", ["B", "C"])
    task_tally(task)
    shown = list(results_for_task(task=task))
    assert len(shown) == 1 and shown[0].ballot_count == 5
    hidden = results_for_task(task=task, shown_only=False).get(is_shown=False)
    assert hidden.rank is None and hidden.score is None and hidden.by_category.get().ballot_count == 2


def test_eval8_invalid_ballots_do_not_count_and_blanks_are_left_out():
    """EVAL-8: an invalid paper ballot is not counted; an unrated indicator is left out of that ballot's average."""
    task = weighted_task()
    cast(task, "分管领导", ["A-"])
    cast(task, "分管领导", ["DD"], valid=False)
    task_tally(task)
    result = results_for_task(task=task, shown_only=False).get(task_target__sort_order=0)
    assert result.score == Decimal("100.00") and result.ballot_count == 1


def test_eval8_ranks_share_ties_within_a_target_category():
    """EVAL-8: two targets with the same score share rank 1; the next is 3."""
    task = make_task(targets=3, indicators=1)
    cast(task, "分管领导", ["A", "A", "B"])
    task_tally(task)
    ranks = [r.rank for r in results_for_task(task=task).order_by("task_target__sort_order")]
    assert ranks == [1, 1, 3]


def test_eval8_a_numeric_scale_is_put_on_100_points():
    """EVAL-3, EVAL-8: on a 0–10 scale with “excellent” from 9, ratings 9 and 7 give 80.00 and a 50% excellent rate."""
    system = IndicatorSystemFactory(
        indicators=1, scale=IndicatorSystem.Scale.NUMERIC, scale_min=0, scale_max=10, excellent_from=9, bottom_below=6
    )
    task = make_task(targets=1, system=system)
    category = EvaluatorCategory.objects.get(name="分管领导")
    target = task.targets.get()
    indicator = system.indicators.get()
    for value in ("9", "7"):
        assert (
            services.validate_ballot(task=task, category=category, answers={str(target.pk): {str(indicator.pk): value}})
            == []
        )
        Ballot.objects.create(
            task=task,
            category=category,
            source="paper",
            cast_on=timezone.localdate(),
            answers={str(target.pk): {str(indicator.pk): value}},
        )
    assert services.validate_ballot(task=task, category=category, answers={str(target.pk): {str(indicator.pk): "11"}})
    task_tally(task)
    result = results_for_task(task=task).get()
    assert result.score == Decimal("80.00") and result.excellent_rate == Decimal("50.00")


def test_eval8_closing_a_task_computes_results_and_the_office_sees_them(client, office_user):
    """EVAL-8: the office closes the task; the results page ranks the targets with each category's score and a
    bar chart.
    """
    task = weighted_task()
    cast(task, "分管领导", ["AB", "CC"])
    cast(task, "基层代表", ["BA", "CD"])
    client.force_login(office_user)
    assert "任务结束时计算测评结果" in client.get(reverse("evaluation_admin:results", args=[task.pk])).content.decode()
    client.post(reverse("evaluation_admin:task_close", args=[task.pk]))
    task.refresh_from_db()
    assert task.closed_at and task.tallied_at
    html = client.get(reverse("evaluation_admin:results", args=[task.pk])).content.decode()
    first = task.targets.order_by("sort_order").first()
    assert first.team.name in html and "93.75" in html and 'id="bar-data"' in html and "echarts.min.js" in html
    result = results_for_task(task=task).get(task_target=first)
    detail = client.get(reverse("evaluation_admin:result_detail", args=[task.pk, result.pk])).content.decode()
    import json
    import re

    radar = json.loads(
        re.search(r'<script id="radar-data" type="application/json">(.*?)</script>', detail, re.S).group(1)
    )
    assert radar["indicators"] == ["指标1", "指标2"]
    assert [series["name"] for series in radar["series"]] == ["全部测评主体", "分管领导", "基层代表"]
    assert radar["series"][0]["value"] == [90.0, 95.0]  # (100×1 + 85×2)/3, (85×1 + 100×2)/3
    indicators = client.get(reverse("evaluation_admin:results_indicators", args=[task.pk])).content.decode()
    # 指标2: 95.00 and (70×1 + 50×2)/3 = 56.67; their mean 75.84
    assert "指标2" in indicators and "95.00" in indicators and "56.67" in indicators and "75.84" in indicators
    # Closing again changes nothing.
    client.post(reverse("evaluation_admin:task_close", args=[task.pk]))
    assert task.results.count() == 2


def test_eval8_results_export_to_excel_and_pdf(client, make_user):
    """EVAL-8: the assessment group downloads the results as a workbook (results, by category, by indicator) and
    as a PDF.
    """
    from kaohe.core.roles import RoleCode

    task = weighted_task(min_ballots=2)
    cast(task, "分管领导", ["AB", "CC"])
    cast(task, "分管领导", ["AB", ""])
    cast(task, "基层代表", ["BA", "CD"])
    services.task_close(task=task)
    client.force_login(make_user(RoleCode.ASSESSMENT_GROUP))
    response = client.get(reverse("evaluation_admin:results_xlsx", args=[task.pk]))
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["测评结果", "分测评主体", "分指标"]
    rows = list(workbook["测评结果"].iter_rows(min_row=3, values_only=True))
    first = task.targets.order_by("sort_order").first().team.name
    row = next(r for r in rows if r[1] == first)
    # 分管领导 gave two ballots of 88.75; 基层代表 one ballot, below the minimum of 2: its column is hidden, and the
    # target's figures come from 分管领导 alone (EVAL-10).
    assert row[0] == 1 and row[3] == pytest.approx(88.75) and row[4] == 2
    assert row[6] == pytest.approx(88.75) and row[7] == "票数不足"
    second = next(r for r in rows if r[1] != first)
    # One ballot from each category: neither is shown, so neither is the target.
    assert second[3] == "票数不足" and len([cell for cell in second if cell not in (None, "")]) == 3
    pdf = client.get(reverse("evaluation_admin:results_pdf", args=[task.pk]))
    assert pdf["Content-Type"] == "application/pdf" and "Noto-Sans-CJK-SC" in embedded_fonts(pdf.content)


def test_eval8_an_online_task_closes_itself_after_its_end_time():
    """EVAL-8: an online-only task past its end time is closed and tallied by the command; a paper task waits for
    the office.
    """
    online = make_task(targets=1, indicators=1, mode=EvaluationTask.Mode.ONLINE)
    cast(online, "分管领导", ["A"])
    paper = EvaluationTask.objects.create(
        name="纸质测评",
        year=2026,
        mode=EvaluationTask.Mode.BOTH,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=1),
    )
    EvaluationTask.objects.filter(pk=online.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("close_evaluation_tasks", stdout=out)
    online.refresh_from_db()
    paper.refresh_from_db()
    assert online.closed_at is not None and online.results.get().score == Decimal("100.00")
    assert paper.closed_at is None
    assert online.name in out.getvalue()


def test_eval6_the_progress_json_closes_an_ended_online_task(client, office_user):
    """EVAL-6, EVAL-8: the live progress endpoint reports the counts and closes an online task found past its end."""
    task = make_task(targets=1, indicators=1, mode=EvaluationTask.Mode.ONLINE)
    EvaluationTask.objects.filter(pk=task.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    client.force_login(office_user)
    data = client.get(reverse("evaluation_admin:progress_json", args=[task.pk])).json()
    assert data["state"] == "已结束"
    task.refresh_from_db()
    assert task.closed_at is not None


def test_eval8_tally_of_many_ballots_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    """EVAL-8: tallying 60 ballots of 10 targets takes the same few queries as tallying one."""
    task = make_task(targets=10, indicators=3, categories=("分管领导", "基层代表"))
    for index in range(60):
        cast(task, "分管领导" if index % 2 else "基层代表", ["ABC"[index % 3] * 3] * 10)
    with django_assert_max_num_queries(16):
        task_tally(task)
    assert task.results.count() == 10

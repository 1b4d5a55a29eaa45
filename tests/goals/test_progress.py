"""SUP-1..SUP-3, SUP-5, SUP-7: progress reports entered on screen, completion and red flags."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaohe.goals.models import ProgressEntry, ProgressReport, completion_percent
from tests.goals.factories import GoalFactory, IndicatorFactory, QuantitativeGoalFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("higher_is_better", "plan", "actual", "expected"),
    [
        (True, "200", "150", "75.0"),
        (True, "200", "250", "125.0"),
        (False, "4", "5", "80.0"),  # less is better: 5 accidents against a cap of 4
        (False, "4", "3", "133.3"),
        (False, "4", "0", "100"),
    ],
)
def test_sup2_completion_respects_whether_higher_is_better(higher_is_better, plan, actual, expected):
    """SUP-2: a quantitative goal's completion comes from plan and actual, and less can be better."""
    goal = QuantitativeGoalFactory.build(
        plan_value=Decimal(plan), indicator=IndicatorFactory.build(higher_is_better=higher_is_better)
    )
    assert completion_percent(goal, Decimal(actual), None) == Decimal(expected)


def test_sup1_unit_admin_enters_and_submits_a_quarter(client, unit_admin, plan):
    """SUP-1..SUP-3: actual value for a quantitative goal, estimate for a qualitative one, notes; then the bar
    and flag.
    """
    money = QuantitativeGoalFactory(plan=plan, name="招商到位资金", plan_value=Decimal("20"))
    party = GoalFactory(plan=plan, name="党建工作")
    client.force_login(unit_admin)
    response = client.post(reverse("goals_admin:report_create", args=[plan.pk]), {"period": "Q2"})
    report = ProgressReport.objects.get(plan=plan, period="Q2")
    assert response.url == reverse("goals_admin:report", args=[report.pk])
    data = {
        f"g{money.pk}-actual_value": "21",
        f"g{money.pk}-work_done": "引进项目3个",
        f"g{party.pk}-estimated_progress": "60",
        f"g{party.pk}-delay_reasons": "人员调整",
        f"g{party.pk}-lessons": "压实责任",
        "summary": "上半年总体顺利",
        "submit": "1",
    }
    client.post(reverse("goals_admin:report", args=[report.pk]), data)
    report.refresh_from_db()
    assert report.submitted and report.summary == "上半年总体顺利"
    entry = ProgressEntry.objects.get(goal=party)
    assert (entry.estimated_progress, entry.delay_reasons, entry.lessons) == (60, "人员调整", "压实责任")
    page = client.get(reverse("goals:query") + f"?unit={plan.unit_id}&year=2026").content.decode()
    assert "red-flag" in page and "已完成" in page  # 21 of 20: completed
    assert 'aria-valuenow="60"' in page  # the qualitative goal's bar


def test_sup1_bad_entries_save_nothing(client, unit_admin, plan):
    goal = GoalFactory(plan=plan)
    money = QuantitativeGoalFactory(plan=plan)
    report = ProgressReport.objects.create(plan=plan, period="Q1")
    client.force_login(unit_admin)
    response = client.post(
        reverse("goals_admin:report", args=[report.pk]),
        {f"g{goal.pk}-estimated_progress": "140", f"g{money.pk}-actual_value": "5", "save": "1"},
    )
    assert response.status_code == 400
    assert "部分内容有误，未保存任何内容" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_sup5_summary_documents_are_attached(client, unit_admin, plan):
    report = ProgressReport.objects.create(plan=plan, period="M03")
    client.force_login(unit_admin)
    upload = SimpleUploadedFile("总结.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(reverse("goals_admin:attach", args=[report.pk]), {"title": "一季度总结", "file": upload})
    assert report.attachments.get().title == "一季度总结"
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("goals_admin:attach", args=[report.pk]), {"title": "程序", "file": bad}, follow=True)
    assert report.attachments.count() == 1
    assert "exe" in response.content.decode()


def test_sup1_other_units_cannot_enter_reports(client, make_user, other_unit, plan):
    report = ProgressReport.objects.create(plan=plan, period="Q1")
    client.force_login(make_user("unit_admin", unit=other_unit))
    # Wagtail's admin turns the refusal into a redirect with a message.
    assert client.post(reverse("goals_admin:report", args=[report.pk]), {"summary": "x"}).status_code in (302, 403)
    assert client.post(reverse("goals_admin:report_create", args=[plan.pk]), {"period": "Q2"}).status_code in (302, 403)
    report.refresh_from_db()
    assert report.summary == ""
    assert not ProgressReport.objects.filter(period="Q2").exists()

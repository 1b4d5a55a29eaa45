"""PORTAL-1: the first publication of a unit's progress report goes live after the office
approves it; the office can let trusted units publish directly."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from kaohe.goals import selectors
from kaohe.goals.models import GoalPlan, ProgressReport
from tests.factories import RoleCode
from tests.goals.factories import GoalPlanFactory, QuantitativeGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(unit):
    plan = GoalPlanFactory(unit=unit, year=2026, status=GoalPlan.Status.PUBLISHED)
    QuantitativeGoalFactory(plan=plan, name="招商到位资金", plan_value=Decimal("20"))
    return plan


def submit(client, user, plan, period="Q1"):
    client.force_login(user)
    client.post(reverse("goals_admin:report_create", args=[plan.pk]), {"period": period})
    report = ProgressReport.objects.get(plan=plan, period=period)
    client.post(reverse("goals_admin:report", args=[report.pk]), {"summary": "一季度按进度推进", "submit": "1"})
    report.refresh_from_db()
    return report


def public_reports(plan):
    return list(selectors.visible_reports(user=AnonymousUser(), plan=plan))


def test_portal1_a_unit_s_first_report_waits_for_the_office(client, unit_admin, office_user, plan):
    report = submit(client, unit_admin, plan)
    assert report.submitted and report.published_at is None
    assert public_reports(plan) == [], "the public does not read it yet"
    assert "待考核办审核发布" in client.get(reverse("goals_admin:reports", args=[plan.pk])).content.decode()

    client.force_login(office_user)
    page = client.get(reverse("goals_admin:report_approvals")).content.decode()
    assert "县发展和改革局" in page and "一季度按进度推进" in page
    client.post(reverse("goals_admin:report_approvals"), {"report": report.pk, "decision": "publish"})
    report.refresh_from_db()
    assert report.published_at is not None and report.published_by == office_user
    assert public_reports(plan) == [report]
    assert "没有待审核发布的报告" in client.get(reverse("goals_admin:report_approvals")).content.decode()


def test_portal1_the_office_returns_a_report_with_a_note(client, unit_admin, office_user, plan):
    report = submit(client, unit_admin, plan)
    client.force_login(office_user)
    response = client.post(
        reverse("goals_admin:report_approvals"), {"report": report.pk, "decision": "return"}, follow=True
    )
    assert "请写明退回原因" in response.content.decode()
    client.post(
        reverse("goals_admin:report_approvals"), {"report": report.pk, "decision": "return", "note": "请补充数据来源"}
    )
    report.refresh_from_db()
    assert not report.submitted and report.published_at is None
    assert public_reports(plan) == []


def test_portal1_trusted_units_publish_directly(client, unit_admin, plan):
    plan.unit.publishes_directly = True
    plan.unit.save()
    report = submit(client, unit_admin, plan)
    assert report.published_at is not None
    assert public_reports(plan) == [report]


@pytest.mark.parametrize("role", [RoleCode.UNIT_ADMIN, RoleCode.COUNTY_LEADER, RoleCode.EDITOR])
def test_portal1_only_the_office_publishes_reports(client, make_user, unit_admin, plan, role):
    report = submit(client, unit_admin, plan)
    client.force_login(make_user(role, unit=plan.unit))
    assert client.get(reverse("goals_admin:report_approvals")).status_code in (302, 403)
    client.post(reverse("goals_admin:report_approvals"), {"report": report.pk, "decision": "publish"})
    report.refresh_from_db()
    assert report.published_at is None

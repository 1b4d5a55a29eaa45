"""SCORE-1: the supervising department (or the office) confirms or questions the figures a
unit reported (核准数据) with a note, before the office scores."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.goals.models import EntryVerification, GoalPlan
from tests.factories import RoleCode, UnitFactory
from tests.goals.factories import GoalPlanFactory, ProgressEntryFactory, ProgressReportFactory, QuantitativeGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(unit):
    """县发展和改革局 reports on an investment goal 县商务局 supervises."""
    supervisor = UnitFactory(name="县商务局")
    plan = GoalPlanFactory(unit=unit, year=2026, status=GoalPlan.Status.PUBLISHED)
    goal = QuantitativeGoalFactory(
        plan=plan, name="招商到位资金", plan_value=Decimal("20"), supervising_unit=supervisor
    )
    report = ProgressReportFactory(plan=plan, period="Q4", submitted=True)
    entry = ProgressEntryFactory(report=report, goal=goal, actual_value=Decimal("21"))
    return {"supervisor": supervisor, "entry": entry, "goal": goal}


def test_score1_the_supervising_department_confirms_figures(client, make_user, reported):
    department = make_user(RoleCode.UNIT_ADMIN, unit=reported["supervisor"])
    client.force_login(department)
    page = client.get(reverse("goals_admin:verify")).content.decode()
    assert "招商到位资金" in page and "县发展和改革局" in page
    client.post(
        reverse("goals_admin:verify_entry", args=[reported["entry"].pk]),
        {"verdict": "confirmed", "verified_value": "20.5", "note": "以商务部门统计为准"},
    )
    verification = EntryVerification.objects.get(entry=reported["entry"])
    assert verification.is_confirmed and verification.verified_value == Decimal("20.5")
    assert verification.verifier_unit == reported["supervisor"] and verification.verified_by == department
    assert ModelLogEntry.objects.filter(action="goals.verify").exists()
    assert "没有待核准的数据" in client.get(reverse("goals_admin:verify")).content.decode(), "done: off the to-do list"


def test_score1_questioning_needs_a_note(client, make_user, reported):
    client.force_login(make_user(RoleCode.UNIT_ADMIN, unit=reported["supervisor"]))
    response = client.post(
        reverse("goals_admin:verify_entry", args=[reported["entry"].pk]), {"verdict": "questioned"}, follow=True
    )
    assert "请写明疑问之处" in response.content.decode()
    assert not EntryVerification.objects.exists()


def test_score1_other_units_cannot_verify(client, unit_admin, make_user, reported):
    """Neither the reporting unit itself nor an unrelated unit verifies; the office may."""
    for user in (unit_admin, make_user(RoleCode.UNIT_ADMIN, unit=UnitFactory(name="县财政局"))):
        client.force_login(user)
        assert "招商到位资金" not in client.get(reverse("goals_admin:verify")).content.decode()
        response = client.post(
            reverse("goals_admin:verify_entry", args=[reported["entry"].pk]), {"verdict": "confirmed"}
        )
        assert response.status_code in (302, 403)
    assert not EntryVerification.objects.exists()


def test_score1_the_office_may_verify_any_goal(client, office_user, reported):
    client.force_login(office_user)
    client.post(
        reverse("goals_admin:verify_entry", args=[reported["entry"].pk]), {"verdict": "questioned", "note": "数据偏高"}
    )
    assert EntryVerification.objects.get().verdict == EntryVerification.Verdict.QUESTIONED


def test_score1_unsubmitted_reports_are_not_verified(client, office_user, reported):
    report = reported["entry"].report
    report.submitted = False
    report.save()
    client.force_login(office_user)
    response = client.post(reverse("goals_admin:verify_entry", args=[reported["entry"].pk]), {"verdict": "confirmed"})
    assert response.status_code == 404 and not EntryVerification.objects.exists()


def test_score1_the_reporting_unit_reads_the_verdict_on_its_report(client, unit_admin, make_user, reported):
    client.force_login(make_user(RoleCode.UNIT_ADMIN, unit=reported["supervisor"]))
    client.post(
        reverse("goals_admin:verify_entry", args=[reported["entry"].pk]),
        {"verdict": "questioned", "verified_value": "18", "note": "部分资金尚未到账"},
    )
    client.force_login(unit_admin)
    page = client.get(reverse("goals_admin:report", args=[reported["entry"].report_id])).content.decode()
    assert "有疑问" in page and "县商务局" in page and "部分资金尚未到账" in page and "核准数据 18" in page

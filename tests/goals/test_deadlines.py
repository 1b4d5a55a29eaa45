"""SUP-1: the office sets when each period's progress is due; the dashboard and a screen show
who is late; units get an e-mail a few days before and on the day (a daily command)."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kaohe.goals.models import DeadlineReminder, GoalPlan, ProgressReport, ReportingDeadline
from tests.factories import RoleCode, UnitFactory
from tests.goals.factories import GoalPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(unit, other_unit, make_user):
    """Three units with published 2026 goals: one reported on time, one late, one not at all."""
    unit.contact_email = "fgj@example.gov.cn"
    unit.save()
    third = UnitFactory(name="城关镇")
    plans = {
        u.name: GoalPlanFactory(unit=u, year=2026, status=GoalPlan.Status.PUBLISHED) for u in (unit, other_unit, third)
    }
    GoalPlanFactory(unit=UnitFactory(name="县未发布局"), year=2026)  # a draft plan owes no report yet
    deadline = ReportingDeadline.objects.create(year=2026, period="Q1", due_date=date(2026, 4, 10), remind_days=3)
    on_time = timezone.make_aware(datetime(2026, 4, 9, 16, 0))
    late = timezone.make_aware(datetime(2026, 4, 15, 9, 0))
    ProgressReport.objects.create(plan=plans["县教育局"], period="Q1", submitted=True, submitted_at=on_time)
    ProgressReport.objects.create(plan=plans["城关镇"], period="Q1", submitted=True, submitted_at=late)
    ProgressReport.objects.create(plan=plans["县发展和改革局"], period="Q1", submitted=False)  # a draft is not a report
    admin = make_user(RoleCode.UNIT_ADMIN, unit=unit, email="admin@fgj.example.gov.cn")
    return {"deadline": deadline, "third": third, "admin": admin}


def test_sup1_office_sets_deadlines(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("wagtailsnippets_goals_reportingdeadline:add"),
        {"year": "2026", "period": "M05", "due_date": "2026-06-05", "remind_days": "3"},
    )
    assert response.status_code == 302
    assert ReportingDeadline.objects.get(year=2026, period="M05").due_date == date(2026, 6, 5)


def test_sup1_unit_admins_cannot_set_deadlines(client, unit_admin):
    client.force_login(unit_admin)
    client.post(
        reverse("wagtailsnippets_goals_reportingdeadline:add"),
        {"year": "2026", "period": "M05", "due_date": "2026-06-05", "remind_days": "3"},
    )
    assert not ReportingDeadline.objects.exists()


def test_sup1_the_office_sees_who_is_late(client, office_user, county, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 4, 20))
    client.force_login(office_user)
    page = client.get(reverse("goals_admin:deadlines") + "?year=2026").content.decode()
    assert "应报 3 个单位：按时 1 个，迟报 1 个，未提交 1 个。" in page
    assert "县发展和改革局" in page and "逾期未报" in page
    assert "城关镇" in page and "迟报，2026-04-15 提交" in page
    assert "县未发布局" not in page


def test_sup1_the_dashboard_names_the_late_units(client, office_user, county, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 4, 20))
    client.force_login(office_user)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "进展报告报送情况" in page and "县发展和改革局" in page and "逾期未报" in page


def test_sup1_a_unit_admin_sees_only_their_own_unit(client, county, make_user, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 4, 20))
    client.force_login(make_user(RoleCode.UNIT_ADMIN, unit=county["third"]))
    page = client.get(reverse("goals_admin:deadlines") + "?year=2026").content.decode()
    assert "应报 1 个单位" in page and "城关镇" in page
    assert "县发展和改革局" not in page


def test_sup1_cadres_do_not_see_the_deadline_screen(client, make_user, unit):
    client.force_login(make_user(RoleCode.CADRE, unit=unit))
    response = client.get(reverse("goals_admin:deadlines"))
    assert response.status_code in (302, 403) and "应报" not in response.content.decode()


def test_sup1_reminders_go_a_few_days_before_and_on_the_day_once(county):
    out = StringIO()
    call_command("send_report_reminders", "--date", "2026-04-06", stdout=out)
    assert mail.outbox == [], "four days before: nothing yet"

    call_command("send_report_reminders", "--date", "2026-04-07", stdout=out)
    assert len(mail.outbox) == 1, "three days before: only the unit that has not submitted"
    message = mail.outbox[0]
    assert sorted(message.to) == ["admin@fgj.example.gov.cn", "fgj@example.gov.cn"]
    assert "2026-04-10" in message.subject and "县发展和改革局" in message.body
    assert "/admin/goals/" in message.body

    call_command("send_report_reminders", "--date", "2026-04-07", stdout=out)
    assert len(mail.outbox) == 1, "a second run on the same day sends nothing again"

    call_command("send_report_reminders", "--date", "2026-04-10", stdout=out)
    assert len(mail.outbox) == 2 and "今天截止" in mail.outbox[1].subject
    assert DeadlineReminder.objects.count() == 2


def test_sup1_a_unit_that_submits_gets_no_more_reminders(county):
    plan = GoalPlan.objects.get(unit__name="县发展和改革局", year=2026)
    ProgressReport.objects.filter(plan=plan).update(submitted=True, submitted_at=timezone.now())
    call_command("send_report_reminders", "--date", "2026-04-10", stdout=StringIO())
    assert mail.outbox == []


def test_sup1_dry_run_lists_and_sends_nothing(county):
    out = StringIO()
    call_command("send_report_reminders", "--date", "2026-04-10", "--dry-run", stdout=out)
    assert "县发展和改革局" in out.getvalue() and mail.outbox == []
    assert not DeadlineReminder.objects.exists()


def test_sup1_submitting_records_when(client, unit_admin, unit):
    plan = GoalPlanFactory(unit=unit, year=2026, status=GoalPlan.Status.PUBLISHED)
    client.force_login(unit_admin)
    client.post(reverse("goals_admin:report_create", args=[plan.pk]), {"period": "Q2"})
    report = ProgressReport.objects.get(plan=plan, period="Q2")
    assert report.submitted_at is None
    client.post(reverse("goals_admin:report", args=[report.pk]), {"summary": "按期推进", "submit": "1"})
    report.refresh_from_db()
    assert report.submitted and report.submitted_at is not None


def dashboard_panel(html: str, panel_id: str):
    """The dashboard panel ``panel_id`` of the admin's home page, parsed."""
    from bs4 import BeautifulSoup

    section = BeautifulSoup(html, "html.parser").find("section", id=f"{panel_id}-section")
    assert section is not None, panel_id
    return section


@pytest.mark.parametrize("who", ["office", "unit_admin"])
def test_sup1_goal1_dashboard_panels_are_wagtail_dashboard_panels(client, office_user, county, monkeypatch, who):
    """The panels 年度目标 and 进展报告报送情况 look like Wagtail's other dashboard panels: the
    heading in the panel's header, and the content as the padded rows of a dashboard listing,
    not bare text against the panel's border. A period whose every unit has reported (some of
    them late) is not called overdue."""
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 4, 20))
    client.force_login(office_user if who == "office" else county["admin"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    for panel_id, heading in (("my-goals", "年度目标"), ("late-reports", "进展报告报送情况")):
        section = dashboard_panel(html, panel_id)
        assert "w-panel--dashboard" in section["class"]
        assert section.find(class_="w-panel__heading").get_text(strip=True) == heading
        content = section.find(class_="w-panel__content")
        children = content.find_all(recursive=False)
        assert children and all(
            child.name == "table" and {"listing", "listing--dashboard"} <= set(child["class"]) for child in children
        ), panel_id
        assert all(cell.get_text(strip=True) for cell in content.find_all("td")), panel_id
    late = dashboard_panel(html, "late-reports").find(class_="w-panel__content").get_text(" ", strip=True)
    assert "第1季度" in late and "报送情况" in late
    # Only the bureau itself is still missing when its administrator looks; the office sees it named.
    assert ("逾期未报" in late) and "县发展和改革局" in late


def test_sup1_a_period_reported_by_every_unit_is_not_called_overdue(client, office_user, county, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 4, 20))
    plan = GoalPlan.objects.get(unit__name="县发展和改革局", year=2026)
    ProgressReport.objects.filter(plan=plan).update(submitted=True, submitted_at=timezone.now())
    client.force_login(office_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    late = dashboard_panel(html, "late-reports").find(class_="w-panel__content").get_text(" ", strip=True)
    assert "第1季度" in late and "逾期后才提交" in late
    assert "逾期未报" not in late

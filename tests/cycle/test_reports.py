"""CYCLE-3: each team and cadre submits a year-end work report and self-assessment before the
office's deadline; it is read-only afterwards; late and missing ones show on the office's screens."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaohe.access.kinds import role_kind
from kaohe.access.models import Scope, Subject
from kaohe.core.roles import RoleCode
from kaohe.cycle.models import ReportDeadline, WorkReport
from tests.access.helpers import set_right
from tests.factories import MembershipFactory
from tests.goals.factories import AssignmentFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


def edit_url(kind, pk, year=YEAR):
    return reverse("cycle:report_edit", args=[year, kind, pk])


@pytest.fixture
def assigned(cadre, goal):
    AssignmentFactory(goal=goal, cadre=cadre)
    return goal


@pytest.fixture
def cadre_user(make_user, cadre, unit):
    return make_user(RoleCode.CADRE, unit=unit, cadre=cadre)


def report_data(goal, *, grade="done", overall="competent", body="一年来，围绕项目建设开展工作。", submit=True):
    data = {
        "body": body,
        "overall_grade": overall,
        "overall_reasons": "完成了全部目标任务",
        f"g{goal.pk}-grade": grade,
        f"g{goal.pk}-reasons": "项目全部开工",
    }
    if submit:
        data["submit"] = "1"
    return data


def test_cycle3_cadre_submits_report_and_self_grades_and_it_becomes_read_only(client, cadre_user, cadre, assigned):
    ReportDeadline.objects.create(year=YEAR, deadline=timezone.now() + timedelta(days=5))
    client.force_login(cadre_user)
    page = client.get(edit_url("cadre", cadre.pk)).content.decode()
    assert assigned.name in page  # one self-grade per goal assigned to the cadre
    response = client.post(edit_url("cadre", cadre.pk), report_data(assigned))
    report = WorkReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("cycle:report", args=[report.pk])
    assert report.is_submitted and report.submitted_by == cadre_user and report.overall_grade == "competent"
    assessment = report.assessments.get()
    assert (assessment.goal, assessment.grade, assessment.reasons) == (assigned, "done", "项目全部开工")
    assert report.overall_reasons == "完成了全部目标任务"
    # Read-only from now on: the form redirects to the report, and a post changes nothing.
    assert client.get(edit_url("cadre", cadre.pk)).status_code == 302
    client.post(edit_url("cadre", cadre.pk), report_data(assigned, body="改写"))
    report.refresh_from_db()
    assert report.body != "改写"
    assert "一年来" in client.get(reverse("cycle:report", args=[report.pk])).content.decode()


def test_cycle3_a_draft_is_kept_and_an_incomplete_submission_is_refused(client, cadre_user, cadre, assigned):
    client.force_login(cadre_user)
    client.post(edit_url("cadre", cadre.pk), report_data(assigned, grade="", submit=False))
    report = WorkReport.objects.get()
    assert report.status == WorkReport.Status.DRAFT and "一年来" in report.body
    response = client.post(edit_url("cadre", cadre.pk), report_data(assigned, grade=""))
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == WorkReport.Status.DRAFT


def test_cycle3_submission_after_the_deadline_is_refused_with_a_message(client, cadre_user, cadre, assigned):
    ReportDeadline.objects.create(year=YEAR, deadline=timezone.now() - timedelta(hours=1))
    client.force_login(cadre_user)
    response = client.post(edit_url("cadre", cadre.pk), report_data(assigned))
    assert response.status_code == 400
    assert "截止" in response.content.decode() or "deadline" in response.content.decode()
    assert not WorkReport.objects.exists()


def test_cycle3_office_accepts_a_late_report_which_shows_as_late(client, office_user, cadre, assigned, team):
    MembershipFactory(team=team, cadre=cadre)
    ReportDeadline.objects.create(year=YEAR, deadline=timezone.now() - timedelta(hours=1))
    client.force_login(office_user)
    assert client.post(edit_url("cadre", cadre.pk), report_data(assigned)).status_code == 302
    overview = client.get(reverse("cycle_admin:reports"), {"year": YEAR})
    states = {
        row["cadre"].pk if row["cadre"] else f"team{row['team'].pk}": row["state"]
        for row in overview.context["page_obj"]
    }
    assert states[cadre.pk] == "late"
    assert states[f"team{team.pk}"] == "missing"
    missing = client.get(reverse("cycle_admin:reports"), {"year": YEAR, "state": "missing"}).content.decode()
    assert team.name in missing and cadre.name not in missing


def test_cycle3_office_dashboard_counts_missing_reports(client, office_user, team):
    client.force_login(office_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("cycle_admin:reports") in html
    # The panel is one of Wagtail's dashboard panels: its heading inside the panel's own header.
    panel = html[html.index('id="cycle-reports-section"') :]
    panel = panel[: panel.index("</section>")]
    assert "w-panel--dashboard" in html[html.rindex("<section", 0, html.index('id="cycle-reports-section"')) :][:300]
    assert "w-panel__heading" in panel and "述职报告" in panel and "个未提交" in panel


def test_cycle3_unit_admin_writes_for_own_team_but_not_another_units(client, unit_admin, team, other_cadre, goal):
    client.force_login(unit_admin)
    assert client.get(edit_url("team", team.pk)).status_code == 200
    assert client.post(edit_url("cadre", other_cadre.pk), report_data(goal)).status_code == 403
    assert not WorkReport.objects.filter(cadre=other_cadre).exists()
    overview = client.get(reverse("cycle_admin:reports"), {"year": YEAR, "unit": other_cadre.unit_id})
    assert all(row["unit"].pk == unit_admin.unit_id for row in overview.context["page_obj"])


def test_cycle3_sys11_reports_are_read_as_the_rights_table_says(client, cadre, assigned, other_admin, make_user):
    report = WorkReport.objects.create(
        year=YEAR, cadre=cadre, unit=cadre.unit, body="述职内容", status="submitted", submitted_at=timezone.now()
    )
    url = reverse("cycle:report", args=[report.pk])
    assert client.get(url).status_code == 403  # the public
    client.force_login(other_admin)
    assert client.get(url).status_code == 403
    set_right(role_kind(RoleCode.UNIT_ADMIN), Subject.REPORTS, read=Scope.ALL)
    assert "述职内容" in client.get(url).content.decode()
    client.force_login(make_user(RoleCode.ASSESSMENT_GROUP))
    assert "述职内容" in client.get(url).content.decode()
    # A draft is seen only by its writers.
    report.status = WorkReport.Status.DRAFT
    report.save()
    assert client.get(url).status_code == 403


def test_cycle3_report_document_must_be_a_real_document(client, cadre_user, cadre, assigned):
    client.force_login(cadre_user)
    data = report_data(assigned, body="")
    data["document"] = SimpleUploadedFile("述职报告.pdf", b"<script>alert(1)</script>")
    response = client.post(edit_url("cadre", cadre.pk), data)
    assert response.status_code == 400 and not WorkReport.objects.exists()
    data["document"] = SimpleUploadedFile("述职报告.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(edit_url("cadre", cadre.pk), data).status_code == 302
    report = WorkReport.objects.get()
    response = client.get(reverse("cycle:report_document", args=[report.pk]))
    assert response.status_code == 200


def test_cycle3_cycle4_a_reports_text_is_escaped_wherever_it_is_shown(client, office_user, cadre, assigned):
    """The body is plain text: markup typed into it shows as text on the report's page and on
    the assessment group's screen, and never runs."""
    from tests.factories import MembershipFactory

    MembershipFactory(cadre=cadre)
    report = WorkReport.objects.create(
        year=YEAR,
        cadre=cadre,
        unit=cadre.unit,
        body='<script>alert("x")</script><b>加粗</b>',
        overall_reasons="<img src=x onerror=alert(1)>",
        status="submitted",
        submitted_at=timezone.now(),
    )
    client.force_login(office_user)
    for url in (
        reverse("cycle:report", args=[report.pk]),
        reverse("cycle_admin:inspection", args=[YEAR, "cadre", cadre.pk]),
    ):
        page = client.get(url).content.decode()
        assert '<script>alert("x")' not in page and "<b>加粗</b>" not in page, url
        assert "&lt;script&gt;" in page and "&lt;b&gt;加粗&lt;/b&gt;" in page, url
        assert "<img src=x" not in page, url

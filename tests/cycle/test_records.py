"""CYCLE-2: work records by a cadre or by the unit administrator for them, with goals and
attachments; a timeline per cadre and per unit by month and goal; read as SYS-11's table says."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.access.kinds import PUBLIC, role_kind
from kaohe.access.models import Scope, Subject
from kaohe.core.roles import RoleCode
from kaohe.cycle.models import WorkRecord, WorkRecordAttachment
from tests.access.helpers import set_right
from tests.cycle.factories import WorkRecordFactory

pytestmark = pytest.mark.django_db
ADD = reverse("wagtailsnippets_cycle_workrecord:add")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def admin_form(**values):
    data = {
        "date": "2026-03-10",
        "team": "",
        "cadre": "",
        "content": "召开项目推进会，协调解决用地问题",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "5",
    }
    data.update(values)
    return data


@pytest.fixture
def cadre_user(make_user, cadre, unit):
    return make_user(RoleCode.CADRE, unit=unit, cadre=cadre)


def test_cycle2_unit_admin_records_for_their_cadre_with_goal_and_attachment(client, unit_admin, cadre, goal):
    client.force_login(unit_admin)
    data = admin_form(
        cadre=cadre.pk,
        goals=[goal.pk],
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "会议纪要",
            "attachments-0-file": SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf"),
            "attachments-0-ORDER": "1",
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["form"].errors
    record = WorkRecord.objects.get()
    assert record.cadre == cadre and record.unit_id == cadre.unit_id and record.created_by == unit_admin
    assert list(record.goals.all()) == [goal]
    attachment = record.attachments.get()
    assert attachment.title == "会议纪要" and "纪要" not in attachment.file.name  # stored under a random name


def test_cycle2_record_on_another_units_cadre_is_refused(client, unit_admin, other_cadre):
    client.force_login(unit_admin)
    response = client.post(ADD, admin_form(cadre=other_cadre.pk))
    assert response.status_code == 200 and response.context["form"].errors
    assert not WorkRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.exe", b"MZ\x90\x00", "extension"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not a real"),
        ("photo.png", b"\xff\xd8\xff\xe0JFIF", "not a real"),
    ],
)
def test_cycle2_disallowed_attachments_are_refused_and_nothing_saved(client, unit_admin, cadre, name, content, reason):
    client.force_login(unit_admin)
    data = admin_form(
        cadre=cadre.pk,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "附件",
            "attachments-0-file": SimpleUploadedFile(name, content),
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert not WorkRecord.objects.exists()


def test_cycle2_oversize_attachment_is_refused_with_a_message(client, cadre_user, settings):
    settings.CYCLE_ATTACHMENT_MAX_MB = 1
    client.force_login(cadre_user)
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = client.post(reverse("cycle:own_records"), {"date": "2026-03-01", "content": "走访企业", "files": [big]})
    assert response.status_code == 400
    assert "1 MB" in response.content.decode()
    assert not WorkRecord.objects.exists()


def test_cycle2_a_cadre_records_their_own_work_on_the_portal(client, cadre_user, cadre, goal):
    client.force_login(cadre_user)
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.txt", "进度表".encode())]
    response = client.post(
        reverse("cycle:own_records"),
        {"date": "2026-03-01", "content": "走访企业5家", "goals": [goal.pk], "files": files},
    )
    assert response.status_code == 302
    record = WorkRecord.objects.get()
    assert record.cadre == cadre and record.created_by == cadre_user
    assert record.attachments.count() == 2
    # A future date is refused.
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = client.post(reverse("cycle:own_records"), {"date": tomorrow, "content": "未来的工作"})
    assert response.status_code == 400 and WorkRecord.objects.count() == 1


def test_cycle2_people_without_a_cadre_record_cannot_use_the_own_records_page(client, unit_admin):
    client.force_login(unit_admin)
    assert client.get(reverse("cycle:own_records")).status_code == 403


def test_cycle2_timeline_per_cadre_filters_by_month_and_goal(client, office_user, cadre, goal):
    march = WorkRecordFactory(cadre=cadre, date=date(2026, 3, 2), content="三月走访企业")
    march.goals.add(goal)
    WorkRecordFactory(cadre=cadre, date=date(2026, 4, 9), content="四月召开推进会")
    client.force_login(office_user)
    url = reverse("cycle:cadre_records", args=[cadre.pk])
    page = client.get(url).content.decode()
    assert page.index("四月召开推进会") < page.index("三月走访企业")  # newest first
    assert "三月走访企业" not in client.get(url, {"month": "2026-04"}).content.decode()
    by_goal = client.get(url, {"goal": goal.pk}).content.decode()
    assert "三月走访企业" in by_goal and "四月召开推进会" not in by_goal


def test_cycle2_unit_timeline_has_team_and_cadre_records(client, unit_admin, unit, team, cadre):
    WorkRecordFactory(cadre=None, team=team, unit=unit, content="班子集体学习")
    WorkRecordFactory(cadre=cadre, content="个人走访")
    client.force_login(unit_admin)
    url = reverse("cycle:unit_records", args=[unit.pk])
    page = client.get(url).content.decode()
    assert "班子集体学习" in page and "个人走访" in page
    team_only = client.get(url, {"team": "1"}).content.decode()
    assert "班子集体学习" in team_only and "个人走访" not in team_only


def test_cycle2_sys11_records_follow_the_rights_table(client, unit, cadre, other_admin, make_user):
    record = WorkRecordFactory(cadre=cadre, content="个人走访")
    url = reverse("cycle:cadre_records", args=[cadre.pk])
    # By default the public and other units do not read records; county leaders do.
    assert client.get(url).status_code == 403
    client.force_login(other_admin)
    assert client.get(url).status_code == 403
    assert client.get(reverse("cycle:unit_records", args=[unit.pk])).status_code == 403
    client.force_login(make_user(RoleCode.COUNTY_LEADER))
    assert "个人走访" in client.get(url).content.decode()
    # The office opens records to unit administrators of every unit, and to the public.
    set_right(role_kind(RoleCode.UNIT_ADMIN), Subject.RECORDS, read=Scope.ALL)
    client.force_login(other_admin)
    assert "个人走访" in client.get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 403
    set_right(PUBLIC, Subject.RECORDS, read=Scope.ALL)
    assert "个人走访" in client.get(url).content.decode()
    assert record.pk


def test_cycle2_attachments_are_served_only_to_readers(client, cadre, unit_admin, other_admin):
    record = WorkRecordFactory(cadre=cadre)
    attachment = WorkRecordAttachment.objects.create(record=record, title="纪要", file=SimpleUploadedFile("x.pdf", PDF))
    url = reverse("cycle:record_attachment", args=[attachment.pk])
    client.force_login(other_admin)
    assert client.get(url).status_code == 403
    client.force_login(unit_admin)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_cycle2_timeline_queries_do_not_grow_with_records(client, office_user, cadre, goal):
    client.force_login(office_user)
    url = reverse("cycle:cadre_records", args=[cadre.pk])

    def queries_with(count: int) -> int:
        for day in range(1, count + 1):
            record = WorkRecordFactory(cadre=cadre, date=date(2026, 3, day))
            record.goals.add(goal)
            WorkRecordAttachment.objects.create(record=record, title="纪要", file=SimpleUploadedFile("x.pdf", PDF))
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.content.decode().count("timeline__entry") == WorkRecord.objects.count()
        return len(context)

    few = queries_with(2)
    assert queries_with(20) == few


def test_cycle2_a_unit_records_the_teams_work_and_not_another_units_team(client, unit_admin, team, other_unit):
    from tests.factories import TeamFactory

    client.force_login(unit_admin)
    response = client.post(ADD, admin_form(team=team.pk, content="班子集体调研重点项目"))
    assert response.status_code == 302
    record = WorkRecord.objects.get()
    assert record.team == team and record.cadre is None and record.unit_id == team.unit_id
    response = client.post(ADD, admin_form(team=TeamFactory(unit=other_unit).pk, content="越权记录"))
    assert response.status_code == 200 and response.context["form"].errors
    assert WorkRecord.objects.count() == 1

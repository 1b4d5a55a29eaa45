"""CYCLE-4: the office assigns units to assessment work groups; a member sees only their
group's units, one screen per team and cadre, and records the group's opinion and score; the
leader confirms; the office sees every group's progress; confirmed scores feed the results."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from kaohe.cycle.models import Inspection, QuarterlyGrade, WorkReport
from kaohe.cycle.selectors import inspection_scores
from kaohe.org.models import WorkGroup
from tests.cycle.factories import CommitmentFactory, WorkRecordFactory
from tests.factories import MembershipFactory, WorkGroupFactory, WorkGroupMemberFactory
from tests.goals.factories import AssignmentFactory, ProgressEntryFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def group(unit):
    group = WorkGroupFactory(name="第一考核组", kind=WorkGroup.Kind.ASSESSMENT, year=YEAR)
    group.units.add(unit)
    group.save()  # units is a ParentalManyToManyField: saved with the group
    return group


@pytest.fixture
def other_group(other_unit):
    group = WorkGroupFactory(name="第二考核组", kind=WorkGroup.Kind.ASSESSMENT, year=YEAR)
    group.units.add(other_unit)
    group.save()
    return group


@pytest.fixture
def member(make_user, group):
    user = make_user(RoleCode.ASSESSMENT_GROUP, name="组员甲")
    WorkGroupMemberFactory(group=group, user=user, name="组员甲", post="成员")
    return user


@pytest.fixture
def leader(make_user, group):
    user = make_user(RoleCode.ASSESSMENT_GROUP, name="组长乙")
    WorkGroupMemberFactory(group=group, user=user, name="组长乙", post="组长")
    return user


@pytest.fixture
def seated(team, cadre):
    MembershipFactory(team=team, cadre=cadre)
    return cadre


def screen(kind, pk, year=YEAR):
    return reverse("cycle_admin:inspection", args=[year, kind, pk])


def denied(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def test_cycle4_member_sees_only_their_groups_units(client, member, seated, team, other_unit, other_group):
    other_cadre = MembershipFactory(team__unit=other_unit).cadre
    client.force_login(member)
    page = client.get(reverse("cycle_admin:inspections"), {"year": YEAR})
    names = {target.name for target, _done in page.context["page_obj"]}
    assert names == {team.name, seated.name}
    assert other_cadre.name not in page.content.decode()
    assert denied(client.get(screen("cadre", other_cadre.pk)))


def test_cycle4_one_screen_shows_goals_records_commitments_report(client, member, seated, goal):
    AssignmentFactory(goal=goal, cadre=seated)
    WorkRecordFactory(cadre=seated, content="走访企业十家")
    CommitmentFactory(cadre=seated, text="年内建成审批专区")
    WorkReport.objects.create(year=YEAR, cadre=seated, unit=seated.unit, body="一年来的述职", status="submitted")
    client.force_login(member)
    page = client.get(screen("cadre", seated.pk)).content.decode()
    for text in (goal.name, "走访企业十家", "年内建成审批专区", "一年来的述职"):
        assert text in page


def test_cycle4_member_records_leader_confirms_then_it_is_final(client, member, leader, seated):
    client.force_login(member)
    response = client.post(screen("cadre", seated.pk), {"opinion": "工作扎实", "score": "92.5", "grade": "excellent"})
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.score == Decimal("92.5") and inspection.recorded_by == member
    assert inspection_scores(year=YEAR) == {}  # not counted before the leader confirms
    # A member cannot confirm.
    assert denied(client.post(screen("cadre", seated.pk), {"action": "confirm"}))
    client.force_login(leader)
    client.post(screen("cadre", seated.pk), {"action": "confirm"})
    inspection.refresh_from_db()
    assert inspection.is_confirmed and inspection.confirmed_by == leader
    assert inspection_scores(year=YEAR)[("cadre", seated.pk)]["score"] == Decimal("92.5")
    client.force_login(member)
    assert denied(client.post(screen("cadre", seated.pk), {"opinion": "改", "score": "60"}))
    inspection.refresh_from_db()
    assert inspection.score == Decimal("92.5")


def test_cycle4_score_from_a_member_of_another_group_is_refused(client, make_user, other_group, seated):
    stranger = make_user(RoleCode.ASSESSMENT_GROUP)
    WorkGroupMemberFactory(group=other_group, user=stranger, post="组长")
    client.force_login(stranger)
    response = client.post(screen("cadre", seated.pk), {"opinion": "越权", "score": "50"})
    assert denied(response)
    assert not Inspection.objects.exists()


def test_cycle4_bad_scores_are_refused_with_a_message(client, member, team):
    client.force_login(member)
    response = client.post(screen("team", team.pk), {"opinion": "班子团结", "score": "120"})
    assert response.status_code == 400 and "score" in response.context["form"].errors
    response = client.post(screen("team", team.pk), {"opinion": "班子团结", "score": "", "grade": ""})
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not Inspection.objects.exists()


def test_cycle4_people_outside_the_groups_and_the_unit_admin_cannot_open_inspection(client, unit_admin, team):
    client.force_login(unit_admin)
    assert denied(client.get(reverse("cycle_admin:inspections")))
    assert denied(client.get(screen("team", team.pk)))


def test_cycle4_office_sees_every_groups_progress_read_only(client, office_user, member, leader, seated, other_group):
    Inspection.objects.create(
        year=YEAR,
        cadre=seated,
        unit=seated.unit,
        group=member.work_group_memberships.get().group,
        opinion="好",
        score=90,
    )
    client.force_login(office_user)
    page = client.get(reverse("cycle_admin:inspections"), {"year": YEAR})
    progress = {
        row["group"].name: (row["targets"], row["recorded"], row["confirmed"]) for row in page.context["progress"]
    }
    assert progress["第一考核组"] == (2, 1, 0)
    assert progress["第二考核组"][1] == 0
    target = client.get(screen("cadre", seated.pk))
    assert target.status_code == 200 and not target.context["may_record"]
    assert denied(client.post(screen("cadre", seated.pk), {"opinion": "考核办改", "score": "10"}))


def test_cycle4_cycle5_the_groups_screen_shows_the_quarters_grades_beside_progress(client, member, seated, goal):
    """The year's quarterly grades stand on the cadre's screen next to the goals' progress."""
    AssignmentFactory(goal=goal, cadre=seated)
    ProgressEntryFactory(report=ProgressReportFactory(plan=goal.plan, period="Q1"), goal=goal, work_done="开工三个项目")
    QuarterlyGrade.objects.create(
        year=YEAR, quarter=1, cadre=seated, unit=seated.unit, grade="good", comment="推进有力"
    )
    QuarterlyGrade.objects.create(year=YEAR, quarter=2, cadre=seated, unit=seated.unit, grade="average")
    client.force_login(member)
    response = client.get(screen("cadre", seated.pk))
    assert [grade.grade if grade else None for _quarter, grade in response.context["quarters"]] == [
        "good",
        "average",
        None,
        None,
    ]
    page = response.content.decode()
    assert "开工三个项目" in page
    quarterly = page.index("推进有力")
    assert "好" in page[quarterly - 40 : quarterly] and "一般" in page[quarterly:]

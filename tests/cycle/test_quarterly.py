"""CYCLE-5: each quarter the people the office names (by default the unit's principal leader
for its cadres, the office for teams) grade teams and cadres 好/较好/一般/较差 with a comment;
the grades show over the year on the cadre's page and the group's screen."""

from datetime import date

import pytest
from django.urls import reverse

from kaohe.access.kinds import role_kind
from kaohe.access.models import Scope, Subject
from kaohe.core.roles import RoleCode
from kaohe.cycle.inspection import Target
from kaohe.cycle.models import QuarterlyGrade, QuarterlyGrader
from kaohe.cycle.services import quarterly_grades_save
from tests.access.helpers import set_right
from tests.factories import CadreFactory, MembershipFactory

pytestmark = pytest.mark.django_db
URL = reverse("cycle:quarterly")


@pytest.fixture
def principal(make_user, team, unit):
    boss = CadreFactory(unit=unit, name="张书记")
    MembershipFactory(team=team, cadre=boss, party_post="党组书记", administrative_post="局长")
    return make_user(RoleCode.TEAM_MEMBER, unit=unit, cadre=boss)


@pytest.fixture
def deputy(team, cadre):
    MembershipFactory(team=team, cadre=cadre, party_post="党组成员", administrative_post="副局长")
    return cadre


def grade_field(cadre, name="grade"):
    return f"g-cadre-{cadre.pk}-{name}"


def test_cycle5_principal_leader_grades_the_units_cadres_but_not_themselves(client, principal, deputy):
    client.force_login(principal)
    page = client.get(URL, {"year": 2026, "quarter": 1})
    names = {row["target"].name for row in page.context["rows"]}
    assert names == {deputy.name}  # not the team (the office's), not themselves
    response = client.post(
        f"{URL}?year=2026&quarter=1", {grade_field(deputy): "fairly_good", grade_field(deputy, "comment"): "进度较快"}
    )
    assert response.status_code == 302
    grade = QuarterlyGrade.objects.get()
    assert (grade.cadre, grade.quarter, grade.grade, grade.comment) == (deputy, 1, "fairly_good", "进度较快")
    assert grade.graded_by == principal


def test_cycle5_a_cadre_who_leads_nothing_cannot_grade(client, make_user, deputy, unit, principal):
    user = make_user(RoleCode.CADRE, unit=unit, cadre=deputy)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    client.post(f"{URL}?year=2026&quarter=1", {f"g-cadre-{principal.cadre_id}-grade": "poor"})
    assert not QuarterlyGrade.objects.exists()


def test_cycle5_office_names_another_grader_who_replaces_the_principal(client, principal, deputy, make_user, unit):
    named = make_user(RoleCode.COUNTY_LEADER)
    QuarterlyGrader.objects.create(unit=unit, user=named, grades_team=True, grades_cadres=True)
    client.force_login(principal)
    assert client.get(URL, {"year": 2026, "quarter": 1}).status_code == 403
    client.force_login(named)
    rows = client.get(URL, {"year": 2026, "quarter": 1}).context["rows"]
    assert {row["target"].kind for row in rows} == {"team", "cadre"}


def test_cycle5_office_grades_teams(client, office_user, team):
    client.force_login(office_user)
    response = client.post(f"{URL}?year=2026&quarter=2&unit={team.unit_id}", {f"g-team-{team.pk}-grade": "good"})
    assert response.status_code == 302
    assert QuarterlyGrade.objects.get().team == team


def test_cycle5_a_quarter_not_yet_started_is_refused(deputy, principal, unit):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        quarterly_grades_save(
            user=principal,
            year=2026,
            quarter=4,
            rows=[(Target(unit=unit, cadre=deputy), "good", "")],
            today=date(2026, 9, 30),
        )
    assert not QuarterlyGrade.objects.exists()


def test_cycle5_grades_show_over_the_year_to_readers_the_table_allows(client, deputy, unit, other_admin, make_user):
    for quarter, grade in ((1, "good"), (2, "average"), (3, "fairly_good")):
        QuarterlyGrade.objects.create(year=date.today().year, quarter=quarter, cadre=deputy, unit=unit, grade=grade)
    client.force_login(make_user(RoleCode.COUNTY_LEADER))
    page = client.get(reverse("cycle:cadre_records", args=[deputy.pk]))
    shown = [grade.grade if grade else None for _quarter, grade in page.context["quarters"]]
    assert shown == ["good", "average", "fairly_good", None]
    assert "较好" in page.content.decode()
    # Unit administrators of other units read records once opened to them, but not quarterly grades.
    set_right(role_kind(RoleCode.UNIT_ADMIN), Subject.RECORDS, read=Scope.ALL)
    client.force_login(other_admin)
    page = client.get(reverse("cycle:cadre_records", args=[deputy.pk]))
    assert page.status_code == 200 and page.context["quarters"] == []

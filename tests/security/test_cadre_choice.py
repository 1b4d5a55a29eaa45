"""A unit administrator picks only their own unit's cadres, wherever a cadre is chosen, and the
identifiers that link records to the cadre-management system are the office's (SYS-2, SYS-3,
GOAL-5, SYS-7; issue 12 item 7).

The finding: a unit administrator added another unit's cadre to their own team (membership form
and the team's member inline), then gave them goals that feed that cadre's score, and changed a
cadre's ``external_id`` and ``is_active``, which remaps whose results go back to the
cadre-management system.
"""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from kaohe.goals.models import Assignment
from kaohe.org.models import Cadre, Membership, Team
from tests.factories import CadreFactory, MembershipFactory, TeamFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory, role

pytestmark = pytest.mark.django_db
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def seat(cadre, **overrides):
    row = {
        "cadre": cadre.pk,
        "party_post": "党组成员",
        "administrative_post": "副局长",
        "post_group": "",
        "work_in_charge": "",
        "departments_in_charge": "",
        "telephone": "",
        "start_date": "2026-01-01",
        "end_date": "",
        "external_id": "",
    }
    return row | overrides


@pytest.fixture
def team(unit):
    return TeamFactory(unit=unit, name="县发展和改革局领导班子", external_id="TEAM-1")


@pytest.fixture
def outsider(other_unit):
    return CadreFactory(unit=other_unit, name="外单位干部")


@pytest.fixture
def insider(unit):
    return CadreFactory(unit=unit, name="本单位干部", external_id="C-100")


def test_sys2_membership_form_refuses_another_units_cadre(client, unit_admin, team, outsider, insider):
    client.force_login(unit_admin)
    url = reverse("wagtailsnippets_org_membership:add")
    response = client.post(url, {"team": team.pk, **seat(outsider)})
    assert response.status_code == 200
    assert not Membership.objects.exists()
    response = client.post(url, {"team": team.pk, **seat(insider)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get().cadre == insider


def test_sys2_team_member_inline_refuses_another_units_cadre(client, unit_admin, team, outsider):
    client.force_login(unit_admin)
    data = nested_form_data(
        {
            "name": team.name,
            "unit": team.unit_id,
            "team_type": team.team_type,
            "external_id": team.external_id,
            "memberships": inline_formset([seat(outsider)]),
        }
    )
    response = client.post(reverse("wagtailsnippets_org_team:edit", args=[team.pk]), data)
    assert response.status_code == 200
    assert not Membership.objects.exists()


def test_sys2_a_seat_kept_by_a_cadre_who_moved_units_does_not_block_saving_the_team(
    client, unit_admin, team, outsider, insider
):
    """The office's seat for a cadre now working elsewhere stays; the unit adds its own cadre beside it."""
    kept = MembershipFactory(team=team, cadre=outsider)
    client.force_login(unit_admin)
    data = nested_form_data(
        {
            "name": team.name,
            "unit": team.unit_id,
            "team_type": team.team_type,
            "external_id": team.external_id,
            "memberships": inline_formset(
                [seat(outsider, id=kept.pk, start_date=kept.start_date or ""), seat(insider)], initial=1
            ),
        }
    )
    response = client.post(reverse("wagtailsnippets_org_team:edit", args=[team.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(team.memberships.values_list("cadre__name", flat=True)) == {"外单位干部", "本单位干部"}


def test_sys7_cadre_chooser_lists_and_accepts_only_own_units_cadres(client, unit_admin, office_user, outsider, insider):
    client.force_login(unit_admin)
    listing = client.get(reverse("wagtailsnippetchoosers_org_cadre:choose")).json()["html"]
    assert "本单位干部" in listing and "外单位干部" not in listing
    results = client.get(reverse("wagtailsnippetchoosers_org_cadre:choose_results"), {"q": "干部"})
    assert "外单位干部" not in results.content.decode()
    chosen = client.get(reverse("wagtailsnippetchoosers_org_cadre:chosen", args=[outsider.pk]))
    assert chosen.status_code == 404
    client.force_login(office_user)
    listing = client.get(reverse("wagtailsnippetchoosers_org_cadre:choose")).json()["html"]
    assert "本单位干部" in listing and "外单位干部" in listing


def test_goal5_unit_admin_cannot_give_goals_to_another_units_cadre_in_their_team(
    client, unit_admin, office_user, unit, team, outsider, insider
):
    """Even when the office seated them in the team, another unit's cadre is not the unit administrator's to pick."""
    MembershipFactory(team=team, cadre=outsider)
    MembershipFactory(team=team, cadre=insider)
    goal = GoalFactory(plan=GoalPlanFactory(unit=unit, year=2026))
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-cadre": outsider.pk, "form-0-role": role().pk}
    url = reverse("goals_admin:goal_assign", args=[goal.pk])
    client.force_login(unit_admin)
    page = client.get(url, **FETCH).content.decode()
    assert "本单位干部" in page and "外单位干部" not in page
    assert client.post(url, data, **FETCH).status_code == 400
    assert not Assignment.objects.exists()
    client.force_login(office_user)
    assert client.post(url, data, **FETCH).json()["ok"]
    # What the office set survives the unit administrator saving the decomposition again.
    client.force_login(unit_admin)
    data |= {"form-INITIAL_FORMS": "1", "form-TOTAL_FORMS": "2", "form-1-cadre": insider.pk, "form-1-role": role().pk}
    assert client.post(url, data, **FETCH).json()["ok"]
    assert set(goal.assignments.values_list("cadre__name", flat=True)) == {"外单位干部", "本单位干部"}


def cadre_form(cadre, **overrides):
    data = {
        "name": cadre.name,
        "sex": cadre.sex or "",
        "birth_date": "",
        "unit": cadre.unit_id,
        "position": cadre.position or "",
        "rank": cadre.rank or "",
        "profession": "",
        "education": "",
        "id_number": cadre.id_number or "",
        "ethnicity": "",
        "native_place": "",
        "external_id": cadre.external_id or "",
        "is_active": "on" if cadre.is_active else "",
    }
    return data | overrides


def test_sys3_cadre_identifier_and_active_flag_are_the_offices(client, unit_admin, office_user, insider):
    client.force_login(unit_admin)
    url = reverse("wagtailsnippets_org_cadre:edit", args=[insider.pk])
    page = client.get(url).content.decode()
    assert "此项只能由考核办修改" in page
    response = client.post(url, cadre_form(insider, external_id="C-999", is_active="", position="副局长"))
    assert response.status_code == 302, response.content.decode()[:2000]
    insider.refresh_from_db()
    assert (insider.external_id, insider.is_active, insider.position) == ("C-100", True, "副局长")
    client.force_login(office_user)
    client.post(url, cadre_form(insider, external_id="C-999"))
    assert Cadre.objects.get(pk=insider.pk).external_id == "C-999"


def test_sys3_team_and_seat_identifiers_are_the_offices(client, unit_admin, team, insider):
    kept = MembershipFactory(team=team, cadre=insider, external_id="M-1")
    client.force_login(unit_admin)
    data = nested_form_data(
        {
            "name": "改名班子",
            "unit": team.unit_id,
            "team_type": team.team_type,
            "external_id": "TEAM-X",
            "memberships": inline_formset(
                [seat(insider, id=kept.pk, external_id="M-X", start_date=kept.start_date or "")], initial=1
            ),
        }
    )
    response = client.post(reverse("wagtailsnippets_org_team:edit", args=[team.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    team = Team.objects.get(pk=team.pk)
    assert (team.name, team.external_id) == ("改名班子", "TEAM-1")
    assert Membership.objects.get(pk=kept.pk).external_id == "M-1"
    response = client.post(
        reverse("wagtailsnippets_org_membership:edit", args=[kept.pk]),
        {"team": team.pk, **seat(insider, external_id="M-Y")},
    )
    assert Membership.objects.get(pk=kept.pk).external_id == "M-1"

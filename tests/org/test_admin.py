"""SYS-1, SYS-2, SYS-4: the assessment office keeps organisation data in the admin.

Bad input (duplicate names, overlapping seats, a membership ending before it
starts) gets a message in the form and changes nothing.
"""

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from kaohe.org.models import Membership, Team, Unit, WorkGroup
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory

pytestmark = pytest.mark.django_db


def unit_form(kind, **overrides):
    data = {
        "name": "县审计局",
        "short_name": "审计局",
        "kind": kind.pk,
        "parent": "",
        "duties": "负责全县财政财务收支审计。",
        "internal_organisation": "财政审计股\n投资审计股",
        "contact_person": "钱文华",
        "contact_phone": "0797-6201234",
        "contact_email": "",
        "address": "府前路8号",
        "external_id": "",
        "sort_order": 3,
        "is_active": "on",
    }
    data.update(overrides)
    return data


def membership_row(cadre, **overrides):
    row = {
        "cadre": cadre.pk,
        "party_post": "党组书记",
        "administrative_post": "局长",
        "work_in_charge": "主持全面工作",
        "departments_in_charge": "办公室",
        "telephone": "13900000000",
        "start_date": "2024-01-01",
        "end_date": "",
        "external_id": "",
    }
    row.update(overrides)
    return row


def test_sys1_office_creates_a_unit_with_duties_organisation_and_contacts(client, office_user):
    """SYS-1: the office adds a unit with its duties, internal organisation and contacts; the change is logged."""
    kind = UnitKindFactory(name="县政府工作部门")
    client.force_login(office_user)
    response = client.post(reverse("wagtailsnippets_org_unit:add"), unit_form(kind))
    assert response.status_code == 302
    unit = Unit.objects.get(name="县审计局")
    assert unit.internal_organisation_lines == ["财政审计股", "投资审计股"]
    assert unit.contact_person == "钱文华"
    entry = ModelLogEntry.objects.get(object_id=str(unit.pk), action="wagtail.create")
    assert entry.user == office_user


def test_sys1_duplicate_unit_name_under_the_same_parent_is_refused(client, office_user):
    """SYS-1: a second 县审计局 at the top level gets a clear message and is not saved."""
    kind = UnitKindFactory()
    UnitFactory(name="县审计局", kind=kind)
    client.force_login(office_user)
    response = client.post(reverse("wagtailsnippets_org_unit:add"), unit_form(kind))
    assert response.status_code == 200
    assert (
        "A top-level unit with this name already exists." in response.content.decode()
        or "同名" in response.content.decode()
    )
    assert Unit.objects.filter(name="县审计局").count() == 1


def test_sys1_same_name_under_different_parents_is_allowed(client, office_user):
    """SYS-1: two towns may each have an office called 党政综合办公室."""
    kind = UnitKindFactory()
    town_a, town_b = UnitFactory(name="青山镇", kind=kind), UnitFactory(name="河口镇", kind=kind)
    UnitFactory(name="党政综合办公室", kind=kind, parent=town_a)
    client.force_login(office_user)
    response = client.post(
        reverse("wagtailsnippets_org_unit:add"), unit_form(kind, name="党政综合办公室", parent=town_b.pk)
    )
    assert response.status_code == 302
    assert Unit.objects.filter(name="党政综合办公室").count() == 2


def test_sys2_team_with_members_posts_and_division_of_work(client, office_user, unit):
    """SYS-2: a team is saved with its members' party and administrative posts, work and departments in charge."""
    chief, deputy = CadreFactory(name="郑海燕", unit=unit), CadreFactory(name="孙志强", unit=unit)
    client.force_login(office_user)
    data = nested_form_data(
        {
            "name": "县发展和改革局领导班子",
            "unit": unit.pk,
            "team_type": Team.TeamType.PARTY,
            "external_id": "",
            "memberships": inline_formset(
                [
                    membership_row(chief),
                    membership_row(
                        deputy,
                        party_post="党组成员",
                        administrative_post="副局长",
                        work_in_charge="分管重点项目",
                        departments_in_charge="重点项目办",
                    ),
                ]
            ),
        }
    )
    response = client.post(reverse("wagtailsnippets_org_team:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    team = Team.objects.get(name="县发展和改革局领导班子")
    seats = {m.cadre.name: m for m in team.memberships.all()}
    assert seats["孙志强"].administrative_post == "副局长"
    assert seats["孙志强"].departments_in_charge == "重点项目办"


def test_sys2_membership_ending_before_it_starts_is_refused(client, office_user, unit):
    """SYS-2: an end date before the start date is refused with a message; nothing is saved."""
    team = TeamFactory(unit=unit)
    cadre = CadreFactory(unit=unit)
    client.force_login(office_user)
    response = client.post(
        reverse("wagtailsnippets_org_membership:add"),
        {"team": team.pk, **membership_row(cadre, start_date="2025-06-01", end_date="2025-01-01")},
    )
    assert response.status_code == 200
    assert (
        "A membership cannot end before it starts." in response.content.decode() or "早于" in response.content.decode()
    )
    assert not Membership.objects.exists()


def test_sys2_cadre_cannot_hold_the_same_post_in_two_teams_at_once(client, office_user, unit, other_unit):
    """SYS-2: a cadre already 局长 of one team cannot be 局长 of another team in the same period."""
    cadre = CadreFactory(name="郑海燕", unit=unit)
    MembershipFactory(team=TeamFactory(unit=unit), cadre=cadre, administrative_post="局长", start_date=date(2024, 1, 1))
    other_team = TeamFactory(unit=other_unit)
    client.force_login(office_user)
    response = client.post(
        reverse("wagtailsnippets_org_membership:add"),
        {
            "team": other_team.pk,
            **membership_row(cadre, party_post="", administrative_post="局长", start_date="2025-01-01"),
        },
    )
    assert response.status_code == 200
    assert "郑海燕" in response.content.decode()
    assert Membership.objects.filter(team=other_team).count() == 0
    # After the first seat ends, the same post elsewhere is fine.
    Membership.objects.filter(cadre=cadre).update(end_date=date(2024, 12, 31))
    response = client.post(
        reverse("wagtailsnippets_org_membership:add"),
        {
            "team": other_team.pk,
            **membership_row(cadre, party_post="", administrative_post="局长", start_date="2025-01-01"),
        },
    )
    assert response.status_code == 302


def test_sys2_same_cadre_twice_in_one_team_submission_is_refused(client, office_user, unit):
    """SYS-2: listing one cadre twice in the same team form gets a message and saves nothing."""
    cadre = CadreFactory(name="孙志强", unit=unit)
    client.force_login(office_user)
    data = nested_form_data(
        {
            "name": "重复班子",
            "unit": unit.pk,
            "team_type": Team.TeamType.PARTY,
            "external_id": "",
            "memberships": inline_formset(
                [membership_row(cadre), membership_row(cadre, administrative_post="副局长", party_post="")]
            ),
        }
    )
    response = client.post(reverse("wagtailsnippets_org_team:add"), data)
    assert response.status_code == 200
    assert not Team.objects.filter(name="重复班子").exists()


def test_sys4_work_group_with_members_posts_and_assigned_units(client, office_user, unit, other_unit):
    """SYS-4: an assessment work group is kept with its duties, members, their posts and the units it covers."""
    client.force_login(office_user)
    data = nested_form_data(
        {
            "name": "第五考核工作组",
            "kind": WorkGroup.Kind.ASSESSMENT,
            "year": 2026,
            "duties": "负责经济部门考核。",
            "members": inline_formset(
                [
                    {
                        "name": "钱文华",
                        "user": "",
                        "post": "组长",
                        "duties": "统筹协调",
                        "unit_and_position": "县委组织部副部长",
                        "telephone": "",
                    },
                    {
                        "name": "孙丽娟",
                        "user": "",
                        "post": "成员",
                        "duties": "材料审核",
                        "unit_and_position": "县考核办干部",
                        "telephone": "",
                    },
                ]
            ),
        }
    )
    data["units"] = [unit.pk, other_unit.pk]
    response = client.post(reverse("wagtailsnippets_org_workgroup:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    group = WorkGroup.objects.get(name="第五考核工作组")
    assert [m.post for m in group.members.all()] == ["组长", "成员"]
    assert set(group.units.all()) == {unit, other_unit}


def test_sys1_unit_list_searches_filters_and_exports_a_spreadsheet(client, office_user):
    """SYS-1: the unit list finds units by a Chinese word, filters by kind, and exports to Excel."""
    towns, departments = UnitKindFactory(name="乡镇"), UnitKindFactory(name="县政府工作部门")
    UnitFactory(name="青山镇", kind=towns)
    UnitFactory(name="县水利局", kind=departments)
    client.force_login(office_user)
    url = reverse("wagtailsnippets_org_unit:list")
    found = client.get(url, {"q": "水利"}).content.decode()
    assert "县水利局" in found and "青山镇" not in found
    filtered = client.get(url, {"kind": towns.pk}).content.decode()
    assert "青山镇" in filtered and "县水利局" not in filtered
    export = client.get(url, {"export": "xlsx"})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(b"".join(export.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert {"青山镇", "县水利局"} <= set(names)


def test_sys2_unit_admin_adds_teams_only_to_own_unit(client, unit_admin, unit, other_unit):
    """SYS-2/SYS-7: a unit administrator's team form offers only their own unit; another unit is refused."""
    client.force_login(unit_admin)
    form_page = client.get(reverse("wagtailsnippets_org_team:add")).content.decode()
    assert unit.name in form_page and other_unit.name not in form_page
    data = nested_form_data(
        {
            "name": "越权班子",
            "unit": other_unit.pk,
            "team_type": Team.TeamType.PARTY,
            "external_id": "",
            "memberships": inline_formset([]),
        }
    )
    response = client.post(reverse("wagtailsnippets_org_team:add"), data)
    assert response.status_code == 200
    assert not Team.objects.filter(name="越权班子").exists()

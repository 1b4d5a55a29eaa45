"""PORTAL-1, SYS-1, SYS-2: the public reads units by kind and each unit's page."""

from datetime import date

import pytest

from tests.factories import MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory

pytestmark = pytest.mark.django_db


def test_portal1_home_page_links_units_and_documents(client):
    """PORTAL-1: the home page shows the kinds of unit and the way to the documents."""
    UnitFactory(name="县水利局", kind=UnitKindFactory(name="县政府工作部门"))
    page = client.get("/").content.decode()
    assert "县政府工作部门" in page
    assert 'href="/units/' in page and 'href="/documents/' in page


def test_portal1_units_are_listed_grouped_by_kind(client):
    """PORTAL-1/SYS-1: the unit list groups units under their kind, in the office's order; inactive units are hidden."""
    towns = UnitKindFactory(name="乡镇", sort_order=2)
    departments = UnitKindFactory(name="县政府工作部门", sort_order=1)
    UnitFactory(name="青山镇", kind=towns)
    UnitFactory(name="县水利局", kind=departments)
    UnitFactory(name="已撤销单位", kind=departments, is_active=False)
    html = client.get("/units/").content.decode()
    assert html.index("县政府工作部门") < html.index("县水利局") < html.index("乡镇") < html.index("青山镇")
    assert "已撤销单位" not in html


def test_portal1_unit_page_shows_duties_organisation_contacts_and_team(client):
    """SYS-1/SYS-2: a unit's page shows duties, internal organisation, contacts and each member's posts and work."""
    unit = UnitFactory(
        name="县水利局",
        duties="负责全县水资源管理。",
        internal_organisation="水资源股\n防汛办",
        contact_person="钱文华",
        contact_phone="0797-6201111",
    )
    team = TeamFactory(unit=unit, name="县水利局领导班子")
    MembershipFactory(
        team=team,
        cadre__name="郑海燕",
        party_post="党组书记",
        administrative_post="局长",
        work_in_charge="主持全面工作",
        departments_in_charge="办公室",
    )
    MembershipFactory(team=team, cadre__name="离任干部", end_date=date(2020, 1, 1), start_date=date(2018, 1, 1))
    html = client.get(f"/units/{unit.pk}/").content.decode()
    for text in (
        "负责全县水资源管理。",
        "防汛办",
        "钱文华",
        "0797-6201111",
        "县水利局领导班子",
        "郑海燕",
        "党组书记",
        "局长",
        "主持全面工作",
        "办公室",
    ):
        assert text in html, text
    assert "离任干部" not in html


def test_portal1_missing_or_inactive_unit_is_not_found(client):
    """PORTAL-1: an unknown or deactivated unit gives the portal's 404 page, not an error."""
    gone = UnitFactory(is_active=False)
    assert client.get(f"/units/{gone.pk}/").status_code == 404
    assert client.get("/units/999999/").status_code == 404


@pytest.mark.parametrize("members", [3, 7])
def test_portal1_unit_page_queries_do_not_grow_with_team_size(client, django_assert_max_num_queries, members):
    """PORTAL-1: the unit page runs the same number of queries for a team of 3 or 7."""
    unit = UnitFactory()
    team = TeamFactory(unit=unit)
    MembershipFactory.create_batch(members, team=team)
    second = TeamFactory(unit=unit, name="第二班子")
    MembershipFactory.create_batch(members, team=second)
    client.get(f"/units/{unit.pk}/")  # warm Wagtail's site and page caches
    # About 11 queries for the page and its teams, plus a few for each section other
    # apps add (goals, comments): bounded, and the same for any team size.
    with django_assert_max_num_queries(20):
        response = client.get(f"/units/{unit.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 2 * members


def test_portal1_unit_page_query_count_is_identical_for_small_and_large_teams(client, django_assert_num_queries):
    """PORTAL-1: exact query count pinned: 3 members and 7 members cost the same."""
    small, large = UnitFactory(), UnitFactory()
    MembershipFactory.create_batch(3, team=TeamFactory(unit=small))
    MembershipFactory.create_batch(7, team=TeamFactory(unit=large))
    client.get(f"/units/{small.pk}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        client.get(f"/units/{small.pk}/")
    with CaptureQueriesContext(connection) as large_queries:
        client.get(f"/units/{large.pk}/")
    assert len(small_queries) == len(large_queries)


def test_portal1_pages_are_in_chinese_by_default_and_english_on_request(client):
    """PORTAL-1: the interface is Simplified Chinese by default; a visitor can switch to English."""
    html = client.get("/units/").content.decode()
    assert 'lang="zh-hans"' in html and "搜索" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    english = client.get("/units/").content.decode()
    assert 'lang="en"' in english and "Search" in english

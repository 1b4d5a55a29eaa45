"""Browser tests of the public portal: a visitor reads a unit page and searches in Chinese."""

import pytest

from tests.factories import MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_portal1_visitor_reads_a_unit_page(page, live_server):
    """PORTAL-1, SYS-1, SYS-2: a visitor goes from the unit list to a unit's duties and leadership team."""
    kind = UnitKindFactory(name="县政府工作部门")
    unit = UnitFactory(
        name="县水利局", kind=kind, duties="负责全县水资源管理和防汛抗旱。", internal_organisation="水资源股\n防汛办"
    )
    team = TeamFactory(unit=unit, name="县水利局领导班子")
    MembershipFactory(
        team=team,
        cadre__name="郑海燕",
        party_post="党组书记",
        administrative_post="局长",
        work_in_charge="主持全面工作",
    )

    page.goto(f"{live_server.url}/units/")
    assert page.get_by_role("heading", name="县政府工作部门").is_visible()
    page.get_by_role("link", name="县水利局").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "县水利局"
    assert page.get_by_text("负责全县水资源管理和防汛抗旱。").is_visible()
    assert page.get_by_text("防汛办").is_visible()
    row = page.get_by_role("row", name="郑海燕")
    assert "党组书记" in row.inner_text() and "局长" in row.inner_text() and "主持全面工作" in row.inner_text()


def test_portal4_visitor_searches_in_chinese(page, live_server):
    """PORTAL-4: typing 水利 into the search box finds the unit whose name contains it."""
    UnitFactory(name="县水利局")
    UnitFactory(name="县教育局")
    page.goto(f"{live_server.url}/")
    page.fill("#site-search-q", "水利")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    results = page.locator("#search-units + .result-list")
    assert "县水利局" in results.inner_text()
    assert "县教育局" not in results.inner_text()

"""PORTAL-4: site search finds the published goals the searcher may see, by Chinese words, with their unit,
year and progress; the goal query (and its word filter) matches the same way."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.core.cjk import search_words
from kaohe.core.roles import RoleCode
from tests.factories import UnitFactory, UserFactory
from tests.goals.factories import (
    GoalFactory,
    GoalPlanFactory,
    GoalTypeFactory,
    ProgressEntryFactory,
    ProgressReportFactory,
    QuantitativeGoalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals():
    water = UnitFactory(name="县水利局")
    plan = GoalPlanFactory(unit=water, year=2026, status="published")
    flood = QuantitativeGoalFactory(plan=plan, name="完成病险水库除险加固", plan_value=Decimal("10"))
    report = ProgressReportFactory(plan=plan, period="Q2", submitted=True)
    ProgressEntryFactory(report=report, goal=flood, actual_value=Decimal("6"))
    GoalFactory(plan=plan, name="水库移民后扶内部考评", goal_type=GoalTypeFactory(name="内部事务", is_public=False))
    draft = GoalPlanFactory(unit=UnitFactory(name="县交通局"), year=2026, status="draft")
    GoalFactory(plan=draft, name="农村公路水库连接线草稿")
    GoalFactory(plan=GoalPlanFactory(unit=water, year=2025, status="published"), name="小型水库安全鉴定")
    GoalFactory(plan=plan, name="河道清淤整治")
    return flood


def goal_section(html: str) -> str:
    start = html.find('id="search-goals"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_portal4_site_search_finds_published_public_goals_with_unit_year_and_progress(client, goals):
    """PORTAL-4: 水库 finds the public goals of published plans, newest year first, each with its unit, year and
    progress; a goal of a non-public type and a draft plan's goal stay hidden from the public."""
    section = goal_section(client.get("/search/", {"q": "水库"}).content.decode())
    assert "完成病险水库除险加固" in section and "小型水库安全鉴定" in section
    assert section.index("完成病险水库除险加固") < section.index("小型水库安全鉴定")
    assert "县水利局" in section and "2026年度" in section and "2025年度" in section
    assert 'aria-valuenow="60"' in section  # 6 of 10 done
    assert "水库移民后扶内部考评" not in section
    assert "农村公路水库连接线草稿" not in section
    assert "河道清淤整治" not in section
    assert reverse("goals:goal", args=[goals.pk]) in section


def test_portal4_office_finds_goals_the_public_may_not_see(goals):
    """PORTAL-4: the office's search also finds the goal of a non-public type, never a draft plan's."""
    office = Client()
    office.force_login(UserFactory(roles=[RoleCode.OFFICE]))
    section = goal_section(office.get("/search/", {"q": "水库"}).content.decode())
    assert "水库移民后扶内部考评" in section
    assert "农村公路水库连接线草稿" not in section


def test_portal4_every_word_must_match_as_typed(client, goals):
    """PORTAL-4: 水库 加固 finds only the goal with both words; 加固水库 (not in any goal as typed) finds nothing;
    commas and repeated words are ignored."""
    section = goal_section(client.get("/search/", {"q": "水库 加固"}).content.decode())
    assert "完成病险水库除险加固" in section and "小型水库安全鉴定" not in section
    assert goal_section(client.get("/search/", {"q": "加固水库"}).content.decode()) == ""
    assert search_words("水库，加固  水库") == ["水库", "加固"]


def test_portal4_goal_query_word_filter_uses_the_same_words(client, goals):
    """PORTAL-4: the goal query's word box finds 水库 加固 the same way as site search."""
    html = client.get(reverse("goals:query"), {"year": 2026, "q": "水库 加固"}).content.decode()
    assert "完成病险水库除险加固" in html and "河道清淤整治" not in html


def test_portal4_admin_goal_list_searches_the_same_words(goals):
    """PORTAL-4: in the admin's goal list, words find goals the same way, drafts of the user's own unit included,
    another unit's draft never."""
    water = goals.plan.unit
    own_draft = GoalPlanFactory(unit=water, year=2027, status="draft")
    GoalFactory(plan=own_draft, name="水库巡查制度草案")
    admin = Client()
    admin.force_login(UserFactory(roles=[RoleCode.UNIT_ADMIN], unit=water))
    html = admin.get(reverse("goals_admin:index"), {"goal": "水库"}).content.decode()
    assert "水库巡查制度草案" in html and "完成病险水库除险加固" in html
    assert "农村公路水库连接线草稿" not in html and "河道清淤整治" not in html
    html = admin.get(reverse("goals_admin:index"), {"goal": "水库 加固"}).content.decode()
    assert "完成病险水库除险加固" in html and "水库巡查制度草案" not in html

"""Browser test of the assessment cycle (CYCLE-2, CYCLE-3, CYCLE-4, RES-1): a member of an
assessment group signs in, opens their group's list, reads a cadre's work record and work report
on the cadre's screen, records the group's score; the leader confirms it and it is among the
year's confirmed inspection results (``inspection_scores``); the office computes the year's
results, and the cadre's yearly result shows the inspection score as the part of the year's
scheme that the inspections feed, with its weight and where it came from."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kaohe.core.roles import RoleCode
from kaohe.cycle.models import Inspection, WorkReport
from kaohe.cycle.selectors import inspection_scores
from kaohe.evaluation.models import TargetCategory
from kaohe.org.models import WorkGroup
from kaohe.results.models import MissingRule, ResultScheme, SchemeCoverage, SchemePart
from tests.cycle.factories import WorkRecordFactory
from tests.evaluation.factories import TargetCategoryFactory
from tests.factories import MembershipFactory, UnitFactory, UserFactory, WorkGroupFactory, WorkGroupMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
YEAR = date.today().year


def test_cycle4_group_member_reads_record_and_report_then_scores_and_the_leader_confirms(
    page, live_server, admin_sign_in
):
    unit = UnitFactory(name="县水利局")
    cadre = MembershipFactory(team__unit=unit, cadre__name="钱江", cadre__unit=unit).cadre
    WorkRecordFactory(cadre=cadre, date=date(YEAR, 3, 6), content="带队检查水库汛前准备")
    WorkReport.objects.create(
        year=YEAR,
        cadre=cadre,
        unit=unit,
        body="一年来完成水库除险加固",
        status="submitted",
        submitted_at=timezone.now(),
    )
    group = WorkGroupFactory(name="第一考核组", kind=WorkGroup.Kind.ASSESSMENT, year=YEAR)
    group.units.add(unit)
    group.save()
    member = UserFactory(roles=[RoleCode.ASSESSMENT_GROUP], name="组员甲")
    leader = UserFactory(roles=[RoleCode.ASSESSMENT_GROUP], name="组长乙")
    WorkGroupMemberFactory(group=group, user=member, post="成员")
    WorkGroupMemberFactory(group=group, user=leader, post="组长")
    office = UserFactory(roles=[RoleCode.OFFICE], name="考核办")
    # The year's scheme of the cadres: the inspection is a part of 20%; a missing goal or
    # evaluation score spreads its weight over the parts present.
    scheme = ResultScheme.objects.create(
        year=YEAR,
        target_category=TargetCategoryFactory(name="一般领导干部", kind=TargetCategory.Kind.CADRE),
        goal_weight=40,
        evaluation_weight=40,
        missing_rule=MissingRule.SPREAD,
    )
    SchemeCoverage.objects.create(scheme=scheme)
    SchemePart.objects.create(scheme=scheme, name="考核组实地考察", weight=20, source=SchemePart.Source.INSPECTION)

    admin_sign_in(page, member)
    page.goto(f"{live_server.url}/admin/cycle/inspection/?year={YEAR}")
    page.get_by_role("link", name="钱江").click()
    expect(page.locator("main")).to_contain_text("带队检查水库汛前准备")
    expect(page.locator("main")).to_contain_text("一年来完成水库除险加固")
    page.fill("#id_opinion", "履职尽责，汛期准备扎实")
    page.fill("#id_score", "93.5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("考察结果已保存")
    assert Inspection.objects.get().score == Decimal("93.5")
    assert inspection_scores(year=YEAR) == {}

    page.context.clear_cookies()
    admin_sign_in(page, leader)
    page.goto(f"{live_server.url}/admin/cycle/inspection/?year={YEAR}")
    page.get_by_role("link", name="钱江").click()
    page.get_by_role("button", name="以组长身份确认").click()
    expect(page.locator("main")).to_contain_text("考察结果已确认")
    assert inspection_scores(year=YEAR)[("cadre", cadre.pk)]["score"] == Decimal("93.5")

    page.context.clear_cookies()
    admin_sign_in(page, office)
    page.goto(f"{live_server.url}/admin/results/{YEAR}/")
    page.get_by_role("button", name="计算年度成绩").click()
    expect(page.locator(".messages")).to_contain_text(f"{YEAR}")
    page.get_by_role("link", name="钱江", exact=True).click()
    part = page.locator("main tr", has_text="考核组实地考察")
    expect(part).to_contain_text("93.5")
    expect(part).to_contain_text("20")
    expect(part).to_contain_text("第一考核组的实地考察得分，经组长确认")

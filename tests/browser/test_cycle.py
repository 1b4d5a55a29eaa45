"""Browser test of the assessment cycle (CYCLE-2, CYCLE-3, CYCLE-4): a member of an assessment
group signs in, opens their group's list, reads a cadre's work record and work report on the
cadre's screen, records the group's score; the leader confirms it and it is among the year's
confirmed inspection results (``inspection_scores``); the yearly scheme does not count them yet."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kaohe.core.roles import RoleCode
from kaohe.cycle.models import Inspection, WorkReport
from kaohe.cycle.selectors import inspection_scores
from kaohe.org.models import WorkGroup
from tests.conftest import PASSWORD
from tests.cycle.factories import WorkRecordFactory
from tests.factories import MembershipFactory, UnitFactory, UserFactory, WorkGroupFactory, WorkGroupMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
YEAR = date.today().year


def admin_sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_cycle4_group_member_reads_record_and_report_then_scores_and_the_leader_confirms(page, live_server):
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

    admin_sign_in(page, live_server, member)
    page.goto(f"{live_server.url}/admin/cycle/inspection/?year={YEAR}")
    page.get_by_role("link", name="钱江").click()
    expect(page.locator("main")).to_contain_text("带队检查水库汛前准备")
    expect(page.locator("main")).to_contain_text("一年来完成水库除险加固")
    page.fill("#id_opinion", "履职尽责，汛期准备扎实")
    page.fill("#id_score", "93.5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("考察结果已保存")
    assert Inspection.objects.get().score == Decimal("93.5")
    assert inspection_scores(YEAR) == {}

    page.context.clear_cookies()
    admin_sign_in(page, live_server, leader)
    page.goto(f"{live_server.url}/admin/cycle/inspection/?year={YEAR}")
    page.get_by_role("link", name="钱江").click()
    page.get_by_role("button", name="以组长身份确认").click()
    expect(page.locator("main")).to_contain_text("考察结果已确认")
    assert inspection_scores(YEAR)[("cadre", cadre.pk)]["score"] == Decimal("93.5")

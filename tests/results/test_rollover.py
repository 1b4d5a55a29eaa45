"""Year roll-over (issue 15; GOAL-3, EVAL-3, RES-1, RES-4, SYS-4, SYS-11, SUP-1): one office
screen starts a new year from the last and says what it copied and what is left."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.cycle.models import ReportDeadline as WorkReportDeadline
from kaohe.evaluation.models import IndicatorSystem
from kaohe.goals.models import Goal, GoalPlan, ReportingDeadline
from kaohe.org.models import WorkGroup
from kaohe.results.models import AssessmentYear, ResultScheme, SchemePart
from tests.evaluation.factories import IndicatorSystemFactory, TargetCategoryFactory
from tests.factories import RoleCode, UnitFactory, WorkGroupFactory, WorkGroupMemberFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(unit):
    plan = GoalPlanFactory(unit=unit, year=2026, status=GoalPlan.Status.PUBLISHED)
    parent = GoalFactory(plan=plan, name="招商引资", start_date=date(2026, 1, 1), due_date=date(2026, 12, 31))
    GoalFactory(plan=plan, parent=parent, name="引进项目", due_date=date(2026, 6, 30))
    UnitFactory(name="县已撤销局", is_active=False)
    GoalPlanFactory(unit=UnitFactory(name="县旧单位", is_active=False), year=2026)
    IndicatorSystemFactory(name="班子测评指标", year=2026, indicators=4)
    category = TargetCategoryFactory(name="乡镇班子")
    scheme = ResultScheme.objects.create(year=2026, target_category=category, goal_weight=40, evaluation_weight=40)
    SchemePart.objects.create(scheme=scheme, name="考核组实地考察", weight=20)
    AssessmentYear.objects.create(year=2026, excellent_limit=Decimal("20"), cadre_grades="优秀、合格、不合格")
    group = WorkGroupFactory(name="2026年第一考核组", year=2026)
    group.units.add(unit)
    group.save()
    WorkGroupMemberFactory(group=group, name="王组长", post="组长")
    WorkGroupFactory(name="常设测评工作组", year=None)
    ReportingDeadline.objects.create(year=2026, period="Q1", due_date=date(2026, 4, 10), remind_days=5)
    WorkReportDeadline.objects.create(
        year=2026, deadline=timezone.make_aware(datetime(2026, 12, 20, 17, 0)), note="述职报告年底前提交"
    )
    return plan


def test_rollover_copies_every_year_bound_setting_and_lists_what_is_left(client, office_user, unit, last_year):
    client.force_login(office_user)
    url = reverse("results_admin:rollover")
    page = client.get(url + "?from=2026&year=2027").content.decode()
    assert "1 项待复制" in page
    assert not GoalPlan.objects.filter(year=2027).exists(), "looking changes nothing"

    page = client.post(url, {"from": "2026", "year": "2027"}).content.decode()

    plan = GoalPlan.objects.get(year=2027)
    assert plan.unit == unit and plan.status == GoalPlan.Status.DRAFT
    child = Goal.objects.get(plan=plan, name="引进项目")
    assert child.parent.name == "招商引资" and child.due_date == date(2027, 6, 30)
    assert GoalPlan.objects.filter(year=2027).count() == 1, "an inactive unit's goals stay behind"
    system = IndicatorSystem.objects.get(year=2027)
    assert system.name == "班子测评指标" and system.indicators.count() == 4 and system.levels.count() == 4
    scheme = ResultScheme.objects.get(year=2027)
    assert (scheme.goal_weight, scheme.evaluation_weight) == (40, 40)
    assert list(scheme.parts.values_list("name", "weight")) == [("考核组实地考察", Decimal("20.00"))]
    limits = AssessmentYear.objects.get(year=2027)
    assert (limits.excellent_limit, limits.cadre_grades) == (Decimal("20.00"), "优秀、合格、不合格")
    group = WorkGroup.objects.get(year=2027)
    assert group.name == "2027年第一考核组"
    assert list(group.units.all()) == [unit]
    assert list(group.members.values_list("name", "post")) == [("王组长", "组长")]
    assert not WorkGroup.objects.filter(name__contains="常设测评工作组（").exists(), "a group of every year stays one"
    deadline = ReportingDeadline.objects.get(year=2027)
    assert (deadline.period, deadline.due_date, deadline.remind_days) == ("Q1", date(2027, 4, 10), 5)
    work_report = WorkReportDeadline.objects.get(year=2027)
    assert timezone.localtime(work_report.deadline).date() == date(2027, 12, 20)
    assert work_report.note == "述职报告年底前提交"

    # The checklist: what was copied, what carries over, what is left for people.
    assert page.count("已复制") >= 7
    assert "原样适用" in page  # rights, grade table: not bound to a year
    assert "待修订并发布的目标（草稿）" in page
    assert "测评任务" in page

    # Running it again copies nothing twice.
    client.post(url, {"from": "2026", "year": "2027"})
    assert GoalPlan.objects.filter(year=2027).count() == 1
    assert IndicatorSystem.objects.filter(year=2027).count() == 1
    assert WorkGroup.objects.filter(year=2027).count() == 1
    assert ReportingDeadline.objects.filter(year=2027).count() == 1


def test_rollover_leaves_what_the_new_year_already_has(client, office_user, unit, last_year):
    """Settings the office already made for the new year are not overwritten."""
    AssessmentYear.objects.create(year=2027, excellent_limit=Decimal("18"))
    IndicatorSystemFactory(name="班子测评指标", year=2027, indicators=2)
    client.force_login(office_user)
    client.post(reverse("results_admin:rollover"), {"from": "2026", "year": "2027"})
    assert AssessmentYear.objects.get(year=2027).excellent_limit == Decimal("18")
    assert IndicatorSystem.objects.get(year=2027).indicators.count() == 2


def test_rollover_asks_for_deadlines_when_last_year_had_none(client, office_user, last_year):
    ReportingDeadline.objects.all().delete()
    client.force_login(office_user)
    page = client.post(reverse("results_admin:rollover"), {"from": "2026", "year": "2027"}).content.decode()
    assert "设定新年度进展报告的报送时限" in page
    assert GoalPlan.objects.filter(year=2027).exists()


def test_rollover_into_an_archived_year_is_refused(client, office_user, last_year):

    AssessmentYear.objects.create(year=2027, archived_at=timezone.now())
    client.force_login(office_user)
    response = client.post(reverse("results_admin:rollover"), {"from": "2026", "year": "2027"}, follow=True)
    assert "已归档" in response.content.decode()
    assert not GoalPlan.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    "role", [RoleCode.UNIT_ADMIN, RoleCode.COUNTY_LEADER, RoleCode.ASSESSMENT_GROUP, RoleCode.SYSTEM_ADMIN]
)
def test_rollover_is_the_office_s_alone(client, make_user, unit, last_year, role):
    client.force_login(make_user(role, unit=unit))
    url = reverse("results_admin:rollover")
    for response in (client.get(url), client.post(url, {"from": "2026", "year": "2027"})):
        assert response.status_code in (302, 403) and "年度切换" not in response.content.decode()
    assert not GoalPlan.objects.filter(year=2027).exists()

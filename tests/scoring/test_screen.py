"""SCORE-3: while scoring, the office sees on one page the goal's plan, every
progress report, earlier years and the comments and answers. Who may open the
scoring screens and who may score, role by role."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.core.roles import RoleCode
from kaohe.scoring.models import GoalScore
from kaohe.scoring.services import goal_score
from tests.comments.factories import AnswerFactory, CommentFactory, comment_type
from tests.goals.factories import (
    GoalFactory,
    GoalPlanFactory,
    IndicatorFactory,
    ProgressEntryFactory,
    ProgressReportFactory,
    QuantitativeGoalFactory,
)

pytestmark = pytest.mark.django_db
R = RoleCode
D = Decimal
VIEW = {R.OFFICE, R.COUNTY_LEADER, R.ASSESSMENT_GROUP}


def sheet_url(plan):
    return reverse("scoring_admin:sheet", args=[plan.year, plan.unit_id])


@pytest.fixture
def history(unit, office_user):
    """2023 and 2024 goals on the same indicator, 2024 copied into 2025; a score in 2024."""
    indicator = IndicatorFactory(name="新增城镇就业人数")
    old = QuantitativeGoalFactory(
        plan=GoalPlanFactory(unit=unit, year=2023, status="published"),
        indicator=indicator,
        name="二〇二三年就业目标",
        plan_value=D("800"),
    )
    last_plan = GoalPlanFactory(unit=unit, year=2024, status="published")
    last = QuantitativeGoalFactory(plan=last_plan, indicator=indicator, name="二〇二四年就业目标", plan_value=D("900"))
    ProgressEntryFactory(report=ProgressReportFactory(plan=last_plan, period="Q4"), goal=last, actual_value=D("930"))
    goal_score(goal=last, method="grade", grade="完成", user=office_user)
    plan = GoalPlanFactory(unit=unit, year=2025, status="published")
    goal = QuantitativeGoalFactory(
        plan=plan,
        indicator=indicator,
        name="二〇二五年就业目标",
        plan_value=D("1000"),
        copied_from=last,
        criteria="新增就业达到1000人",
    )
    for period, value in (("Q1", "210"), ("Q2", "480"), ("Q3", "760")):
        ProgressEntryFactory(
            report=ProgressReportFactory(plan=plan, period=period),
            goal=goal,
            actual_value=D(value),
            work_done=f"{period}开展招聘会",
        )
    return {"old": old, "last": last, "goal": goal, "plan": plan}


def test_score3_sheet_shows_plan_reports_history_and_comments_together(client, office_user, history):
    goal = history["goal"]
    comment = CommentFactory(goal=goal, body="招聘会效果不错", comment_type=comment_type("点评"))
    AnswerFactory(comment=comment, body="将继续扩大规模", is_public=False)
    CommentFactory(goal=goal, body="有人虚报就业数据", comment_type=comment_type("举报"))
    client.force_login(office_user)
    page = client.get(sheet_url(history["plan"])).content.decode()
    section = page[page.index(f'id="goal-{goal.pk}"') :]
    for text in (
        "新增就业达到1000人",
        "1000",
        "Q1开展招聘会",
        "Q2开展招聘会",
        "Q3开展招聘会",
        "760",
        "二〇二四年就业目标",
        "930",
        "二〇二三年就业目标",
        "招聘会效果不错",
        "将继续扩大规模",
        "有人虚报就业数据",
    ):
        assert text in section, text
    assert f'action="/admin/scoring/goal/{goal.pk}/score/"' in section


def test_score3_county_leader_reads_the_sheet_without_reports_or_forms(client, make_user, history):
    goal = history["goal"]
    CommentFactory(goal=goal, body="有人虚报就业数据", comment_type=comment_type("举报"))
    client.force_login(make_user(R.COUNTY_LEADER))
    page = client.get(sheet_url(history["plan"])).content.decode()
    assert "二〇二五年就业目标" in page
    assert "有人虚报就业数据" not in page
    assert "/score/" not in page


@pytest.mark.parametrize("role", list(RoleCode))
def test_score3_who_opens_the_scoring_screens(client, make_user, unit, history, role):
    client.force_login(make_user(role, unit=unit))
    responses = [
        client.get(reverse("scoring_admin:year", args=[2025])),
        client.get(sheet_url(history["plan"])),
        client.get(reverse("scoring_admin:cadres", args=[2025])),
    ]
    for response in responses:
        assert (response.status_code == 200) == (role in VIEW), (role, response.status_code)


@pytest.mark.parametrize("role", list(RoleCode))
def test_score1_only_the_office_scores(client, make_user, unit, history, role):
    goal = history["goal"]
    client.force_login(make_user(role, unit=unit))
    client.post(
        reverse("scoring_admin:score", args=[goal.pk]),
        {f"g{goal.pk}-method": "direct", f"g{goal.pk}-score": "1", f"g{goal.pk}-reason": "x"},
    )
    assert GoalScore.objects.filter(goal=goal).exists() == (role == R.OFFICE)


def test_score3_sheet_queries_do_not_grow_with_goals(client, office_user, history):
    plan = history["plan"]
    client.force_login(office_user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(sheet_url(plan)).status_code == 200
        return len(queries)

    few = count()
    report = plan.reports.first()
    for number in range(15):
        goal = GoalFactory(plan=plan, name=f"新目标{number}")
        ProgressEntryFactory(report=report, goal=goal, estimated_progress=50)
        CommentFactory(goal=goal)
        goal_score(goal=goal, method="grade", grade="完成", user=office_user)
    assert count() <= few + 2  # the grade drop-down and the like; nothing per goal


def test_score3_overview_lists_units_with_their_goal_scores(client, office_user, history):
    goal_score(
        goal=history["goal"], method="direct", score="90", standard_score="100", reason="未全部完成", user=office_user
    )
    client.force_login(office_user)
    page = client.get(reverse("scoring_admin:year", args=[2025])).content.decode()
    assert history["plan"].unit.name in page and "90.00" in page


def test_score3_overview_and_cadre_scores_as_spreadsheets(client, office_user, history):
    from io import BytesIO

    from openpyxl import load_workbook

    goal_score(
        goal=history["goal"], method="direct", score="90", standard_score="100", reason="未全部完成", user=office_user
    )
    client.force_login(office_user)
    response = client.get(reverse("scoring_admin:year", args=[2025]) + "?export=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == history["plan"].unit.name and rows[1][2] == 90
    response = client.get(reverse("scoring_admin:cadres", args=[2025]) + "?export=xlsx")
    assert response.status_code == 200


def test_score3_cadre_scores_page_like_every_admin_list(client, office_user, unit):
    """The cadres' goal scores list 100 a page with Wagtail's bar (``?p=``), keeping the search."""
    from kaohe.scoring.models import CadreGoalScore
    from tests.factories import CadreFactory

    CadreGoalScore.objects.bulk_create(
        CadreGoalScore(cadre=CadreFactory(unit=unit, name=f"干部{number:03d}"), year=2025, score=D("90"))
        for number in range(101)
    )
    client.force_login(office_user)
    url = reverse("scoring_admin:cadres", args=[2025])
    first = client.get(url, {"q": "干部"}).content.decode()
    assert "干部000" in first and "干部100" not in first and "q=%E5%B9%B2%E9%83%A8&amp;p=2" in first
    assert "干部100" in client.get(url, {"q": "干部", "p": "2"}).content.decode()


@pytest.mark.parametrize("name", ["review", "lock", "reopen", "withdraw", "score"])
def test_score1_goal_actions_take_a_post_only(client, office_user, history, name):
    record = goal_score(goal=history["goal"], method="direct", score="100", standard_score="100", user=office_user)
    client.force_login(office_user)
    assert client.get(reverse(f"scoring_admin:{name}", args=[history["goal"].pk])).status_code == 405
    record.refresh_from_db()
    assert record.status == GoalScore.Status.DRAFT and record.score == D("100")

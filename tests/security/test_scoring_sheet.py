"""The scoring sheet shows each reader only what the goal and comment screens show them
(SCORE-3 with SUP-1, CMT-5, GOAL-9; issue 12 item 8).

The finding: the assessment group read private answers ("（不公开）…") and unsubmitted
progress reports on the scoring sheet, which the comment and goal screens hide from them.
The sheet now asks the same rules: ``goals.selectors.visible_reports`` for reports and
``comments.permissions.sees_private_answers`` for answers.
"""

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from tests.comments.factories import AnswerFactory, CommentFactory, comment_type
from tests.goals.factories import GoalFactory, GoalPlanFactory, ProgressEntryFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db
DRAFT_PROGRESS = "草稿进展尚未报送"
SUBMITTED_PROGRESS = "一季度已完成三成"
PRIVATE_ANSWER = "私下回复：已约谈相关责任人"
PUBLIC_ANSWER = "公开答复：已整改到位"


@pytest.fixture
def sheet_url(unit):
    plan = GoalPlanFactory(unit=unit, year=2025, status="published")
    goal = GoalFactory(plan=plan, name="推进重点项目建设")
    ProgressEntryFactory(
        report=ProgressReportFactory(plan=plan, period="Q1", submitted=True), goal=goal, work_done=SUBMITTED_PROGRESS
    )
    ProgressEntryFactory(
        report=ProgressReportFactory(plan=plan, period="Q2", submitted=False), goal=goal, work_done=DRAFT_PROGRESS
    )
    comment = CommentFactory(goal=goal, comment_type=comment_type("建议"))
    AnswerFactory(comment=comment, body=PRIVATE_ANSWER, is_public=False)
    AnswerFactory(comment=comment, body=PUBLIC_ANSWER, is_public=True)
    return reverse("scoring_admin:sheet", args=[2025, unit.pk])


@pytest.mark.parametrize("role", [RoleCode.ASSESSMENT_GROUP, RoleCode.COUNTY_LEADER])
def test_score3_sheet_hides_private_answers_and_unsubmitted_reports(client, make_user, other_unit, sheet_url, role):
    client.force_login(make_user(role, unit=other_unit))
    response = client.get(sheet_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert SUBMITTED_PROGRESS in page and PUBLIC_ANSWER in page
    assert DRAFT_PROGRESS not in page, "an unsubmitted report is the unit's and the office's"
    assert PRIVATE_ANSWER not in page, "a private answer is between the unit and the commenter"


def test_score3_the_office_sees_everything_it_weighs(client, office_user, sheet_url):
    client.force_login(office_user)
    page = client.get(sheet_url).content.decode()
    for text in (SUBMITTED_PROGRESS, DRAFT_PROGRESS, PUBLIC_ANSWER, PRIVATE_ANSWER):
        assert text in page

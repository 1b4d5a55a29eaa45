"""PORTAL-2, PORTAL-3, BG-3: the assessment apps on the party-building site, walked as people use it.

Each test goes through the pages a person opens (the unit page, the goal page, the portal's
menu, the ballot form, the REST API), with the data the apps really write, not stand-ins.
"""

import re

import pytest
from django.urls import reverse

from home.models import UnitIndexPage
from kaohe.comments.models import Comment
from kaohe.comments.services import comments_publish
from kaohe.evaluation.models import EvaluatorCategory
from tests.comments.conftest import form_data
from tests.comments.factories import AnswerFactory, CommentFactory, comment_type
from tests.evaluation.factories import counted_ballots, full_answers, issue_account, make_task
from tests.factories import TeamFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory, ProgressEntryFactory, ProgressReportFactory
from tests.interop.factories import make_api_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def unit_page(client, unit) -> str:
    response = client.get(UnitIndexPage.objects.get().unit_url(unit))
    assert response.status_code == 200
    return response.content.decode()


def test_portal3_the_public_reads_a_unit_page_and_comments_on_it(client, unit, office_user):
    """PORTAL-3: an anonymous visitor opens a unit's page, sends the comment form found there, and once
    the office has published the comment it shows on that page."""
    unit.duties = "负责全县国民经济和社会发展规划。"
    unit.save()
    page = unit_page(client, unit)
    assert unit.name in page and unit.duties in page
    action = re.search(r'<form method="post" action="([^"]+)" class="comment-form"', page).group(1)
    response = client.post(action, form_data(comment_type("建议"), body="建议公开项目进度表。"))
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.unit, comment.status) == (unit, Comment.Status.PENDING)
    assert "建议公开项目进度表" not in unit_page(client, unit)  # the public's comments are reviewed first

    comments_publish(comments=[comment], user=office_user)
    assert "建议公开项目进度表" in unit_page(client, unit)


def test_portal3_evaluators_vote_through_the_portal(client):
    """PORTAL-3: the portal's menu leads to online evaluation; a random account's code opens the ballot
    there, and the ballot sent from it is counted."""
    task = make_task(targets=2, indicators=2)
    category = EvaluatorCategory.objects.get(name="分管领导")
    _account, code = issue_account(task, category)
    home = client.get("/").content.decode()
    sign_in_url = reverse("evaluation:sign_in")
    assert f'href="{sign_in_url}"' in home
    assert client.post(sign_in_url, {"code": code})["Location"] == reverse("evaluation:form")
    answers = full_answers(task, "分管领导", "B")
    data = {"action": "submit"}
    data |= {f"r-{target}-{indicator}": value for target, row in answers.items() for indicator, value in row.items()}
    assert client.post(reverse("evaluation:form"), data).status_code == 200
    assert client.post(reverse("evaluation:form"), {"action": "confirm"}).status_code == 200
    ballot = counted_ballots(task).get()
    assert ballot.answers == answers and ballot.category == category


def test_portal3_the_cadre_management_system_exchanges_cadres_over_rest(client):
    """PORTAL-3: the cadre-management system pushes a cadre with its key and reads it back; without a
    key the API answers 401."""
    _record, key = make_api_client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    cadre = {"name": "张伟", "sex": "male", "position": "县审计局局长"}
    pushed = client.put("/api/v1/cadres/C-100/", cadre, content_type="application/json", **auth)
    assert pushed.status_code == 201, pushed.content
    listed = client.get("/api/v1/cadres/", **auth).json()
    assert [(row["external_id"], row["name"]) for row in listed["results"]] == [("C-100", "张伟")]
    assert client.get("/api/v1/cadres/").status_code == 401


def test_portal2_goals_and_comments_appear_on_the_unit_page_and_the_goal_page(client, unit):
    """PORTAL-2: a unit's portal page shows its published goals with their latest progress and the
    published comments with the unit's public answer; the goal's page shows the comments on that goal;
    a comment still under review shows on neither."""
    plan = GoalPlanFactory(unit=unit, year=2026, status="published")
    goal = GoalFactory(plan=plan, name="新建城区污水管网20公里")
    ProgressEntryFactory(report=ProgressReportFactory(plan=plan, period="Q3"), goal=goal, estimated_progress=60)
    on_unit = CommentFactory(unit=unit, body="办事窗口排队时间长。")
    AnswerFactory(comment=on_unit, body="已增设两个窗口。")
    CommentFactory(goal=goal, body="管网施工请避开早高峰。")
    CommentFactory(goal=goal, body="尚在审核的意见", status=Comment.Status.PENDING)

    page = unit_page(client, unit)
    assert goal.name in page and 'aria-valuenow="60"' in page
    assert "办事窗口排队时间长。" in page and "已增设两个窗口。" in page
    goal_page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "管网施工请避开早高峰。" in goal_page
    assert "尚在审核的意见" not in page + goal_page


@pytest.mark.parametrize(
    ("menu", "screen"),
    [
        ("目标管理", "goals_admin:index"),
        ("点评", "comments_admin:index"),
        ("综合测评", "wagtailsnippets_evaluation_evaluationtask:list"),
        ("工作目标考核", "scoring_admin:home"),
    ],
)
def test_portal2_the_apps_records_are_managed_in_the_same_admin(client, rf, office_user, menu, screen):
    """PORTAL-2: the office finds goals, comments, evaluation and scoring in Wagtail's own admin menu,
    and each one's screen opens inside that admin."""
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = office_user
    assert menu in [str(item.label) for item in admin_menu.menu_items_for_request(request)]
    client.force_login(office_user)
    response = client.get(reverse(screen))
    assert response.status_code == 200
    assert 'id="wagtail-sidebar-props"' in response.content.decode()  # Wagtail's admin frame


def test_bg3_an_evaluator_opens_the_targets_duties_goals_and_progress_from_the_ballot(client, unit):
    """BG-3: an evaluator signed in with a random account follows the links beside a target on the
    ballot to the unit's duties and to its published goals and progress, and keeps the ballot open."""
    unit.duties = "负责全县教育事业发展规划。"
    unit.save()
    plan = GoalPlanFactory(unit=unit, year=2026, status="published")
    goal = GoalFactory(plan=plan, name="新建幼儿园三所")
    ProgressEntryFactory(report=ProgressReportFactory(plan=plan, period="Q2"), goal=goal, estimated_progress=45)
    task = make_task(targets=1, indicators=1)
    target = task.targets.get()
    target.team = TeamFactory(unit=unit)
    target.save()
    _account, code = issue_account(task, EvaluatorCategory.objects.get(name="分管领导"))
    client.post(reverse("evaluation:sign_in"), {"code": code})
    form = client.get(reverse("evaluation:form")).content.decode()
    links = dict(
        (label, href.replace("&amp;", "&"))
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', form)
        if label in ("职责和班子", "目标与进展")
    )
    assert set(links) == {"职责和班子", "目标与进展"}
    duties = client.get(links["职责和班子"]).content.decode()
    assert unit.duties in duties
    goals = client.get(links["目标与进展"]).content.decode()
    assert goal.name in goals and 'aria-valuenow="45"' in goals
    assert client.get(reverse("evaluation:form")).status_code == 200  # still signed in to the ballot

"""CMT-1, CMT-3: people comment on goals, units and teams; the type is chosen,
the commenter's kind is derived from who they are; bad input, spam and floods
are refused with a message and change nothing."""

import time

import pytest
from django.urls import reverse
from django.utils.html import escape

from kaohe.comments import spam
from kaohe.comments.models import Comment, CommenterKind, TargetType
from kaohe.comments.permissions import commenter_kind
from kaohe.core.roles import RoleCode
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory, comment_type
from tests.factories import TeamFactory, UnitFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory, GoalTypeFactory

pytestmark = pytest.mark.django_db
R = RoleCode


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", CommenterKind.PUBLIC),
        ("office", CommenterKind.OFFICE),
        ("superuser", CommenterKind.OFFICE),
        ("county_leader", CommenterKind.COUNTY_LEADER),
        ("supervising_unit_admin", CommenterKind.SUPERVISING),
        ("supervising_unit_cadre", CommenterKind.SUPERVISING),
        ("own_unit_admin", CommenterKind.GRASSROOTS),
        ("third_unit_cadre", CommenterKind.GRASSROOTS),
        ("signed_in_without_role_or_unit", CommenterKind.PUBLIC),
    ],
)
def test_cmt3_commenter_kind_is_recorded_from_who_posts(client, make_user, unit, other_unit, goal, who, expected):
    """CMT-3: the kind is derived from the person (the goal is supervised by ``other_unit``), never typed."""
    from tests.factories import UserFactory

    users = {
        "office": lambda: make_user(R.OFFICE),
        "superuser": lambda: UserFactory(is_superuser=True),
        "county_leader": lambda: make_user(R.COUNTY_LEADER),
        "supervising_unit_admin": lambda: make_user(R.UNIT_ADMIN, unit=other_unit),
        "supervising_unit_cadre": lambda: make_user(R.CADRE, unit=other_unit),
        "own_unit_admin": lambda: make_user(R.UNIT_ADMIN, unit=unit),
        "third_unit_cadre": lambda: make_user(R.CADRE, unit=UnitFactory()),
        "signed_in_without_role_or_unit": lambda: UserFactory(),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    # A forged "commenter_kind" in the form is ignored.
    response = client.post(
        reverse("comments:goal", args=[goal.pk]), form_data(comment_type("建议"), commenter_kind="county_leader")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    comment = Comment.objects.get()
    assert comment.commenter_kind == expected
    assert comment.comment_type.name == "建议"
    assert (comment.target_type, comment.goal, comment.unit) == (TargetType.GOAL, goal, unit)


def test_cmt1_unit_parent_is_the_supervising_department_of_a_unit(make_user, unit):
    """CMT-1: on a unit (or its team) the parent unit speaks as its supervising department."""
    child = UnitFactory(parent=unit)
    team = TeamFactory(unit=child)
    parent_user = make_user(R.UNIT_ADMIN, unit=unit)
    assert commenter_kind(parent_user, child) == CommenterKind.SUPERVISING
    assert commenter_kind(parent_user, team) == CommenterKind.SUPERVISING
    assert commenter_kind(make_user(R.UNIT_ADMIN, unit=child), unit) == CommenterKind.GRASSROOTS


def test_cmt1_public_comments_on_a_team_from_the_unit_page(client, unit):
    """CMT-1: the unit page's form comments on the unit or one of its teams."""
    team = TeamFactory(unit=unit)
    response = client.post(
        reverse("comments:unit", args=[unit.pk]), form_data(comment_type("点评"), team=team.pk, next="/units/")
    )
    assert response.status_code == 302 and response["Location"] == "/units/"
    comment = Comment.objects.get()
    assert (comment.target_type, comment.team, comment.unit) == (TargetType.TEAM, team, unit)
    assert comment.status == Comment.Status.PENDING  # the public is reviewed first


def test_cmt1_team_of_another_unit_is_refused(client, unit, other_unit):
    team = TeamFactory(unit=other_unit)
    response = client.post(reverse("comments:unit", args=[unit.pk]), form_data(comment_type(), team=team.pk))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_cmt1_goal_page_shows_the_form_and_type_choice(client, goal):
    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert f'action="/comments/goal/{goal.pk}/"' in page
    for name in ("点评", "建议", "举报"):
        assert f">{name}</option>" in page


def test_cmt1_new_comment_types_of_the_office_are_offered(client, goal):
    """CMT-3: a type the office adds is offered and recorded."""
    comment_type("表扬")
    assert ">表扬</option>" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type("表扬")))
    assert Comment.objects.get().comment_type.name == "表扬"


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "请填写点评内容"), ("   \n ", "请填写点评内容"), ("长" * 2001, "2000")],
)
def test_cmt1_empty_or_over_long_comment_is_refused(client, goal, body, message):
    """Bad input: empty or over-long text gets a message and changes nothing."""
    response = client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type(), body=body))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_cmt1_bad_email_is_refused(client, goal):
    response = client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type(), email="not-an-address"))
    assert response.status_code == 400 and not Comment.objects.exists()


@pytest.mark.parametrize(
    ("published", "public_type", "reader"),
    [(False, True, "anonymous"), (True, False, "anonymous"), (False, True, "other_unit_cadre")],
)
def test_cmt1_comment_on_a_goal_the_commenter_may_not_see_is_refused(
    client, make_user, unit, other_unit, published, public_type, reader
):
    """Bad input: a draft goal, or a goal of a type not shown to the public, cannot be commented on by those who
    cannot see it.
    """
    plan = GoalPlanFactory(unit=unit, status="published" if published else "draft")
    hidden = GoalFactory(
        plan=plan, goal_type=GoalTypeFactory(name="公开" if public_type else "内部", is_public=public_type)
    )
    if reader == "other_unit_cadre":
        client.force_login(make_user(R.CADRE, unit=other_unit))
    response = client.post(reverse("comments:goal", args=[hidden.pk]), form_data(comment_type()))
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_cmt1_inactive_unit_cannot_be_commented_on(client):
    gone = UnitFactory(is_active=False)
    assert client.post(reverse("comments:unit", args=[gone.pk]), form_data(comment_type())).status_code == 404
    assert not Comment.objects.exists()


def test_spam_honeypot_is_refused(client, goal):
    response = client.post(
        reverse("comments:goal", args=[goal.pk]), form_data(comment_type(), website="http://spam.example")
    )
    assert response.status_code == 400
    assert "自动" in response.content.decode()
    assert not Comment.objects.exists()


def test_spam_form_sent_too_quickly_is_refused(client, goal):
    data = form_data(comment_type(), started=spam.form_started_token(time.time() - 1))
    response = client.post(reverse("comments:goal", args=[goal.pk]), data)
    assert response.status_code == 400 and "太快" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("token", ["", "forged", None])
def test_spam_form_without_our_time_stamp_is_refused(client, goal, token):
    data = form_data(comment_type())
    if token is None:
        data["started"] = spam.form_started_token(time.time() - 3 * 24 * 3600)  # stale
    else:
        data["started"] = token
    assert client.post(reverse("comments:goal", args=[goal.pk]), data).status_code == 400
    assert not Comment.objects.exists()


def test_spam_rate_limit_per_visitor(client, goal, settings):
    """A visitor may send COMMENTS_RATE_LIMIT comments per window; the next is refused with a message."""
    settings.COMMENTS_RATE_LIMIT = 3
    for number in range(3):
        assert (
            client.post(
                reverse("comments:goal", args=[goal.pk]), form_data(comment_type(), body=f"第{number}条")
            ).status_code
            == 302
        )
    response = client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type(), body="第四条"))
    assert response.status_code == 400 and "请稍后再发" in response.content.decode()
    assert Comment.objects.count() == 3


def test_spam_rate_limit_holds_across_new_sessions_from_one_address(client, goal, settings):
    """A fresh session from the same address does not reset the count."""
    settings.COMMENTS_RATE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type()))
    client.cookies.clear()
    assert client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type())).status_code == 400
    assert Comment.objects.count() == 2


def test_spam_other_visitors_are_not_limited(client, goal, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type()), REMOTE_ADDR="10.0.0.1")
    client.cookies.clear()
    response = client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type()), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    assert Comment.objects.count() == 2


XSS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_render_inert_everywhere(client, make_user, goal, payload):
    """User text is escaped on the goal page, the unit's comment list, and the admin list and detail."""
    from kaohe.comments.models import Answer

    comment = CommentFactory(goal=goal, body=f"前{payload}后", author_name=payload[:50])
    Answer.objects.create(comment=comment, body=f"答{payload}", is_public=True, answered_for=goal.plan.unit.name)
    office = make_user(R.OFFICE)
    pages = [
        client.get(reverse("goals:goal", args=[goal.pk])).content.decode(),
        client.get(reverse("comments:unit", args=[goal.plan.unit_id])).content.decode(),
    ]
    client.force_login(office)
    pages.append(client.get(reverse("comments_admin:index")).content.decode())
    pages.append(client.get(reverse("comments_admin:detail", args=[comment.pk])).content.decode())
    for html in pages:
        for dangerous in ("<script>alert", "<img src=x", "<svg onload"):
            assert dangerous not in html
    assert escape(f"前{payload}后") in pages[0]
    assert escape(f"答{payload}") in pages[0]


def test_xss_answer_e_mail_is_plain_text(mailoutbox, make_user, goal):
    """A private answer's e-mail carries the text as typed, as plain text (no HTML part to inject into)."""
    from kaohe.comments.services import answer_post

    comment = CommentFactory(goal=goal, body="<b>粗体</b>", email="a@example.com")
    answer_post(comment=comment, body="<script>x</script>", is_public=False, user=make_user(R.OFFICE))
    message = mailoutbox[0]
    assert message.alternatives == [] and "<script>x</script>" in message.body

"""CMT-5: the unit answers a comment and decides whether the answer is public.
A private answer goes only to the commenter, by real e-mail (checked through a
real SMTP server on loopback); a public one shows beside the goal and on the
unit's page."""

import email
import email.policy
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from kaohe.comments.models import Answer, Comment
from kaohe.core.roles import RoleCode
from tests.comments.factories import AnswerFactory, CommentFactory

pytestmark = pytest.mark.django_db
R = RoleCode


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "kaohe@county.example"
    yield inbox
    controller.stop()


def answer(client, comment, body="已安排专人督办，预计下月完成。", public=False):
    data = {"body": body}
    if public:
        data["is_public"] = "on"
    return client.post(reverse("comments_admin:answer", args=[comment.pk]), data)


def test_cmt5_private_answer_is_e_mailed_to_the_commenter_only(client, unit_admin, goal, smtp_server):
    comment = CommentFactory(goal=goal, email="zhang@example.com", body="道路施工扬尘大")
    client.force_login(unit_admin)
    response = answer(client, comment)
    assert response.status_code == 302
    deadline = time.monotonic() + 5
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["zhang@example.com"]
    assert envelope.mail_from == "kaohe@county.example"
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    body = message.get_content()
    assert str(message["Subject"]).strip() == "关于您对“推进重点项目建设”的点评的答复"
    assert "已安排专人督办" in body and "道路施工扬尘大" in body
    saved = Answer.objects.get()
    assert saved.is_public is False and saved.emailed_to == "zhang@example.com" and saved.emailed_at
    # Not on the portal.
    assert "已安排专人督办" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    client.logout()
    assert "已安排专人督办" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "已安排专人督办" not in client.get(f"/units/{goal.plan.unit_id}/").content.decode()


def test_cmt5_private_answer_uses_the_account_address_when_none_was_left(
    client, make_user, unit_admin, goal, mailoutbox
):
    author = make_user(R.CADRE, email="li@example.com")
    comment = CommentFactory(goal=goal, email="", author=author)
    client.force_login(unit_admin)
    answer(client, comment)
    assert mailoutbox[0].to == ["li@example.com"]


def test_cmt5_private_answer_without_an_address_is_refused(client, unit_admin, goal, mailoutbox):
    comment = CommentFactory(goal=goal, email="")
    client.force_login(unit_admin)
    response = answer(client, comment)
    assert response.status_code == 400 and "没有留下电子邮箱" in response.content.decode()
    assert not Answer.objects.exists() and mailoutbox == []


def test_cmt5_mail_server_down_saves_nothing(client, unit_admin, goal, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    comment = CommentFactory(goal=goal, email="a@example.com")
    client.force_login(unit_admin)
    response = answer(client, comment)
    assert response.status_code == 400 and "邮件未能发出" in response.content.decode()
    assert not Answer.objects.exists()


def test_cmt5_public_answer_shows_beside_the_goal_and_on_the_unit_page(client, unit_admin, goal, mailoutbox):
    comment = CommentFactory(goal=goal, body="建议公布施工时间表")
    client.force_login(unit_admin)
    assert answer(client, comment, body="施工时间表已在官网公布。", public=True).status_code == 302
    assert mailoutbox == []
    client.logout()
    goal_page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert goal_page.index("建议公布施工时间表") < goal_page.index("施工时间表已在官网公布。")
    assert (
        goal_page.index("<h2>进度</h2>")
        < goal_page.index('id="goal-comments"')
        < goal_page.index("施工时间表已在官网公布。")
    )
    unit_page = client.get(f"/units/{goal.plan.unit_id}/").content.decode()
    assert "施工时间表已在官网公布。" in unit_page and f"答复（{goal.plan.unit.name}）" in unit_page


def test_cmt5_answer_by_another_unit_is_refused(client, make_user, other_unit, goal):
    comment = CommentFactory(goal=goal)
    client.force_login(make_user(R.UNIT_ADMIN, unit=other_unit))
    response = answer(client, comment, public=True)
    assert response.status_code == 403
    assert "只能答复对本单位的点评" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("role", "own", "may"),
    [
        (R.UNIT_ADMIN, True, True),
        (R.UNIT_ADMIN, False, False),
        (R.OFFICE, False, True),
        (R.COUNTY_LEADER, False, False),
        (R.ASSESSMENT_GROUP, True, False),
        (R.EDITOR, True, False),
        (R.CADRE, True, False),
    ],
)
def test_cmt5_who_answers(client, make_user, unit, other_unit, goal, role, own, may):
    comment = CommentFactory(goal=goal)
    client.force_login(make_user(role, unit=unit if own else other_unit))
    answer(client, comment, public=True)
    assert Answer.objects.exists() == may


def test_cmt5_empty_answer_is_refused(client, unit_admin, goal):
    comment = CommentFactory(goal=goal)
    client.force_login(unit_admin)
    response = answer(client, comment, body="  ", public=True)
    assert response.status_code == 400 and "请填写答复" in response.content.decode()
    assert not Answer.objects.exists()


def test_cmt5_removed_comment_cannot_be_answered(client, office_user, goal):
    comment = CommentFactory(goal=goal, status=Comment.Status.REMOVED)
    client.force_login(office_user)
    answer(client, comment, public=True)
    assert not Answer.objects.exists()


def test_cmt5_private_answers_stay_between_the_unit_office_and_commenter(client, make_user, unit, goal):
    """Another unit reading the comment in management sees the public answer, not the private one."""
    comment = CommentFactory(goal=goal)
    AnswerFactory(comment=comment, body="公开答复内容", is_public=True)
    AnswerFactory(comment=comment, body="私下答复内容", is_public=False, emailed_to="a@example.com")
    from tests.factories import UnitFactory

    client.force_login(make_user(R.UNIT_ADMIN, unit=UnitFactory()))
    page = client.get(reverse("comments_admin:detail", args=[comment.pk])).content.decode()
    assert "公开答复内容" in page and "私下答复内容" not in page
    client.force_login(make_user(R.UNIT_ADMIN, unit=unit))
    page = client.get(reverse("comments_admin:detail", args=[comment.pk])).content.decode()
    assert "私下答复内容" in page

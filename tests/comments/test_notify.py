"""CMT-5 with CMT-1: the unit learns by e-mail that a comment on it is published, so it can
answer; a report (举报) never reaches it; a mail server that fails loses no comment."""

import pytest
from django.core import mail
from django.urls import reverse

from kaohe.access.models import Subject
from kaohe.comments import services
from kaohe.comments.models import Comment, Moderation
from tests.access.helpers import set_right
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory, comment_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_with_mail(unit):
    unit.contact_email = "fgj@example.gov.cn"
    unit.save()
    return unit


def post(client, goal, kind, **extra):
    return client.post(reverse("comments:goal", args=[goal.pk]), form_data(kind, **extra))


def test_cmt5_unit_is_told_of_a_published_comment(client, goal, unit_with_mail, django_capture_on_commit_callbacks):
    set_right("public", Subject.GOAL_COMMENTS, moderation=Moderation.POST)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, goal, comment_type("建议"), body="建议公开项目进度表。")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PUBLISHED
    assert [message.to for message in mail.outbox] == [["fgj@example.gov.cn"]]
    assert "建议公开项目进度表。" in mail.outbox[0].body
    assert f"/admin/comments/{comment.pk}/" in mail.outbox[0].body


def test_cmt5_unit_is_told_when_the_office_publishes_a_pending_comment(
    office_user, goal, unit_with_mail, django_capture_on_commit_callbacks
):
    pending = CommentFactory(goal=goal, unit=unit_with_mail, status=Comment.Status.PENDING)
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        services.comments_publish(comments=[pending], user=office_user)
    assert len(mail.outbox) == 1


def test_cmt1_a_report_is_never_sent_to_the_unit(client, goal, unit_with_mail, django_capture_on_commit_callbacks):
    report = comment_type("举报")
    report.is_report = True
    report.moderation = Moderation.POST
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, goal, report, body="某人收受礼品。")
    assert Comment.objects.filter(is_report=True).exists()
    assert mail.outbox == []


def test_cmt5_a_failing_mail_server_loses_no_comment(
    client, goal, unit_with_mail, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    set_right("public", Subject.GOAL_COMMENTS, moderation=Moderation.POST)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, goal, comment_type("建议"))
    assert response.status_code in (200, 302)
    assert Comment.objects.filter(status=Comment.Status.PUBLISHED).count() == 1

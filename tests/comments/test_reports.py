"""CMT-1, CMT-5 (reports): a report's text and the reporter's identity are seen
only by the assessment office, never by the unit reported on; the form says
so before one is sent. Proven role by role, over HTTP."""

import pytest
from django.urls import reverse

from kaohe.comments.models import Answer, Comment
from kaohe.core.roles import RoleCode
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory, comment_type

pytestmark = pytest.mark.django_db
R = RoleCode
ALL_ROLES = list(RoleCode)
SECRET = "局长违规插手工程招标"
REPORTER = "匿名知情人"


@pytest.fixture
def report(goal):
    return CommentFactory(
        goal=goal, comment_type=comment_type("举报"), body=SECRET, author_name=REPORTER, email="whistle@example.com"
    )


def test_cmt1_form_says_who_reads_a_report_before_it_is_sent(client, goal):
    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "举报仅县考核办可见" in page
    assert page.index("举报仅县考核办可见") < page.index('type="submit"', page.index("comment-form"))


def test_cmt1_report_is_recorded_as_a_report_and_the_sender_told(client, goal):
    response = client.post(
        reverse("comments:goal", args=[goal.pk]), form_data(comment_type("举报"), body=SECRET), follow=True
    )
    comment = Comment.objects.get()
    assert comment.is_report
    assert "只有考核办" in response.content.decode()
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("own_unit", [True, False])
def test_cmt4_report_text_and_identity_only_for_the_office(client, make_user, unit, other_unit, report, role, own_unit):
    """Management list and detail: the office sees the report; no one else, least of all the unit reported on."""
    client.force_login(make_user(role, unit=unit if own_unit else other_unit))
    listing = client.get(reverse("comments_admin:index") + "?status=")
    detail = client.get(reverse("comments_admin:detail", args=[report.pk]))
    export = client.get(reverse("comments_admin:export") + "?status=")
    office = role == R.OFFICE
    for response in (listing, detail):
        body = response.content.decode() if response.status_code == 200 else ""
        assert (SECRET in body) == office
    detail_body = detail.content.decode() if detail.status_code == 200 else ""
    assert (REPORTER in detail_body and "whistle@example.com" in detail_body) == office
    if not office:
        assert detail.status_code in (302, 403, 404)
        assert export.status_code != 200 or SECRET.encode() not in export.content


@pytest.mark.parametrize("reader", ["anonymous", "own_unit_admin", "county_leader", "office"])
def test_cmt1_report_never_on_portal_pages(client, make_user, unit, report, goal, reader):
    """Not on the goal page nor the unit's comment list, whoever reads (the office reads reports in the admin)."""
    report.status = Comment.Status.PUBLISHED
    report.save()
    if reader == "own_unit_admin":
        client.force_login(make_user(R.UNIT_ADMIN, unit=unit))
    elif reader != "anonymous":
        client.force_login(make_user(R.COUNTY_LEADER if reader == "county_leader" else R.OFFICE))
    for url in (reverse("goals:goal", args=[goal.pk]), reverse("comments:unit", args=[unit.pk]), f"/units/{unit.pk}/"):
        body = client.get(url).content.decode()
        assert SECRET not in body and REPORTER not in body


def test_cmt1_report_privacy_follows_the_comment_not_later_type_edits(client, make_user, unit, report):
    """A report stays a report even if the office later changes the type."""
    kind = report.comment_type
    kind.is_report = False
    kind.save()
    client.force_login(make_user(R.UNIT_ADMIN, unit=unit))
    assert SECRET not in client.get(reverse("comments_admin:index")).content.decode()


def test_cmt5_unit_cannot_answer_a_report(client, make_user, unit, report):
    client.force_login(make_user(R.UNIT_ADMIN, unit=unit))
    response = client.post(reverse("comments_admin:answer", args=[report.pk]), {"body": "解释", "is_public": "on"})
    assert response.status_code == 404  # the unit does not even learn the report exists
    assert not Answer.objects.exists()


def test_cmt5_office_answers_a_report_only_privately(client, office_user, report, mailoutbox):
    client.force_login(office_user)
    response = client.post(
        reverse("comments_admin:answer", args=[report.pk]), {"body": "已转纪检部门", "is_public": "on"}
    )
    assert response.status_code == 400 and not Answer.objects.exists()
    client.post(reverse("comments_admin:answer", args=[report.pk]), {"body": "已转纪检部门"})
    assert Answer.objects.get().is_public is False
    assert mailoutbox[0].to == ["whistle@example.com"]

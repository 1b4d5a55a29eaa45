"""CMT-2: the office sets, per kind of person and target, who may read and who
may comment, and whether comments are reviewed first, in the admin, without code."""

import pytest
from django.urls import reverse

from kaohe.comments.models import Comment, CommenterKind, CommentRight, Moderation, TargetType
from kaohe.core.roles import RoleCode
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory, comment_type
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
R = RoleCode


def right(kind, target):
    return CommentRight.objects.get(commenter_kind=kind, target_type=target)


def test_cmt2_every_kind_and_target_has_a_row_to_start_with():
    rows = {(row.commenter_kind, row.target_type) for row in CommentRight.objects.all()}
    assert rows == {(kind, target) for kind in CommenterKind.values for target in TargetType.values}


@pytest.mark.parametrize("role", list(RoleCode))
def test_cmt2_only_the_office_edits_the_rights_table(client, make_user, role):
    """The table is edited in Wagtail's admin (snippets) by the office alone."""
    row = right(CommenterKind.PUBLIC, TargetType.GOAL)
    client.force_login(make_user(role))
    url = reverse("wagtailsnippets_comments_commentright:edit", args=[row.pk])
    client.post(url, {"commenter_kind": "public", "target_type": "goal", "may_read": "on", "moderation": "post"})
    row.refresh_from_db()
    assert (row.may_comment is False and row.moderation == "post") == (role == R.OFFICE)


def test_cmt2_the_table_refuses_a_second_row_for_the_same_kind_and_target(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("wagtailsnippets_comments_commentright:add"),
        {"commenter_kind": "public", "target_type": "goal", "may_read": "on", "may_comment": "on", "moderation": "pre"},
    )
    assert response.status_code == 200  # the form again, with the message
    assert CommentRight.objects.filter(commenter_kind="public", target_type="goal").count() == 1


def test_cmt2_closing_comments_for_the_public_refuses_their_comment(client, goal):
    row = right(CommenterKind.PUBLIC, TargetType.GOAL)
    row.may_comment = False
    row.save()
    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert 'action="/comments/goal/' not in page
    response = client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type()))
    assert response.status_code == 403 and "考核办" in response.content.decode()
    assert not Comment.objects.exists()


def test_cmt2_closing_for_one_kind_leaves_others_open(client, make_user, goal):
    row = right(CommenterKind.PUBLIC, TargetType.GOAL)
    row.may_comment = False
    row.save()
    client.force_login(make_user(R.COUNTY_LEADER))
    assert client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type())).status_code == 302
    assert Comment.objects.get().commenter_kind == CommenterKind.COUNTY_LEADER


def test_cmt2_closing_comments_on_teams_only(client, unit):
    team = TeamFactory(unit=unit)
    row = right(CommenterKind.PUBLIC, TargetType.TEAM)
    row.may_comment = False
    row.save()
    assert (
        client.post(reverse("comments:unit", args=[unit.pk]), form_data(comment_type(), team=team.pk)).status_code
        == 403
    )
    assert client.post(reverse("comments:unit", args=[unit.pk]), form_data(comment_type())).status_code == 302
    assert Comment.objects.get().target_type == TargetType.UNIT


def test_cmt2_reading_right_per_kind(client, make_user, goal):
    """Without the reading right the public sees no comments on goals; county leaders still do."""
    CommentFactory(goal=goal, body="公开的点评")
    row = right(CommenterKind.PUBLIC, TargetType.GOAL)
    row.may_read = False
    row.save()
    assert "公开的点评" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "公开的点评" not in client.get(reverse("comments:unit", args=[goal.plan.unit_id])).content.decode()
    client.force_login(make_user(R.COUNTY_LEADER))
    assert "公开的点评" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()


def test_cmt2_supervising_department_reads_by_its_own_row(client, make_user, goal, other_unit):
    """The goal's supervising department reads by the supervising row, other units by the grassroots row."""
    from tests.factories import UnitFactory

    CommentFactory(goal=goal, body="只给主管部门看")
    row = right(CommenterKind.GRASSROOTS, TargetType.GOAL)
    row.may_read = False
    row.save()
    client.force_login(make_user(R.CADRE, unit=other_unit))
    assert "只给主管部门看" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    client.force_login(make_user(R.CADRE, unit=UnitFactory()))
    assert "只给主管部门看" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()


def test_cmt2_the_unit_commented_on_always_reads_its_comments(client, make_user, unit, goal):
    CommentFactory(goal=goal, body="对本单位的点评")
    for kind in CommenterKind.values:
        CommentRight.objects.filter(commenter_kind=kind).update(may_read=False)
    client.force_login(make_user(R.CADRE, unit=unit))
    assert "对本单位的点评" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()


@pytest.mark.parametrize(
    ("row_moderation", "type_moderation", "published"),
    [
        (Moderation.PRE, "", False),
        (Moderation.POST, "", True),
        (Moderation.PRE, Moderation.POST, True),  # the office switched this type to publish-first
        (Moderation.POST, Moderation.PRE, False),
    ],
)
def test_cmt2_public_comments_are_reviewed_first_unless_switched(
    client, goal, row_moderation, type_moderation, published
):
    """Public comments wait for review; the office can switch to publish-first per row or per comment type."""
    CommentRight.objects.filter(commenter_kind="public", target_type="goal").update(moderation=row_moderation)
    kind = comment_type("建议")
    kind.moderation = type_moderation
    kind.save()
    client.post(reverse("comments:goal", args=[goal.pk]), form_data(kind, body="审核测试"))
    comment = Comment.objects.get()
    assert (comment.status == Comment.Status.PUBLISHED) == published
    assert ("审核测试" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()) == published


def test_cmt2_pending_public_comment_is_announced_as_awaiting_review(client, goal):
    response = client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type()), follow=True)
    assert "审核后" in response.content.decode()

"""CMT-2 (and SYS-11): the office sets, per kind of person, on whose units, teams and goals
they may read and write comments, and whether their comments are reviewed first, in the
office's one rights table (``kaohe.access``), without code."""

import pytest
from django.urls import reverse

from kaohe.access.models import AccessRule, Moderation, Scope, Subject
from kaohe.comments.models import Comment, CommenterKind
from kaohe.core.roles import RoleCode
from tests.access.helpers import rights_form_data, set_right
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory, comment_type
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
R = RoleCode


def test_cmt2_everyone_may_read_and_comment_to_start_with_the_public_reviewed_first(client, make_user, goal):
    """The defaults equal what the portal did before the office could change them."""
    assert not AccessRule.objects.exists()
    client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type(), body="公众意见"))
    client.force_login(make_user(R.CADRE, unit=goal.plan.unit))
    client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type(), body="干部意见"))
    assert dict(Comment.objects.values_list("body", "status")) == {"公众意见": "pending", "干部意见": "published"}


@pytest.mark.parametrize("role", list(RoleCode))
def test_cmt2_only_the_office_edits_the_rights_table(client, make_user, role):
    """The table is edited on the office's rights screen alone; anyone else is refused."""
    client.force_login(make_user(role))
    url = reverse("access_admin:rights")
    assert (client.get(url).status_code == 200) == (role == R.OFFICE)
    data = rights_form_data(client) if role == R.OFFICE else {}
    client.post(url, {**data, f"public|{Subject.GOAL_COMMENTS}|comment": "none"})
    changed = AccessRule.objects.filter(kind="public", subject=Subject.GOAL_COMMENTS, comment_scope="none").exists()
    assert changed == (role == R.OFFICE)


def test_cmt2_closing_comments_for_the_public_refuses_their_comment(client, goal):
    set_right("public", Subject.GOAL_COMMENTS, comment=Scope.NONE)
    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert 'action="/comments/goal/' not in page
    response = client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type()))
    assert response.status_code == 403 and "考核办" in response.content.decode()
    assert not Comment.objects.exists()


def test_cmt2_closing_for_one_kind_leaves_others_open(client, make_user, goal):
    set_right("public", Subject.GOAL_COMMENTS, comment=Scope.NONE)
    client.force_login(make_user(R.COUNTY_LEADER))
    assert client.post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type())).status_code == 302
    assert Comment.objects.get().commenter_kind == CommenterKind.COUNTY_LEADER


def test_cmt2_closing_comments_on_teams_only(client, unit):
    team = TeamFactory(unit=unit)
    set_right("public", Subject.TEAM_COMMENTS, comment=Scope.NONE)
    assert (
        client.post(reverse("comments:unit", args=[unit.pk]), form_data(comment_type(), team=team.pk)).status_code
        == 403
    )
    assert client.post(reverse("comments:unit", args=[unit.pk]), form_data(comment_type())).status_code == 302
    assert Comment.objects.get().target_type == "unit"


def test_cmt2_reading_right_per_kind(client, make_user, goal):
    """Without the reading right the public sees no comments on goals; county leaders still do."""
    CommentFactory(goal=goal, body="公开的点评")
    set_right("public", Subject.GOAL_COMMENTS, read=Scope.NONE)
    assert "公开的点评" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "公开的点评" not in client.get(reverse("comments:unit", args=[goal.plan.unit_id])).content.decode()
    client.force_login(make_user(R.COUNTY_LEADER))
    assert "公开的点评" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()


def test_cmt2_supervising_department_reads_what_its_scope_reaches(client, make_user, goal, other_unit):
    """With "own and supervised units", the goal's supervising department reads, other units do not."""
    from tests.factories import UnitFactory

    CommentFactory(goal=goal, body="只给主管部门看")
    set_right(f"role:{R.CADRE}", Subject.GOAL_COMMENTS, read=Scope.SUPERVISED)
    client.force_login(make_user(R.CADRE, unit=other_unit))
    assert "只给主管部门看" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    client.force_login(make_user(R.CADRE, unit=UnitFactory()))
    assert "只给主管部门看" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()


def test_cmt2_people_of_a_kind_of_unit_read_more_than_their_role(client, make_user, goal):
    """A row for a kind of unit (towns, say) adds to what its people's roles give them (SYS-11)."""
    from tests.factories import UnitFactory, UnitKindFactory

    CommentFactory(goal=goal, body="乡镇可见")
    town = UnitFactory(kind=UnitKindFactory(name="乡镇"))
    set_right(f"role:{R.CADRE}", Subject.GOAL_COMMENTS, read=Scope.OWN)
    client.force_login(make_user(R.CADRE, unit=town))
    assert "乡镇可见" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    set_right(f"unit_kind:{town.kind_id}", Subject.GOAL_COMMENTS, read=Scope.ALL)
    assert "乡镇可见" in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()


def test_cmt2_the_unit_commented_on_always_reads_its_comments(client, make_user, unit, goal):
    CommentFactory(goal=goal, body="对本单位的点评")
    for role in RoleCode:
        set_right(f"role:{role}", Subject.GOAL_COMMENTS, read=Scope.NONE)
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
    set_right("public", Subject.GOAL_COMMENTS, moderation=row_moderation)
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

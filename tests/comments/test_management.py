"""CMT-4: comment management. Those with the right and the unit commented on
list comments by commenter kind, comment type, unit, goal and date; new
comments are marked new per reader until opened; the office merges and
removes duplicates, keeping a record of what and why."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaohe.access.models import Scope, Subject
from kaohe.comments.models import Comment, CommenterKind
from kaohe.core.roles import RoleCode
from tests.access.helpers import set_right
from tests.comments.factories import CommentFactory, comment_type
from tests.factories import UnitFactory
from tests.goals.factories import GoalFactory

pytestmark = pytest.mark.django_db
R = RoleCode
LIST = reverse("comments_admin:index")

# role -> may open the list (others are sent to sign in or refused)
OPENS_LIST = {R.OFFICE, R.COUNTY_LEADER, R.ASSESSMENT_GROUP, R.UNIT_ADMIN}


def rows(response):
    return [comment.pk for comment in response.context["page_obj"]]


@pytest.mark.parametrize("role", list(RoleCode))
def test_cmt4_who_opens_the_management_list(client, make_user, unit, role):
    client.force_login(make_user(role, unit=unit))
    response = client.get(LIST)
    assert (response.status_code == 200) == (role in OPENS_LIST)


def test_cmt4_unit_admin_lists_published_comments_on_their_unit(client, make_user, unit, other_unit, goal):
    mine = CommentFactory(goal=goal)
    pending = CommentFactory(goal=goal, status=Comment.Status.PENDING)
    set_right("role:unit_admin", Subject.UNIT_COMMENTS, read=Scope.OWN)
    theirs = CommentFactory(unit=other_unit)
    client.force_login(make_user(R.UNIT_ADMIN, unit=unit))
    listed = rows(client.get(LIST))
    assert mine.pk in listed
    assert pending.pk not in listed  # awaiting review: only the office
    assert theirs.pk not in listed  # another unit's, and unit administrators may not read them


def test_cmt4_unit_admin_also_lists_what_the_rights_table_lets_them_read(client, make_user, unit, other_unit):
    theirs = CommentFactory(unit=other_unit)
    client.force_login(make_user(R.UNIT_ADMIN, unit=unit))
    assert theirs.pk in rows(client.get(LIST))


def test_cmt4_office_lists_everything_live_by_default_and_filters_by_status(client, office_user, goal):
    published = CommentFactory(goal=goal)
    pending = CommentFactory(goal=goal, status=Comment.Status.PENDING)
    removed = CommentFactory(goal=goal, status=Comment.Status.REMOVED)
    client.force_login(office_user)
    assert set(rows(client.get(LIST))) == {published.pk, pending.pk}
    assert rows(client.get(LIST + "?status=pending")) == [pending.pk]
    assert rows(client.get(LIST + "?status=removed")) == [removed.pk]
    assert set(rows(client.get(LIST + "?status="))) == {published.pk, pending.pk, removed.pk}


def test_cmt4_filters_by_kind_type_unit_goal_target_date_and_text(client, office_user, unit, goal):
    other_goal = GoalFactory(plan=goal.plan)
    elsewhere = UnitFactory()
    a = CommentFactory(
        goal=goal, commenter_kind=CommenterKind.COUNTY_LEADER, comment_type=comment_type("建议"), body="加快进度"
    )
    b = CommentFactory(goal=other_goal, commenter_kind=CommenterKind.PUBLIC, comment_type=comment_type("点评"))
    c = CommentFactory(unit=elsewhere, commenter_kind=CommenterKind.PUBLIC)
    Comment.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(office_user)
    assert rows(client.get(LIST + "?kind=county_leader")) == [a.pk]
    assert rows(client.get(LIST + f"?type={comment_type('建议').pk}")) == [a.pk]
    assert set(rows(client.get(LIST + f"?unit={unit.pk}"))) == {a.pk, b.pk}
    assert rows(client.get(LIST + f"?goal={other_goal.pk}")) == [b.pk]
    assert rows(client.get(LIST + "?target=unit")) == [c.pk]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert set(rows(client.get(LIST + f"?date_from={since}"))) == {a.pk, b.pk}
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert rows(client.get(LIST + f"?date_to={until}")) == [c.pk]
    assert rows(client.get(LIST + "?q=加快")) == [a.pk]


def test_cmt4_nonsense_filter_values_are_ignored_not_an_error(client, office_user, goal):
    CommentFactory(goal=goal)
    client.force_login(office_user)
    response = client.get(LIST + "?kind=martian&unit=abc&date_from=yesterday&goal=-3&p=999")
    assert response.status_code == 200
    assert len(rows(response)) == 1


def test_cmt4_new_marker_is_per_reader_until_opened(client, make_user, office_user, goal):
    comment = CommentFactory(goal=goal)
    other_office = make_user(R.OFFICE)
    client.force_login(office_user)
    assert "comments-row--new" in client.get(LIST).content.decode()
    assert client.get(reverse("comments_admin:detail", args=[comment.pk])).status_code == 200
    assert "comments-row--new" not in client.get(LIST).content.decode()
    assert rows(client.get(LIST + "?new=on")) == []
    client.force_login(other_office)
    assert rows(client.get(LIST + "?new=on")) == [comment.pk]


def test_cmt4_mark_ticked_comments_read(client, unit_admin, goal):
    first, second = CommentFactory(goal=goal), CommentFactory(goal=goal)
    client.force_login(unit_admin)
    client.post(reverse("comments_admin:bulk"), {"action": "read", "ids": [first.pk]})
    assert rows(client.get(LIST + "?new=on")) == [second.pk]


def test_cmt4_office_merges_duplicates_keeping_the_record(client, office_user, goal):
    keep = CommentFactory(goal=goal, body="路灯不亮")
    dup1 = CommentFactory(goal=goal, body="路灯不亮")
    dup2 = CommentFactory(goal=goal, body="路灯不亮！")
    client.force_login(office_user)
    response = client.post(reverse("comments_admin:bulk"), {"action": "merge", "ids": [keep.pk, dup1.pk, dup2.pk]})
    assert response.status_code == 302 and "merge" in response["Location"]
    merge_url = response["Location"]
    assert client.get(merge_url).status_code == 200
    client.post(
        reverse("comments_admin:merge"), {"ids": [keep.pk, dup1.pk, dup2.pk], "keep": keep.pk, "reason": "重复提交"}
    )
    dup1.refresh_from_db()
    assert dup1.status == Comment.Status.MERGED and dup1.merged_into == keep and dup1.removal_reason == "重复提交"
    assert dup1.removed_by == office_user
    assert set(rows(client.get(LIST))) == {keep.pk}
    assert set(rows(client.get(LIST + "?status=merged"))) == {dup1.pk, dup2.pk}
    detail = client.get(reverse("comments_admin:detail", args=[keep.pk])).content.decode()
    assert "重复提交" in detail and f"#{dup1.pk}" in detail
    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert page.count("路灯不亮") == 1
    from kaohe.comments.models import CommentLogEntry

    assert CommentLogEntry.objects.filter(action="kaohe_comments.merge").count() == 2


def test_cmt4_merge_needs_a_reason_and_the_kept_one_among_those_ticked(client, office_user, goal):
    a, b, c = CommentFactory(goal=goal), CommentFactory(goal=goal), CommentFactory(goal=goal)
    client.force_login(office_user)
    response = client.post(reverse("comments_admin:merge"), {"ids": [a.pk, b.pk], "keep": a.pk, "reason": ""})
    assert response.status_code == 400
    response = client.post(reverse("comments_admin:merge"), {"ids": [a.pk, b.pk], "keep": c.pk, "reason": "重复"})
    assert response.status_code == 400
    assert Comment.objects.filter(status=Comment.Status.MERGED).count() == 0


def test_cmt4_office_removes_with_a_reason_kept_on_record(client, office_user, goal):
    comment = CommentFactory(goal=goal, body="广告内容")
    client.force_login(office_user)
    response = client.post(reverse("comments_admin:remove", args=[comment.pk]), {"reason": ""})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    client.post(reverse("comments_admin:remove", args=[comment.pk]), {"reason": "商业广告"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED and comment.removal_reason == "商业广告"
    assert "广告内容" not in client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    record = client.get(reverse("comments_admin:detail", args=[comment.pk])).content.decode()
    assert "广告内容" in record and "商业广告" in record


@pytest.mark.parametrize("role", [R.UNIT_ADMIN, R.COUNTY_LEADER, R.ASSESSMENT_GROUP])
def test_cmt4_only_the_office_removes_merges_and_moderates(client, make_user, unit, goal, role):
    a, b = CommentFactory(goal=goal), CommentFactory(goal=goal)
    client.force_login(make_user(role, unit=unit))
    # Refused: Wagtail's admin answers a refusal by going back to its dashboard with a message.
    refused = (302, 403)
    assert client.post(reverse("comments_admin:remove", args=[a.pk]), {"reason": "x"}).status_code in refused
    assert (
        client.post(reverse("comments_admin:merge"), {"ids": [a.pk, b.pk], "keep": a.pk, "reason": "x"}).status_code
        in refused
    )
    assert client.post(reverse("comments_admin:moderate", args=[a.pk]), {"action": "reject"}).status_code in refused
    assert client.post(reverse("comments_admin:bulk"), {"action": "reject", "ids": [a.pk]}).status_code in refused
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.PUBLISHED}


def test_cmt4_office_publishes_and_rejects_pending_comments(client, office_user, goal):
    a = CommentFactory(goal=goal, status=Comment.Status.PENDING, body="待审一")
    b = CommentFactory(goal=goal, status=Comment.Status.PENDING, body="待审二")
    client.force_login(office_user)
    client.post(reverse("comments_admin:bulk"), {"action": "publish", "ids": [a.pk]})
    client.post(reverse("comments_admin:moderate", args=[b.pk]), {"action": "reject"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (Comment.Status.PUBLISHED, Comment.Status.REJECTED)
    assert a.moderated_by == office_user
    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "待审一" in page and "待审二" not in page


def test_cmt4_list_queries_do_not_grow_with_comments(client, office_user, goal):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    client.force_login(office_user)
    for _ in range(3):
        CommentFactory(goal=goal)
    few = count()
    for _ in range(40):
        CommentFactory(goal=goal)
    assert count() == few


def test_cmt4_export_spreadsheet_of_the_filtered_list(client, office_user, goal):
    from io import BytesIO

    from openpyxl import load_workbook

    CommentFactory(goal=goal, body="导出这一条", commenter_kind=CommenterKind.COUNTY_LEADER)
    CommentFactory(goal=goal, body="不导出", commenter_kind=CommenterKind.PUBLIC)
    client.force_login(office_user)
    response = client.get(reverse("comments_admin:export") + "?kind=county_leader")
    sheet = load_workbook(BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and "导出这一条" in values[1]


def test_cmt4_dashboard_tells_each_reader_what_is_new(client, office_user, unit_admin, goal):
    CommentFactory(goal=goal)
    CommentFactory(goal=goal, status=Comment.Status.PENDING)
    client.force_login(office_user)
    page = client.get("/admin/").content.decode()
    assert "2 条新点评" in page and "1 条点评待审核" in page
    client.force_login(unit_admin)
    page = client.get("/admin/").content.decode()
    assert "1 条新点评" in page and "待审核" not in page


def test_cmt3_a_comment_type_in_use_cannot_be_deleted(client, office_user, goal):
    kind = comment_type("建议")
    CommentFactory(goal=goal, comment_type=kind)
    client.force_login(office_user)
    response = client.post(reverse("wagtailsnippets_comments_commenttype:delete", args=[kind.pk]), follow=True)
    assert response.status_code == 200 and "不能删除" in response.content.decode()
    assert Comment.objects.filter(comment_type=kind).exists()


def test_cmt4_the_list_pages_like_every_admin_list_and_keeps_its_filters(client, office_user, goal):
    """CMT-4: 51 comments fill two pages; Wagtail's bar keeps the filter, and the reader's count of new ones shows."""
    CommentFactory.create_batch(51, goal=goal, commenter_kind=CommenterKind.COUNTY_LEADER)
    client.force_login(office_user)
    first = client.get(LIST + "?kind=county_leader")
    page = first.content.decode()
    assert len(rows(first)) == 50 and "51 条新点评" in page
    assert 'class="pagination"' in page and "kind=county_leader&amp;p=2" in page
    assert len(rows(client.get(LIST + "?kind=county_leader&p=2"))) == 1

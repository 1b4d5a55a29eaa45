"""Reports (举报) never show in the action log to anyone but the office (CMT-5, SYS-8; issue 12 item 3).

The finding: Wagtail's site history lists entries of every model a person has any right
on, and unit administrators may open comment management, so "举报 · <their unit> | 点评已发布"
told them a report named their unit. Now what happens to comments is logged apart and
only the office reads it: not the entries, not their labels, not their count, not the
"type" filter that would name the model.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from kaohe.comments import services
from kaohe.comments.models import Comment, CommentLogEntry
from kaohe.core.roles import RoleCode
from tests.comments.factories import CommentFactory, comment_type
from tests.goals.factories import GoalFactory, GoalPlanFactory

pytestmark = pytest.mark.django_db
R = RoleCode
SITE_HISTORY = "wagtailadmin_reports:site_history"
NOT_OFFICE = [R.UNIT_ADMIN, R.COUNTY_LEADER, R.ASSESSMENT_GROUP, R.SYSTEM_ADMIN, R.EDITOR]


@pytest.fixture
def report(unit, office_user):
    """A report on ``unit``'s goal, published and answered by the office: three log entries."""
    goal = GoalFactory(plan=GoalPlanFactory(unit=unit, status="published"), name="推进重点项目建设")
    comment = CommentFactory(goal=goal, comment_type=comment_type("举报"), status=Comment.Status.PENDING)
    services.comments_publish(comments=[comment], user=office_user)
    services.answer_post(comment=comment, body="已转纪检部门核查。", is_public=False, user=office_user)
    return comment


@pytest.fixture
def remark(unit, office_user):
    """An ordinary comment on ``unit``, published by the office."""
    comment = CommentFactory(unit=unit, comment_type=comment_type("点评"), status=Comment.Status.PENDING)
    services.comments_publish(comments=[comment], user=office_user)
    return comment


def history(client, user, **params):
    client.force_login(user)
    page = client.get(reverse(SITE_HISTORY), params)
    assert page.status_code == 200
    return page


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_cmt5_site_history_shows_no_comment_entries_to_anyone_but_the_office(
    client, make_user, unit, report, remark, role
):
    """Unit administrator of the unit reported on, county leader, assessment group, and the others."""
    page = history(client, make_user(role, unit=unit))
    text = page.content.decode()
    assert "举报" not in text
    assert "点评已发布" not in text and "Comment published" not in text
    comment_type_ids = [ct.pk for ct in ContentType.objects.filter(app_label="comments")]
    assert not set(page.context["object_list"]) & set(CommentLogEntry.objects.all())
    for type_id in comment_type_ids:
        filtered = history(client, make_user(role, unit=unit), object_type=type_id)
        assert not [entry for entry in filtered.context["object_list"] if isinstance(entry, CommentLogEntry)]
        assert f'value="{type_id}"' not in filtered.content.decode(), "the type filter does not name comments"
    results = client.get(reverse("wagtailadmin_reports:site_history_results"))
    assert "举报" not in results.content.decode()


def test_cmt5_the_office_reads_every_comment_entry(client, office_user, report, remark):
    page = history(client, office_user)
    text = page.content.decode()
    assert "举报" in text and "点评已发布" in text
    assert CommentLogEntry.objects.filter(object_id=str(report.pk)).count() == 2
    assert not ModelLogEntry.objects.filter(content_type__app_label="comments").exists()


def test_cmt5_entries_logged_before_the_change_move_to_the_office_only_log(office_user, unit):
    """The migration moves what Wagtail's shared log already held about comments."""
    comment = CommentFactory(unit=unit, comment_type=comment_type("举报"))
    content_type = ContentType.objects.get_for_model(Comment)
    ModelLogEntry.objects.create(
        content_type=content_type,
        label=str(comment),
        action="kaohe_comments.publish",
        timestamp=comment.created_at,
        object_id=str(comment.pk),
        user=office_user,
    )
    other = log(unit, "wagtail.edit", user=office_user)
    migration = importlib.import_module("kaohe.comments.migrations.0004_comment_log_entries")
    migration.move_comment_logs(apps, None)
    assert list(ModelLogEntry.objects.values_list("pk", flat=True)) == [other.pk]
    moved = CommentLogEntry.objects.get()
    assert (moved.label, moved.object_id, moved.user_id) == (str(comment), str(comment.pk), office_user.pk)

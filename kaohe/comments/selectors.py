"""Reads of comments for pages, the management list and the scoring screen.

Each selector runs a fixed number of queries whatever the number of comments:
related rows come with ``select_related``, answers with one prefetch, and the
per-reader "new" marker is an ``EXISTS`` subquery on the page's rows.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kaohe.core.rules import is_office
from kaohe.goals.models import Goal

from .models import Answer, Comment, CommentRead, TargetType
from .permissions import manageable_comments, readable_q, sees_private_answers


def public_answers_prefetch() -> Prefetch:
    return Prefetch(
        "answers", queryset=Answer.objects.filter(is_public=True).order_by("created_at", "pk"), to_attr="public_answers"
    )


def readable_comments(*, user) -> QuerySet:
    """Published comments ``user`` may read on the portal, newest first, with
    their public answers (CMT-2, CMT-5)."""
    return (
        Comment.objects.filter(readable_q(user))
        .select_related("comment_type", "goal", "team")
        .prefetch_related(public_answers_prefetch())
        .order_by("-created_at", "-pk")
    )


def goal_comments(*, user, goal) -> QuerySet:
    return readable_comments(user=user).filter(goal=goal, target_type=TargetType.GOAL)


def unit_comments(*, user, unit, target_type: str = "", goal_id: int | None = None) -> QuerySet:
    """Everything readable about a unit: on the unit, its teams and its goals; only those
    on ``target_type`` targets, or on one goal, when given."""
    comments = readable_comments(user=user).filter(unit=unit)
    if target_type:
        comments = comments.filter(target_type=target_type)
    if goal_id is not None:
        comments = comments.filter(goal_id=goal_id)
    return comments


def _with_new_marker(queryset: QuerySet, user) -> QuerySet:
    """Annotate ``is_new``: ``user`` has not opened the comment yet (CMT-4)."""
    return queryset.annotate(is_read=Exists(CommentRead.objects.filter(user_id=user.pk, comment_id=OuterRef("pk"))))


def management_list(*, user, data: dict) -> QuerySet:
    """The comments of the management list for ``user`` after the filters in
    ``data`` (cleaned ``CommentFilterForm`` data), newest first (CMT-4)."""
    comments = manageable_comments(user).select_related("comment_type", "unit", "goal", "team")
    status = data.get("status")
    if is_office(user):
        if status == "live":
            comments = comments.filter(status__in=[Comment.Status.PENDING, Comment.Status.PUBLISHED])
        elif status:
            comments = comments.filter(status=status)
    if data.get("kind"):
        comments = comments.filter(commenter_kind=data["kind"])
    if data.get("type"):
        comments = comments.filter(comment_type=data["type"])
    if data.get("target"):
        comments = comments.filter(target_type=data["target"])
    if data.get("unit"):
        comments = comments.filter(unit=data["unit"])
    if data.get("goal"):
        comments = comments.filter(goal_id=data["goal"])
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        comments = comments.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
    if data.get("date_to"):
        comments = comments.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    if data.get("q"):
        comments = comments.filter(Q(body__icontains=data["q"]) | Q(author_name__icontains=data["q"]))
    comments = _with_new_marker(comments, user)
    if data.get("new"):
        comments = comments.filter(is_read=False)
    return comments.order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    """How many live comments ``user`` manages and has not opened yet (CMT-4)."""
    return (
        _with_new_marker(
            manageable_comments(user).filter(status__in=[Comment.Status.PENDING, Comment.Status.PUBLISHED]), user
        )
        .filter(is_read=False)
        .count()
    )


def comments_for_goals(*, goal_ids, user=None) -> dict[int, list[Comment]]:
    """Comments on each goal with the answers ``user`` may read (``all_answers``), for the
    scoring screen (SCORE-3). The office sees reports too; others see what they may read,
    and private answers only on their own unit's comments, as on the comment screens."""
    comments = Comment.objects.filter(goal_id__in=list(goal_ids), target_type=TargetType.GOAL)
    if user is not None and not is_office(user):
        comments = comments.filter(readable_q(user))
    else:
        comments = comments.filter(status__in=[Comment.Status.PENDING, Comment.Status.PUBLISHED])
    comments = (
        comments.select_related("comment_type")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("created_at", "pk"), to_attr="all_answers")
        )
        .order_by("-created_at", "-pk")
    )
    result: dict[int, list[Comment]] = {}
    for comment in comments:
        if user is None or not sees_private_answers(user, comment):
            comment.all_answers = [answer for answer in comment.all_answers if answer.is_public]
        result.setdefault(comment.goal_id, []).append(comment)
    return result


def pending_count() -> int:
    """How many comments wait for the office's review."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()


def managed_comment(*, user, pk: int) -> Comment | None:
    """A comment ``user`` may manage, with what its screen shows; None for anything else, reports included."""
    return (
        manageable_comments(user)
        .select_related(
            "comment_type", "unit", "goal__plan", "team", "author", "merged_into", "removed_by", "moderated_by"
        )
        .filter(pk=pk)
        .first()
    )


def managed_comments(*, user, ids) -> list[Comment]:
    """The comments of ``ids`` that ``user`` may manage."""
    return list(manageable_comments(user).filter(pk__in=ids).select_related("comment_type", "unit", "goal", "team"))


def comment_answers(*, user, comment: Comment) -> list[Answer]:
    """The answers ``user`` may read on the comment's screen: private answers are between the
    commented unit (and the office) and the commenter (CMT-5)."""
    answers = list(comment.answers.select_related("author"))
    if not sees_private_answers(user, comment):
        answers = [answer for answer in answers if answer.is_public]
    return answers


def filter_goal(*, pk: int) -> Goal | None:
    """The goal the management list is filtered by, with its unit, for the filter's label."""
    return Goal.objects.filter(pk=pk).select_related("plan__unit").first()


def goal_comment_counts(*, user, goal_ids) -> dict[int, int]:
    """How many comments ``user`` may read on each goal (GOAL-7 badges), one query."""
    rows = (
        Comment.objects.filter(readable_q(user), goal_id__in=goal_ids, target_type=TargetType.GOAL)
        .values("goal_id")
        .annotate(count=Count("pk"))
    )
    return {row["goal_id"]: row["count"] for row in rows}

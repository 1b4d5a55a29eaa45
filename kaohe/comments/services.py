"""Writes of the comments area. Each is one transaction; each check a person
can fail raises ``ValidationError`` with a message for them, before anything changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from kaohe.core.rules import is_office
from kaohe.goals.models import Goal
from kaohe.org.models import Team

from .models import Answer, Comment, CommentRead, CommentType, Moderation
from .permissions import commenter_kind, may_comment, moderation_for, target_type_of

if TYPE_CHECKING:
    from kaohe.accounts.models import User


def _moderation(comment_type: CommentType, moderation: str) -> str:
    """The comment type's own setting if the office set one, else the rights table's."""
    return comment_type.moderation or moderation


@transaction.atomic
def comment_post(
    *, target, comment_type: CommentType, body: str, user: User, author_name: str = "", email: str = ""
) -> Comment:
    """Record a comment on ``target`` (Unit, Team or Goal) by ``user``, with the
    commenter kind derived from them (CMT-1, CMT-3). Published at once or kept
    for review according to the rights table and the comment type (CMT-2)."""
    target_type = target_type_of(target)
    kind = commenter_kind(user, target)
    if not may_comment(user, target):
        raise ValidationError(_("People like you may not comment here."))
    if not comment_type.is_active:
        raise ValidationError(_("Choose one of the comment types offered."))
    comment = Comment(
        target_type=target_type,
        comment_type=comment_type,
        is_report=comment_type.is_report,
        commenter_kind=kind,
        author=user if getattr(user, "is_authenticated", False) else None,
        author_name=author_name.strip(),
        email=email.strip(),
        body=body,
    )
    if isinstance(target, Goal):
        comment.goal = target
        comment.unit_id = target.plan.unit_id
    elif isinstance(target, Team):
        comment.team = target
        comment.unit_id = target.unit_id
    else:
        comment.unit = target
    if _moderation(comment_type, moderation_for(user, target)) == Moderation.POST:
        comment.status = Comment.Status.PUBLISHED
    comment.full_clean(exclude=["author", "moderated_by", "removed_by", "merged_into"])
    comment.save()
    if comment.status == Comment.Status.PUBLISHED:
        _notify_unit(comment)
    return comment


def _notify_unit(comment: Comment) -> None:
    """Tell the unit by e-mail that a comment on it is published, so it can answer
    (CMT-5). Never for a report (举报): the unit must not learn of it. Sent after
    the transaction commits; a mail server that fails loses the notice, not the comment."""
    if comment.is_report:
        return
    address = comment.unit.contact_email if comment.unit_id else ""
    if not address:
        return
    from django.urls import reverse

    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("comments_admin:detail", args=[comment.pk])
    subject = _("New comment on %(target)s") % {"target": comment.target_label}
    body = render_to_string("comments/email/new_comment.txt", {"comment": comment, "link": link})

    def send():
        import logging

        try:
            send_mail(subject.replace("\n", " ")[:150], body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # noqa: BLE001 - any failure of the mail server
            logging.getLogger(__name__).warning(
                "could not e-mail %s about comment %s", address, comment.pk, exc_info=True
            )

    transaction.on_commit(send)


def _moderate(comments: Iterable[Comment], user: User, *, allowed: tuple, status: str, action: str) -> list[Comment]:
    """Give the comments whose status is one of ``allowed`` the new ``status``, logged as ``action``."""
    done = []
    now = timezone.now()
    for comment in comments:
        if comment.status not in allowed:
            continue
        comment.status = status
        comment.moderated_at, comment.moderated_by = now, user
        comment.save(update_fields=["status", "moderated_at", "moderated_by"])
        log(comment, action, user=user)
        done.append(comment)
    return done


@transaction.atomic
def comments_publish(*, comments: Iterable[Comment], user: User) -> int:
    """Publish comments awaiting review (or rejected ones, on second thoughts); the units are told."""
    published = _moderate(
        comments,
        user,
        allowed=(Comment.Status.PENDING, Comment.Status.REJECTED),
        status=Comment.Status.PUBLISHED,
        action="kaohe_comments.publish",
    )
    for comment in published:
        _notify_unit(comment)
    return len(published)


@transaction.atomic
def comments_reject(*, comments: Iterable[Comment], user: User) -> int:
    """Keep comments off the portal (spam, abuse); they stay on record."""
    rejected = _moderate(
        comments,
        user,
        allowed=(Comment.Status.PENDING, Comment.Status.PUBLISHED),
        status=Comment.Status.REJECTED,
        action="kaohe_comments.reject",
    )
    return len(rejected)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why; the reason is kept with the record."))
    return reason


@transaction.atomic
def comment_remove(*, comment: Comment, reason: str, user: User) -> Comment:
    """Remove a comment from every list and page, keeping it on record with the reason (CMT-4)."""
    reason = _reason(reason)
    comment = Comment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
    if not comment.is_live and comment.status != Comment.Status.REJECTED:
        raise ValidationError(_("This comment has already been removed or merged."))
    comment.status = Comment.Status.REMOVED
    comment.removal_reason, comment.removed_at, comment.removed_by = reason, timezone.now(), user
    comment.save(update_fields=["status", "removal_reason", "removed_at", "removed_by"])
    log(comment, "kaohe_comments.remove", user=user, data={"reason": reason})
    return comment


@transaction.atomic
def comments_merge(*, comments: list[Comment], keep: Comment, reason: str, user: User) -> int:
    """Merge duplicates into ``keep``: the others leave the lists and pages and
    point to the one kept, with the reason on record (CMT-4)."""
    reason = _reason(reason)
    ids = [comment.pk for comment in comments]
    locked = list(Comment.objects.select_for_update(of=("self",)).filter(pk__in=ids))
    if keep.pk not in ids:
        raise ValidationError(_("Choose the comment to keep among the selected ones."))
    others = [comment for comment in locked if comment.pk != keep.pk]
    if not others:
        raise ValidationError(_("Select at least two comments to merge."))
    if any(comment.unit_id != keep.unit_id for comment in others):
        raise ValidationError(_("Only comments on the same unit can be merged."))
    if any(not comment.is_live for comment in locked):
        raise ValidationError(_("Some of the selected comments have already been removed or merged."))
    now = timezone.now()
    for comment in others:
        comment.status = Comment.Status.MERGED
        comment.merged_into = keep
        comment.removal_reason, comment.removed_at, comment.removed_by = reason, now, user
        comment.save(update_fields=["status", "merged_into", "removal_reason", "removed_at", "removed_by"])
        log(comment, "kaohe_comments.merge", user=user, data={"into": keep.pk, "reason": reason})
    return len(others)


def comments_mark_read(*, user: User, comments: Iterable[Comment]) -> None:
    """The comments are no longer "new" for ``user`` (CMT-4)."""
    rows = [CommentRead(user=user, comment=comment) for comment in comments]
    if rows:
        CommentRead.objects.bulk_create(rows, ignore_conflicts=True)


def _answered_for(user: User, comment: Comment) -> str:
    if is_office(user) and getattr(user, "unit_id", None) != comment.unit_id:
        return _("Assessment office")
    return comment.unit.name


@transaction.atomic
def answer_post(*, comment: Comment, body: str, is_public: bool, user: User) -> Answer:
    """Record the answer to a comment (CMT-5). A private answer is e-mailed to
    the commenter and goes nowhere else; if there is no address, or the mail
    server refuses it, nothing is recorded and the reason is raised."""
    if comment.is_report and is_public:
        raise ValidationError(_("An answer to a report cannot be public: it would reveal the report."))
    answer = Answer(
        comment=comment, body=body.strip(), is_public=is_public, author=user, answered_for=_answered_for(user, comment)
    )
    if not is_public:
        address = comment.reply_address
        if not address:
            raise ValidationError(
                _(
                    "The commenter left no e-mail address, so a private answer cannot reach them. Make the answer "
                    "public instead."
                )
            )
        answer.emailed_to = address
        answer.emailed_at = timezone.now()
    answer.full_clean(exclude=["author", "comment"])
    answer.save()
    if not is_public:
        _send_answer(answer)
    log(comment, "kaohe_comments.answer", user=user, data={"public": is_public})
    return answer


def _send_answer(answer: Answer) -> None:
    comment = answer.comment
    subject = _("Answer to your comment on %(target)s") % {"target": comment.target_label}
    body = render_to_string("comments/email/answer.txt", {"answer": answer, "comment": comment})
    try:
        send_mail(subject.replace("\n", " ")[:150], body, settings.DEFAULT_FROM_EMAIL, [answer.emailed_to])
    except (OSError, Exception) as error:  # noqa: BLE001 - any failure of the mail server
        raise ValidationError(
            _("The e-mail could not be sent (%(error)s); the answer was not saved. Try again later.") % {"error": error}
        ) from error

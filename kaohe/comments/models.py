"""Comments on units', teams' and goals' plans and progress, and the units' answers (CMT-1..CMT-5).

Who may read and who may comment on what is the office's rights table in
``kaohe.access`` (SYS-11, CMT-2), asked through ``permissions``. The commenter's kind is
derived from who they are when they post (``permissions.commenter_kind``) and
stored on the comment, so the record says who spoke even after people move.

Reports (举报) are whistleblowing: ``Comment.is_report`` is copied from the
comment type when the comment is made, so their privacy does not change when
the office later edits a type; every reader except the office filters them out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager

from kaohe.access.models import Moderation
from kaohe.core.rules import is_office
from kaohe.goals.models import Goal
from kaohe.org.models import Team, Unit

BODY_MAX_LENGTH = 2000


class CommenterKind(models.TextChoices):
    COUNTY_LEADER = "county_leader", pgettext_lazy("commenter kind", "County leader")
    OFFICE = "office", pgettext_lazy("commenter kind", "Assessment office")
    SUPERVISING = "supervising", pgettext_lazy("commenter kind", "Supervising department")
    GRASSROOTS = "grassroots", pgettext_lazy("commenter kind", "Grassroots unit")
    PUBLIC = "public", pgettext_lazy("commenter kind", "Public")


class TargetType(models.TextChoices):
    UNIT = "unit", pgettext_lazy("comment target", "Unit")
    TEAM = "team", pgettext_lazy("comment target", "Leadership team")
    GOAL = "goal", pgettext_lazy("comment target", "Goal")


class CommentType(models.Model):
    """点评, 建议, 举报 and the types the office adds (CMT-3)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=20, unique=True)
    is_report = models.BooleanField(
        _("whistleblowing report"),
        default=False,
        help_text=_(
            "Comments of this type are reports (举报): their text and the reporter's identity are seen only by "
            "the assessment office, never by the unit reported on."
        ),
    )
    moderation = models.CharField(
        _("moderation"),
        max_length=4,
        choices=Moderation.choices,
        blank=True,
        help_text=_("Leave empty to follow the rights table; choose to override it for this type."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("comment type")
        verbose_name_plural = _("comment types")

    def __str__(self):
        return self.name


class Comment(models.Model):
    """A comment, suggestion or report on a unit, a team or a goal (CMT-1, CMT-3)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", pgettext_lazy("comment", "Rejected")
        REMOVED = "removed", _("Removed")
        MERGED = "merged", _("Merged into another")

    target_type = models.CharField(_("target type"), max_length=8, choices=TargetType.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="comments")
    team = models.ForeignKey(
        Team,
        verbose_name=_("leadership team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    comment_type = models.ForeignKey(
        CommentType, verbose_name=_("comment type"), on_delete=models.PROTECT, related_name="comments"
    )
    is_report = models.BooleanField(_("whistleblowing report"), default=False, editable=False)
    commenter_kind = models.CharField(_("commenter kind"), max_length=16, choices=CommenterKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author_name = models.CharField(_("name shown"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    body = models.TextField(_("comment text"), max_length=BODY_MAX_LENGTH)
    status = models.CharField(
        pgettext_lazy("comment", "status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="comment_unit_created"),
            models.Index(fields=["status", "-created_at"], name="comment_status_created"),
            models.Index(fields=["goal", "status"], name="comment_goal_status"),
            models.Index(fields=["-created_at", "-id"], name="comment_created"),
        ]
        verbose_name = pgettext_lazy("comment model", "comment")
        verbose_name_plural = pgettext_lazy("comment model", "comments")

    def __str__(self):
        return f"{self.comment_type} · {self.target_label}"

    @property
    def target(self):
        if self.target_type == TargetType.GOAL:
            return self.goal
        if self.target_type == TargetType.TEAM:
            return self.team
        return self.unit

    @property
    def target_label(self) -> str:
        target = self.target
        return str(target) if target is not None else ""

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.PUBLISHED)

    @property
    def shown_name(self) -> str:
        return self.author_name or str(self.get_commenter_kind_display())

    @property
    def reply_address(self) -> str:
        """Where a private answer goes: the address left with the comment, else the account's."""
        if self.email:
            return self.email
        return getattr(self.author, "email", "") or ""


class CommentRead(models.Model):
    """A reader has opened a comment: it is no longer "new" for them (CMT-4)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "comment"], name="commentread_unique_user_comment")]
        verbose_name = _("comment read")
        verbose_name_plural = _("comments read")

    def __str__(self):
        return f"{self.user_id} · {self.comment_id}"


class Answer(models.Model):
    """The unit's explanation or answer to a comment (CMT-5).

    A public answer shows with the comment beside the goal and on the unit's
    page; a private one is e-mailed to the commenter only.
    """

    comment = models.ForeignKey(
        Comment,
        verbose_name=pgettext_lazy("comment model", "comment"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    body = models.TextField(_("answer"), max_length=BODY_MAX_LENGTH)
    is_public = models.BooleanField(_("public"), default=True)
    answered_for = models.CharField(
        _("answered for"), max_length=100, help_text=_("The unit (or the office) that answers.")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = pgettext_lazy("comment", "answer")
        verbose_name_plural = pgettext_lazy("comment", "answers")

    def __str__(self):
        return f"{self.answered_for} · {self.created_at:%Y-%m-%d}"


class CommentLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        """Only the office reads what happened to comments: a report (举报) must not show, by its label
        or by its mere count, to the unit it names, nor to anyone else (CMT-5; Wagtail's site history
        and every other log screen ask this)."""
        if is_office(user):
            return self.all()
        return self.none()


class CommentLogEntry(BaseLogEntry):
    """Wagtail's action log of the comments app's records, kept apart from the others' so the
    site history can show it to the office alone (registered in ``wagtail_hooks``)."""

    object_id = models.CharField(max_length=255, db_index=True)

    objects = CommentLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("comment log entry")
        verbose_name_plural = _("comment log entries")

    def __str__(self):
        return f"CommentLogEntry {self.pk}: {self.action} {self.object_id}"

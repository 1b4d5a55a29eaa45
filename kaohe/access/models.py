"""The rights the office sets (SYS-11, CMT-2): which kinds of people may query which
units', teams' and cadres' goals, progress, commitments, work records, work reports and
quarterly grades, and who may read and write comments on units, teams and goals.

One row per kind of person and subject (``AccessRule``). A kind is a key:
``public``, ``role:<role code>``, ``unit_kind:<unit kind id>`` (the people of a unit of
that kind: departments, towns, ...) or a key another area registers (evaluation's
``evaluator:<category id>``, see ``kinds.py``). A missing row means the default of
``defaults.py``, so a new unit kind or evaluator category starts with sensible rights.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Subject(models.TextChoices):
    GOALS = "goals", _("Goals and their decomposition")
    PROGRESS = "progress", _("Progress reports")
    COMMITMENTS = "commitments", _("Commitments")
    RECORDS = "records", _("Work records")
    REPORTS = "reports", _("Work reports and self-assessments")
    QUARTERLY = "quarterly", _("Quarterly grades")
    UNIT_COMMENTS = "comments_unit", _("Comments on units")
    TEAM_COMMENTS = "comments_team", _("Comments on teams")
    GOAL_COMMENTS = "comments_goal", _("Comments on goals")


COMMENT_SUBJECTS = (Subject.UNIT_COMMENTS, Subject.TEAM_COMMENTS, Subject.GOAL_COMMENTS)


class Scope(models.TextChoices):
    """Whose material a kind of person reaches. Wider scopes include the narrower ones."""

    NONE = "none", pgettext_lazy("access scope", "Nobody's")
    OWN = "own", pgettext_lazy("access scope", "Own unit's")
    SUPERVISED = "supervised", pgettext_lazy("access scope", "Own and supervised units'")
    GROUP = "group", pgettext_lazy("access scope", "Own and their assessment groups' units'")
    ALL = "all", pgettext_lazy("access scope", "Every unit's")


class Moderation(models.TextChoices):
    PRE = "pre", _("Review before publishing")
    POST = "post", _("Publish first, review afterwards")


class AccessRule(models.Model):
    """One cell of the office's rights table: what a kind of person may do with a subject."""

    kind = models.CharField(_("kind of person"), max_length=64)
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    read_scope = models.CharField(_("may query"), max_length=12, choices=Scope.choices, default=Scope.NONE)
    comment_scope = models.CharField(
        _("may comment"),
        max_length=12,
        choices=Scope.choices,
        default=Scope.NONE,
        help_text=_("Comment subjects only: on whose units, teams or goals this kind of person may comment."),
    )
    moderation = models.CharField(
        _("moderation"),
        max_length=4,
        choices=Moderation.choices,
        default=Moderation.PRE,
        help_text=_("Comment subjects only: whether their comments wait for the office's review."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"],
                name="access_rule_unique_kind_subject",
                violation_error_message=_("The table already has a row for this kind of person and subject."),
            )
        ]
        verbose_name = _("access rule")
        verbose_name_plural = _("query and comment rights")

    def __str__(self):
        return f"{self.kind} · {self.get_subject_display()}"

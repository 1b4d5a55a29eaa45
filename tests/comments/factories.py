"""Factories for comments and answers."""

import factory

from kaohe.comments.models import Answer, Comment, CommenterKind, CommentType, TargetType
from tests.factories import UnitFactory


def comment_type(name="点评"):
    """One of the types every county starts with (点评, 建议, 举报), or a new one."""
    return CommentType.objects.get_or_create(name=name)[0]


class CommentFactory(factory.django.DjangoModelFactory):
    """A published comment on a unit; pass ``goal=`` for a goal's (its unit follows)."""

    class Meta:
        model = Comment

    target_type = factory.LazyAttribute(
        lambda c: TargetType.GOAL if c.goal else (TargetType.TEAM if c.team else TargetType.UNIT)
    )
    goal = None
    team = None
    unit = factory.LazyAttribute(lambda c: c.goal.plan.unit if c.goal else (c.team.unit if c.team else UnitFactory()))
    comment_type = factory.LazyFunction(comment_type)
    is_report = factory.LazyAttribute(lambda c: c.comment_type.is_report)
    commenter_kind = CommenterKind.PUBLIC
    author_name = "热心群众"
    email = "citizen@example.com"
    body = factory.Sequence(lambda n: f"点评内容{n}")
    status = Comment.Status.PUBLISHED


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    comment = factory.SubFactory(CommentFactory)
    body = "已收到，正在落实。"
    is_public = True
    answered_for = factory.LazyAttribute(lambda a: a.comment.unit.name)

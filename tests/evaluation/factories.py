"""Factories for evaluation set-ups, and ``make_task`` for a ready-to-vote task."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from kaohe.evaluation import codes, sealing, services
from kaohe.evaluation.models import (
    Ballot,
    EvaluationAccount,
    EvaluationTask,
    EvaluatorCategory,
    Indicator,
    IndicatorSystem,
    TargetCategory,
    TaskRater,
    TaskTarget,
)
from tests.factories import CadreFactory, TeamFactory


class EvaluatorCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluatorCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测评主体{n}")
    can_read_info = True
    can_give_feedback = True
    can_evaluate = True


class TargetCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"对象类别{n}")
    kind = TargetCategory.Kind.TEAM


class IndicatorSystemFactory(factory.django.DjangoModelFactory):
    """A system with the four levels A-D (100/85/70/50) and ``indicators`` indicators of weight 1."""

    class Meta:
        model = IndicatorSystem
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"指标体系{n}")
    year = 2026

    @factory.post_generation
    def indicators(self, create, extracted, **kwargs):
        if not create:
            return
        count = 3 if extracted is None else extracted
        for index in range(count):
            Indicator.objects.create(
                system=self, name=f"指标{index + 1}", weight=Decimal("1"), sort_order=index, criteria="评分标准"
            )
        if self.scale == IndicatorSystem.Scale.LEVELS:
            services.rating_levels_add(system=self)


class EvaluationTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationTask

    name = factory.Sequence(lambda n: f"2026年度综合测评{n}")
    year = 2026
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=3))
    min_ballots = 1
    mode = EvaluationTask.Mode.BOTH


def make_task(*, targets=4, indicators=3, categories=("分管领导",), quota=None, system=None, task=None, **task_fields):
    """A task with ``targets`` teams in one target category, rated by each named evaluator category.

    ``quota`` is a dict of TaskRater quota fields (e.g. ``{"max_excellent_count": 1}``).
    """
    task = task or EvaluationTaskFactory(**task_fields)
    target_category = TargetCategoryFactory(name="综合管理部门")
    system = system or IndicatorSystemFactory(indicators=indicators)
    for index, name in enumerate(categories):
        TaskRater.objects.create(
            task=task,
            evaluator_category=EvaluatorCategoryFactory(name=name),
            target_category=target_category,
            indicator_system=system,
            weight=Decimal(index + 1),
            sort_order=index,
            **(quota or {}),
        )
    for index in range(targets):
        TaskTarget.objects.create(task=task, target_category=target_category, team=TeamFactory(), sort_order=index)
    return task


def make_cadre_targets(task, count, *, name="一般领导干部"):
    category = TargetCategoryFactory(name=name, kind=TargetCategory.Kind.CADRE)
    return category, [
        TaskTarget.objects.create(task=task, target_category=category, cadre=CadreFactory(), sort_order=100 + i)
        for i in range(count)
    ]


def issue_account(task, category, code=None, serial=None, status=EvaluationAccount.Status.ISSUED):
    """An account with a known code (returned with it), hashed like a real one."""
    code = code or codes.new_code()
    serial = serial or (EvaluationAccount.objects.filter(task=task).count() + 1)
    account = EvaluationAccount.objects.create(
        task=task, category=category, serial=serial, code_digest=codes.account_digest(code), status=status
    )
    return account, code


def full_answers(task, category_name, value="B", overrides=None):
    """Every target of the category's sheet rated ``value`` on every indicator, with per-target overrides."""
    from kaohe.evaluation.sheets import ballot_sheet

    category = EvaluatorCategory.objects.get(name=category_name)
    sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
    answers = {}
    for section in sheet.sections:
        for target in section.targets:
            answers[str(target.pk)] = {str(i.pk): value for i in section.indicators}
    for target_id, row in (overrides or {}).items():
        answers[str(target_id)] = row
    return answers


def key_of(code):
    """The draft key an evaluator's browser holds after signing in with ``code``."""
    return sealing.draft_key(codes.normalise(code))


def counted_ballots(task):
    """The task's counted ballots once the ballot box is emptied, as closing the task would (EVAL-10).

    Online ballots wait in the box until a batch is full; tests that look at a
    single ballot's contents empty the box first.
    """
    services.ballot_box_flush(task_id=task.pk, minimum=1)
    return Ballot.objects.filter(task=task)

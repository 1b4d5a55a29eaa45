"""Factories for goals and progress."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from kaohe.goals.models import (
    Assignment,
    AssignmentRole,
    Goal,
    GoalPlan,
    GoalType,
    Indicator,
    MeasureUnit,
    ProgressEntry,
    ProgressReport,
)
from tests.factories import UnitFactory


class MeasureUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureUnit
        django_get_or_create = ("name",)

    name = "亿元"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"指标{n}")
    category = "经济发展"
    measure_unit = factory.SubFactory(MeasureUnitFactory)
    higher_is_better = True


class GoalTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalType
        django_get_or_create = ("name",)

    name = "经济发展"
    is_public = True


class GoalPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalPlan

    unit = factory.SubFactory(UnitFactory)
    year = 2026


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(GoalPlanFactory)
    name = factory.Sequence(lambda n: f"目标{n}")
    goal_type = factory.SubFactory(GoalTypeFactory)
    weight = Decimal("0")
    start_date = date(2026, 1, 1)
    due_date = date(2026, 12, 31)
    sort_order = factory.Sequence(lambda n: n)


class QuantitativeGoalFactory(GoalFactory):
    kind = Goal.Kind.QUANTITATIVE
    indicator = factory.SubFactory(IndicatorFactory)
    plan_value = Decimal("10")


def role(name="主办"):
    return AssignmentRole.objects.get_or_create(name=name)[0]


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    goal = factory.SubFactory(GoalFactory)
    role = factory.LazyFunction(role)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    plan = factory.SubFactory(GoalPlanFactory)
    period = "Q1"
    submitted = True
    submitted_at = factory.LazyAttribute(lambda report: timezone.now() if report.submitted else None)
    published_at = factory.LazyAttribute(lambda report: timezone.now() if report.submitted else None)


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressEntry

    report = factory.SubFactory(ProgressReportFactory)
    goal = factory.SubFactory(GoalFactory)

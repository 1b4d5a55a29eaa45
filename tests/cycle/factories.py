"""Factories for the cycle's records."""

from datetime import date

import factory

from kaohe.cycle.models import Commitment, WorkRecord
from tests.factories import CadreFactory


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda c: c.cadre.unit if c.cadre else c.team.unit)
    year = 2026
    text = factory.Sequence(lambda n: f"年内完成重点项目{n}个")
    due_date = date(2026, 12, 31)
    status = Commitment.Status.PUBLISHED


class WorkRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkRecord

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda r: r.cadre.unit if r.cadre else r.team.unit)
    date = date(2026, 3, 15)
    content = factory.Sequence(lambda n: f"走访企业{n}家，协调解决用地问题")

"""SYS-3/SYS-8: old exchange-log lines are pruned by a retention rule; recent ones stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kaohe.interop.models import ExchangeRecord

pytestmark = pytest.mark.django_db


def line(days_ago):
    return ExchangeRecord.objects.create(
        started_at=timezone.now() - timedelta(days=days_ago),
        direction=ExchangeRecord.Direction.PUSH,
        operation="cadres.bulk",
        outcome=ExchangeRecord.Outcome.SUCCESS,
    )


def test_sys3_exchange_log_keeps_the_retention_and_drops_older_lines():
    old, edge, recent = line(800), line(700), line(1)
    out = StringIO()
    call_command("prune_exchange_log", "--keep-days", "730", stdout=out)
    assert set(ExchangeRecord.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    assert "删除了 1 条" in out.getvalue()
    assert old.pk not in ExchangeRecord.objects.values_list("pk", flat=True)


def test_sys3_exchange_log_pruning_refuses_a_retention_too_short_to_audit():
    line(100)
    with pytest.raises(CommandError):
        call_command("prune_exchange_log", "--keep-days", "7", stdout=StringIO())
    assert ExchangeRecord.objects.count() == 1

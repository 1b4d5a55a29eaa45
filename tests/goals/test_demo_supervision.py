"""SUP-1, SCORE-1: the demo county has reporting deadlines, a few reports handed in late, and
year-end figures its supervising departments verified (most confirmed, a few questioned)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kaohe.goals.models import EntryVerification, ProgressReport, ReportingDeadline
from kaohe.goals.selectors import deadline_statuses

pytestmark = pytest.mark.django_db


def test_sup1_score1_demo_has_deadlines_late_reports_and_verifications():
    call_command("load_demo", stdout=StringIO())
    last_year = timezone.localdate().year - 1
    assert ReportingDeadline.objects.filter(year=last_year).count() == 4
    statuses = deadline_statuses(year=last_year, today=timezone.localdate())
    assert all(status.missing == [] for status in statuses), "last year every unit reported"
    late = sum(len(status.late) for status in statuses)
    on_time = sum(status.on_time for status in statuses)
    assert 0 < late < on_time, "a few units reported after the due date"
    assert not ProgressReport.objects.filter(submitted=True, published_at__isnull=True).exists()
    confirmed = EntryVerification.objects.filter(verdict=EntryVerification.Verdict.CONFIRMED).count()
    questioned = EntryVerification.objects.filter(verdict=EntryVerification.Verdict.QUESTIONED)
    assert 0 < questioned.count() < confirmed
    assert all(v.note and v.verifier_unit_id for v in questioned)

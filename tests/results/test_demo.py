"""The demo's results: two complete past years, archived with approved grades, and this year in progress."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kaohe.results.models import AssessmentYear, YearResult

pytestmark = pytest.mark.django_db


def test_demo_has_two_archived_years_and_the_current_one(client, settings):
    from io import StringIO

    call_command("load_demo", stdout=StringIO())
    this_year = timezone.localdate().year
    archived = set(AssessmentYear.objects.filter(archived_at__isnull=False).values_list("year", flat=True))
    assert archived == {this_year - 1, this_year - 2}
    assert not AssessmentYear.objects.get(year=this_year).is_archived
    last = YearResult.objects.filter(year=this_year - 1)
    assert last.count() > 20 and not last.filter(approved_grade="").exists()
    assert last.filter(goal_score__isnull=False, evaluation_score__isnull=False).count() > 20
    from kaohe.accounts.models import User

    client.force_login(User.objects.get(username="kaoheban"))
    page = client.get(reverse("results_admin:cadres", args=[this_year - 1]))
    assert page.status_code == 200 and len(page.context["page_obj"].object_list) >= 5
    cadre = last.filter(cadre__isnull=False).first().cadre
    history = client.get(reverse("results_admin:cadre", args=[cadre.pk])).context["history"]
    assert [r.year for r in history] == [this_year - 2, this_year - 1]

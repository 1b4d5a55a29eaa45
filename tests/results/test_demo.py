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


def test_res5_res6_demo_every_team_and_member_has_a_graded_result_and_ganbu_reads_theirs(client):
    """RES-5: in the demo's last year every team of the active units and every cadre who held a
    seat has a result and an approved grade from the scales of requirements.md; RES-6: the demo
    cadre ganbu reads their own result after signing in."""
    from io import StringIO

    from kaohe.accounts.models import User
    from kaohe.org.models import Membership, Team

    call_command("load_demo", stdout=StringIO())
    year = timezone.localdate().year - 1
    results = YearResult.objects.filter(year=year)
    teams = set(Team.objects.filter(unit__is_active=True).values_list("pk", flat=True))
    assert set(results.filter(team__isnull=False).values_list("team_id", flat=True)) == teams
    seated = Membership.objects.filter(team__unit__is_active=True, start_date__lte=f"{year}-12-31").exclude(
        end_date__lt=f"{year}-01-01"
    )
    seated = set(seated.values_list("cadre_id", flat=True)) | set(
        Membership.objects.filter(team__unit__is_active=True, start_date__isnull=True)
        .exclude(end_date__lt=f"{year}-01-01")
        .values_list("cadre_id", flat=True)
    )
    assert set(results.filter(cadre__isnull=False).values_list("cadre_id", flat=True)) == seated
    assert not results.filter(status="incomplete").exists()
    assert set(results.filter(cadre__isnull=False).values_list("approved_grade", flat=True)) <= {
        "优秀",
        "称职",
        "基本称职",
        "不称职",
        "不定等次",
    }
    assert set(results.filter(team__isnull=False).values_list("approved_grade", flat=True)) <= {
        "好",
        "较好",
        "一般",
        "较差",
    }
    assert results.filter(status="ungraded", approved_grade="不定等次").exists()
    groups = set(results.filter(cadre__isnull=False).values_list("post_group", flat=True))
    assert {"principal", "deputy", "other"} <= groups

    ganbu = User.objects.get(username="ganbu")
    client.force_login(ganbu)
    listing = client.get(reverse("results:mine")).content.decode()
    own = results.get(cadre_id=ganbu.cadre_id)
    assert ganbu.cadre.name in listing and own.approved_grade in listing
    assert client.get(reverse("results:result", args=[own.pk])).status_code == 200

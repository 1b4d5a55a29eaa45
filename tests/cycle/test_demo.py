"""The demo county's assessment cycle (CYCLE-1..CYCLE-5): every cycle screen shows real content
to the demo's own sign-ins — published commitments on a unit's page and beside its goals, last
year's marked kept or not; a year of work records on ganbu's page; submitted work reports with
self-grades; the assessment groups' units and inspection scores for kaohezu and the office;
quarterly grades of the quarters already ended for banzi."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.cycle.models import Commitment, GoalSelfAssessment, Inspection, QuarterlyGrade, WorkRecord, WorkReport
from kaohe.org.models import Unit, WorkGroup

pytestmark = pytest.mark.django_db


def test_cycle1_to_cycle5_the_demo_has_content_for_every_cycle_screen(client):
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    year = today.year
    bureau = Unit.objects.get(name="县发展和改革局")

    # CYCLE-1: this year's commitments, published ones on the unit's page and beside a goal; last year's marked.
    published = Commitment.objects.filter(year=year, unit=bureau, status=Commitment.Status.PUBLISHED)
    assert published.filter(team__isnull=False).exists() and published.filter(cadre__isnull=False).exists()
    unit_page = client.get(f"/units/{bureau.pk}/").content.decode()
    assert published.first().text[:20] in unit_page
    linked = published.filter(goals__isnull=False).first()
    goal_page = client.get(reverse("goals:goal", args=[linked.goals.first().pk])).content.decode()
    assert linked.text[:20] in goal_page
    outcomes = set(Commitment.objects.filter(year=year - 1).values_list("outcome", flat=True))
    assert {Commitment.Outcome.KEPT, Commitment.Outcome.NOT_KEPT} <= outcomes

    # CYCLE-2: ganbu's records through the year, on their own page and the cadre timeline.
    ganbu = User.objects.get(username="ganbu")
    months = set(WorkRecord.objects.filter(cadre=ganbu.cadre, date__year=year).values_list("date__month", flat=True))
    assert len(months) >= min(today.month, 6)
    client.force_login(ganbu)
    assert client.get(reverse("cycle:own_records")).content.decode().count("<time datetime=") >= 3
    timeline = client.get(reverse("cycle:cadre_records", args=[ganbu.cadre_id])).content.decode()
    assert timeline.count("timeline__entry") >= 3

    # CYCLE-3: submitted reports with self-grades per goal, some still missing; the office's overview.
    submitted = WorkReport.objects.filter(year=year, status=WorkReport.Status.SUBMITTED)
    assert submitted.filter(team__isnull=False).exists() and submitted.filter(cadre__isnull=False).exists()
    assert GoalSelfAssessment.objects.filter(report__in=submitted).exclude(reasons="").exists()
    assert not submitted.filter(overall_grade="").exists()
    office = User.objects.get(username="kaoheban")
    client.force_login(office)
    overview = client.get(reverse("cycle_admin:reports"), {"year": year})
    states = {row["state"] for row in overview.context["page_obj"].paginator.object_list}
    assert "missing" in states and len(states) >= 2

    # CYCLE-4: at least two groups with their units and inspection scores; the office sees them all.
    groups = WorkGroup.objects.filter(kind=WorkGroup.Kind.ASSESSMENT, year=year).annotate(n=Count("units"))
    assert groups.filter(n__gt=0).count() >= 2
    scored = Inspection.objects.filter(year=year, score__isnull=False)
    assert scored.values("group").distinct().count() >= 2 and scored.filter(confirmed_at__isnull=False).exists()
    progress = client.get(reverse("cycle_admin:inspections"), {"year": year}).context["progress"]
    assert sum(1 for row in progress if row["recorded"]) >= 2
    client.force_login(User.objects.get(username="kaohezu"))
    listing = client.get(reverse("cycle_admin:inspections"), {"year": year}).content.decode()
    assert ganbu.cadre.name in listing and bureau.name in listing
    screen = client.get(reverse("cycle_admin:inspection", args=[year, "cadre", ganbu.cadre_id]))
    assert screen.status_code == 200
    page = screen.content.decode()
    record = WorkRecord.objects.filter(cadre=ganbu.cadre, date__year=year).order_by("-date").first()
    assert record.content[:15] in page

    # CYCLE-5: the quarters already ended are graded; banzi grades the bureau's cadres.
    ended = (today.month - 1) // 3
    quarters = set(QuarterlyGrade.objects.filter(year=year).values_list("quarter", flat=True))
    assert quarters == set(range(1, ended + 1))
    if ended:
        client.force_login(User.objects.get(username="banzi"))
        rows = client.get(reverse("cycle:quarterly"), {"year": year, "quarter": ended}).context["rows"]
        assert rows and any(row["current"] for row in rows)

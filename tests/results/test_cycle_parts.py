"""RES-1, CYCLE-4, CYCLE-5: a part of the year's scheme may take its scores from the assessment
groups' confirmed inspections or from the year's quarterly grades instead of the office's hand.

Through the real chain: the cycle's services record and confirm inspections and store quarterly
grades, the cycle's selectors read them, the results' compute counts them (no source is faked
but the goal score, which the fixture gives)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from kaohe.cycle import services as cycle_services
from kaohe.cycle.inspection import Target
from kaohe.org.models import WorkGroup
from kaohe.results import services
from kaohe.results.models import ManualScore, ResultScheme, SchemePart, YearResult
from tests.factories import WorkGroupFactory, WorkGroupMemberFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def groups(assessed_year, make_user):
    """One assessment group holding the units of the year's cadres, with a member and a leader."""
    group = WorkGroupFactory(name="第一考核组", kind=WorkGroup.Kind.ASSESSMENT, year=YEAR)
    group.units.set({cadre.unit for cadre in assessed_year.cadres})
    group.save()
    member = make_user(RoleCode.ASSESSMENT_GROUP, name="组员甲")
    leader = make_user(RoleCode.ASSESSMENT_GROUP, name="组长乙")
    WorkGroupMemberFactory(group=group, user=member, name="组员甲", post="成员")
    WorkGroupMemberFactory(group=group, user=leader, name="组长乙", post="组长")
    return group, member, leader


def inspect(groups, cadre, *, score=None, grade="", confirm=True):
    group, member, leader = groups
    inspection = cycle_services.inspection_record(
        user=member, group=group, year=YEAR, cadre=cadre, opinion="工作扎实", score=score, grade=grade
    )
    if confirm:
        cycle_services.inspection_confirm(user=leader, inspection=inspection)
    return inspection


def scheme_with(category, source, **mapping):
    scheme = ResultScheme.objects.create(year=YEAR, target_category=category, goal_weight=40, evaluation_weight=40)
    return SchemePart.objects.create(scheme=scheme, name="考核组实地考察", weight=20, source=source, **mapping)


def part_of(result, name="考核组实地考察"):
    return next(part for part in result.parts if part["name"] == name)


def test_cycle4_res1_confirmed_inspection_counts_with_the_parts_weight_unconfirmed_does_not(assessed_year, groups):
    first, second = assessed_year.cadres[:2]
    scheme_with(assessed_year.cadre_category, SchemePart.Source.INSPECTION)
    inspect(groups, first, score=Decimal("80"))
    pending = inspect(groups, second, score=Decimal("99"), confirm=False)
    services.results_compute(year=YEAR)
    result = YearResult.objects.get(cadre=first)
    assert result.total == Decimal("90.00")  # 0.4*95 + 0.4*90 + 0.2*80
    part = part_of(result)
    assert (part["weight"], part["score"], part["missing"]) == ("20.00", "80.00", False)
    assert "第一考核组" in part["source"] and "组长确认" in part["source"]
    unconfirmed = YearResult.objects.get(cadre=second)
    assert part_of(unconfirmed)["score"] is None and part_of(unconfirmed)["missing"]
    assert unconfirmed.status == YearResult.Status.INCOMPLETE and unconfirmed.total is None
    assert any("考核组组长确认" in reason for reason in unconfirmed.reasons)

    # The leader confirms: the year's results turn stale, saying why, and count it when computed again.
    cycle_services.inspection_confirm(user=groups[2], inspection=pending)
    assert YearResult.objects.filter(year=YEAR, is_stale=True).count() == YearResult.objects.filter(year=YEAR).count()
    assert any(second.name in item["reason"] for item in services.assessment_year_rules(year=YEAR).stale_reasons)
    services.results_compute(year=YEAR)
    counted = YearResult.objects.get(cadre=second)
    assert part_of(counted)["score"] == "99.00"
    assert counted.total == Decimal("0.4") * 80 + Decimal("0.4") * 85 + Decimal("0.2") * 99


def test_cycle4_an_inspection_grade_counts_as_the_part_maps_it(assessed_year, groups):
    first, second = assessed_year.cadres[:2]
    part = scheme_with(assessed_year.cadre_category, SchemePart.Source.INSPECTION, competent_score=Decimal("88"))
    inspect(groups, first, grade="competent")
    inspect(groups, second, score=Decimal("70"), grade="excellent")  # a score counts as it is
    services.results_compute(year=YEAR)
    graded = part_of(YearResult.objects.get(cadre=first))
    assert graded["score"] == "88.00" and "称职" in graded["source"] and "88" in graded["source"]
    assert part_of(YearResult.objects.get(cadre=second))["score"] == "70.00"
    assert part.excellent_score == Decimal("95")  # the default the office sees and may change


def test_cycle5_quarterly_grades_averaged_as_the_part_maps_them(assessed_year, office_user):
    first, second = assessed_year.cadres[:2]
    scheme_with(assessed_year.cadre_category, SchemePart.Source.QUARTERLY, average_score=Decimal("65"))
    target = Target(unit=first.unit, cadre=first)
    for quarter, grade in ((1, "good"), (2, "average")):
        cycle_services.quarterly_grades_save(
            user=office_user, year=YEAR, quarter=quarter, rows=[(target, grade, "")], today=date(YEAR, 12, 1)
        )
    services.results_compute(year=YEAR)
    part = part_of(YearResult.objects.get(cadre=first))
    assert part["score"] == "80.00"  # (95 + 65) / 2
    assert "2" in part["source"] and "好" in part["source"] and "一般" in part["source"]
    assert part_of(YearResult.objects.get(cadre=second))["missing"]
    # A new quarterly grade makes the results stale.
    cycle_services.quarterly_grades_save(
        user=office_user, year=YEAR, quarter=3, rows=[(target, "poor", "")], today=date(YEAR, 12, 1)
    )
    assert YearResult.objects.get(cadre=first).is_stale
    services.results_compute(year=YEAR)
    assert part_of(YearResult.objects.get(cadre=first))["score"] == "73.33"  # (95 + 65 + 60) / 3


def test_res1_a_parts_source_switch_is_honoured(client, office_user, assessed_year, groups):
    first = assessed_year.cadres[0]
    part = scheme_with(assessed_year.cadre_category, SchemePart.Source.MANUAL)
    ManualScore.objects.create(part=part, cadre=first, score=Decimal("100"))
    inspect(groups, first, score=Decimal("80"))
    services.results_compute(year=YEAR)
    hand = part_of(YearResult.objects.get(cadre=first))
    assert hand["score"] == "100.00" and hand["source"] == "由考核办评分"

    part.source = SchemePart.Source.INSPECTION
    part.save()
    assert YearResult.objects.get(cadre=first).is_stale
    services.results_compute(year=YEAR)
    fed = part_of(YearResult.objects.get(cadre=first))
    assert fed["score"] == "80.00" and "第一考核组" in fed["source"]

    # The hand-scoring screen offers no entry for a fed part, and refuses a posted score.
    client.force_login(office_user)
    url = reverse("results_admin:manual", args=[part.pk])
    page = client.get(url).content.decode()
    assert 'name="score-cadre-' not in page and "不由人工录入" in page and "95" in page
    client.post(url, {f"score-cadre-{first.pk}": "10"})
    assert ManualScore.objects.get().score == Decimal("100")
    with pytest.raises(services.ResultsError):
        services.manual_scores_save(part=part, scores={("cadre", first.pk): Decimal("10")}, user=office_user)


def test_res1_the_office_sets_a_parts_source_and_what_each_grade_counts_in_the_schemes_form(
    client, office_user, assessed_year
):
    part = scheme_with(assessed_year.cadre_category, SchemePart.Source.MANUAL)
    client.force_login(office_user)
    url = reverse("wagtailsnippets_results_resultscheme:edit", args=[part.scheme_id])
    page = client.get(url).content.decode()
    for field in ("source", "excellent_score", "competent_score", "good_score", "poor_score"):
        assert f'name="parts-0-{field}"' in page
    assert "考核组经确认的实地考察得分" in page and "平时考核等次的平均" in page

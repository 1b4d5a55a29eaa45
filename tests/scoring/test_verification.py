"""SCORE-1: the scoring sheet shows the supervising department's verification of the reported
figures, and a completed, verified goal proposes the full standard score, which the scorer
may lower with a reason."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.goals.models import EntryVerification
from kaohe.scoring.models import GoalScore
from tests.factories import UnitFactory
from tests.goals.factories import GoalPlanFactory, ProgressEntryFactory, ProgressReportFactory, QuantitativeGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(unit):
    supervisor = UnitFactory(name="县商务局")
    plan = GoalPlanFactory(unit=unit, year=2026, status="published")
    done = QuantitativeGoalFactory(
        plan=plan, name="招商到位资金", plan_value=Decimal("20"), weight=Decimal("10"), supervising_unit=supervisor
    )
    doubtful = QuantitativeGoalFactory(
        plan=plan, name="新增市场主体", plan_value=Decimal("500"), weight=Decimal("10"), supervising_unit=supervisor
    )
    report = ProgressReportFactory(plan=plan, period="Q4", submitted=True)
    EntryVerification.objects.create(
        entry=ProgressEntryFactory(report=report, goal=done, actual_value=Decimal("21")),
        verdict="confirmed",
        verifier_unit=supervisor,
    )
    EntryVerification.objects.create(
        entry=ProgressEntryFactory(report=report, goal=doubtful, actual_value=Decimal("520")),
        verdict="questioned",
        note="含已注销主体，实际约460户",
        verifier_unit=supervisor,
    )
    return {"plan": plan, "done": done, "doubtful": doubtful}


def _form_value(page: str, goal, name: str) -> str:
    marker = f'name="g{goal.pk}-{name}"'
    tag = page[page.rindex("<", 0, page.index(marker)) : page.index(">", page.index(marker))]
    return tag.split('value="')[1].split('"')[0] if 'value="' in tag else ""


def test_score1_sheet_shows_verification_and_proposes_the_full_score(client, office_user, sheet):
    client.force_login(office_user)
    page = client.get(reverse("scoring_admin:sheet", args=[2026, sheet["plan"].unit_id])).content.decode()
    assert "已核准" in page and "县商务局" in page
    assert "有疑问" in page and "含已注销主体，实际约460户" in page
    assert "建议给满分标准分" in page
    assert _form_value(page, sheet["done"], "score") == "50.00"  # the full standard score of two equal goals
    assert _form_value(page, sheet["doubtful"], "score") == "", "questioned figures propose nothing"


def test_score1_the_scorer_may_lower_the_proposed_score_only_with_a_reason(client, office_user, sheet):
    client.force_login(office_user)
    url = reverse("scoring_admin:score", args=[sheet["done"].pk])
    data = {
        f"g{sheet['done'].pk}-method": "direct",
        f"g{sheet['done'].pk}-standard_score": "50",
        f"g{sheet['done'].pk}-score": "45",
    }
    client.post(url, data)
    assert not GoalScore.objects.exists()
    client.post(url, data | {f"g{sheet['done'].pk}-reason": "资金到位时间晚于计划"})
    assert GoalScore.objects.get().score == Decimal("45")

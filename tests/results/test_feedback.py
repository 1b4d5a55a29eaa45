"""RES-6: once the office approves grades, each cadre reads their own result, a team's members the
team's, a unit administrator the unit's; nobody reads another's, and nothing finer than the
anonymity rules allow reaches the page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from kaohe.results import services
from kaohe.results.models import YearResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(county):
    services.results_compute(year=2026)
    return county


def approve(office_user, *subjects):
    results = [YearResult.objects.get(year=2026, **{s.__class__.__name__.lower(): s}) for s in subjects]
    grades = {r.pk: ("不定等次" if r.status == "ungraded" else "称职" if r.cadre_id else "较好") for r in results}
    services.grades_set(year=2026, grades=grades, field="approved_grade", user=office_user)
    return results


def page(client, user, result):
    client.force_login(user)
    return client.get(reverse("results:result", args=[result.pk]))


def test_res6_a_cadre_reads_their_own_result_only_after_approval(client, make_user, office_user, computed):
    user = make_user(RoleCode.CADRE, cadre=computed.principal, unit=computed.t1.unit)
    own = YearResult.objects.get(cadre=computed.principal)
    assert page(client, user, own).status_code == 404
    listing = client.get(reverse("results:mine")).content.decode()
    assert "暂无已审定的结果" in listing and "甲局长" not in listing

    approve(office_user, computed.principal)
    response = page(client, user, own)
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲局长" in html and "称职" in html and "92.00" in html
    assert "目标得分" in html and "测评得分" in html and html.count("<td>50</td>") == 2  # parts with weights
    assert "甲局长" in client.get(reverse("results:mine")).content.decode()


def test_res6_nobody_reads_another_cadres_result_before_or_after_approval(client, make_user, office_user, computed):
    user = make_user(RoleCode.CADRE, cadre=computed.principal, unit=computed.t1.unit)
    colleague = YearResult.objects.get(cadre=computed.below_minimum)
    assert page(client, user, colleague).status_code == 404
    approve(office_user, computed.principal, computed.below_minimum)
    assert page(client, user, colleague).status_code == 404
    assert "乙副局长" not in client.get(reverse("results:mine")).content.decode()


def test_res6_team_members_read_their_teams_result_not_another_teams(client, make_user, office_user, computed):
    member = make_user(RoleCode.TEAM_MEMBER, cadre=computed.below_minimum, unit=computed.t1.unit)
    own_team, other_team = YearResult.objects.get(team=computed.t1), YearResult.objects.get(team=computed.t2)
    assert page(client, member, own_team).status_code == 404
    approve(office_user, computed.t1, computed.t2)
    assert page(client, member, own_team).status_code == 200
    assert page(client, member, other_team).status_code == 404
    listing = client.get(reverse("results:mine")).content.decode()
    assert computed.t1.name in listing and computed.t2.name not in listing


def test_res6_a_unit_administrator_reads_their_units_results(client, make_user, office_user, computed):
    admin = make_user(RoleCode.UNIT_ADMIN, unit=computed.t2.unit)
    approve(office_user, computed.t1, computed.t2, computed.not_evaluated, computed.principal)
    assert page(client, admin, YearResult.objects.get(team=computed.t2)).status_code == 200
    assert page(client, admin, YearResult.objects.get(cadre=computed.not_evaluated)).status_code == 200
    assert page(client, admin, YearResult.objects.get(team=computed.t1)).status_code == 404
    assert page(client, admin, YearResult.objects.get(cadre=computed.principal)).status_code == 404
    listing = client.get(reverse("results:mine")).content.decode()
    assert "戊镇长" in listing and "甲局长" not in listing


@pytest.mark.parametrize("role", [RoleCode.EDITOR, RoleCode.SYSTEM_ADMIN])
def test_res6_other_roles_read_no_result(client, make_user, office_user, computed, role):
    approve(office_user, computed.t1)
    user = make_user(role, unit=computed.t1.unit)
    assert page(client, user, YearResult.objects.get(team=computed.t1)).status_code == 404


def test_res6_signed_out_visitors_are_sent_to_sign_in(client, office_user, computed):
    (result,) = approve(office_user, computed.principal)
    response = client.get(reverse("results:result", args=[result.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_res6_the_evaluation_summary_keeps_ballot_anonymity(client, make_user, office_user, computed):
    """By indicator only for tasks that show the target; a target below the minimum ballots shows
    no score and no ballot count at all."""
    from kaohe.evaluation.models import TargetResult

    TargetResult.objects.filter(target_cadre=computed.principal).update(
        indicator_scores=[
            {"id": 1, "name": "政治素质", "score": "91.50"},
            {"id": 2, "name": "工作实绩", "score": "88.25"},
        ]
    )
    approve(office_user, computed.principal, computed.below_minimum)
    leader = make_user(RoleCode.CADRE, cadre=computed.principal)
    html = page(client, leader, YearResult.objects.get(cadre=computed.principal)).content.decode()
    assert "政治素质" in html and "91.50" in html and "88.25" in html
    deputy = make_user(RoleCode.CADRE, cadre=computed.below_minimum)
    html = page(client, deputy, YearResult.objects.get(cadre=computed.below_minimum)).content.decode()
    assert "61.37" not in html and "本年度没有可显示的测评结果" in html
    assert "按默认分 80.00 计" in html


def test_res6_goal_scores_with_the_offices_reasons_and_earlier_years(client, make_user, office_user, computed, unit):
    from kaohe.scoring import services as scoring
    from tests.goals.factories import AssignmentFactory, GoalFactory, GoalPlanFactory, role

    goal = GoalFactory(plan=GoalPlanFactory(unit=computed.t1.unit, year=2026, status="published"), name="项目落地")
    AssignmentFactory(goal=goal, cadre=computed.principal, role=role("主办"))
    record = scoring.goal_score(
        goal=goal, user=office_user, method="direct", score="8", standard_score="10", reason="两个项目未按期开工"
    )
    scoring.scores_review(scores=[record], user=office_user)
    scoring.scores_lock(scores=[record], user=office_user)
    services.results_compute(year=2026)
    earlier = YearResult.objects.create(
        year=2025,
        cadre=computed.principal,
        target_category=computed.leaders,
        total=Decimal("87.10"),
        approved_grade="优秀",
        computed_at=YearResult.objects.get(cadre=computed.principal).computed_at,
    )
    YearResult.objects.create(
        year=2024, cadre=computed.principal, total=Decimal("70"), computed_at=earlier.computed_at
    )  # never approved: not shown
    approve(office_user, computed.principal)
    user = make_user(RoleCode.CADRE, cadre=computed.principal)
    html = page(client, user, YearResult.objects.get(cadre=computed.principal, year=2026)).content.decode()
    assert "项目落地" in html and "两个项目未按期开工" in html and "8.00" in html
    assert "2025" in html and "87.10" in html and "优秀" in html
    assert "2024" not in html


def test_res6_the_own_result_page_runs_a_fixed_number_of_queries(
    client, make_user, office_user, computed, django_assert_max_num_queries
):
    approve(office_user, computed.principal)
    user = make_user(RoleCode.CADRE, cadre=computed.principal)
    client.force_login(user)
    url = reverse("results:result", args=[YearResult.objects.get(cadre=computed.principal).pk])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_res6_the_portal_menu_offers_my_results_to_cadres_only(client, make_user, computed):
    client.force_login(make_user(RoleCode.CADRE, cadre=computed.principal))
    assert "我的考核结果" in client.get(reverse("results:mine")).content.decode()
    client.force_login(make_user(RoleCode.EDITOR))
    assert "我的考核结果" not in client.get(reverse("search")).content.decode()

"""SYS-3: the cadre-management system pulls yearly results with approved grades, and the goals assigned to a cadre."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.core.roles import RoleCode
from kaohe.evaluation.models import TargetCategory
from kaohe.goals.models import GoalPlan
from kaohe.interop.models import ApiClient, ExchangeRecord
from kaohe.results.models import AssessmentYear, YearResult
from kaohe.results.permissions import result_rules
from tests.evaluation.factories import TargetCategoryFactory
from tests.factories import CadreFactory, TeamFactory, UnitFactory
from tests.goals.factories import AssignmentFactory, GoalFactory, GoalPlanFactory, QuantitativeGoalFactory, role

pytestmark = pytest.mark.django_db

S = ApiClient.Scope


def result(year, *, team=None, cadre=None, total="85.50", grade="", rank=1):
    kind = TargetCategory.Kind.TEAM if team else TargetCategory.Kind.CADRE
    category = TargetCategoryFactory(name=f"类别-{kind}", kind=kind)
    return YearResult.objects.create(
        year=year,
        target_category=category,
        team=team,
        cadre=cadre,
        goal_score=Decimal("90"),
        evaluation_score=Decimal("81"),
        total=Decimal(total),
        rank=rank,
        recommended_grade=grade or "称职",
        approved_grade=grade,
        computed_at=timezone.now(),
    )


@pytest.fixture
def results(db):
    audit, education = UnitFactory(external_id="U-1", name="县审计局"), UnitFactory(external_id="U-2", name="县教育局")
    team = TeamFactory(unit=audit, external_id="T-1")
    chief = CadreFactory(unit=audit, external_id="C-1", name="钱审计")
    teacher = CadreFactory(unit=education, external_id="C-2", name="孙教育")
    rows = {
        "team-2025": result(2025, team=team, grade="好"),
        "chief-2025": result(2025, cadre=chief, grade="优秀", total="93.25"),
        "teacher-2025": result(2025, cadre=teacher, grade=""),
        "chief-2024": result(2024, cadre=chief, grade="称职"),
    }
    AssessmentYear.objects.create(year=2024, archived_at=timezone.now())
    return rows


def test_sys3_results_pull_with_grades_and_filters(key_client, results):
    """SYS-3: yearly results with totals and grades, filtered by year, unit, kind, graded and changed since."""
    client = key_client([S.READ_RESULTS])
    body = client.get("/api/v1/results/").json()
    assert body["count"] == 4
    chief = next(row for row in body["results"] if row["cadre"] == "C-1" and row["year"] == 2025)
    assert chief == {
        **chief,
        "kind": "cadre",
        "unit": "U-1",
        "name": "钱审计",
        "total": "93.25",
        "approved_grade": "优秀",
        "recommended_grade": "优秀",
        "team": None,
        "year_archived": False,
    }

    def external_ids(**query):
        rows = client.get("/api/v1/results/", query).json()["results"]
        return sorted((row["team"] or row["cadre"], row["year"]) for row in rows)

    assert external_ids(year=2025) == [("C-1", 2025), ("C-2", 2025), ("T-1", 2025)]
    assert external_ids(unit="U-1", year=2025) == [("C-1", 2025), ("T-1", 2025)]
    assert external_ids(kind="team") == [("T-1", 2025)]
    assert external_ids(graded="true", year=2025) == [("C-1", 2025), ("T-1", 2025)]
    archived = client.get("/api/v1/results/", {"year": 2024}).json()["results"]
    assert [row["year_archived"] for row in archived] == [True]

    later = timezone.now() + timedelta(seconds=1)
    assert external_ids(changed_since=later.isoformat()) == []
    YearResult.objects.filter(pk=results["teacher-2025"].pk).update(
        approved_grade="称职", updated_at=later + timedelta(seconds=1)
    )
    assert external_ids(changed_since=later.isoformat()) == [("C-2", 2025)]
    assert client.get("/api/v1/results/", {"kind": "planet"}).status_code == 400


def test_res5_the_results_pull_carries_every_result_with_its_state(key_client, results):
    """RES-5: a result that no category covers yet is pulled too (category null), with its state."""
    orphan = CadreFactory(external_id="C-3", name="李新任")
    YearResult.objects.create(
        year=2025, cadre=orphan, status="incomplete", post="副局长", post_group="deputy", computed_at=timezone.now()
    )
    rows = key_client([S.READ_RESULTS]).get("/api/v1/results/", {"year": 2025}).json()["results"]
    row = next(row for row in rows if row["cadre"] == "C-3")
    assert (row["target_category"], row["status"], row["post"], row["post_group"]) == (
        None,
        "incomplete",
        "副局长",
        "deputy",
    )
    assert len(rows) == 4


def test_sys3_results_are_paged_and_logged(key_client, results):
    """SYS-3: pulling results page by page; each page is an exchange-log line with its count."""
    client = key_client([S.READ_RESULTS])
    first = client.get("/api/v1/results/", {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 3 and len(second["results"]) == 1 and second["next"] is None
    assert list(
        ExchangeRecord.objects.filter(operation="results.list").order_by("pk").values_list("record_count", flat=True)
    ) == [3, 1]


@pytest.mark.parametrize(("scopes", "status"), [([S.READ_RESULTS], 200), ([S.READ_CADRES, S.WRITE_CADRES], 403)])
def test_sys3_results_need_the_read_results_scope(key_client, results, scopes, status):
    """SYS-3: reading results is its own scope; a cadre-data key gets 403 and no results."""
    response = key_client(scopes).get("/api/v1/results/")
    assert response.status_code == status
    if status == 403:
        assert "results" not in response.json()


@pytest.mark.parametrize("role_code", list(RoleCode))
def test_sys7_signed_in_roles_read_results_by_the_results_rule_table(client, make_user, unit, results, role_code):
    """SYS-7: the office, county leaders and the assessment group read results through the API; other roles get 403."""
    user = make_user(role_code, unit=unit)
    client.force_login(user)
    response = client.get("/api/v1/results/")
    assert response.status_code == (200 if result_rules.can(user, "view") else 403)


@pytest.fixture
def cadre_goals(db):
    cadre = CadreFactory(external_id="C-9", name="李目标")
    published = GoalPlanFactory(unit=UnitFactory(external_id="U-9"), year=2026, status=GoalPlan.Status.PUBLISHED)
    draft = GoalPlanFactory(unit=published.unit, year=2027)
    lead = AssignmentFactory(
        cadre=cadre, goal=QuantitativeGoalFactory(plan=published, name="招商引资到位资金"), role=role("牵头")
    )
    AssignmentFactory(cadre=cadre, goal=GoalFactory(plan=published, name="优化营商环境"), role=role("配合"))
    AssignmentFactory(cadre=cadre, goal=GoalFactory(plan=draft, name="尚未发布的目标"))
    AssignmentFactory(cadre=CadreFactory(), goal=GoalFactory(plan=published, name="别人的目标"))
    return cadre, lead


def test_sys3_goals_assigned_to_a_cadre_from_published_plans(key_client, cadre_goals):
    """SYS-3: a cadre's goals with role, year, unit, indicator and plan value; drafts stay in the portal."""
    client = key_client([S.READ_RESULTS])
    rows = client.get("/api/v1/cadres/C-9/goals/").json()["results"]
    assert [(row["goal"], row["role"]) for row in rows] == [("招商引资到位资金", "牵头"), ("优化营商环境", "配合")]
    lead = rows[0]
    assert (lead["year"], lead["unit"], lead["goal_kind"], lead["plan_value"], lead["measure_unit"]) == (
        2026,
        "U-9",
        "quantitative",
        "10.0000",
        "亿元",
    )
    assert client.get("/api/v1/cadres/C-9/goals/", {"year": 2025}).json()["results"] == []
    assert client.get("/api/v1/cadres/NOPE/goals/").status_code == 404
    assert key_client([S.READ_CADRES]).get("/api/v1/cadres/C-9/goals/").status_code == 403


def test_sys7_a_unit_administrator_sees_own_draft_goals_through_the_api(client, make_user, cadre_goals):
    """SYS-7: signed-in people read a cadre's goals as the goal rules let them: drafts of their own unit too."""
    cadre, lead = cadre_goals
    own = make_user(RoleCode.UNIT_ADMIN, unit=lead.goal.plan.unit)
    client.force_login(own)
    names = [row["goal"] for row in client.get(f"/api/v1/cadres/{cadre.external_id}/goals/").json()["results"]]
    assert "尚未发布的目标" in names
    other = make_user(RoleCode.UNIT_ADMIN, unit=UnitFactory())
    client.force_login(other)
    names = [row["goal"] for row in client.get(f"/api/v1/cadres/{cadre.external_id}/goals/").json()["results"]]
    assert "尚未发布的目标" not in names and "招商引资到位资金" in names

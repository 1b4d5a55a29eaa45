"""The standing table of hostile requests: every role stays in its lane (GOAL-9, SYS-3, SYS-7, CMT-5).

Each person of unit A (and everyone without a unit) types unit B's ids into the admin's and the
API's URLs and form fields. Every such request is refused (a redirect to sign in, 403, 404, 400,
405, or the form shown again with its errors) and nothing of unit B changes. Reads of what
another unit keeps to itself (an unsubmitted report, a draft plan, a report (举报)) show nothing
of it. API clients of each scope may do only what their scope says.

The data is built once per module inside a transaction that is rolled back at the end; each test
runs in a savepoint of its own, so a request that did get through cannot spoil the next test.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kaohe.comments.models import Answer, Comment
from kaohe.core.roles import RoleCode
from kaohe.goals.models import Assignment, Goal, GoalPlan, ProgressEntry, ProgressReport
from kaohe.org.models import Cadre, Membership, Team, Unit
from kaohe.scoring.models import GoalScore
from tests.comments.factories import CommentFactory, comment_type
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UserFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory, ProgressEntryFactory, ProgressReportFactory, role
from tests.interop.factories import make_api_client

R = RoleCode
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
DRAFT_PROGRESS = "乙单位尚未报送的进展"
DRAFT_GOAL = "乙单位未发布的目标"
WHISTLE = "乙单位局长违规插手招标"
REFUSED = {200, 302, 400, 403, 404, 405}

# Everything of unit B that a hostile request could change.
WATCHED = [
    (Unit, ["name", "external_id", "is_active", "contact_email"]),
    (Team, ["name", "unit_id", "external_id"]),
    (Cadre, ["name", "unit_id", "external_id", "is_active", "position"]),
    (Membership, ["team_id", "cadre_id", "external_id", "administrative_post"]),
    (GoalPlan, ["unit_id", "status"]),
    (Goal, ["plan_id", "parent_id", "name", "weight", "sort_order", "version"]),
    (Assignment, ["goal_id", "cadre_id"]),
    (ProgressReport, ["plan_id", "period", "submitted", "summary"]),
    (ProgressEntry, ["report_id", "goal_id", "work_done", "estimated_progress"]),
    (GoalScore, ["goal_id", "score", "status"]),
    (Comment, ["status", "body"]),
    (Answer, ["comment_id", "body"]),
]


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values_list("pk", *fields)) for model, fields in WATCHED}


@dataclass
class World:
    unit_a: Unit
    unit_b: Unit
    team_a: Team
    team_b: Team
    cadre_a: Cadre
    cadre_b: Cadre
    membership_b: Membership
    plan_a: GoalPlan
    plan_b: GoalPlan
    draft_plan_b: GoalPlan
    goal_a: Goal
    goal_b: Goal
    report_b: ProgressReport
    comment_b: Comment
    whistle_b: Comment
    users: dict


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        unit_a = UnitFactory(name="县发展和改革局")
        unit_b = UnitFactory(name="县教育局", external_id="U-B", contact_email="edu@example.com")
        team_a, team_b = TeamFactory(unit=unit_a), TeamFactory(unit=unit_b, external_id="T-B")
        cadre_a = CadreFactory(unit=unit_a, name="甲单位干部", external_id="C-A")
        cadre_b = CadreFactory(unit=unit_b, name="乙单位干部", external_id="C-B")
        MembershipFactory(team=team_a, cadre=cadre_a)
        membership_b = MembershipFactory(team=team_b, cadre=cadre_b, external_id="M-B")
        plan_a = GoalPlanFactory(unit=unit_a, year=2026)
        plan_b = GoalPlanFactory(unit=unit_b, year=2026, status=GoalPlan.Status.PUBLISHED)
        draft_plan_b = GoalPlanFactory(unit=unit_b, year=2027)
        GoalFactory(plan=draft_plan_b, name=DRAFT_GOAL)
        goal_a = GoalFactory(plan=plan_a, name="甲单位目标")
        goal_b = GoalFactory(plan=plan_b, name="乙单位目标", weight=Decimal("50"))
        GoalFactory(plan=plan_b, parent=goal_b, name="乙单位子目标")
        Assignment.objects.create(goal=goal_b, cadre=cadre_b, role=role())
        report_b = ProgressReportFactory(plan=plan_b, period="Q1", submitted=False)
        ProgressEntryFactory(report=report_b, goal=goal_b, work_done=DRAFT_PROGRESS)
        comment_b = CommentFactory(goal=goal_b, comment_type=comment_type("建议"))
        whistle_b = CommentFactory(goal=goal_b, comment_type=comment_type("举报"), body=WHISTLE)
        users = {
            "anonymous": None,
            "cadre": UserFactory(roles=[R.CADRE, R.TEAM_MEMBER], unit=unit_a, cadre=cadre_a),
            "unit_admin": UserFactory(roles=[R.UNIT_ADMIN], unit=unit_a),
            "county_leader": UserFactory(roles=[R.COUNTY_LEADER]),
            "assessment_group": UserFactory(roles=[R.ASSESSMENT_GROUP], unit=unit_a),
            "office": UserFactory(roles=[R.OFFICE]),
        }
        yield World(
            unit_a,
            unit_b,
            team_a,
            team_b,
            cadre_a,
            cadre_b,
            membership_b,
            plan_a,
            plan_b,
            draft_plan_b,
            goal_a,
            goal_b,
            report_b,
            comment_b,
            whistle_b,
            users,
        )
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()


def goal_form(name="越权修改", **extra):
    return {"name": name, "kind": "qualitative", "weight": "10", "importance": "3", "version": 1, **extra}


def seat(team, cadre):
    return {
        "team": team.pk,
        "cadre": cadre.pk,
        "party_post": "党组成员",
        "administrative_post": "越权副局长",
        "post_group": "",
        "work_in_charge": "",
        "departments_in_charge": "",
        "telephone": "",
        "start_date": "2026-01-01",
        "end_date": "",
        "external_id": "M-HOSTILE",
    }


def cadre_form(unit, **extra):
    return {
        "name": "越权改名",
        "sex": Cadre.Sex.MALE,
        "birth_date": "",
        "unit": unit.pk,
        "position": "越权职务",
        "rank": Cadre.Rank.SECTION_DEPUTY,
        "profession": "",
        "education": "",
        "id_number": "",
        "ethnicity": "",
        "native_place": "",
        "external_id": "C-HOSTILE",
        "is_active": "",
        **extra,
    }


def team_form(team, unit):
    return {
        "name": "越权班子",
        "unit": unit.pk,
        "team_type": team.team_type,
        "external_id": "T-HOSTILE",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }


def assign_form(cadre):
    return {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-cadre": cadre.pk, "form-0-role": role().pk}


def at(name: str, *attrs: str, query: str = ""):
    """The URL of ``name`` with the pks of the world's ``attrs`` (and ``query``), as a function of the world."""
    return lambda w: reverse(name, args=[getattr(w, attr).pk for attr in attrs]) + query


# (name, requirement, url(w), data(w)): unit B's ids in URLs and form fields of the admin, posted.
ADMIN_WRITES = [
    ("goal_edit_of_b", "GOAL-9", at("goals_admin:goal_edit", "goal_b"), lambda w: goal_form()),
    ("goal_delete_of_b", "GOAL-9", at("goals_admin:goal_delete", "goal_b"), None),
    ("goal_move_of_b", "GOAL-9", at("goals_admin:goal_move", "goal_b"), lambda w: {"step": "down"}),
    ("goal_assign_of_b", "GOAL-5", at("goals_admin:goal_assign", "goal_b"), lambda w: assign_form(w.cadre_a)),
    ("goal_add_to_plan_b", "GOAL-1", at("goals_admin:goal_add", "plan_b"), lambda w: goal_form("越权新增")),
    (
        "goal_add_own_plan_under_b_goal",
        "GOAL-1",
        lambda w: reverse("goals_admin:goal_add", args=[w.plan_a.pk]) + f"?parent={w.goal_b.pk}",
        lambda w: goal_form("越权子目标"),
    ),
    (
        "goal_move_own_goal_under_b_goal",
        "GOAL-3",
        at("goals_admin:goal_move", "goal_a"),
        lambda w: {"parent": w.goal_b.pk},
    ),
    (
        "bulk_delete_on_plan_b",
        "GOAL-3",
        at("goals_admin:bulk", "plan_b"),
        lambda w: {"action": "delete", "goal": [w.goal_b.pk]},
    ),
    (
        "bulk_delete_b_goal_through_own_plan",
        "GOAL-3",
        at("goals_admin:bulk", "plan_a"),
        lambda w: {"action": "delete", "goal": [w.goal_b.pk]},
    ),
    (
        "bulk_move_own_goal_under_b_goal",
        "GOAL-3",
        at("goals_admin:bulk", "plan_a"),
        lambda w: {"action": "move", "goal": [w.goal_a.pk], "target": w.goal_b.pk},
    ),
    ("publish_plan_b", "GOAL-6", at("goals_admin:publish", "draft_plan_b"), None),
    ("report_create_on_plan_b", "SUP-1", at("goals_admin:report_create", "plan_b"), lambda w: {"period": "Q3"}),
    (
        "report_edit_of_b",
        "SUP-1",
        at("goals_admin:report", "report_b"),
        lambda w: {f"g{w.goal_b.pk}-work_done": "越权填报", "submit": "1"},
    ),
    (
        "progress_import_into_plan_b",
        "SUP-4",
        at("goals_admin:import", "plan_b"),
        lambda w: {"workbook": SimpleUploadedFile("x.xlsx", b"PK\x03\x04")},
    ),
    ("team_edit_of_b", "SYS-2", at("wagtailsnippets_org_team:edit", "team_b"), lambda w: team_form(w.team_b, w.unit_b)),
    ("team_delete_of_b", "SYS-2", at("wagtailsnippets_org_team:delete", "team_b"), None),
    ("team_add_in_unit_b", "SYS-2", at("wagtailsnippets_org_team:add"), lambda w: team_form(w.team_b, w.unit_b)),
    (
        "membership_add_to_team_b",
        "SYS-2",
        at("wagtailsnippets_org_membership:add"),
        lambda w: seat(w.team_b, w.cadre_a),
    ),
    (
        "membership_add_cadre_b_to_own_team",
        "SYS-2",
        at("wagtailsnippets_org_membership:add"),
        lambda w: seat(w.team_a, w.cadre_b),
    ),
    (
        "membership_edit_of_b",
        "SYS-2",
        at("wagtailsnippets_org_membership:edit", "membership_b"),
        lambda w: seat(w.team_b, w.cadre_b),
    ),
    ("membership_delete_of_b", "SYS-2", at("wagtailsnippets_org_membership:delete", "membership_b"), None),
    ("cadre_edit_of_b", "SYS-3", at("wagtailsnippets_org_cadre:edit", "cadre_b"), lambda w: cadre_form(w.unit_b)),
    (
        "cadre_moved_into_unit_b",
        "SYS-3",
        at("wagtailsnippets_org_cadre:edit", "cadre_a"),
        lambda w: cadre_form(w.unit_b, name="甲单位干部"),
    ),
    (
        "unit_edit_of_b",
        "SYS-1",
        at("wagtailsnippets_org_unit:edit", "unit_b"),
        lambda w: {"name": "越权改名", "contact_email": "evil@example.com"},
    ),
    (
        "score_goal_of_b",
        "SCORE-1",
        at("scoring_admin:score", "goal_b"),
        lambda w: {f"g{w.goal_b.pk}-method": "direct", f"g{w.goal_b.pk}-score": "0", f"g{w.goal_b.pk}-reason": "x"},
    ),
    (
        "comment_answer_on_b",
        "CMT-5",
        at("comments_admin:answer", "comment_b"),
        lambda w: {"body": "越权答复", "is_public": "on"},
    ),
    ("comment_remove_on_b", "CMT-4", at("comments_admin:remove", "comment_b"), lambda w: {"reason": "越权删除"}),
    ("report_answer_on_b", "CMT-5", at("comments_admin:answer", "whistle_b"), lambda w: {"body": "越权答复举报"}),
]

# Who may rightly do some of these: the office does everything but break a rule.
OFFICE_MAY = {name for name, *_ in ADMIN_WRITES} - {
    "goal_add_own_plan_under_b_goal",
    "goal_move_own_goal_under_b_goal",
    "bulk_delete_b_goal_through_own_plan",
    "bulk_move_own_goal_under_b_goal",
    "progress_import_into_plan_b",
}
HOSTILE_ROLES = ["anonymous", "cadre", "unit_admin", "county_leader", "assessment_group"]


def signed_in(world, who) -> Client:
    client = Client()
    if world.users[who] is not None:
        client.force_login(world.users[who])
    return client


def admin_post(world, who, url, data):
    """A row of ADMIN_WRITES posted by ``who`` as the admin's scripts post it."""
    return signed_in(world, who).post(url(world), data(world) if data else {}, **FETCH)


@pytest.mark.django_db
@pytest.mark.parametrize("who", HOSTILE_ROLES)
@pytest.mark.parametrize(("name", "requirement", "url", "data"), ADMIN_WRITES, ids=[r[0] for r in ADMIN_WRITES])
def test_sys7_admin_refuses_other_units_ids(world, who, name, requirement, url, data):
    """GOAL-9, SYS-7 and the requirement named in the row: refused, and nothing of unit B changed."""
    before = snapshot()
    response = admin_post(world, who, url, data)
    assert response.status_code in REFUSED, f"{requirement} {name}: {response.status_code}"
    if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
        assert not response.json().get("ok"), f"{requirement} {name}: accepted"
    assert snapshot() == before, f"{requirement} {name} changed unit B's records for {who}"


# Reads of what unit B keeps to itself (or the office to itself): nothing of it shows.
PRIVATE_READS = [
    ("unsubmitted_report_of_b", "SUP-1", at("goals_admin:report", "report_b"), DRAFT_PROGRESS),
    ("report_export_of_b", "SUP-4", at("goals_admin:report_export", "report_b"), None),
    ("progress_template_of_b", "SUP-4", at("goals_admin:template", "plan_b", query="?period=Q1"), None),
    ("draft_plan_of_b", "GOAL-9", at("goals_admin:plan", "draft_plan_b"), DRAFT_GOAL),
    ("draft_goal_edit_form_of_b", "GOAL-9", at("goals_admin:goal_edit", "goal_b"), None),
    ("report_comment_detail", "CMT-5", at("comments_admin:detail", "whistle_b"), WHISTLE),
    ("comment_list", "CMT-5", at("comments_admin:index", query="?status="), WHISTLE),
    ("comment_export", "CMT-5", at("comments_admin:export", query="?status="), WHISTLE),
    ("site_history", "CMT-5", at("wagtailadmin_reports:site_history"), "举报"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", HOSTILE_ROLES)
@pytest.mark.parametrize(("name", "requirement", "url", "secret"), PRIVATE_READS, ids=[r[0] for r in PRIVATE_READS])
def test_goal9_private_records_of_other_units_do_not_show(world, who, name, requirement, url, secret):
    response = signed_in(world, who).get(url(world))
    assert response.status_code in REFUSED
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if secret is None:
        # A file for the unit or the office only: refused outright, not served.
        assert response.status_code != 200 or not response.get("Content-Disposition"), f"{requirement} {name}"
    else:
        assert secret.encode() not in body, f"{requirement} {name} shows unit B's {secret} to {who}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "requirement", "url", "data"), ADMIN_WRITES, ids=[r[0] for r in ADMIN_WRITES])
def test_sys7_the_office_may_do_what_others_may_not_except_break_a_rule(world, name, requirement, url, data):
    """The table above is not refusing everyone: the office gets through where its role allows."""
    before = snapshot()
    response = admin_post(world, "office", url, data)
    assert response.status_code != 500
    if name in OFFICE_MAY:
        return
    assert snapshot() == before, f"{requirement} {name}: the office broke a rule"


# The API: people never write through it; each key only within its scope.
def cadre_record(w):
    return {"name": "越权改名", "sex": "男", "unit": "U-B", "position": "越权职务", "rank": Cadre.Rank.SECTION_DEPUTY}


API_WRITES = [
    ("put_cadre_of_b", "put", lambda w: "/api/v1/cadres/C-B/", cadre_record),
    ("put_unit_of_b", "put", lambda w: "/api/v1/units/U-B/", lambda w: {"name": "越权改名"}),
    ("put_team_of_b", "put", lambda w: "/api/v1/teams/T-B/", lambda w: {"name": "越权班子", "unit": "U-B"}),
    (
        "bulk_cadres",
        "post",
        lambda w: "/api/v1/cadres/bulk/",
        lambda w: {"records": [{"external_id": "C-B", **cadre_record(w)}]},
    ),
    ("put_membership_of_b", "put", lambda w: "/api/v1/memberships/M-B/", lambda w: {"team": "T-B", "cadre": "C-A"}),
]


def api_for(world, who) -> APIClient:
    client = APIClient()
    if who.startswith("key:"):
        scope = who.removeprefix("key:")
        _record, key = make_api_client(scopes=[scope])
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    elif world.users[who] is not None:
        client.force_login(world.users[who])
    return client


API_NON_WRITERS = [*HOSTILE_ROLES, "office", "key:read_cadres", "key:read_results"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", API_NON_WRITERS)
@pytest.mark.parametrize(("name", "method", "url", "data"), API_WRITES, ids=[r[0] for r in API_WRITES])
def test_sys3_only_a_key_with_the_write_scope_writes_through_the_api(world, who, name, method, url, data):
    """SYS-3: people edit in the admin; only the cadre-management system's write key writes."""
    before = snapshot()
    response = getattr(api_for(world, who), method)(url(world), data(world), format="json")
    assert response.status_code in (401, 403), f"{name} by {who}: {response.status_code}"
    assert snapshot() == before


API_READS = [
    ("results_with_cadre_scope", "key:read_cadres", "/api/v1/results/"),
    ("cadre_goals_with_cadre_scope", "key:read_cadres", "/api/v1/cadres/C-B/goals/"),
    ("cadres_with_results_scope", "key:read_results", "/api/v1/cadres/"),
    ("memberships_with_results_scope", "key:read_results", "/api/v1/memberships/"),
    ("cadres_anonymous", "anonymous", "/api/v1/cadres/"),
    ("results_anonymous", "anonymous", "/api/v1/results/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "who", "url"), API_READS, ids=[r[0] for r in API_READS])
def test_sys3_api_reads_stay_within_the_keys_scope(world, name, who, url):
    response = api_for(world, who).get(url)
    assert response.status_code in (401, 403), f"{name}: {response.status_code}"
    assert "乙单位干部" not in response.content.decode()


@pytest.mark.django_db
def test_sys3_the_write_key_does_write(world):
    """The API table refuses the others, not everyone: the write scope's key changes the record."""
    record = {"name": "县教育体育局", "kind": world.unit_b.kind.name}
    response = api_for(world, "key:write_cadres").put("/api/v1/units/U-B/", record, format="json")
    assert response.status_code == 200, response.content.decode()
    assert Unit.objects.get(pk=world.unit_b.pk).name == "县教育体育局"


def test_roles_table_names_a_requirement_for_every_row():
    assert all(row[1] for row in ADMIN_WRITES + PRIVATE_READS)
    assert {row[0] for row in ADMIN_WRITES} >= OFFICE_MAY

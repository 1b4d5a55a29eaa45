"""Locked scores and archived years stay as they were through every path (SCORE-1, RES-4; issue 12 item 2).

A unit administrator (and the office itself) is refused, with a message naming the lock,
when a write would change what a locked score was given for: the goal, the goals above and
below it, their weights, plan values, decomposition, place in the tree and progress, in the
admin screens, the bulk actions and the Excel import. A scored goal is protected in the
database. The office reopens the score, with a logged reason, and then the change goes through.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kaohe.goals.models import Goal, ProgressEntry, ProgressReport
from kaohe.results.models import AssessmentYear
from kaohe.scoring import services as scoring
from kaohe.scoring.models import GoalScore, GoalScoreEvent, UnitGoalScore
from tests.factories import MembershipFactory, TeamFactory
from tests.goals.factories import (
    GoalFactory,
    GoalPlanFactory,
    ProgressEntryFactory,
    ProgressReportFactory,
    QuantitativeGoalFactory,
    role,
)

pytestmark = pytest.mark.django_db
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
LOCKED = "已锁定"
ARCHIVED = "已归档"


@pytest.fixture
def plan(unit):
    return GoalPlanFactory(unit=unit, year=2025, status="published")


@pytest.fixture
def tree(plan):
    """A (60) with A1 (quantitative, plan 20) and A2; B (40). A1 gets a locked score."""
    a = GoalFactory(plan=plan, name="甲", weight=Decimal("60"))
    a1 = QuantitativeGoalFactory(plan=plan, parent=a, name="甲一", weight=Decimal("50"), plan_value=Decimal("20"))
    a2 = GoalFactory(plan=plan, parent=a, name="甲二", weight=Decimal("50"))
    b = GoalFactory(plan=plan, name="乙", weight=Decimal("40"))
    return {"a": a, "a1": a1, "a2": a2, "b": b}


def lock(goal, user, score="20"):
    record = scoring.goal_score(goal=goal, method="direct", score=score, reason="未完成", user=user)
    scoring.scores_review(scores=[record], user=user)
    scoring.scores_lock(scores=[record], user=user)
    return GoalScore.objects.get(pk=record.pk)


@pytest.fixture
def locked(tree, office_user):
    return lock(tree["a1"], office_user)


def text(response) -> str:
    """What the person reads: the dialog's JSON error or the page."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json().get("error", "")
    return response.content.decode()


def snapshot(plan):
    """Everything a locked score depends on."""
    goals = list(
        Goal.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("pk", "name", "parent_id", "sort_order", "weight", "plan_value", "counts_in_assessment")
    )
    scores = list(GoalScore.objects.order_by("pk").values_list("goal_id", "score", "status"))
    assignments = list(plan.goals.values_list("assignments__cadre_id", "assignments__role_id").order_by("pk"))
    entries = list(ProgressEntry.objects.order_by("pk").values_list("goal_id", "actual_value", "work_done"))
    unit_scores = list(UnitGoalScore.objects.values_list("unit_id", "year", "score"))
    return goals, scores, assignments, entries, unit_scores


def edit_data(goal, **changes):
    data = {
        "name": goal.name,
        "kind": goal.kind,
        "weight": str(goal.weight),
        "importance": str(goal.importance),
        "version": goal.version,
        "goal_type": goal.goal_type_id or "",
    }
    if goal.is_quantitative:
        data |= {"indicator": goal.indicator_id, "plan_value": str(goal.plan_value)}
    return data | changes


@pytest.mark.parametrize("target", ["a1", "a", "a2_under_a"])
def test_score1_locked_goal_and_its_family_refuse_admin_edits(client, unit_admin, plan, tree, locked, target):
    """SCORE-1: weight, plan value and name of the locked goal, of the goal above it, refused."""
    goal = tree["a1"] if target == "a1" else tree["a"]
    before = snapshot(plan)
    client.force_login(unit_admin)
    response = client.post(
        reverse("goals_admin:goal_edit", args=[goal.pk]),
        edit_data(goal, weight="90", plan_value="5", name="改名"),
        **FETCH,
    )
    assert response.status_code == 400
    assert LOCKED in response.content.decode() and "甲一" in response.content.decode()
    assert snapshot(plan) == before


def test_score1_unit_admin_cannot_delete_a_locked_goal_or_its_parent(client, unit_admin, plan, tree, locked):
    """SCORE-1, the issue's finding: deleting the goal made the score and its history cascade away."""
    before = snapshot(plan)
    events = GoalScoreEvent.objects.count()
    client.force_login(unit_admin)
    for goal in (tree["a1"], tree["a"]):
        response = client.post(reverse("goals_admin:goal_delete", args=[goal.pk]), **FETCH)
        assert response.status_code == 400
        assert LOCKED in response.json()["error"]
    response = client.post(reverse("goals_admin:goal_delete", args=[tree["a"].pk]), follow=True)
    assert LOCKED in response.content.decode()
    assert snapshot(plan) == before
    assert GoalScoreEvent.objects.count() == events


def test_score1_bulk_actions_refuse_locked_goals(client, unit_admin, plan, tree, locked):
    """SCORE-1: bulk delete, move and classify with a locked goal ticked change nothing."""
    before = snapshot(plan)
    client.force_login(unit_admin)
    url = reverse("goals_admin:bulk", args=[plan.pk])
    for data in (
        {"action": "delete", "goal": [tree["b"].pk, tree["a"].pk]},
        {"action": "move", "goal": [tree["a1"].pk], "target": tree["b"].pk},
        {"action": "move", "goal": [tree["b"].pk], "target": tree["a1"].pk},
    ):
        response = client.post(url, data, follow=True)
        assert LOCKED in response.content.decode()
        assert snapshot(plan) == before
    assert Goal.objects.filter(pk=tree["b"].pk).exists(), "the unlocked goal did not go either (all or nothing)"


def test_score1_move_decompose_and_add_under_locked_goal_refused(client, unit_admin, unit, plan, tree, locked):
    before = snapshot(plan)
    client.force_login(unit_admin)
    moved = client.post(reverse("goals_admin:goal_move", args=[tree["a1"].pk]), {"step": "down"}, **FETCH)
    assert moved.status_code == 400 and LOCKED in moved.json()["error"]
    cadre = MembershipFactory(team=TeamFactory(unit=unit)).cadre
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-cadre": cadre.pk, "form-0-role": role().pk}
    assigned = client.post(reverse("goals_admin:goal_assign", args=[tree["a1"].pk]), data, **FETCH)
    assert assigned.status_code == 400 and LOCKED in assigned.content.decode()
    added = client.post(
        reverse("goals_admin:goal_add", args=[plan.pk]) + f"?parent={tree['a1'].pk}",
        {"name": "新子目标", "kind": "qualitative", "weight": "10", "importance": "3"},
        **FETCH,
    )
    assert added.status_code == 400 and LOCKED in added.content.decode()
    assert snapshot(plan) == before


def test_score1_goal_b_is_not_locked_by_a1s_score(client, unit_admin, plan, tree, locked):
    """The lock reaches the goal, its ancestors and descendants, not its unrelated siblings."""
    client.force_login(unit_admin)
    response = client.post(
        reverse("goals_admin:goal_edit", args=[tree["b"].pk]), edit_data(tree["b"], name="乙（调整）"), **FETCH
    )
    assert response.status_code == 200, response.content.decode()
    assert Goal.objects.get(pk=tree["b"].pk).name == "乙（调整）"


def test_score1_progress_of_a_locked_goal_cannot_change_in_the_form(client, unit_admin, plan, tree, locked):
    """SUP-1 with SCORE-1: the locked goal's entry is shown disabled; a forged post is refused."""
    report = ProgressReportFactory(plan=plan, period="Q4", submitted=False)
    ProgressEntryFactory(report=report, goal=tree["a1"], actual_value=Decimal("12"), work_done="已完成六成")
    client.force_login(unit_admin)
    url = reverse("goals_admin:report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "🔒" in page
    prefix = f"g{tree['a1'].pk}"
    response = client.post(url, {f"{prefix}-actual_value": "20", f"{prefix}-work_done": "全部完成", "save": "1"})
    entry = ProgressEntry.objects.get(report=report, goal=tree["a1"])
    assert (entry.actual_value, entry.work_done) == (Decimal("12"), "已完成六成"), "disabled fields keep their value"
    # Unchanged locked rows go along with a change to an unlocked goal.
    b_prefix = f"g{tree['b'].pk}"
    response = client.post(url, {f"{b_prefix}-estimated_progress": "70", f"{b_prefix}-work_done": "推进中"})
    assert response.status_code == 302
    assert ProgressEntry.objects.get(report=report, goal=tree["b"]).estimated_progress == 70


def test_score1_report_save_service_refuses_a_changed_locked_entry(unit_admin, plan, tree, locked):
    from django.core.exceptions import ValidationError

    from kaohe.goals import services

    report = ProgressReportFactory(plan=plan, period="Q4")
    entry = ProgressEntryFactory(report=report, goal=tree["a1"], actual_value=Decimal("12"))
    entry.actual_value = Decimal("20")
    with pytest.raises(ValidationError, match=LOCKED):
        services.report_save(report=report, entries=[entry], summary="", submit=True, user=unit_admin)
    assert ProgressEntry.objects.get(pk=entry.pk).actual_value == Decimal("12")


def _template(client, plan, period="Q4"):
    response = client.get(reverse("goals_admin:template", args=[plan.pk]) + f"?period={period}")
    return load_workbook(BytesIO(response.content))


def _row(ws, goal):
    return next(row for row in ws.iter_rows(min_row=4) if row[1].value == goal.pk)


def _upload(client, plan, wb):
    out = BytesIO()
    wb.save(out)
    return client.post(
        reverse("goals_admin:import", args=[plan.pk]), {"workbook": SimpleUploadedFile("进展.xlsx", out.getvalue())}
    )


def test_sup4_excel_import_refuses_a_locked_goals_progress(client, unit_admin, plan, tree, locked):
    """SUP-4 with SCORE-1: the preview marks the row with the lock and nothing can be applied."""
    client.force_login(unit_admin)
    wb = _template(client, plan)
    _row(wb.worksheets[0], tree["a1"])[6].value = 20
    _row(wb.worksheets[0], tree["b"])[7].value = 60
    response = _upload(client, plan, wb)
    assert response.status_code == 400
    assert LOCKED in response.content.decode()
    assert not response.context["token"]
    assert not ProgressEntry.objects.exists()


def test_sup4_excel_import_of_unchanged_locked_rows_goes_through(client, unit_admin, plan, tree, locked):
    client.force_login(unit_admin)
    wb = _template(client, plan)
    _row(wb.worksheets[0], tree["b"])[7].value = 60
    response = _upload(client, plan, wb)
    assert response.status_code == 200, response.content.decode()
    client.post(reverse("goals_admin:import_apply", args=[plan.pk]), {"token": response.context["token"]})
    assert ProgressEntry.objects.get(goal=tree["b"]).estimated_progress == 60


def test_score1_the_office_is_refused_too_until_it_reopens_with_a_reason(client, office_user, plan, tree, locked):
    """SCORE-1: the lock binds the office; reopening (logged, with a reason) lifts it."""
    client.force_login(office_user)
    edit = reverse("goals_admin:goal_edit", args=[tree["a1"].pk])
    response = client.post(edit, edit_data(tree["a1"], plan_value="25"), **FETCH)
    assert response.status_code == 400
    reopen = client.post(reverse("scoring_admin:reopen", args=[tree["a1"].pk]), {"reason": ""}, follow=True)
    assert GoalScore.objects.get(pk=locked.pk).is_locked, "no reason, no reopening"
    reopen = client.post(reverse("scoring_admin:reopen", args=[tree["a1"].pk]), {"reason": "复核发现计划值录错"})
    assert reopen.status_code in (200, 302)
    assert not GoalScore.objects.get(pk=locked.pk).is_locked
    assert GoalScoreEvent.objects.filter(goal=tree["a1"], action="reopened", reason="复核发现计划值录错").exists()
    goal = Goal.objects.get(pk=tree["a1"].pk)
    response = client.post(edit, edit_data(goal, plan_value="25"), **FETCH)
    assert response.status_code == 200
    assert Goal.objects.get(pk=goal.pk).plan_value == Decimal("25")


def test_score1_a_scored_goal_is_protected_until_its_score_is_withdrawn(client, unit_admin, office_user, tree):
    """PROTECT: a draft score does not cascade away with its goal; the office withdraws it first."""
    scoring.goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    client.force_login(unit_admin)
    response = client.post(reverse("goals_admin:goal_delete", args=[tree["b"].pk]), **FETCH)
    assert response.status_code == 400 and "撤回" in response.json()["error"]
    assert GoalScore.objects.filter(goal=tree["b"]).exists()
    scoring.score_withdraw(score=GoalScore.objects.get(goal=tree["b"]), user=office_user)
    response = client.post(reverse("goals_admin:goal_delete", args=[tree["b"].pk]), **FETCH)
    assert response.json()["ok"]
    assert not Goal.objects.filter(pk=tree["b"].pk).exists()


@pytest.fixture
def archived(plan, office_user):
    return AssessmentYear.objects.create(year=plan.year, archived_at=timezone.now(), archived_by=office_user)


def test_res4_archived_year_refuses_goal_report_and_score_writes(client, unit_admin, office_user, plan, tree, archived):
    """RES-4: nothing of an archived year changes, for the unit or the office, by any screen."""
    before = snapshot(plan)
    client.force_login(unit_admin)
    checks = [
        client.post(reverse("goals_admin:goal_edit", args=[tree["b"].pk]), edit_data(tree["b"], name="x"), **FETCH),
        client.post(
            reverse("goals_admin:goal_add", args=[plan.pk]),
            {"name": "新目标", "kind": "qualitative", "weight": "1", "importance": "3"},
            **FETCH,
        ),
        client.post(reverse("goals_admin:goal_delete", args=[tree["b"].pk]), **FETCH),
        client.post(reverse("goals_admin:goal_move", args=[tree["b"].pk]), {"step": "up"}, **FETCH),
    ]
    for response in checks:
        assert response.status_code == 400 and ARCHIVED in text(response)
    response = client.post(reverse("goals_admin:report_create", args=[plan.pk]), {"period": "Q4"}, follow=True)
    assert ARCHIVED in response.content.decode() and not ProgressReport.objects.exists()
    client.force_login(office_user)
    response = client.post(
        reverse("scoring_admin:score", args=[tree["b"].pk]),
        {f"g{tree['b'].pk}-method": "direct", f"g{tree['b'].pk}-score": "40"},
        follow=True,
    )
    assert ARCHIVED in response.content.decode()
    assert snapshot(plan) == before


def test_res4_archived_year_refuses_the_progress_import(client, unit_admin, plan, tree, archived):
    client.force_login(unit_admin)
    ProgressReportFactory(plan=plan, period="Q4")
    wb = _template(client, plan)
    _row(wb.worksheets[0], tree["b"])[7].value = 60
    response = _upload(client, plan, wb)
    assert response.status_code == 400 and ARCHIVED in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_score1_unit_with_scored_goals_is_not_deleted_by_cascade(client, office_user, unit, tree, locked):
    """PROTECT reaches the organisation screens: deleting the unit is refused with a message, not a crash."""
    client.force_login(office_user)
    response = client.post(reverse("wagtailsnippets_org_unit:delete", args=[unit.pk]), follow=True)
    assert response.status_code == 200
    assert GoalScore.objects.filter(pk=locked.pk).exists()
    assert type(unit).objects.filter(pk=unit.pk).exists()


def test_score1_a_cadre_holding_goals_is_not_deleted_with_them(client, office_user, unit, tree):
    """PROTECT: deleting a cadre no longer takes their goal assignments (and so their goal score) along."""
    from kaohe.goals.models import Assignment
    from tests.factories import CadreFactory

    cadre = CadreFactory(unit=unit)
    Assignment.objects.create(goal=tree["b"], cadre=cadre, role=role())
    client.force_login(office_user)
    response = client.post(reverse("wagtailsnippets_org_cadre:delete", args=[cadre.pk]), follow=True)
    assert response.status_code == 200
    assert "停用" in response.content.decode()
    assert Assignment.objects.filter(cadre=cadre).exists()


def test_score1_figures_a_locked_score_was_given_on_are_not_verified_again(client, office_user, plan, tree, locked):
    """SCORE-1: the supervising department's (or the office's) verdict on a locked goal's figures stays."""
    from kaohe.goals.models import EntryVerification

    report = ProgressReportFactory(plan=plan, period="Q4", submitted=True)
    entry = ProgressEntryFactory(report=report, goal=tree["a1"], actual_value=Decimal("12"))
    client.force_login(office_user)
    url = reverse("goals_admin:verify_entry", args=[entry.pk])
    response = client.post(url, {"verdict": "questioned", "note": "数据存疑"}, follow=True)
    assert LOCKED in response.content.decode()
    assert not EntryVerification.objects.exists()

"""SCORE-1, SCORE-2: scoring directly or by grade; bad input changes nothing;
scores are reviewed and locked, and a locked score changes only when the office
reopens it, which is logged."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.core.roles import RoleCode
from kaohe.scoring.models import GoalScore, GoalScoreEvent, ScoreGrade
from kaohe.scoring.services import goal_score, score_reopen, scores_lock, scores_review
from tests.goals.factories import GoalFactory, GoalPlanFactory
from tests.scoring.conftest import grade

pytestmark = pytest.mark.django_db
D = Decimal


def post_score(client, goal, **data):
    payload = {f"g{goal.pk}-{key}": value for key, value in data.items()}
    return client.post(reverse("scoring_admin:score", args=[goal.pk]), payload)


def test_score1_full_standard_score_when_completed(client, office_user, tree):
    client.force_login(office_user)
    response = post_score(client, tree["b"], method="direct", score="40", standard_score="40", reason="")
    assert response.status_code == 302
    record = GoalScore.objects.get(goal=tree["b"])
    assert (record.score, record.deductions, record.status, record.scored_by) == (D("40"), D("0"), "draft", office_user)


def test_score1_deductions_with_a_reason(client, office_user, tree):
    client.force_login(office_user)
    post_score(client, tree["b"], method="direct", score="33.5", standard_score="40", reason="两项指标未达标")
    record = GoalScore.objects.get(goal=tree["b"])
    assert (record.score, record.deductions, record.reason) == (D("33.50"), D("6.50"), "两项指标未达标")


def test_score2_by_grade_maps_to_a_share_of_the_standard_score(client, office_user, tree):
    client.force_login(office_user)
    post_score(
        client, tree["a1"], method="grade", grade=grade("基本完成").pk, standard_score="30", reason="个别指标未达到"
    )
    record = GoalScore.objects.get(goal=tree["a1"])
    assert (record.method, record.grade.name, record.grade_share, record.score) == (
        "grade",
        "基本完成",
        D("80"),
        D("24.00"),
    )


def test_score2_office_keeps_the_grade_table(client, office_user, tree):
    """A grade the office adds is offered on the scoring sheet and used."""
    client.force_login(office_user)
    client.post(
        reverse("wagtailsnippets_scoring_scoregrade:add"), {"name": "较好完成", "share": "90", "sort_order": "1"}
    )
    added = ScoreGrade.objects.get(name="较好完成")
    sheet = client.get(reverse("scoring_admin:sheet", args=[2025, tree["a"].plan.unit_id])).content.decode()
    assert "较好完成" in sheet
    goal_score(goal=tree["b"], method="grade", grade=added, reason="略有差距", user=office_user)
    assert GoalScore.objects.get(goal=tree["b"]).score == D("36.00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "direct", "score": "41", "standard_score": "40"}, "高于标准分"),
        ({"method": "direct", "score": "-1", "standard_score": "40", "reason": "x"}, "不能低于0"),
        ({"method": "direct", "score": "30", "standard_score": "40", "reason": ""}, "扣分理由"),
        ({"method": "direct", "score": "", "standard_score": "40"}, "请填写得分"),
        ({"method": "direct", "score": "abc", "standard_score": "40"}, "得分必须是数字"),
        ({"method": "grade", "grade": "99999", "standard_score": "40", "reason": "x"}, "不在等次表中"),
        ({"method": "grade", "grade": "", "standard_score": "40"}, "请从等次表中选择"),
        ({"method": "direct", "score": "1", "standard_score": "0", "reason": "x"}, "标准分必须大于0"),
        ({"method": "magic", "score": "1"}, "有效"),
    ],
)
def test_score1_bad_input_gets_a_message_and_changes_nothing(client, office_user, tree, data, message):
    client.force_login(office_user)
    response = post_score(client, tree["b"], **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GoalScore.objects.exists()


def test_score2_grade_missing_from_the_table_by_name(office_user, tree):
    with pytest.raises(ValidationError) as error:
        goal_score(goal=tree["b"], method="grade", grade="优秀", reason="x", user=office_user)
    assert "“优秀”不在等次表中" in error.value.messages[0]
    assert not GoalScore.objects.exists()


def test_score1_a_goal_that_does_not_count_is_not_scored(client, office_user, tree):
    tree["a"].counts_in_assessment = False
    tree["a"].save()
    client.force_login(office_user)
    for goal in (tree["a"], tree["a1"]):  # a sub-goal of a goal that does not count does not count either
        response = post_score(client, goal, method="direct", score="1", standard_score="30", reason="x")
        assert response.status_code == 400 and "不纳入考核" in response.content.decode()
    assert not GoalScore.objects.exists()


def test_score1_goals_of_unpublished_plans_are_not_scored(office_user, unit):
    goal = GoalFactory(plan=GoalPlanFactory(unit=unit, year=2024, status="draft"))
    with pytest.raises(ValidationError):
        goal_score(goal=goal, method="direct", score="1", reason="x", user=office_user)
    assert not GoalScore.objects.exists()


def test_score1_changing_a_reviewed_score_makes_it_a_draft_again(office_user, tree):
    record = goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    scores_review(scores=[record], user=office_user)
    record = goal_score(goal=tree["b"], method="direct", score="38", reason="复核扣分", user=office_user)
    assert record.status == "draft" and record.reviewed_by is None
    assert list(GoalScoreEvent.objects.values_list("action", flat=True)) == ["scored", "reviewed", "changed"]


def test_score1_review_lock_and_locked_scores_refuse_changes(client, office_user, tree):
    record = goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    with pytest.raises(ValidationError):
        scores_lock(scores=[record], user=office_user)  # a draft is reviewed first
    client.force_login(office_user)
    client.post(reverse("scoring_admin:review", args=[tree["b"].pk]))
    client.post(reverse("scoring_admin:lock", args=[tree["b"].pk]))
    record.refresh_from_db()
    assert record.status == "locked" and record.locked_by == office_user
    response = post_score(client, tree["b"], method="direct", score="20", standard_score="40", reason="改分")
    assert response.status_code == 400 and "已锁定" in response.content.decode()
    record.refresh_from_db()
    assert record.score == D("40")


def test_score1_reopening_needs_a_reason_and_is_logged(client, office_user, tree):
    record = goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    scores_review(scores=[record], user=office_user)
    scores_lock(scores=[record], user=office_user)
    client.force_login(office_user)
    client.post(reverse("scoring_admin:reopen", args=[tree["b"].pk]), {"reason": ""})
    record.refresh_from_db()
    assert record.status == "locked"
    client.post(reverse("scoring_admin:reopen", args=[tree["b"].pk]), {"reason": "核实发现数据有误"})
    record.refresh_from_db()
    assert record.status == "draft"
    event = GoalScoreEvent.objects.get(action="reopened")
    assert event.reason == "核实发现数据有误" and event.user == office_user
    entry = ModelLogEntry.objects.get(action="kaohe_scoring.reopen")
    assert entry.user == office_user and entry.data["reason"] == "核实发现数据有误"
    assert (
        post_score(client, tree["b"], method="direct", score="35", standard_score="40", reason="核减").status_code
        == 302
    )


def test_score1_reopen_only_a_locked_score(office_user, tree):
    record = goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    with pytest.raises(ValidationError):
        score_reopen(score=record, reason="x", user=office_user)


def test_score2_locked_grade_score_keeps_the_share_of_its_day(office_user, tree):
    record = goal_score(goal=tree["b"], method="grade", grade="基本完成", reason="有差距", user=office_user)
    scores_review(scores=[record], user=office_user)
    scores_lock(scores=[record], user=office_user)
    ScoreGrade.objects.filter(name="基本完成").update(share=D("70"))
    record.refresh_from_db()
    assert (record.score, record.grade_share) == (D("32.00"), D("80.00"))


def test_score1_withdraw_a_draft_score(client, office_user, unit, tree):
    goal_score(goal=tree["b"], method="direct", score="40", user=office_user)
    client.force_login(office_user)
    client.post(reverse("scoring_admin:withdraw", args=[tree["b"].pk]))
    assert not GoalScore.objects.exists()
    assert GoalScoreEvent.objects.filter(action="withdrawn").count() == 1


def test_score1_lock_all_reviewed_of_a_unit(client, office_user, unit, tree):
    for key in ("a1", "a2", "b"):
        goal_score(goal=tree[key], method="grade", grade="完成", user=office_user)
    client.force_login(office_user)
    client.post(reverse("scoring_admin:bulk", args=[2025, unit.pk]), {"action": "review"})
    client.post(reverse("scoring_admin:bulk", args=[2025, unit.pk]), {"action": "lock"})
    assert set(GoalScore.objects.values_list("status", flat=True)) == {"locked"}
    from kaohe.scoring.models import UnitGoalScore

    assert UnitGoalScore.objects.get(unit=unit, year=2025).locked


def test_score2_a_grade_in_use_cannot_be_deleted(client, office_user, tree):
    goal_score(goal=tree["b"], method="grade", grade="完成", user=office_user)
    client.force_login(office_user)
    used = grade("完成")
    response = client.post(reverse("wagtailsnippets_scoring_scoregrade:delete", args=[used.pk]), follow=True)
    assert response.status_code == 200 and "不能删除" in response.content.decode()
    assert ScoreGrade.objects.filter(pk=used.pk).exists()


@pytest.mark.parametrize("role", list(RoleCode))
def test_score2_only_the_office_keeps_the_grade_table_and_role_weights(client, make_user, role):
    from kaohe.scoring.models import RoleWeight

    client.force_login(make_user(role))
    row = grade("未完成")
    client.post(
        reverse("wagtailsnippets_scoring_scoregrade:edit", args=[row.pk]),
        {"name": "未完成", "share": "40", "sort_order": "2"},
    )
    weight = RoleWeight.objects.get(role__name="协办")
    client.post(
        reverse("wagtailsnippets_scoring_roleweight:edit", args=[weight.pk]), {"role": weight.role_id, "weight": "0.8"}
    )
    row.refresh_from_db()
    weight.refresh_from_db()
    assert (row.share == D("40")) == (role == RoleCode.OFFICE)
    assert (weight.weight == D("0.8")) == (role == RoleCode.OFFICE)

"""RES-5: every team in the assessment and every member of it gets a yearly result; a missing
part and a short time in the seat are handled by the rule the office set, and the result shows it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.evaluation.models import TargetResult
from kaohe.org.models import PostGroup
from kaohe.results import services
from kaohe.results.models import (
    AssessmentYear,
    GradeLimit,
    ResultScheme,
    SchemeCoverage,
    YearResult,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def result_of(subject):
    field = "team" if subject.__class__.__name__ == "Team" else "cadre"
    return YearResult.objects.get(year=2026, **{field: subject})


def test_res5_every_team_and_every_member_of_the_year_has_a_result_with_the_rule_shown(county):
    summary = services.results_compute(year=2026)
    # Every team of an active unit and every cadre who held a seat in 2026: none left out.
    teams = set(YearResult.objects.filter(team__isnull=False).values_list("team__name", flat=True))
    assert teams == {county.t1.name, county.t2.name, county.t3.name, county.t4.name}
    cadres = set(YearResult.objects.filter(cadre__isnull=False).values_list("cadre__name", flat=True))
    assert cadres == {"甲局长", "乙副局长", "丙副镇长", "丁委员", "戊镇长", "己局长"}
    assert summary["count"] == 10

    complete = result_of(county.principal)
    assert (complete.status, complete.total, complete.reasons) == ("complete", Decimal("92.00"), [])

    # Below the task's minimum: the evaluation part is missing, counted at the category's default,
    # and nothing of the hidden tally (score 61.37, 3 ballots) reaches the result.
    below = result_of(county.below_minimum)
    assert below.status == "by_rule" and below.total == Decimal("82.50")
    assert below.evaluation_score is None
    assert "61.37" not in str(below.parts) + str(below.reasons) and "3" not in below.parts[1]["source"]
    assert "少于任务规定的最少有效票数 5" in below.parts[1]["source"]
    assert any("按默认分 80.00 计" in reason for reason in below.reasons)

    # Never evaluated: its weight spread over the goal score.
    spread = result_of(county.not_evaluated)
    assert spread.status == "by_rule" and spread.total == Decimal("88.00")
    assert spread.parts[0]["counted_weight"] == "100.00" and spread.parts[1]["counted_weight"] == "0.00"
    assert any("权重分摊到已有的部分" in reason for reason in spread.reasons)

    # Joined in September and left in June: under six months, assessed but not graded.
    late, early = result_of(county.joined_late), result_of(county.left_early)
    assert (late.status, late.recommended_grade, late.rank) == ("ungraded", "不定等次", None)
    assert late.service_days == 122 and late.service_start == date(2026, 9, 1)
    assert any("2026-09-01 进入班子" in reason for reason in late.reasons)
    assert any("不定等次" in reason for reason in late.reasons)
    assert early.status == "ungraded" and early.service_days == 181
    assert any("2026-06-30 离开班子" in reason for reason in early.reasons)

    # Joined in March: ten months, graded; placed by the scheme's coverage (no task rated them).
    march = result_of(county.joined_march)
    assert march.status == "by_rule" and march.target_category == county.leaders and march.service_days == 306
    assert march.unit == county.t3.unit and march.post_group == PostGroup.PRINCIPAL

    # A department no task rated: in its category by unit kind, held incomplete under its rule.
    held = result_of(county.t3)
    assert held.target_category == county.team_cat and held.status == "incomplete" and held.total is None
    assert any("测评得分缺失" in reason and "不是本年度任何测评任务的对象" in reason for reason in held.reasons)
    # A unit of a kind no scheme covers: a result saying so, not a silent gap.
    nowhere = result_of(county.t4)
    assert nowhere.target_category is None and nowhere.status == "incomplete"
    assert "不属于任何考核对象类别" in nowhere.reasons[0]


def test_res5_compute_screen_lists_who_is_incomplete_and_why(client, office_user, county):
    client.force_login(office_user)
    response = client.post(reverse("results_admin:compute", args=[2026]), follow=True)
    page = response.content.decode()
    assert "已计算 2026 年度成绩 10 个" in page and "2 个不完整" in page
    for name in (county.t3.name, county.t4.name, "丙副镇长", "丁委员", "乙副局长"):
        assert name in page
    assert "甲局长" not in page.split("结果不完整或按规则计算")[1].split("年度测评任务")[0]
    only = client.get(reverse("results_admin:year", args=[2026]), {"status": "incomplete"}).content.decode()
    assert county.t3.name in only and "丙副镇长" not in only


def test_res5_grades_follow_the_state_of_each_result(county, office_user):
    services.results_compute(year=2026)
    held, late = result_of(county.t3), result_of(county.joined_late)
    with pytest.raises(services.ResultsError, match="不完整"):
        services.grades_set(year=2026, grades={held.pk: "好"}, field="recommended_grade", user=office_user)
    with pytest.raises(services.ResultsError, match="不定等次"):
        services.grades_set(year=2026, grades={late.pk: "优秀"}, field="approved_grade", user=office_user)
    assert not YearResult.objects.filter(approved_grade="优秀").exists()
    with pytest.raises(services.ResultsError, match="2 个结果不完整"):
        services.year_archive(year=2026, user=office_user)


def test_res5_results_go_stale_and_say_why(client, office_user, county):
    services.results_compute(year=2026)
    scheme = ResultScheme.objects.get(year=2026, target_category=county.deputies)
    scheme.default_score = Decimal("75")
    scheme.save()
    assert YearResult.objects.filter(is_stale=False).count() == 0
    MembershipFactory(team=county.t4, cadre__name="壬主任", start_date=date(2026, 5, 1))
    page = client_page(client, office_user)
    assert "副职及其他的规则已更改" in page and "县档案馆领导班子的席位已更改" in page
    services.results_compute(year=2026)
    assert not YearResult.objects.filter(is_stale=True).exists()
    assert YearResult.objects.filter(cadre__name="壬主任").exists()
    assert "已过时" not in client_page(client, office_user)


def test_res5_a_reopened_goal_score_makes_the_year_stale(client, office_user, county, unit):
    """A goal score reopened (or locked again) through scoring's services marks the year's results stale."""
    from kaohe.scoring import services as scoring
    from tests.goals.factories import GoalFactory, GoalPlanFactory

    services.results_compute(year=2026)
    goal = GoalFactory(plan=GoalPlanFactory(unit=unit, year=2026, status="published"), name="招商引资")
    record = scoring.goal_score(
        goal=goal, user=office_user, method="direct", score="9", standard_score="10", reason="少完成一项"
    )
    scoring.scores_review(scores=[record], user=office_user)
    scoring.scores_lock(scores=[record], user=office_user)
    services.results_compute(year=2026)
    scoring.score_reopen(score=record, reason="核实有误", user=office_user)
    assert not YearResult.objects.filter(is_stale=False).exists()
    assert "县发展和改革局的目标得分有变动" in client_page(client, office_user)


def client_page(client, user):
    client.force_login(user)
    return client.get(reverse("results_admin:year", args=[2026])).content.decode()


def test_res5_an_archived_year_refuses_compute_and_does_not_go_stale(county, office_user):
    services.results_compute(year=2026)
    AssessmentYear.objects.filter(year=2026).update(archived_at=timezone.now())
    with pytest.raises(services.ResultsError, match="已归档"):
        services.results_compute(year=2026)
    ResultScheme.objects.filter(year=2026).first().save()
    assert not YearResult.objects.filter(is_stale=True).exists()


def test_res5_a_default_rule_without_a_default_score_is_refused(county):
    ResultScheme.objects.filter(target_category=county.deputies).update(default_score=None)
    with pytest.raises(services.ResultsError, match="没有设定默认分"):
        services.results_compute(year=2026)
    assert not YearResult.objects.exists()


def test_res3_ranked_within_post_groups_by_the_normalised_total_when_the_year_says_so(county, goal_scores):
    """RES-3: a category's principals and deputies ranked apart (职务) and the normalised total
    ranking the whole category when the office chooses it."""
    _teams, cadres = goal_scores
    ResultScheme.objects.filter(target_category=county.deputies).delete()
    SchemeCoverage.objects.create(
        scheme=ResultScheme.objects.get(target_category=county.leaders), post_group=PostGroup.DEPUTY
    )
    cadres[county.below_minimum.pk] = "60"
    TargetResult.objects.filter(target_cadre=county.below_minimum).update(is_shown=True, score=Decimal("60"))
    TargetResult.objects.filter(target_cadre=county.below_minimum).update(target_category=county.leaders)
    county.task.targets.filter(cadre=county.below_minimum).update(target_category=county.leaders)
    services.results_compute(year=2026)
    ranks = {
        r.cadre.name: (r.post_group, r.rank, r.group_rank)
        for r in YearResult.objects.filter(target_category=county.leaders)
    }
    assert ranks["乙副局长"] == (PostGroup.DEPUTY, 4, 1)  # last overall, first of the deputies
    AssessmentYear.objects.update_or_create(year=2026, defaults={"grade_basis": "normalised"})
    services.results_compute(year=2026)
    deputy = YearResult.objects.get(cadre=county.below_minimum)
    assert deputy.normalised_total > deputy.total and deputy.rank < 4


def test_res3_the_excellent_limit_of_a_post_group_is_kept(county, office_user):
    record = AssessmentYear.objects.create(year=2026, excellent_limit=100)
    GradeLimit.objects.create(assessment_year=record, post_group=PostGroup.PRINCIPAL, excellent_limit=40)
    services.results_compute(year=2026)
    principals = YearResult.objects.filter(post_group=PostGroup.PRINCIPAL, status__in=["complete", "by_rule"])
    assert principals.count() == 3
    grades = {r.pk: "优秀" for r in principals}
    with pytest.raises(services.ResultsError, match="党政正职：3 个中有 3 个为优秀，但最多 40%（1 个）"):
        services.grades_set(year=2026, grades=grades, field="recommended_grade", user=office_user)
    assert not YearResult.objects.filter(recommended_grade="优秀").exists()


def test_res5_the_year_roll_over_carries_the_rules_for_missing_parts_coverage_and_group_limits(county, office_user):
    from kaohe.results.rollover import year_roll_over

    record = AssessmentYear.objects.create(year=2026, grade_basis="normalised", ungraded_label="不评定")
    GradeLimit.objects.create(assessment_year=record, post_group=PostGroup.PRINCIPAL, excellent_limit=25)
    year_roll_over(year_from=2026, year_to=2027, user=office_user)
    deputies = ResultScheme.objects.get(year=2027, target_category=county.deputies)
    assert (deputies.missing_rule, deputies.default_score) == ("default", Decimal("80.00"))
    assert {(row.unit_kind_id, row.post_group) for row in deputies.coverage.all()} == {
        (None, PostGroup.DEPUTY),
        (None, PostGroup.OTHER),
    }
    new = AssessmentYear.objects.get(year=2027)
    assert (new.grade_basis, new.ungraded_label) == ("normalised", "不评定")
    assert [(g.post_group, g.excellent_limit) for g in new.grade_limits.all()] == [(PostGroup.PRINCIPAL, 25)]

"""EVAL-1, EVAL-3, EVAL-4, EVAL-5, EVAL-6: the office sets up categories, indicator systems and tasks in the admin.

Inconsistent set-ups get a message and change nothing; once ballots are cast
the scoring set-up is frozen.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from kaohe.evaluation.models import (
    Ballot,
    EvaluationTask,
    EvaluatorCategory,
    IndicatorSystem,
    TargetCategory,
    TaskTarget,
)
from tests.evaluation.factories import (
    EvaluatorCategoryFactory,
    IndicatorSystemFactory,
    TargetCategoryFactory,
    make_task,
)
from tests.factories import TeamFactory, UnitFactory, UnitKindFactory

pytestmark = pytest.mark.django_db


def system_form(**overrides):
    data = {
        "name": "班子综合测评指标",
        "year": 2026,
        "is_template": "on",
        "description": "",
        "scale": "levels",
        "scale_min": "0",
        "scale_max": "100",
        "excellent_from": "",
        "bottom_below": "",
        "levels": inline_formset(
            [
                {"code": "A", "name": "优秀", "points": "100", "band": "excellent"},
                {"code": "B", "name": "良好", "points": "85", "band": "middle"},
                {"code": "C", "name": "一般", "points": "70", "band": "bottom"},
            ]
        ),
        "indicators": inline_formset(
            [
                {"name": "政治建设", "criteria": "坚定执行党的路线方针政策", "weight": "30", "instructions": ""},
                {
                    "name": "工作实绩",
                    "criteria": "完成年度目标任务",
                    "weight": "70",
                    "instructions": "结合进展报告评价",
                },
            ]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_eval1_office_keeps_evaluator_categories_with_their_rights(client, office_user):
    """EVAL-1: the office adds an evaluator category with its rights (read, feedback, evaluate); the list shows them."""
    client.force_login(office_user)
    response = client.post(
        reverse("wagtailsnippets_evaluation_evaluatorcategory:add"),
        {
            "name": "基层代表",
            "description": "各单位推选的干部职工代表",
            "can_read_info": "on",
            "can_evaluate": "on",
            "sort_order": 2,
        },
    )
    assert response.status_code == 302
    category = EvaluatorCategory.objects.get(name="基层代表")
    assert category.can_read_info and category.can_evaluate and not category.can_give_feedback
    listing = client.get(reverse("wagtailsnippets_evaluation_evaluatorcategory:list")).content.decode()
    assert "基层代表" in listing and "测评" in listing


def test_eval3_office_creates_an_indicator_system_with_levels_and_weighted_indicators(client, office_user):
    """EVAL-3: an indicator system with name, criteria, weights, instructions and a scale of levels worth points;
    logged.
    """
    client.force_login(office_user)
    response = client.post(reverse("wagtailsnippets_evaluation_indicatorsystem:add"), system_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    system = IndicatorSystem.objects.get(name="班子综合测评指标")
    assert [(i.name, i.weight) for i in system.indicators.all()] == [("政治建设", 30), ("工作实绩", 70)]
    assert [(lv.code, lv.name, lv.points) for lv in system.levels.all()] == [
        ("A", "优秀", 100),
        ("B", "良好", 85),
        ("C", "一般", 70),
    ]
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(system.pk)).exists()


def test_eval3_a_scale_with_duplicate_keys_or_one_level_is_refused(client, office_user):
    """EVAL-3: two levels with the same key, or a single level, are refused with a message; nothing is saved."""
    client.force_login(office_user)
    duplicate = system_form(
        levels=inline_formset(
            [
                {"code": "A", "name": "优秀", "points": "100", "band": "excellent"},
                {"code": "a", "name": "良好", "points": "80", "band": "middle"},
            ]
        )
    )
    response = client.post(reverse("wagtailsnippets_evaluation_indicatorsystem:add"), duplicate)
    assert response.status_code == 200
    assert "每个等次需要不同的按键" in response.content.decode()
    single = system_form(levels=inline_formset([{"code": "A", "name": "优秀", "points": "100", "band": "excellent"}]))
    response = client.post(reverse("wagtailsnippets_evaluation_indicatorsystem:add"), single)
    assert response.status_code == 200
    assert not IndicatorSystem.objects.exists()


def test_eval3_a_template_is_copied_into_next_year_and_edited(client, office_user):
    """EVAL-3: “copy to a new year” makes next year's system with the same indicators, levels and weights, ready
    to edit.
    """
    template = IndicatorSystemFactory(name="班子测评模板", year=2025, indicators=4, is_template=True)
    client.force_login(office_user)
    response = client.post(
        reverse("evaluation_admin:system_copy", args=[template.pk]), {"year": 2026, "name": "2026年班子测评指标"}
    )
    copy = IndicatorSystem.objects.get(year=2026, name="2026年班子测评指标")
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailsnippets_evaluation_indicatorsystem:edit", args=[copy.pk]
    )
    assert [i.name for i in copy.indicators.all()] == [i.name for i in template.indicators.all()]
    assert [lv.code for lv in copy.levels.all()] == ["A", "B", "C", "D"]
    assert copy.copied_from == template and not copy.is_template
    again = client.post(
        reverse("evaluation_admin:system_copy", args=[template.pk]), {"year": 2026, "name": "2026年班子测评指标"}
    )
    assert again.status_code == 200 and IndicatorSystem.objects.filter(year=2026).count() == 1


def task_form(rater_rows, target_rows, **overrides):
    now = timezone.localtime()
    data = {
        "name": "2026年度综合测评",
        "year": 2026,
        "description": "请客观公正评价。",
        "mode": "online",
        "starts_at": (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "ends_at": (now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        "min_ballots": 5,
        "raters": inline_formset(rater_rows),
        "targets": inline_formset(target_rows),
    }
    data.update(overrides)
    return nested_form_data(data)


def rater_row(evaluator, target_category, system, **overrides):
    row = {
        "evaluator_category": evaluator.pk,
        "target_category": target_category.pk,
        "indicator_system": system.pk,
        "weight": "1",
        "max_excellent_percent": "30",
        "max_excellent_count": "",
        "min_bottom_percent": "",
        "min_bottom_count": "1",
    }
    row.update(overrides)
    return row


def test_eval6_office_creates_a_task_with_targets_raters_weights_and_quotas(client, office_user):
    """EVAL-4, EVAL-5, EVAL-6: a task names its targets, which evaluator category rates them with which system,
    weights and quotas.
    """
    evaluator = EvaluatorCategoryFactory(name="分管领导")
    teams = TargetCategoryFactory(name="综合管理部门")
    system = IndicatorSystemFactory()
    team_a, team_b = TeamFactory(), TeamFactory()
    client.force_login(office_user)
    data = task_form(
        [rater_row(evaluator, teams, system)],
        [
            {"target_category": teams.pk, "team": team_a.pk, "cadre": ""},
            {"target_category": teams.pk, "team": team_b.pk, "cadre": ""},
        ],
    )
    response = client.post(reverse("wagtailsnippets_evaluation_evaluationtask:add"), data)
    assert response.status_code == 302, response.content.decode()[:4000]
    task = EvaluationTask.objects.get(name="2026年度综合测评")
    assert {t.team for t in task.targets.all()} == {team_a, team_b}
    rater = task.raters.get()
    assert rater.max_excellent_percent == 30 and rater.min_bottom_count == 1
    assert rater.limits_for(2) == (0, 1)


def test_eval4_a_team_listed_twice_or_an_unrated_target_category_is_refused(client, office_user):
    """EVAL-4: the same team twice, or a target category nobody rates, is refused with a message."""
    evaluator = EvaluatorCategoryFactory(name="分管领导")
    teams = TargetCategoryFactory(name="综合管理部门")
    windows = TargetCategoryFactory(name="服务窗口单位")
    system = IndicatorSystemFactory()
    team = TeamFactory()
    client.force_login(office_user)
    twice = task_form(
        [rater_row(evaluator, teams, system)], [{"target_category": teams.pk, "team": team.pk, "cadre": ""}] * 2
    )
    response = client.post(reverse("wagtailsnippets_evaluation_evaluationtask:add"), twice)
    assert response.status_code == 200 and "重复" in response.content.decode()
    unrated = task_form(
        [rater_row(evaluator, teams, system)], [{"target_category": windows.pk, "team": team.pk, "cadre": ""}]
    )
    response = client.post(reverse("wagtailsnippets_evaluation_evaluationtask:add"), unrated)
    assert response.status_code == 200 and "服务窗口单位" in response.content.decode()
    assert not EvaluationTask.objects.exists()


def test_eval4_a_cadre_category_takes_cadres_not_teams(client, office_user):
    """EVAL-4: a target in a category of cadres must be a cadre; a team there is refused."""
    evaluator = EvaluatorCategoryFactory(name="分管领导")
    cadres = TargetCategoryFactory(name="一般领导干部", kind=TargetCategory.Kind.CADRE)
    system = IndicatorSystemFactory()
    client.force_login(office_user)
    data = task_form(
        [rater_row(evaluator, cadres, system)], [{"target_category": cadres.pk, "team": TeamFactory().pk, "cadre": ""}]
    )
    response = client.post(reverse("wagtailsnippets_evaluation_evaluationtask:add"), data)
    assert response.status_code == 200
    assert not EvaluationTask.objects.exists()


def test_eval6_targets_are_added_in_bulk_from_a_kind_of_unit(client, office_user):
    """EVAL-4, EVAL-6: “add targets in bulk” adds the team of every active unit of a kind once, and is logged."""
    kind = UnitKindFactory(name="乡镇")
    for name in ("城关镇", "新华镇"):
        TeamFactory(unit=UnitFactory(name=name, kind=kind))
    TeamFactory(unit=UnitFactory(name="撤并镇", kind=kind, is_active=False))
    task = make_task(targets=0)
    target_category = TargetCategory.objects.get(name="综合管理部门")
    client.force_login(office_user)
    url = reverse("evaluation_admin:targets_add", args=[task.pk])
    client.post(url, {"target_category": target_category.pk, "unit_kind": kind.pk})
    client.post(url, {"target_category": target_category.pk, "unit_kind": kind.pk})
    assert sorted(t.team.unit.name for t in TaskTarget.objects.filter(task=task)) == ["城关镇", "新华镇"]
    assert ModelLogEntry.objects.filter(action="evaluation.targets_add", object_id=str(task.pk)).count() == 1


def test_eval6_set_up_freezes_once_ballots_are_cast(client, office_user):
    """EVAL-6: after the first ballot the office can no longer change the targets or the quotas of a task."""
    task = make_task(targets=2)
    rater = task.raters.get()
    evaluator = rater.evaluator_category
    Ballot.objects.create(
        task=task, category=evaluator, source=Ballot.Source.PAPER, cast_on=timezone.localdate(), answers={}
    )
    client.force_login(office_user)
    targets = list(task.targets.all())
    data = nested_form_data(
        {
            "name": task.name,
            "year": task.year,
            "description": "",
            "mode": task.mode,
            "starts_at": timezone.localtime(task.starts_at).strftime("%Y-%m-%d %H:%M"),
            "ends_at": timezone.localtime(task.ends_at).strftime("%Y-%m-%d %H:%M"),
            "min_ballots": 1,
            "raters": inline_formset(
                [
                    {
                        "id": rater.pk,
                        **rater_row(evaluator, rater.target_category, rater.indicator_system, max_excellent_count="5"),
                    }
                ]
            ),
            "targets": inline_formset(
                [{"id": t.pk, "target_category": t.target_category_id, "team": t.team_id, "cadre": ""} for t in targets]
            ),
        }
    )
    response = client.post(reverse("wagtailsnippets_evaluation_evaluationtask:edit", args=[task.pk]), data)
    assert response.status_code == 200
    assert "不能再修改" in response.content.decode()
    rater.refresh_from_db()
    assert rater.max_excellent_count is None


def test_eval6_a_task_with_accounts_or_ballots_cannot_be_deleted(client, office_user):
    """EVAL-6: the office may delete a task still being set up, but not one that has issued accounts or received
    ballots.
    """
    from kaohe.evaluation.permissions import task_rules
    from tests.evaluation.factories import issue_account

    empty = make_task(targets=1)
    used = make_task(targets=1)
    issue_account(used, used.raters.get().evaluator_category)
    assert task_rules.can_for(office_user, "delete", empty)
    assert not task_rules.can_for(office_user, "delete", used)
    client.force_login(office_user)
    refused = client.post(reverse("wagtailsnippets_evaluation_evaluationtask:delete", args=[used.pk]))
    assert refused.status_code in (302, 403) and EvaluationTask.objects.filter(pk=used.pk).exists()
    client.post(reverse("wagtailsnippets_evaluation_evaluationtask:delete", args=[empty.pk]))
    assert not EvaluationTask.objects.filter(pk=empty.pk).exists()

"""GOAL-7, GOAL-8, SUP-6, SUP-7: querying goals and progress on the portal, and the unit page."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CadreFactory, UnitFactory
from tests.goals.factories import (
    AssignmentFactory,
    GoalFactory,
    GoalPlanFactory,
    GoalTypeFactory,
    IndicatorFactory,
    ProgressEntryFactory,
    ProgressReportFactory,
    QuantitativeGoalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(unit):
    return GoalPlanFactory(unit=unit, year=2026, status="published")


def test_goal7_query_by_supervising_department_type_and_cadre(client, published, other_unit):
    supervisor = UnitFactory(name="县财政局")
    livelihood = GoalTypeFactory(name="民生保障")
    GoalFactory(plan=published, name="财政监管目标", supervising_unit=supervisor)
    b = GoalFactory(plan=published, name="民生实事目标", goal_type=livelihood)
    cadre = CadreFactory(unit=published.unit, name="赵六")
    AssignmentFactory(goal=b, cadre=cadre)
    GoalFactory(plan=GoalPlanFactory(unit=other_unit, status="published"), name="别的单位目标")
    url = reverse("goals:query")

    def shown(query):
        page = client.get(url + query).content.decode()
        return {name for name in ("财政监管目标", "民生实事目标", "别的单位目标") if name in page}

    assert shown("?year=2026") == {"财政监管目标", "民生实事目标", "别的单位目标"}
    assert shown(f"?year=2026&supervising_unit={supervisor.pk}") == {"财政监管目标"}
    assert shown(f"?year=2026&goal_type={livelihood.pk}") == {"民生实事目标"}
    assert shown(f"?year=2026&cadre={cadre.pk}") == {"民生实事目标"}


def test_goal7_unit_tree_shows_plan_execution_and_flags(client, published):
    """SUP-7: completed goals carry a red flag; unfinished ones a bar with plan and actual."""
    top = GoalFactory(plan=published, name="一级目标")
    done = QuantitativeGoalFactory(plan=published, parent=top, name="已完成的", plan_value=Decimal("10"))
    half = QuantitativeGoalFactory(plan=published, parent=top, name="一半的", plan_value=Decimal("10"))
    report = ProgressReportFactory(plan=published, period="Q3")
    ProgressEntryFactory(report=report, goal=done, actual_value=Decimal("12"))
    ProgressEntryFactory(report=report, goal=half, actual_value=Decimal("5"))
    page = client.get(reverse("goals:query") + f"?unit={published.unit_id}&year=2026").content.decode()
    assert page.index("一级目标") < page.index("已完成的")
    done_row = page[page.index("已完成的") : page.index("一半的")]
    assert "red-flag" in done_row and "12 / 10" in done_row
    half_row = page[page.index("一半的") :]
    assert 'aria-valuenow="50"' in half_row and "5 / 10" in half_row


def test_goal8_line_chart_of_plan_and_actual_across_years(client, unit):
    indicator = IndicatorFactory(name="地区生产总值")
    values = {}
    for year, plan_value, actual in ((2024, "80", "82"), (2025, "88", "90"), (2026, "95", "70")):
        plan = GoalPlanFactory(unit=unit, year=year, status="published")
        goal = QuantitativeGoalFactory(plan=plan, indicator=indicator, plan_value=Decimal(plan_value))
        ProgressEntryFactory(
            report=ProgressReportFactory(plan=plan, period="Q4" if year < 2026 else "Q3"),
            goal=goal,
            actual_value=Decimal(actual),
        )
        values[year] = goal
    page = client.get(reverse("goals:goal", args=[values[2026].pk]))
    chart = json.loads(
        re.search(r'<script id="goal-chart-data" type="application/json">(.*?)</script>', page.content.decode(), re.S)[
            1
        ]
    )
    points = list(zip(chart["periods"], chart["plan"], chart["actual"], strict=True))
    assert points == [("2024 第4季度", 80, 82), ("2025 第4季度", 88, 90), ("2026 第3季度", 95, 70)]
    assert chart["unit"] == "亿元"
    assert "echarts.min.js" in page.content.decode()


def test_goal7_unit_page_shows_published_goals_and_latest_progress(client, published):
    """GOAL-7, BG-2, PORTAL-2: the public reads a unit's published goals and latest progress on its portal page."""
    from home.models import UnitIndexPage

    goal = GoalFactory(plan=published, name="单位页上的目标")
    ProgressEntryFactory(report=ProgressReportFactory(plan=published, period="Q2"), goal=goal, estimated_progress=40)
    ProgressEntryFactory(report=ProgressReportFactory(plan=published, period="Q3"), goal=goal, estimated_progress=70)
    index = UnitIndexPage.objects.first()
    page = client.get(index.unit_url(published.unit)).content.decode()
    assert "2026年度目标" in page and "单位页上的目标" in page
    assert 'aria-valuenow="70"' in page and 'aria-valuenow="40"' not in page


def _public_queries(client, plan):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("goals:query") + f"?unit={plan.unit_id}&year={plan.year}").status_code == 200
    return len(queries)


def test_goal7_public_goal_page_queries_do_not_grow_with_the_tree(client, published):
    """Measured: the public tree's queries are the same for 6 and 60 goals."""

    def grow(count):
        for _ in range(count):
            top = GoalFactory(plan=published)
            child = QuantitativeGoalFactory(plan=published, parent=top)
            ProgressEntryFactory(report=report, goal=child, actual_value=Decimal("3"))
            GoalFactory(plan=published, parent=child)

    report = ProgressReportFactory(plan=published)
    grow(2)
    _public_queries(client, published)  # warm what the process keeps whatever the tree (Wagtail's site root paths)
    small = _public_queries(client, published)
    grow(20)
    assert _public_queries(client, published) == small


def test_sup6_progress_as_of_a_period_and_units_compared(client, published, other_unit):
    """SUP-6: the query shows progress as it stood at a chosen period, and compares units."""
    goal = GoalFactory(plan=published, name="按期查询的目标")
    ProgressEntryFactory(report=ProgressReportFactory(plan=published, period="Q1"), goal=goal, estimated_progress=30)
    ProgressEntryFactory(report=ProgressReportFactory(plan=published, period="Q3"), goal=goal, estimated_progress=100)
    other = GoalPlanFactory(unit=other_unit, year=2026, status="published")
    ProgressEntryFactory(
        report=ProgressReportFactory(plan=other, period="Q1"), goal=GoalFactory(plan=other), estimated_progress=50
    )
    base = reverse("goals:query") + f"?unit={published.unit_id}&year=2026"
    assert "red-flag" in client.get(base).content.decode()
    as_of_q2 = client.get(base + "&period=Q2").content.decode()
    assert 'aria-valuenow="30"' in as_of_q2 and "red-flag" not in as_of_q2
    overview = client.get(reverse("goals:query") + "?year=2026").context["overview"]
    averages = {row["unit"]: (row["goals"], row["completed"], row["average"]) for row in overview}
    assert averages == {published.unit.name: (1, 1, 100.0), other_unit.name: (1, 0, 50.0)}


def test_goal7_other_apps_add_sections_to_the_goal_page(client, published):
    """The goal page shows what other apps register with ``register_goal_page_section`` under its progress."""
    from wagtail import hooks

    goal = GoalFactory(plan=published)

    def section(request, shown_goal):
        return (10, f"<section id='extra'>关于{shown_goal.name}的意见</section>")

    with hooks.register_temporarily("register_goal_page_section", section):
        page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert f"<section id='extra'>关于{goal.name}的意见</section>" in page


def test_goal7_evaluation_form_links_to_a_targets_goals(published):
    """EVAL-7: beside a team or cadre on the evaluation form, a link to its goals and progress."""
    from kaohe.evaluation.selectors import target_links
    from tests.evaluation.factories import make_cadre_targets, make_task

    task = make_task(targets=1)
    team_target = task.targets.get()
    _category, (cadre_target,) = make_cadre_targets(task, 1)
    links = target_links(targets=list(task.targets.select_related("team__unit", "cadre__unit")), can_read_info=True)
    assert ("目标与进展", f"/goals/?unit={team_target.team.unit_id}") in links[team_target.pk]
    assert ("目标与进展", f"/goals/cadre/{cadre_target.cadre_id}/") in links[cadre_target.pk]


def test_goal7_trees_show_how_many_comments_each_goal_has(client, published):
    """GOAL-7, BG-2: the tree shows plan, execution and the comments people made, at every level."""
    from kaohe.comments.models import Comment, CommentType, TargetType

    goal = GoalFactory(plan=published, name="有点评的目标")
    other = GoalFactory(plan=published, name="没有点评的目标")
    kind = CommentType.objects.filter(is_report=False).first() or CommentType.objects.create(name="点评")
    for body, status in (("很好", Comment.Status.PUBLISHED),) * 2 + (("待审", Comment.Status.PENDING),):
        Comment.objects.create(
            target_type=TargetType.GOAL,
            unit=published.unit,
            goal=goal,
            comment_type=kind,
            commenter_kind="public",
            body=body,
            status=status,
        )
    page = client.get(reverse("goals:query") + f"?unit={published.unit_id}&year=2026").content.decode()
    row = page[page.index("有点评的目标") : page.index("没有点评的目标")]
    assert "2 条点评" in row and f"/goals/goal/{goal.pk}/#goal-comments" in row
    assert "条点评" not in page[page.index("没有点评的目标") : page.index("</table>", page.index("没有点评的目标"))]
    assert other.pk


def test_goal7_a_signed_in_cadre_finds_their_goals_in_the_menu(client, make_user, published):
    cadre = CadreFactory(unit=published.unit, name="万宏华")
    goal = GoalFactory(plan=published, name="我负责的目标")
    AssignmentFactory(goal=goal, cadre=cadre)
    client.force_login(make_user("cadre", unit=published.unit, cadre=cadre))
    home = client.get(reverse("goals:query")).content.decode()
    link = reverse("goals:cadre", args=[cadre.pk])
    assert f'href="{link}"' in home and "我的目标" in home
    assert "我负责的目标" in client.get(link).content.decode()

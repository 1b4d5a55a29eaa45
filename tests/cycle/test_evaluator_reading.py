"""BG-3, EVAL-7: from the ballot form an evaluator whose category has the read right opens a
target's duties, goals, commitments, work records and work report in a new tab (the draft stays
on the form), read as the office's rights table says for that evaluator category (SYS-11)."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.access.models import Scope, Subject
from kaohe.cycle.models import Commitment, WorkReport
from kaohe.evaluation.models import EvaluatorCategory
from tests.access.helpers import set_right
from tests.cycle.factories import CommitmentFactory, WorkRecordFactory
from tests.evaluation.factories import issue_account, make_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def setting():
    task = make_task(targets=1)
    team = task.targets.get().team
    year = task.year
    WorkRecordFactory(cadre=None, team=team, unit=team.unit, date=date(year, 3, 5), content="班子集体走访企业")
    CommitmentFactory(
        cadre=None, team=team, unit=team.unit, year=year, text="年内建成服务专区", due_date=date(year, 9, 30)
    )
    CommitmentFactory(
        cadre=None,
        team=team,
        unit=team.unit,
        year=year,
        text="尚未审核",
        status=Commitment.Status.SUBMITTED,
        due_date=date(year, 9, 30),
    )
    WorkReport.objects.create(
        year=year, team=team, unit=team.unit, body="班子述职全文", status="submitted", submitted_at=timezone.now()
    )
    category = EvaluatorCategory.objects.get(name="分管领导")
    _account, code = issue_account(task, category)
    return task, team, category, code


def reading_link(client, code) -> str:
    client.post(reverse("evaluation:sign_in"), {"code": code})
    page = client.get(reverse("evaluation:form")).content.decode()
    match = re.search(r'<a href="(/cycle/read/[^"]+)" target="_blank" rel="noopener">', page)
    assert match, "the ballot form links the target's dossier in a new tab"
    return match.group(1)


def test_bg3_evaluator_reads_commitments_records_and_report_from_the_ballot_form(client, setting):
    _task, team, _category, code = setting
    url = reading_link(client, code)
    page = client.get(url).content.decode()
    assert team.name in page
    for text in ("班子集体走访企业", "年内建成服务专区", "班子述职全文"):
        assert text in page
    assert "尚未审核" not in page


def test_bg3_sys11_the_office_decides_what_each_evaluator_category_reads(client, setting):
    _task, _team, category, code = setting
    set_right(f"evaluator:{category.pk}", Subject.RECORDS, read=Scope.NONE)
    set_right(f"evaluator:{category.pk}", Subject.REPORTS, read=Scope.NONE)
    page = client.get(reading_link(client, code)).content.decode()
    assert "年内建成服务专区" in page
    assert "班子集体走访企业" not in page and "班子述职全文" not in page


def test_bg3_a_forged_or_altered_reading_address_shows_nothing(client, setting):
    _task, _team, _category, code = setting
    url = reading_link(client, code)
    assert client.get(url[:-3] + "xyz/").status_code == 404
    assert client.get("/cycle/read/eyJrIjoiZXZhbHVhdG9yOjEifQ/").status_code == 404


def test_bg3_the_reading_address_stops_working_when_the_task_ends(client, setting):
    from kaohe.cycle.reading import reading_token

    _task, team, category, _code = setting
    ended = reading_token(
        kind=f"evaluator:{category.pk}",
        target_kind="team",
        target_id=team.pk,
        year=2026,
        ends_at=timezone.now() - timezone.timedelta(minutes=1),
    )
    assert client.get(reverse("cycle:evaluator_reading", args=[ended])).status_code == 404


def test_bg3_evaluator_reads_the_targets_duties_and_goals_with_progress_in_a_new_tab(client, setting):
    """The same page shows the unit's duties and the team's goals of the task's year with their latest
    progress; the ballot form opens it with target="_blank", so the draft stays on the form. Closing
    goals to the category hides them and leaves the duties."""
    from tests.goals.factories import GoalFactory, GoalPlanFactory, ProgressEntryFactory, ProgressReportFactory

    task, team, category, code = setting
    team.unit.duties = "负责全县发展规划的编制和实施"
    team.unit.save()
    plan = GoalPlanFactory(unit=team.unit, year=task.year, status="published")
    goal = GoalFactory(plan=plan, name="推进重大项目前期工作")
    ProgressEntryFactory(report=ProgressReportFactory(plan=plan, period="Q1"), goal=goal, work_done="完成可研批复三项")
    url = reading_link(client, code)
    page = client.get(url).content.decode()
    for text in ("负责全县发展规划的编制和实施", "推进重大项目前期工作", "完成可研批复三项"):
        assert text in page, text
    set_right(f"evaluator:{category.pk}", Subject.GOALS, read=Scope.NONE)
    page = client.get(url).content.decode()
    assert "负责全县发展规划的编制和实施" in page and "推进重大项目前期工作" not in page

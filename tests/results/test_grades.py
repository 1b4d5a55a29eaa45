"""RES-4: rankings, recommended grades within the 优秀 limit, approval, archive, corrections."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.results import services
from kaohe.results.models import AssessmentYear, ResultScheme, YearResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(assessed_year):
    AssessmentYear.objects.create(year=2026, excellent_limit=25)
    services.results_compute(year=2026)
    return assessed_year


def ranking_url(year, category, by="total"):
    return reverse("results_admin:ranking", args=[year]) + f"?category={category.pk}&by={by}"


def test_res4_rankings_by_goal_evaluation_or_total(client, office_user, computed):
    client.force_login(office_user)

    def names(by):
        return [r.cadre.name for r in client.get(ranking_url(2026, computed.cadre_category, by)).context["results"]]

    assert names("total") == ["甲", "乙", "丙", "丁"]
    assert names("goal") == ["甲", "乙", "丙", "丁"]
    computed_results = {r.cadre.name: r for r in YearResult.objects.filter(cadre__isnull=False)}
    assert computed_results["甲"].total > computed_results["乙"].total


def test_res4_recommended_grades_respect_the_excellent_limit(client, office_user, computed):
    """25% of 4 cadres: one 优秀 at most."""
    client.force_login(office_user)
    results = {r.cadre.name: r for r in YearResult.objects.filter(cadre__isnull=False)}
    form = {f"grade-{r.pk}": "称职" for r in results.values()} | {"field": "recommended"}
    form[f"grade-{results['甲'].pk}"] = "优秀"
    form[f"grade-{results['乙'].pk}"] = "优秀"
    response = client.post(ranking_url(2026, computed.cadre_category), form)
    assert "最多 25%（1 个）" in response.content.decode()
    assert not YearResult.objects.exclude(recommended_grade="").exists()
    form[f"grade-{results['乙'].pk}"] = "称职"
    client.post(ranking_url(2026, computed.cadre_category), form)
    assert YearResult.objects.get(pk=results["甲"].pk).recommended_grade == "优秀"
    form[f"grade-{results['丁'].pk}"] = "良好"
    response = client.post(ranking_url(2026, computed.cadre_category), form)
    assert "“良好”不是" in response.content.decode()


def test_res4_archive_makes_the_year_read_only_and_corrections_are_versions(client, office_user, computed):
    client.force_login(office_user)
    response = client.post(reverse("results_admin:archive", args=[2026]), follow=True)
    assert "请先录入全部审定等次" in response.content.decode()
    YearResult.objects.filter(cadre__isnull=False).update(approved_grade="称职")
    YearResult.objects.filter(team__isnull=False).update(approved_grade="较好")
    client.post(reverse("results_admin:archive", args=[2026]))
    record = AssessmentYear.objects.get(year=2026)
    assert record.is_archived
    # Nothing changes any more by the normal screens.
    response = client.post(reverse("results_admin:compute", args=[2026]), follow=True)
    assert "已归档" in response.content.decode()
    result = YearResult.objects.get(cadre=computed.cadres[3])
    response = client.post(
        ranking_url(2026, computed.cadre_category), {f"grade-{result.pk}": "优秀", "field": "approved"}
    )
    assert YearResult.objects.get(pk=result.pk).approved_grade == "称职"
    scheme = ResultScheme(year=2026, target_category=computed.team_category)
    with pytest.raises(Exception, match="已归档"):
        scheme.full_clean()
    # A correction is a new version, with its reason, and logged.
    client.post(
        reverse("results_admin:result", args=[result.pk]),
        {"field": "approved_grade", "value": "基本称职", "reason": "复核后调整"},
    )
    result.refresh_from_db()
    record.refresh_from_db()
    assert result.approved_grade == "基本称职" and record.version == 2
    correction = result.corrections.get()
    assert (correction.old_value, correction.new_value, correction.reason) == ("称职", "基本称职", "复核后调整")
    assert ModelLogEntry.objects.filter(action="results.correct", user=office_user).exists()
    response = client.post(
        reverse("results_admin:result", args=[result.pk]),
        {"field": "total", "value": "abc", "reason": "x"},
        follow=True,
    )
    assert "不是数字" in response.content.decode()


def test_res4_ranking_exports_to_excel_and_pdf_with_vector_charts(client, office_user, computed):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.evaluation.pdfutil import embedded_fonts

    client.force_login(office_user)
    response = client.get(ranking_url(2026, computed.cadre_category) + "&format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == ("名次", "考核对象") and rows[2][1] == "甲"
    response = client.get(ranking_url(2026, computed.cadre_category) + "&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert any("Noto" in font for font in embedded_fonts(response.content))
    assert b"/Subtype /Image" not in response.content  # charts are drawn, not pasted as pictures

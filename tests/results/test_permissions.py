"""RES-1..RES-4 permissions: the office decides; county leaders and the assessment group read."""

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from kaohe.results.models import YearResult

pytestmark = pytest.mark.django_db
R = RoleCode
READERS = {R.OFFICE, R.COUNTY_LEADER, R.ASSESSMENT_GROUP}


@pytest.mark.parametrize("role", list(RoleCode))
def test_res_reading_results_by_role(client, make_user, computed_year, role):
    client.force_login(make_user(role))
    for name, args in (
        ("results_admin:year", [2026]),
        ("results_admin:ranking", [2026]),
        ("results_admin:cadres", [2026]),
        ("results_admin:teams", [2026]),
        ("results_admin:cadre", [computed_year.cadres[0].pk]),
    ):
        response = client.get(reverse(name, args=args))
        assert (response.status_code == 200) == (role in READERS), (name, response.status_code)


@pytest.mark.parametrize("role", list(RoleCode))
def test_res_deciding_grades_by_role(client, make_user, computed_year, role):
    client.force_login(make_user(role))
    result = YearResult.objects.filter(cadre__isnull=False).order_by("-total").first()
    url = reverse("results_admin:ranking", args=[2026]) + f"?category={computed_year.cadre_category.pk}"
    client.post(url, {f"grade-{result.pk}": "称职", "field": "recommended"})
    result.refresh_from_db()
    assert (result.recommended_grade == "称职") == (role == R.OFFICE)
    client.post(reverse("results_admin:compute", args=[2026]))
    client.post(reverse("results_admin:reopen", args=[computed_year.task.pk]))
    computed_year.task.refresh_from_db()
    assert (computed_year.task.closed_at is None) == (role == R.OFFICE)

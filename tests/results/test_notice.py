"""RES-6: the notice of grades (考核结果公示) is a page in the documents area generated from the
approved grades, with its notice period, and public only after Wagtail's moderation."""

import pytest
from django.urls import reverse

from home.models import AssessmentDocumentPage
from kaohe.results import services
from kaohe.results.models import YearResult

pytestmark = pytest.mark.django_db


def generate(client, starts="2026-12-10", ends="2026-12-16"):
    return client.post(reverse("results_notice_create", args=[2026]), {"starts": starts, "ends": ends}, follow=True)


def test_res6_no_notice_for_a_year_without_approved_grades(client, office_user, county):
    services.results_compute(year=2026)
    client.force_login(office_user)
    page = generate(client).content.decode()
    assert "2026 年度尚无审定的等次" in page
    assert not AssessmentDocumentPage.objects.exists()


def test_res6_a_notice_period_that_ends_before_it_starts_is_refused(client, office_user, county):
    client.force_login(office_user)
    assert "公示期结束早于开始" in generate(client, starts="2026-12-16", ends="2026-12-10").content.decode()
    assert not AssessmentDocumentPage.objects.exists()


def test_res6_the_notice_lists_the_best_grades_and_is_public_only_after_moderation(client, office_user, county):
    services.results_compute(year=2026)
    leader, team, deputy = (
        YearResult.objects.get(cadre=county.principal),
        YearResult.objects.get(team=county.t1),
        YearResult.objects.get(cadre=county.below_minimum),
    )
    from kaohe.results.models import AssessmentYear

    AssessmentYear.objects.update_or_create(year=2026, defaults={"excellent_limit": 100})
    services.grades_set(
        year=2026,
        grades={leader.pk: "优秀", team.pk: "好", deputy.pk: "称职"},
        field="approved_grade",
        user=office_user,
    )
    client.force_login(office_user)
    generate(client)
    notice = AssessmentDocumentPage.objects.get()
    assert not notice.live and notice.current_workflow_state is not None
    draft = notice.get_latest_revision_as_object()
    assert "甲局长" in draft.body and county.t1.name in draft.body and "优秀" in draft.body
    assert "乙副局长" not in draft.body  # 称职 is not published in the notice
    assert "公示期：2026-12-10 至 2026-12-16" in draft.summary
    client.logout()
    assert client.get(notice.url or f"/documents/{notice.slug}/").status_code == 404

    client.force_login(office_user)
    task_state = notice.current_workflow_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=(notice.pk, "approve", task_state.pk))
    assert client.post(approve, {"comment": ""}).status_code in (200, 302)
    notice.refresh_from_db()
    assert notice.live
    client.logout()
    public = client.get(notice.url).content.decode()
    assert "甲局长" in public and "公示期：2026-12-10 至 2026-12-16" in public


def test_res6_only_the_office_generates_the_notice(client, make_user, county):
    from kaohe.core.roles import RoleCode

    client.force_login(make_user(RoleCode.COUNTY_LEADER))
    response = client.post(
        reverse("results_notice_create", args=[2026]), {"starts": "2026-12-10", "ends": "2026-12-16"}
    )
    assert response.status_code in (302, 403) and not AssessmentDocumentPage.objects.exists()

"""Accessibility (axe-core, as in test_a11y.py) of the screens issue 15 added: the year
roll-over, reporting deadlines (SUP-1), verification (SCORE-1), and the office's moderation
of unit pages and progress reports (PORTAL-1), for the office and a unit administrator."""

import pytest
from django.urls import reverse

from kaohe.accounts.demo import DEMO_PASSWORD
from kaohe.goals.models import ProgressReport
from kaohe.org.models import Unit
from kaohe.org.services import unit_page_change_submit
from tests.browser.test_a11y import axe_violations, demo_county  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_issue15_supervision_and_moderation_screens_have_no_serious_axe_violations(
    browser,
    live_server,
    demo_county,  # noqa: F811
    admin_sign_in,
):
    unit = Unit.objects.get(name="县发展和改革局")
    unit_page_change_submit(unit=unit, data={"duties": unit.duties + "\n负责重大项目谋划和推进。"}, user=None)
    waiting = ProgressReport.objects.filter(plan__unit=unit).order_by("-plan__year", "-period").first()
    ProgressReport.objects.filter(pk=waiting.pk).update(published_at=None)
    base = live_server.url
    failures: list[str] = []
    screens = {
        "kaoheban": [
            reverse("results_admin:rollover"),
            reverse("goals_admin:deadlines"),
            reverse("goals_admin:verify") + "?show=all",
            reverse("goals_admin:report_approvals"),
            reverse("org_pages:index"),
            reverse("wagtailsnippets_goals_reportingdeadline:list"),
        ],
        "fgj_admin": [
            reverse("goals_admin:deadlines"),
            reverse("goals_admin:verify"),
            reverse("goals_admin:reports", args=[waiting.plan_id]),
            reverse("wagtailsnippets_org_unit:edit", args=[unit.pk]),
        ],
    }
    for username, urls in screens.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        admin_sign_in(page, username, DEMO_PASSWORD)
        for url in urls:
            failures.extend(f"{username} {url}: {v}" for v in axe_violations(page, base + url))
        context.close()
    assert failures == [], "\n".join(failures)

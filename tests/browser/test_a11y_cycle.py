"""Accessibility (axe-core, as in test_a11y.py) of the assessment cycle's main screens (issue 14,
CYCLE-2..CYCLE-4), at a desktop width and on a 375 px phone: a group member's list and
per-cadre inspection screen (``kaohezu``), a cadre's timeline of work records and work report
form (``ganbu``), a cadre's timeline as the public reads it, and the office's dashboard with
its cycle panel, work-report overview and inspection progress (``kaoheban``). The portal's
pages also do not scroll sideways on the phone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.accounts.demo import DEMO_PASSWORD
from kaohe.accounts.models import User
from kaohe.cycle.models import Inspection, WorkRecord
from tests.browser.test_a11y import PHONE_WIDTH, axe_violations, demo_county, too_wide  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": PHONE_WIDTH, "height": 812}, "is_mobile": True, "has_touch": True},
}


def cycle_screens() -> dict[str, list[str]]:
    year = timezone.localdate().year
    inspected = Inspection.objects.filter(year=year, unit__name="县发展和改革局", cadre__isnull=False).first()
    team_inspection = Inspection.objects.filter(year=year, unit__name="县发展和改革局", team__isnull=False).first()
    ganbu = User.objects.get(username="ganbu")
    public_cadre = WorkRecord.objects.filter(cadre__isnull=False).values_list("cadre_id", flat=True).first()
    return {
        "kaohezu": [
            reverse("cycle_admin:inspections") + f"?year={year}",
            reverse("cycle_admin:inspection", args=[year, "cadre", inspected.cadre_id]),
            reverse("cycle_admin:inspection", args=[year, "team", team_inspection.team_id]),
        ],
        "ganbu": [
            reverse("cycle:own_records"),
            reverse("cycle:own_commitments"),
            reverse("cycle:report_edit", args=[year, "cadre", ganbu.cadre_id]),
        ],
        "kaoheban": [
            "/admin/",
            reverse("cycle_admin:reports") + f"?year={year}",
            reverse("cycle_admin:inspections") + f"?year={year}",
            reverse("cycle:cadre_records", args=[public_cadre]),
        ],
    }


ADMIN = ("/admin/",)  # the admin is not checked for sideways scrolling: Wagtail lays it out


def test_issue14_cycle_screens_have_no_serious_axe_violations_on_desktop_and_phone(
    browser,
    live_server,
    sign_in,
    demo_county,  # noqa: F811
):
    base = live_server.url
    failures: list[str] = []
    screens = cycle_screens()
    for width, options in VIEWPORTS.items():
        for username, urls in screens.items():
            context = browser.new_context(locale="zh-CN", **options)
            page = context.new_page()
            sign_in(page, User.objects.get(username=username), DEMO_PASSWORD)  # one session for portal and admin
            for url in urls:
                failures.extend(f"{width} {username} {url}: {v}" for v in axe_violations(page, base + url))
                if width == "phone" and not url.startswith(ADMIN) and (problem := too_wide(page, base + url)):
                    failures.append(f"{username} {problem}")
            context.close()
    assert failures == [], "\n".join(failures)

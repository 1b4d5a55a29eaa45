"""Accessibility and phone width of the portal, checked in Chromium with axe-core (issue 16).

axe-core is the npm package's own ``axe.min.js``, vendored in static/vendor/axe-core/ (no
CDN). Over the demo county: every public page (each live Wagtail page, each unit page, the
goal query, goal and cadre pages, search, the evaluation sign-in and receipt check), the
ballot signed in, and the unit administrator's and the office's main admin screens (goal
tree, progress report, comment management, scoring sheet, results) have no serious or
critical WCAG 2 A/AA violation; and no public page is wider than a 375 px phone.
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from home.models import UnitIndexPage
from kaohe.accounts.demo import DEMO_PASSWORD
from kaohe.comments.models import Comment
from kaohe.goals.models import Goal, GoalPlan
from kaohe.org.models import Unit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = (Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_RUN = """async () => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        resultTypes: ["violations"],
    });
    return results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => {
            const where = v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ");
            return `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length}× e.g. ${where}`;
        });
}"""
PHONE_WIDTH = 375


def axe_violations(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    # Contrast is judged on the finished page: a message still sliding or fading in is half transparent.
    page.wait_for_timeout(200)
    page.evaluate(
        """() => Promise.race([
            Promise.all(document.getAnimations()
                .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
                .map((a) => a.finished.catch(() => null))),
            new Promise((resolve) => setTimeout(resolve, 3000)),
        ])"""
    )
    page.evaluate(AXE)
    return page.evaluate(AXE_RUN)


def too_wide(page, url: str) -> str | None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        culprits = page.evaluate(
            """(limit) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > limit + 1
                    && !el.closest(".table-wrap, .chart, [data-scroll-x]"))
                .slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))""",
            PHONE_WIDTH,
        )
        return f"{url}: {width} px ({', '.join(culprits)})"
    return None


def public_urls() -> list[str]:
    """Every public page of the demo county a visitor can reach."""
    urls = {page.url for page in Page.objects.live().public().specific() if page.url and page.depth > 1}
    index = UnitIndexPage.objects.live().get()
    plan = GoalPlan.objects.filter(status=GoalPlan.Status.PUBLISHED).order_by("-year").first()
    goal = Goal.objects.filter(plan=plan, goal_type__is_public=True, parent__isnull=True).first()
    units_with_plans = Unit.objects.filter(goal_plans__isnull=False).distinct()[:3]
    urls |= {index.unit_url(unit) for unit in units_with_plans}
    urls |= {
        "/goals/",
        f"/goals/?unit={plan.unit_id}&year={plan.year}",
        f"/goals/goal/{goal.pk}/",
        f"/search/?q={quote('考核')}",
        f"/search/?q={quote('发展')}",
        "/ceping/",
        "/ceping/receipt/",
        "/accounts/login/",
    }
    assignment = goal.assignments.select_related("cadre").first()
    if assignment is not None:
        urls.add(f"/goals/cadre/{assignment.cadre_id}/")
    return sorted(urls)


@pytest.fixture
def demo_county(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_issue16_no_serious_axe_violations_on_public_ballot_and_admin_pages(
    browser, live_server, demo_county, admin_sign_in
):
    """Issue 16 (accessibility): zero serious/critical axe-core violations on every public page, the ballot signed
    in, the receipt check, and the unit administrator's and the office's main admin screens."""
    from kaohe.evaluation.demo import unused_demo_accounts

    base = live_server.url
    failures: list[str] = []

    def check(page, url):
        failures.extend(f"{url}: {v}" for v in axe_violations(page, base + url))

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for url in public_urls():
        check(page, url)

    # The ballot, signed in with a demo code.
    account = unused_demo_accounts(limit=1)[0]
    page.goto(f"{base}/ceping/")
    page.fill("#id_code", account.grouped_code)
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()
    check(page, "/ceping/form/")
    context.close()

    # The unit administrator's main screens.
    plan = GoalPlan.objects.filter(unit__name="县发展和改革局").order_by("-year").first()
    report = plan.reports.order_by("-period").first()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    admin_sign_in(page, "fgj_admin", DEMO_PASSWORD)
    for url in [
        "/admin/",
        reverse("goals_admin:index"),
        reverse("goals_admin:plan", args=[plan.pk]),
        reverse("goals_admin:reports", args=[plan.pk]),
        reverse("goals_admin:report", args=[report.pk]),
        reverse("comments_admin:index"),
    ]:
        check(page, url)
    context.close()

    # The office's: scoring sheet and results too.
    comment = Comment.objects.order_by("pk").first()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    admin_sign_in(page, "kaoheban", DEMO_PASSWORD)
    for url in [
        "/admin/",
        reverse("goals_admin:plan", args=[plan.pk]),
        reverse("comments_admin:index"),
        reverse("comments_admin:detail", args=[comment.pk]),
        reverse("scoring_admin:home"),
        reverse("scoring_admin:sheet", args=[plan.year, plan.unit_id]),
        reverse("results_admin:index"),
        reverse("results_admin:ranking", args=[plan.year]),
    ]:
        check(page, url)
    context.close()

    assert failures == [], "\n".join(failures)


def test_issue16_no_public_page_wider_than_a_phone(browser, live_server, demo_county):
    """Issue 16 (phones): at 375 px no public page, nor the ballot signed in, scrolls sideways; wide tables scroll in
    their own box."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": PHONE_WIDTH, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    failures = [problem for url in public_urls() if (problem := too_wide(page, live_server.url + url))]
    # The ballot, signed in on the phone: one page, no sideways scrolling.
    from kaohe.evaluation.demo import unused_demo_accounts

    page.goto(f"{live_server.url}/ceping/")
    page.fill("#id_code", unused_demo_accounts(limit=1)[0].grouped_code)
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()
    assert page.url.endswith("/ceping/form/")
    if problem := too_wide(page, f"{live_server.url}/ceping/form/"):
        failures.append(problem)
    context.close()
    assert failures == [], "\n".join(failures)

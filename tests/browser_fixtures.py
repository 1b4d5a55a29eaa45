"""Playwright fixtures shared by every folder of tests (browser tests, security tests).

Defined once, in tests/conftest.py's scope: a session fixture defined in two conftests would
start two Playwright instances in one pytest-xdist worker, which Playwright's sync API refuses.
Chromium is /usr/bin/chromium (``make test`` installs it); Playwright's own browser download is
never used. Outside CI a missing Chromium skips these tests with the command to install it; in
CI (CI=true) it is an error.
"""

import os
import shutil

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = "Chromium is missing: sudo apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (desktop size, Chinese) for one test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh tab the size of a phone."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def sign_in(live_server):
    """``sign_in(page, user)``: sign in through the portal's own form."""

    def do(page, user, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")

    return do


@pytest.fixture
def admin_sign_in(live_server):
    """``admin_sign_in(page, user)``: sign in through the admin's login form (``user`` a user or a
    username); returns on the page the form leads to (the dashboard; for a user without the
    admin, such as a cadre, the login page again, signed in for the portal's own screens)."""

    def do(page, user, password=PASSWORD):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", getattr(user, "username", user))
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()

    return do

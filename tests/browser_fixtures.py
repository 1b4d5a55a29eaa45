"""Playwright fixtures shared by every folder of tests (browser tests, security tests).

Defined once, in tests/conftest.py's scope: a session fixture defined in two conftests would
start two Playwright instances in one pytest-xdist worker, which Playwright's sync API refuses.
Chromium is /usr/bin/chromium (``make test`` installs it); Playwright's own browser download is
never used. Outside CI a missing Chromium skips these tests with the command to install it; in
CI (CI=true) it is an error.
"""

import os
import shutil
import threading
import time

import pytest
from django.core.signals import request_finished, request_started

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _LiveRequests:
    """Requests the live server's threads are answering right now.

    A browser can still be talking to the live server when a test's body ends: a tab closed
    by the test sends its unload beacons (Wagtail's editor releases its editing session), and
    a navigation may have been left loading. On SQLite the live server shares the test's
    in-memory database, so such a request racing the flush that ends a transactional test
    makes the flush fail and leaves that test's rows to the next one.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.last = 0.0

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.lock:
                self.count += 1
                self.last = time.monotonic()

    def finished(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.lock:
                self.count = max(0, self.count - 1)
                self.last = time.monotonic()

    def wait_quiet(self, *, quiet=0.3, timeout=10.0):
        """Return once no request has been open for `quiet` seconds (or after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                idle = self.count == 0 and time.monotonic() - self.last >= quiet
            if idle:
                return
            time.sleep(0.05)


_live_requests = _LiveRequests()
request_started.connect(_live_requests.started, dispatch_uid="tests-live-requests-started")
request_finished.connect(_live_requests.finished, dispatch_uid="tests-live-requests-finished")


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """Before a test that used the live server gives its database back, let the server finish
    what the browser still asked of it (see _LiveRequests)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    if request.node.get_closest_marker("django_db"):
        # Set up the database first, so that this fixture's teardown runs before its flush.
        request.getfixturevalue("_django_db_helper")
    yield
    _live_requests.wait_quiet()


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

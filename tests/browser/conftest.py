"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The fixtures (browser, page, phone_page, sign_in) are in tests/browser_fixtures.py, shared by every
folder through tests/conftest.py.
"""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)

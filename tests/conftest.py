"""Fixtures shared by every area's tests."""

import pytest
from django.conf import settings
from django.db import connection

from kaohe.core.roles import RoleCode
from tests.browser_fixtures import _live_server_settles, admin_sign_in, browser, page, phone_page, sign_in  # noqa: F401
from tests.factories import PASSWORD, UnitFactory, UserFactory  # noqa: F401 (PASSWORD: tests import it from here)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test: rate-limit counters and cached pages of one test
    never leak into another (ask for it with ``pytest.mark.usefixtures("fresh_cache")``)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_access_cache():
    """The public's rights kept in the shared cache never outlive the test that set them (SYS-11)."""
    from kaohe.access.selectors import rules_changed

    rules_changed()


@pytest.fixture
def unit(db):
    return UnitFactory(name="县发展和改革局")


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="县教育局")


@pytest.fixture
def make_user(db):
    """``make_user(RoleCode.OFFICE, unit=...)``: a user holding the given roles."""

    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def office_user(make_user):
    return make_user(RoleCode.OFFICE)


@pytest.fixture
def sysadmin_user(make_user):
    return make_user(RoleCode.SYSTEM_ADMIN)


@pytest.fixture
def unit_admin(make_user, unit):
    return make_user(RoleCode.UNIT_ADMIN, unit=unit)


@pytest.fixture
def editor_user(make_user):
    return make_user(RoleCode.EDITOR)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` only mean something on PostgreSQL."""
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def db_vendor():
    return connection.vendor


def table_id(value):
    """Test ids for rule tables: the rule class's name, and sets of roles sorted, so
    every process names the tests alike (pytest-xdist compares them)."""
    if hasattr(value, "model"):
        return type(value).__name__
    if isinstance(value, (set, frozenset)):
        return "+".join(sorted(str(item) for item in value)) or "none"
    return str(value)


def pytest_make_parametrize_id(config, val, argname):
    if isinstance(val, (set, frozenset)):
        return table_id(val)
    return None

"""Deployment: production settings read secrets and hosts from the environment and pass ``check --deploy``."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kaohe.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://kaohe.example.gov.cn",
    "DATABASE_URL": "postgres://kaohe:secret@db.example.gov.cn:5432/kaohe",
    "PORTAL_BASE_URL": "https://kaohe.example.gov.cn",
}


def run(code_or_args, **overrides):
    # A production server has none of the test run's own switches (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which check --deploy rightly refuses).
    dropped = {"CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION and key not in dropped}
    env.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_check_deploy_reports_nothing():
    """With the documented variables set, ``manage.py check --deploy`` finds no issue."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


SHOW = """
import django
django.setup()
from django.conf import settings as s
print(s.DEBUG, s.DATABASES["default"]["ENGINE"], s.DATABASES["default"]["CONN_MAX_AGE"],
      s.DATABASES["default"]["HOST"], s.STORAGES["staticfiles"]["BACKEND"], s.SECURE_SSL_REDIRECT,
      s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS, s.CACHES["default"]["BACKEND"])
"""


def test_production_production_uses_postgresql_with_persistent_connections_and_hashed_static_files():
    """DEBUG off, PostgreSQL with persistent connections, static files with hashed names, secure
    cookies, and a cache every worker shares (the database's, or Redis)."""
    result = run(SHOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.postgresql",
        "600",
        "db.example.gov.cn",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
        "True",
        "['kaohe.example.gov.cn']",
        "django.core.cache.backends.db.DatabaseCache",
    ]
    shared = run(SHOW, CACHE_URL="redis://cache.example.gov.cn:6379/1", CONN_MAX_AGE="60")
    assert "django.core.cache.backends.redis.RedisCache" in shared.stdout and " 60 " in shared.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "50"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
        ({"CACHE_URL": "locmem://"}, "CACHE_URL"),
        ({"PORTAL_MULTIPLE_APP_SERVERS": "1", "CACHE_URL": "file:///var/cache/kaohe"}, "file"),
    ],
)
def test_production_missing_or_unsafe_configuration_stops_the_start(overrides, message):
    """A missing secret, host list or database, or a cache the workers would not share, stops
    the portal at start, naming the variable."""
    result = run(SHOW, **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr

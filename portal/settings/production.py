"""Production settings: secrets, hosts and the database come from the environment (PORTAL-3, SYS-9).

Runs under gunicorn behind nginx on PostgreSQL; see ``kaohe/interop/README-sections.md``
(merged into the README) for the deployment step by step. ``manage.py check --deploy``
reports nothing with the variables below set.

Required: ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` (postgres://...).
Usual: ``CSRF_TRUSTED_ORIGINS``, ``PORTAL_BASE_URL``, ``MEDIA_ROOT``, ``STATIC_ROOT``,
``BACKUP_DIR``, ``CACHE_URL`` (redis://..., with more than one app server).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set {name} in the environment (see the README's deployment section).")
    return value


SECRET_KEY = _required("SECRET_KEY")
if len(SECRET_KEY) < 50 or "not-secret" in SECRET_KEY or "insecure" in SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters, not a development key.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) in the environment.")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the portal's hosts, not *.")
if env_bool("DEBUG"):
    raise ImproperlyConfigured("DEBUG shows settings and code to every visitor: production runs without it.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# PostgreSQL, with persistent connections: opening one per request halves the
# request rate. Health checks drop a connection the server has closed.
if not _required("DATABASE_URL").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Production runs on PostgreSQL: DATABASE_URL must start with postgres://.")
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Static files: collected into STATIC_ROOT with hashed names (cached for ever);
# nginx serves /static/ from there, and WhiteNoise serves them too if a
# request reaches gunicorn. Of the uploaded files (MEDIA_ROOT) nginx serves page pictures
# (/media/images/) only; every other file goes through a Django view that checks the reader's
# right and answers with X-Accel-Redirect to nginx's internal /protected-media/.
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
WHITENOISE_MAX_AGE = 31536000
PORTAL_PRIVATE_MEDIA_ACCEL = os.environ.get("PORTAL_PRIVATE_MEDIA_ACCEL", "/protected-media/")

# Behind nginx, which terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page being edited in a same-origin frame.
X_FRAME_OPTIONS = "SAMEORIGIN"

SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS is SAMEORIGIN, not DENY, for Wagtail's preview (above).
    "security.W019",
    # HSTS preloading is for public sites on the browsers' preload list; the
    # portal's host is on a government intranet and cannot be listed.
    "security.W021",
]

# Workers and app servers share sessions through the database (Django's default) and
# the cache (throttle counts, sign-in lock-outs, cached pages): the database cache by
# default, or Redis through CACHE_URL. A per-process or per-machine cache would let each
# worker count on its own.
if CACHE_URL.startswith("locmem://"):
    raise ImproperlyConfigured("CACHE_URL=locmem:// is per process; in production leave CACHE_URL unset or use Redis.")
if env_bool("PORTAL_MULTIPLE_APP_SERVERS") and CACHE_URL.startswith("file://"):
    raise ImproperlyConfigured("With several app servers, a file cache is not shared: unset CACHE_URL or use Redis.")

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")

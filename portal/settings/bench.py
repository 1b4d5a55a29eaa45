"""Settings for the benchmark scripts in bench/: production-like serving
(DEBUG off, persistent database connections, WhiteNoise) without TLS redirects,
so gunicorn can be measured over plain HTTP on loopback."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-not-secret")  # noqa: F405
ALLOWED_HOSTS = ["*"]
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))  # noqa: F405
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

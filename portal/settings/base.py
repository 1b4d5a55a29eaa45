"""Settings shared by every environment of the county assessment portal.

Environment-specific files (dev, test, production) import from here and
override what differs. Configuration comes from environment variables so the
same code runs on a laptop, in CI and on the county's intranet servers.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    # Our apps come first so their templates override Wagtail's where needed.
    "kaohe.core",
    "kaohe.accounts",
    "kaohe.access",
    "kaohe.interop",
    "kaohe.org",
    "kaohe.goals",
    "kaohe.comments",
    "kaohe.evaluation",
    "kaohe.cycle",
    "kaohe.scoring",
    "kaohe.results",
    "home",
    "search",
    "kaohe.accounts.apps.PortalUsersAppConfig",  # replaces wagtail.users (custom user forms)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese unless the visitor chose English in the switcher (not the browser's Accept-Language).
    "home.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "home.middleware.PublicPageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# Database: DATABASE_URL (PostgreSQL in production and CI), SQLite otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file; wait for the lock instead of
    # failing at once, and use WAL so readers never block the writer. secure_delete
    # zeroes what is deleted, so no deleted draft or ballot-box row stays in the file
    # (EVAL-10).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "kaohe.accounts.backends.ThrottledModelBackend",
    "kaohe.accounts.backends.RulesBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Internationalisation: Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# locale_wagtail: Chinese for the Wagtail admin strings Wagtail's own catalogues leave untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "collected_static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("PORTAL_SITE_NAME", "县领导班子和领导干部考核与管理信息系统")
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the intranet has no internet
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILDOCS_DOCUMENT_MODEL = "home.PortalDocument"
WAGTAILADMIN_USER_LOGIN_FORM = "kaohe.accounts.forms.AdminLoginForm"

# Chinese text needs segmenting before the database full-text engines can
# match words inside a sentence: see search/backends.py.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends",
        "SEARCH_CONFIG": "simple",
    }
}

# Uploads: office documents only, and nothing larger than the limit.
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "wps",
    "et",
    "dps",
    "odt",
    "ods",
    "odp",
    "ofd",
    "txt",
    "csv",
    "zip",
    "rar",
    "7z",
    "jpg",
    "png",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("PORTAL_MAX_UPLOAD_MB", "20")) * 1024 * 1024
# Attachments of work records and reports (CYCLE-2, CYCLE-3), each at most this many MB.
CYCLE_ATTACHMENT_MAX_MB = int(os.environ.get("CYCLE_ATTACHMENT_MAX_MB", "10"))
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Uploaded workbooks (an .xlsx is a zip of XML parts) are checked before openpyxl parses a byte
# of them (kaohe.core.uploads.open_workbook): how many parts, how large each part and all of
# them expand, and how well a large part compresses. Sheets are read as a stream; the other
# parts (shared strings, styles) are read whole into memory, so they have a smaller limit.
# Uploaded files other than page pictures are served by Django views after a rights check
# (kaohe.core.private_media): documents through Wagtail's view, which checks collection
# privacy; summary documents through the goals' view. Behind nginx the view answers with
# X-Accel-Redirect to this internal location (README, nginx); unset, Django streams the file.
PORTAL_PRIVATE_MEDIA_ACCEL = os.environ.get("PORTAL_PRIVATE_MEDIA_ACCEL", "")
WAGTAILDOCS_SERVE_METHOD = "serve_view"
SENDFILE_BACKEND = "kaohe.core.private_media"

PORTAL_WORKBOOK_MAX_PARTS = int(os.environ.get("PORTAL_WORKBOOK_MAX_PARTS", "500"))
PORTAL_WORKBOOK_MAX_SHEET_MB = int(os.environ.get("PORTAL_WORKBOOK_MAX_SHEET_MB", "80"))
PORTAL_WORKBOOK_MAX_PART_MB = int(os.environ.get("PORTAL_WORKBOOK_MAX_PART_MB", "16"))
PORTAL_WORKBOOK_MAX_TOTAL_MB = int(os.environ.get("PORTAL_WORKBOOK_MAX_TOTAL_MB", "100"))
PORTAL_WORKBOOK_MAX_RATIO = int(os.environ.get("PORTAL_WORKBOOK_MAX_RATIO", "100"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kaohe@localhost")

# The cache holds what every worker must agree on (throttle counts, sign-in lock-outs,
# cached pages), so it is shared: by default a table in the portal's own database
# (created by ``kaohe.core``'s migration), which every worker and every app server on
# that database sees. CACHE_URL chooses another: redis://host:6379/1, file:///var/cache/kaohe
# (one server only), or locmem:// (one process: development and tests only).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHE_TABLE = "kaohe_cache"
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("file://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": CACHE_URL[7:]}}
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}}

# The public's pages (not signed in) are kept whole for this many seconds (0: never), per
# process, and retired at once when what they show changes (home/page_cache.py).
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "300"))
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "portal-pages",
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PORTAL_PAGE_CACHE_ENTRIES", "500"))},
}
# A reverse proxy (nginx, Varnish) in front may keep the public's pages too: set
# PORTAL_FRONTEND_CACHE_URL to the address that takes its PURGE requests, and Wagtail purges a
# page when it is published (wagtail.contrib.frontend_cache); units' and goals' own pages are
# purged when they change, and every page shared with the public says it may be kept for
# PORTAL_FRONTEND_CACHE_SECONDS.
PORTAL_FRONTEND_CACHE_URL = os.environ.get("PORTAL_FRONTEND_CACHE_URL", "")
PORTAL_FRONTEND_CACHE_SECONDS = int(os.environ.get("PORTAL_FRONTEND_CACHE_SECONDS", "60"))
if PORTAL_FRONTEND_CACHE_URL:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": PORTAL_FRONTEND_CACHE_URL,
        }
    }

# Proxies whose forwarding headers are believed (X-Forwarded-For, X-Real-IP): addresses
# or networks, comma-separated, e.g. "127.0.0.1" for nginx on the same machine. Anyone
# else's headers are ignored, so a client cannot choose the address it is counted as.
TRUSTED_PROXIES = [item.strip() for item in os.environ.get("TRUSTED_PROXIES", "").split(",") if item.strip()]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Sign-in throttling: failures per user name and per address in the window.
PORTAL_LOGIN_MAX_FAILURES = int(os.environ.get("PORTAL_LOGIN_MAX_FAILURES", "5"))
PORTAL_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("PORTAL_LOGIN_MAX_FAILURES_PER_IP", "30"))
PORTAL_LOGIN_WINDOW_SECONDS = int(os.environ.get("PORTAL_LOGIN_WINDOW_SECONDS", "900"))

# REST API for the cadre-management system (kaohe.interop): API-key clients, JSON only,
# throttled per client; OpenAPI 3 by drf-spectacular, with Swagger UI's files from
# drf-spectacular-sidecar (the intranet has no CDN).
INSTALLED_APPS.append("drf_spectacular_sidecar")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kaohe.interop.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("API_THROTTLE_RATE", "1200/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "县领导班子和领导干部考核与管理信息系统 API",
    "DESCRIPTION": "与县干部管理信息系统交换单位、领导班子、干部和班子成员数据（按对方系统的标识幂等推送与拉取）。"
    "每个请求在 Authorization 头中携带系统管理员发放的密钥：`Authorization: Bearer <密钥>`。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["kaohe.interop.api.schema.only_exchange_endpoints"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
INTEROP_MAX_BULK_RECORDS = int(os.environ.get("INTEROP_MAX_BULK_RECORDS", "5000"))
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

# Comments (CMT-6) and evaluation sign-in (EVAL-7) tuning, from the environment.
COMMENTS_MIN_SECONDS = float(os.environ.get("COMMENTS_MIN_SECONDS", "4"))
# Wrong codes are counted per browser and per code prefix first; a whole meeting room shares one address
# behind the intranet's NAT, so the per-address limit is that of a room of about 500 people (EVAL-9).
EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP = int(os.environ.get("EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP", "500"))
EVALUATION_SIGN_IN_MAX_FAILURES_PER_BROWSER = int(os.environ.get("EVALUATION_SIGN_IN_MAX_FAILURES_PER_BROWSER", "10"))
EVALUATION_SIGN_IN_MAX_FAILURES_PER_PREFIX = int(os.environ.get("EVALUATION_SIGN_IN_MAX_FAILURES_PER_PREFIX", "10"))
EVALUATION_SIGN_IN_WINDOW_SECONDS = int(os.environ.get("EVALUATION_SIGN_IN_WINDOW_SECONDS", "600"))
EVALUATION_SESSION_SECONDS = int(os.environ.get("EVALUATION_SESSION_SECONDS", str(4 * 3600)))
# The key of evaluation codes' hashes and of sealed drafts and ballot boxes (EVAL-2, EVAL-10);
# SECRET_KEY when unset. Change it only between evaluation tasks.
EVALUATION_CODE_SECRET = os.environ.get("EVALUATION_CODE_SECRET", "")
# Online ballots enter the ballot table together, in random order, once this many wait in the box (EVAL-10).
EVALUATION_BALLOT_BATCH = int(os.environ.get("EVALUATION_BALLOT_BATCH", "10"))

# Background tasks (django-tasks, which Wagtail 8 brings). Wagtail's own tasks stay on "default",
# run at once in the request, so nothing of Wagtail waits for a worker. Long PDFs (the slips of
# evaluation accounts, EVAL-9) go to "background": rows in the database that `manage.py db_worker
# --backend background` runs (README: `make run` starts one; a systemd service in production).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"},
}
# Files made by background jobs that hold secrets (slips with one-time codes): outside MEDIA_ROOT,
# encrypted, handed only to whoever asked for them, deleted once downloaded or after this many hours.
PORTAL_PRIVATE_DIR = Path(os.environ.get("PORTAL_PRIVATE_DIR", BASE_DIR / "private"))
PORTAL_JOB_FILE_HOURS = int(os.environ.get("PORTAL_JOB_FILE_HOURS", "24"))

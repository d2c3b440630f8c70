"""One settings module for every environment, configured from environment variables."""

from __future__ import annotations

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Set by the pytest configuration (pyproject.toml); never inferred from what is imported.
TESTING = env.bool("CAREMARKET_TESTING", default=False)

DEBUG = env.bool("DEBUG", default=False)
# A fixed development key only when DEBUG is on; production must provide its own.
SECRET_KEY = env(
    "SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG or TESTING else None
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

COUNCIL_NAME = env("COUNCIL_NAME", default="Essex County Council")
COUNCIL_CODE = env("COUNCIL_CODE", default="E10000012")
SERVICE_NAME = env("SERVICE_NAME", default="Care Market")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_forms_gds",
    "huey.contrib.djhuey",
    "caremarket.common",
    "caremarket.audit",
    "caremarket.accounts",
    "caremarket.geography",
    "caremarket.cqc",
    "caremarket.notifications",
    "caremarket.core",
    "caremarket.monitoring",
    "caremarket.framework",
    "caremarket.sourcing",
    "caremarket.carehomes",
    "caremarket.insight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (sessions, CSRF, the guard's form check).
    "caremarket.core.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "caremarket.core.middleware.SecurityHeadersMiddleware",
    "caremarket.core.middleware.RequestGuardMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caremarket.urls"
WSGI_APPLICATION = "caremarket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "caremarket" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caremarket.core.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'caremarket.sqlite3'}"),
}
# Migrations run as the owner role, the service as a role that owns nothing (core/roles.py,
# docs/deployment.md): `manage.py migrate` connects with MIGRATE_DATABASE_URL when it is set.
MIGRATE_DATABASE_URL = env("MIGRATE_DATABASE_URL", default="")
if MIGRATE_DATABASE_URL and sys.argv[1:2] == ["migrate"]:
    DATABASES["default"] = env.db_url_config(MIGRATE_DATABASE_URL)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web service and the task worker read while the other writes; the busy
    # timeout makes a writer wait for the lock instead of failing at once; IMMEDIATE
    # transactions take the write lock up front so two writers never deadlock on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "caremarket.accounts.validators.RepeatedCharacterValidator"},
    {"NAME": "caremarket.accounts.validators.DemoPasswordValidator"},
]
# A demo site's accounts use the published demo password; anywhere else it is refused.
DEMO_SITE = env.bool("DEMO_SITE", default=DEBUG or TESTING)

# Two-factor sign-in (decision 0081): anyone may turn it on; this makes it required for council
# staff. Off on a demo site (its accounts are shared and published), on everywhere else.
TWO_FACTOR_REQUIRED_FOR_COUNCIL = env.bool("TWO_FACTOR_REQUIRED_FOR_COUNCIL", default=not DEMO_SITE)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default=f"{SERVICE_NAME} – {COUNCIL_NAME}")
# accounts/throttle.py counts wrong codes in the shared cache; django-otp's own per-device
# back-off would refuse a right code typed a second after a wrong one, with no way to say so.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

# django-axes: lock an e-mail address + IP pair after repeated failures for a cool-off period.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# A pair, so a stranger's failures elsewhere never lock the account's owner out; one address
# trying many e-mails is slowed separately (accounts.throttle.SIGN_IN_PER_ADDRESS).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "caremarket.accounts.throttle.axes_username"
AXES_CLIENT_IP_CALLABLE = "caremarket.accounts.throttle.client_ip"
# How many reverse proxies in front of the service append to X-Forwarded-For (docs/deployment.md):
# 0 trusts REMOTE_ADDR alone; 1 for a single nginx or load balancer.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "caremarket" / "static"]
_govuk_dist = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
if _govuk_dist.exists():
    STATICFILES_DIRS.append(("govuk", _govuk_dist))
# Chart.js draws the dashboards' charts over the tables that carry the same figures.
_chartjs_dist = BASE_DIR / "node_modules" / "chart.js" / "dist"
if _chartjs_dist.exists():
    STATICFILES_DIRS.append(("chartjs", _chartjs_dist))
# Swagger UI for /api/v1/docs, served by the service itself (never a CDN).
_swagger_dist = BASE_DIR / "node_modules" / "swagger-ui-dist"
if _swagger_dist.exists():
    STATICFILES_DIRS.append(("swagger-ui", _swagger_dist))
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Storage every process shares (docs/deployment.md): uploaded photographs and the EHM visit
# store live in folders every web process and worker mounts (MEDIA_ROOT, EHM_STORE_DIR), or in
# S3-compatible object storage through django-storages when a bucket is named.
S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default="") or None  # e.g. a MinIO or Ceph URL
S3_REGION = env("S3_REGION", default="") or None
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
EHM_S3_BUCKET = env("EHM_S3_BUCKET", default="")


def s3_storage(bucket: str, location: str) -> dict[str, object]:
    # Keys from S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, else boto3's usual chain (an
    # instance role, AWS_* variables). Objects stay private: the service streams them.
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": location,
            "endpoint_url": S3_ENDPOINT_URL,
            "region_name": S3_REGION,
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


if MEDIA_S3_BUCKET:
    STORAGES["default"] = s3_storage(MEDIA_S3_BUCKET, "media")
if EHM_S3_BUCKET:
    STORAGES["ehm"] = s3_storage(EHM_S3_BUCKET, "ehm")

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Form fields and JSON bodies (files aside) larger than this answer 400 (Django's own check).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="caremarket@localhost")
# Where people report an accessibility problem (named on the accessibility statement).
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", default=DEFAULT_FROM_EMAIL)
# The day every page was last put through the automated check (axe-core, WCAG 2.2 AA, in
# Chromium) and the keyboard journeys; change it when they are run again for a release.
ACCESSIBILITY_CHECKED_ON = "2026-12-02"
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REDIS_URL = env("REDIS_URL", default="")
HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "caremarket",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env.int("WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "caremarket",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": False,
        "consumer": {"workers": env.int("WORKERS", default=2), "worker_type": "thread"},
    }
if TESTING:
    # Tasks run in-process so tests see their effects; schedules are tested by calling
    # the domain code with an explicit current time.
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "caremarket-test", "immediate": True}

# One cache for every process: Redis when REDIS_URL is set (the web processes share answers),
# otherwise each process's own memory. Nothing in it is the only copy of anything.
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "caremarket.common.caches.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "caremarket",
            "TIMEOUT": 600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "caremarket",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Vacancy search answers (decision 17): keyed by the stamps of the homes they cover, so the
# time only bounds memory, never staleness. 0 turns the cache off.
VACANCY_SEARCH_CACHE = "default"
VACANCY_SEARCH_CACHE_SECONDS = env.int("VACANCY_SEARCH_CACHE_SECONDS", default=600)

NINJA_PAGINATION_PER_PAGE = 50
# No list answers more than this a page (docs/api.md); the request guard refuses larger.
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Production hardening: `manage.py check --deploy` is clean when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/worker)?$"]

# Demo data: each app's loader, in dependency order (see `manage.py load_demo`).
DEMO_LOADERS = [
    "caremarket.accounts.demo.load",
    "caremarket.geography.demo.load",
    "caremarket.carehomes.demo.load",
    "caremarket.framework.demo.load",
    "caremarket.monitoring.demo.load",
    "caremarket.sourcing.demo.load",
]
# Called after each CQC import with the location IDs it touched (see cqc.services).
CQC_IMPORT_HOOKS: list[str] = [
    "caremarket.carehomes.services.care_home_sync_from_cqc",
    "caremarket.framework.services.providers.branch_refresh_from_cqc",
]
# Called when a provider's framework agreement ends, in the same transaction
# (hook(provider=, actor=, now=) -> how many open offers it withdrew), and before, for the
# confirmation page (preview(provider=, now=) -> (open offers, sentences)). Sourcing sits above
# the framework, so the framework reaches it only through these (decision 0073).
FRAMEWORK_AGREEMENT_END_HOOKS: list[str] = [
    "caremarket.sourcing.services.leavers.offers_withdraw_for_leaver",
]
FRAMEWORK_AGREEMENT_END_PREVIEWS: list[str] = [
    "caremarket.sourcing.selectors.leavers.leaver_open_offers_preview",
]
# Reference data (docs/data-team.md, decisions 0018, 0019, 0025 and 0041).
# A directory file listing fewer locations than this is a partial extract: it deregisters
# nothing. The national register lists about 50,000.
CQC_COMPLETE_FILE_MIN_LOCATIONS = env.int("CQC_COMPLETE_FILE_MIN_LOCATIONS", default=20_000)
# Districts or councils outside the council's own area whose care homes are its homes too
# (codes or names, e.g. "E06000033,Thurrock"), for councils that place across borders.
CQC_NEIGHBOUR_AREAS: list[str] = env.list("CQC_NEIGHBOUR_AREAS", default=[])
# Uploaded reference files wait here for the worker; files dropped in DATA_IMPORT_DROP_DIR
# (when set) are picked up every few minutes, so a scheduled download needs no browser.
DATA_IMPORT_DIR = env.path("DATA_IMPORT_DIR", default=str(VAR_DIR / "imports"))
DATA_IMPORT_DROP_DIR: str | None = env("DATA_IMPORT_DROP_DIR", default=None)
DATA_IMPORT_MAX_UPLOAD_BYTES = env.int("DATA_IMPORT_MAX_UPLOAD_BYTES", default=3 * 1024**3)
# Whether providers' Ranked List Tool shows every provider's price and quality scores (only if
# the council publishes them); council staff always see them.
RANKED_LIST_SCORES_PUBLISHED = env.bool("RANKED_LIST_SCORES_PUBLISHED", default=False)
DEMO_LOGINS = "caremarket.accounts.demo.DEMO_LOGINS"
DEMO_PASSWORD = "caremarket.accounts.demo.DEMO_PASSWORD"  # noqa: S105 (a dotted path)

# Visit monitoring (EHM): see docs/ehm-file-spec.md and docs/decisions/0030-0034.
EHM_STORE_DIR = env.path("EHM_STORE_DIR", default=str(VAR_DIR / "ehm"))
EHM_MAX_UPLOAD_BYTES = env.int("EHM_MAX_UPLOAD_BYTES", default=250 * 1024 * 1024)
EHM_PERIOD_ANCHOR = env("EHM_PERIOD_ANCHOR", default="2025-11-10")
EHM_SUBMISSION_GRACE_DAYS = env.int("EHM_SUBMISSION_GRACE_DAYS", default=7)
# Who must send visit files, from when (decision 35): tier-1 framework providers from January
# 2026 (seed 002); tier 2 when the council tells them; other home care providers never.
EHM_SUBMISSIONS_FROM: dict[str, str | None] = {
    "tier1": env("EHM_TIER1_SUBMISSIONS_FROM", default="2026-01-01"),
    "tier2": env("EHM_TIER2_SUBMISSIONS_FROM", default=None),
    "other": env("EHM_OTHER_SUBMISSIONS_FROM", default=None),
}
EHM_DUCKDB_MEMORY_LIMIT = env("EHM_DUCKDB_MEMORY_LIMIT", default="900MB")
EHM_DUCKDB_THREADS = env.int("EHM_DUCKDB_THREADS", default=2)
# Overrides of the KPI thresholds in caremarket/monitoring/config.py (DESIGN section 5).
EHM_KPI_THRESHOLDS: dict[str, float] = {}
# Dotted path to f(*, organisation, references: set[str]) -> set[str] of unknown service-user
# references; empty: references are not checked. Sourcing's check applies once the council has
# loaded its book of care (decision 0041), so it is on by default.
EHM_SERVICE_USER_CHECK: str | None = (
    env(
        "EHM_SERVICE_USER_CHECK",
        default="caremarket.sourcing.selectors.packages.service_users_unknown",
    )
    or None
)

_MB = 1024 * 1024
# The largest request body each route prefix takes (the longest matching prefix applies),
# refused with 413 from the Content-Length before any of it is read (docs/deployment.md says
# what the reverse proxy should set to match). Uploads get their file limit plus room for the
# form around it; sign-in and account pages take a small form only.
REQUEST_BODY_LIMITS: dict[str, int] = {
    "/": env.int("REQUEST_BODY_DEFAULT_LIMIT", default=25 * _MB),
    "/accounts/": 256 * 1024,
    "/api/v1/": 25 * _MB,
    "/monitoring/submissions/new/": EHM_MAX_UPLOAD_BYTES + _MB,
    "/api/v1/ehm/submissions": EHM_MAX_UPLOAD_BYTES + _MB,
    "/reference-data/": DATA_IMPORT_MAX_UPLOAD_BYTES + _MB,
    "/api/v1/data-imports": DATA_IMPORT_MAX_UPLOAD_BYTES + _MB,
}

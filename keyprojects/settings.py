"""KeyProjects settings, entirely from the environment (docs/deployment in README "Production").

Embedded default: SQLite in ./var/db.sqlite3, cache in process, background jobs run eagerly
(no Redis, no worker); `make run` sets DEBUG=1. Production: DATABASE_URL, REDIS_URL,
SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS (and the proxy/HTTPS switches below).
"""

import contextlib
import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# pytest imports itself before the settings; the suite needs no SECRET_KEY in the environment.
TESTING = "pytest" in sys.modules
DEBUG = env_flag("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY 未设置：生产环境请在环境变量中设置 SECRET_KEY（开发时用 make run，或设置 DEBUG=1）。"
        )
    SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - DEBUG/tests only; production refuses to start without one
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto (and -Host) only
# when told to, since a client could send them too when there is no proxy.
if env_flag("USE_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_flag("USE_X_FORWARDED_HOST")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "apps.core",
    "apps.accounts",
    "apps.regions",
    "apps.projects",
    "apps.audit",
    "apps.reporting",
    "apps.statistics",
    "apps.dashboard",
    "apps.imports",
    "apps.exports",
    "apps.problems",
    "apps.workdays",
    "apps.approvals",
    "apps.ops",
    "apps.lights",
    "apps.assessment",
    "apps.allocation",
    "apps.documents",
    "apps.funding",
    "apps.bonds",
    "apps.attraction",
    "apps.bulletins",
    "apps.briefs",
    "apps.reserve",
    # Security (issue 12): login lockout, second factor, CSP.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # ninja's own static Swagger UI files, so /api/v1/docs works on a network without a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.ops.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.AccountSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.imports.uploads.UploadCapMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.api_parser.UnstorableTextMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the outcome of the authentication backends (axes' own docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "keyprojects.urls"
WSGI_APPLICATION = "keyprojects.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# Dashboard, indicator and export reads may go to a replica (apps/ops/routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["apps.ops.routers.ReplicaRouter"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the dev server read while a seed or import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects:list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "apps.accounts.passwords.PasswordHistoryValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Production serves collected files with hashed names, pre-compressed (gzip, brotli), from
# WhiteNoise; development and tests read them from the apps as they are.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise scans it when it starts
STATIC_MANIFEST = env_flag("STATIC_MANIFEST", not (DEBUG or TESTING))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Money is stored in 万元 with 2 decimals (= 100 元 precision would be too coarse
# for reports, so we keep 4: 1 元 = 0.0001 万元).
MONEY_MAX_DIGITS = 16
MONEY_DECIMAL_PLACES = 4

PROJECTS_PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Imports (apps/imports): limits checked before a file is parsed, and whether previews and
# commits run in a background thread (the page polls progress) or within the request.
IMPORT_MAX_BYTES = int(os.environ.get("KP_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("KP_IMPORT_MAX_ROWS", 100_000))
IMPORT_MAX_CELLS = int(os.environ.get("KP_IMPORT_MAX_CELLS", 5_000_000))
IMPORT_PARSER_MEMORY_MB = int(os.environ.get("KP_IMPORT_PARSER_MEMORY_MB", 1024))
IMPORT_PARSER_SECONDS = int(os.environ.get("KP_IMPORT_PARSER_SECONDS", 120))
# An API upload larger than this is always previewed as a job (202 + status), whatever
# `background` says: the web process then never holds a large file's parsed rows.
IMPORT_INLINE_MAX_BYTES = int(os.environ.get("KP_IMPORT_INLINE_MAX_BYTES", 4 * 1024 * 1024))
IMPORTS_RUN_INLINE = False

# Redis (REDIS_URL) carries the cache, the Celery broker and its results in production.
# Without it (the embedded default, `make run`, tests) the cache is in process and jobs run
# eagerly in the process that asks for them.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kp"),
            "TIMEOUT": 3600,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 3600}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_flag("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True  # a job whose worker dies is delivered again (jobs are idempotent)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job invisible for longer than its longest run is delivered again (acks_late).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3 * 3600))}
# celery beat: the periodic jobs (apps/ops/tasks.py). Times are Asia/Shanghai.
CELERY_BEAT_SCHEDULE = {
    "approvals-tick": {"task": "ops.approvals_tick", "schedule": crontab(minute=5, hour=0)},
    # the last days of a month and the first of the next, when reports are due
    "remind-unreported": {
        "task": "ops.remind_unreported",
        "schedule": crontab(minute=0, hour=9, day_of_month="1-5,25-31"),
    },
    # issue 15: the lights of the latest month whose reporting period is closed (apps/lights/tasks.py)
    "lights-evaluate": {"task": "lights.evaluate_closed_month", "schedule": crontab(minute=30, hour=1)},
    # monthly reports partitioned by year (PostgreSQL): next year's partition well before January
    "report-partitions": {"task": "ops.report_partitions_ensure", "schedule": crontab(minute=15, hour=1)},
    "heartbeat": {"task": "ops.heartbeat", "schedule": float(os.environ.get("BEAT_HEARTBEAT_SECONDS", 30))},
}
# Jobs that fail on the database try again: up to JOB_MAX_RETRIES more times, waiting
# JOB_RETRY_DELAY seconds, doubled each time (at most a minute).
JOB_MAX_RETRIES = int(os.environ.get("JOB_MAX_RETRIES", 3))
JOB_RETRY_DELAY = int(os.environ.get("JOB_RETRY_DELAY", 5))
# Exports of more rows than this run as a Celery job (progress page, file kept for its user).
EXPORT_ASYNC_ROWS = int(os.environ.get("EXPORT_ASYNC_ROWS", 5000))
# /healthz: a worker counts as alive when its heartbeat is younger than this (seconds).
WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("WORKER_HEARTBEAT_MAX_AGE", 120))
# bench/loadtest.py's baseline endpoint (a bare view with one indexed read).
BENCH_ENDPOINTS = env_flag("BENCH_ENDPOINTS")
# 503 while the database is unreachable: how long clients should wait (seconds).
DATABASE_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("DATABASE_UNAVAILABLE_RETRY_AFTER", 30))

# Filter drop-downs offer 全部 ("All"), not "---------", for "no filter" (issue 14).
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
# ---------------------------------------------------------------------------------------
# Security (等保 2.0 level 3; README "Security"). Every figure can be changed from the
# environment; the defaults are the ones the assessment expects.


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


# Passwords: Argon2id first; the others only verify (and upgrade) hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
KP_PASSWORD_MAX_AGE_DAYS = _env_int("KP_PASSWORD_MAX_AGE_DAYS", 90)  # 0: never expires
KP_PASSWORD_HISTORY = _env_int("KP_PASSWORD_HISTORY", 5)

# Login failures (django-axes): the account is locked after KP_LOGIN_FAILURE_LIMIT failures
# for KP_LOGIN_LOCKOUT_MINUTES; the client address only after KP_LOGIN_CLIENT_FAILURE_LIMIT
# (default 50, password spraying), so a whole office behind one NAT address is not locked out
# by a few people's (or an attacker's) mistyped passwords. Failures during a lockout do not
# extend it, so an attacker cannot keep a user out beyond the cool-off; the security
# administrator can unlock at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "apps.accounts.roles.RolePermissionBackend",
]
AXES_FAILURE_LIMIT = _env_int("KP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_env_int("KP_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
KP_LOCKOUT_LIMITS = [AXES_FAILURE_LIMIT, _env_int("KP_LOGIN_CLIENT_FAILURE_LIMIT", 50)]  # per parameter above
AXES_HANDLER = "apps.accounts.lockout.TieredLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "apps.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Second factor (django-otp, TOTP per RFC 6238) for everyone who can change data or
# administer. On by default in production (DEBUG off); the demo (`make run`) and the tests
# run without it unless KP_REQUIRE_2FA=1.
KP_REQUIRE_2FA = env_flag("KP_REQUIRE_2FA", not (DEBUG or TESTING))
OTP_TOTP_ISSUER = "KeyProjects"

# Sessions: idle timeout and absolute lifetime (minutes); the cookie dies with the browser.
KP_SESSION_IDLE_MINUTES = _env_int("KP_SESSION_IDLE_MINUTES", 30)
KP_SESSION_MAX_MINUTES = _env_int("KP_SESSION_MAX_MINUTES", 12 * 60)
SESSION_COOKIE_AGE = KP_SESSION_MAX_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# API tokens expire after this many days unless issued with another expiry.
KP_API_TOKEN_DAYS = _env_int("KP_API_TOKEN_DAYS", 90)

# Client IP behind a reverse proxy: X-Forwarded-For is read only when the request comes
# from one of these addresses or networks (comma-separated, e.g. "10.0.0.5,10.1.0.0/16").
KP_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("KP_TRUSTED_PROXIES", "").split(",") if p.strip()]

# HTTPS. Production (DEBUG off) defaults to all of it; KP_HTTPS=0 turns it off behind a
# plain-HTTP test rig. The proxy's X-Forwarded-Proto is believed with USE_X_FORWARDED_PROTO=1
# (above), and SECURE_SSL_REDIRECT=0 leaves redirecting to the proxy.
KP_HTTPS = env_flag("KP_HTTPS", not (DEBUG or TESTING))  # tests run over plain HTTP
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", KP_HTTPS)
SESSION_COOKIE_SECURE = KP_HTTPS
CSRF_COOKIE_SECURE = KP_HTTPS
SECURE_HSTS_SECONDS = _env_int("KP_HSTS_SECONDS", 31_536_000) if KP_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("KP_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("KP_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from this origin, no inline
# script. Styles keep 'unsafe-inline' for the style="" attributes ECharts and templates write.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Request bodies: JSON and form posts above this size are refused (413); uploads go
# through the importer's own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = _env_int("KP_MAX_BODY_BYTES", 2_621_440)

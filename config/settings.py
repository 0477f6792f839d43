"""Brygga settings, driven by environment variables (12-factor).

Production is the default: ``DEBUG`` off, two-factor required, secure cookies. ``make demo`` and
the tests set the variables they need. See docs/operations.md for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab as _crontab
from django.utils.translation import gettext_lazy as _

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Registers OpClass as an index-expression wrapper (the trigram indexes of the name search).
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "guardian",
    "pgtrigger",
    "pghistory",
    "django_fsm",
    "accounts",
    "portal",
    "cases",
    "ansvarsforbindelse",
    "inslussning",
    "deviations",
    "avhopp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "accounts.middleware.PrivatePagesNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "accounts.context_processors.navigation",
                "cases.context_processors.notification_count",
            ],
        },
    },
    # The rows of long tables and the case page's content (cases.rendering.jinja2_html): 15-20
    # times faster than the same loops in Django templates (docs/decisions.md "Jinja2 for table
    # rows and the case page").
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates_jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# --- Database and Redis: external when the URL is given, embedded otherwise -----------------
DATABASE_URL = os.environ.get("DATABASE_URL") or embedded.ensure_postgres()
# Connections are kept (checked before reuse) so that the prepared statements below live long
# enough to pay off: a worker's connection serves thousands of requests, not a minute's.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL's JIT compiles a query whose estimated cost is high. The access rule's EXISTS
# clauses make every list query look expensive, so JIT spent 80-135 ms per request compiling
# queries that then ran in 20-40 ms (docs/performance.md). This application's queries are short
# and interactive: JIT off for its connections.
#
# random_page_cost: PostgreSQL's default (4) prices a random read as four sequential ones, as on
# spinning disks. On SSD, or with the working set in memory as here, 1.1 is the usual value;
# with the default the name search read all 150 000 cases sequentially to join 1 100 matching
# clients (32 ms) where 1 100 index probes take 16 (docs/performance.md).
# DATABASE_RANDOM_PAGE_COST= (empty) keeps the server's own setting.
_random_page_cost = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1")
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off" + (
    f" -c random_page_cost={float(_random_page_cost)}" if _random_page_cost else ""
)
# Server-side binding and prepared statements. PostgreSQL spent 5-7 ms *planning* the access
# rule's list query (one query with several EXISTS) that then ran in 3 ms. A prepared statement
# is parsed once per connection and, after five custom plans, PostgreSQL keeps a generic plan
# when it costs no more. psycopg prepares a statement the second time a connection runs it
# (one-off queries are never prepared; at most 100 per connection, least recently used dropped).
# Measured in docs/performance.md. A transaction-mode pooler (PgBouncer < 1.21) in front of the
# database would need DATABASE_PREPARE_THRESHOLD= (empty: off).
_prepare_threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "1")
if _prepare_threshold:
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = int(_prepare_threshold)

if os.environ.get("REDIS_URL"):
    REDIS_URL = os.environ["REDIS_URL"]
    CELERY_BROKER_URL = REDIS_URL
else:
    _redis_socket = embedded.ensure_redis()
    REDIS_URL = f"unix://{_redis_socket}"
    CELERY_BROKER_URL = f"redis+socket://{_redis_socket}"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication and sessions ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # axes must come first so that a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A shared workstation in a social services office: idle sessions end after 30 minutes (the
# timer restarts with every request) and the session cookie does not survive closing the browser.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Two-factor authentication is required in production; make demo turns it off.
BRYGGA_REQUIRE_2FA = env_bool("BRYGGA_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Brygga"

# django-axes: five failed attempts for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_VERBOSE = False

# Optional municipal single sign-on through OpenID Connect.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "accounts.oidc.BryggaOIDCBackend")
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    if OIDC_RP_SIGN_ALGO.startswith("RS"):
        # Required for RS256: without it every SSO login would fail at run time.
        OIDC_OP_JWKS_ENDPOINT = os.environ["OIDC_OP_JWKS_ENDPOINT"]
    OIDC_RP_SCOPES = "openid email profile"
    # Users are created by administrators (with their memberships); SSO only logs them in.
    OIDC_CREATE_USER = False

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# HSTS preload is a decision for the owner of the whole domain (the municipality), not for one
# application on it; W021 only says that preload is off.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# CSP without 'unsafe-inline': scripts and styles come from our own origin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Attachments live outside the web root and are served only through a permission-checked view.
MEDIA_ROOT = Path(os.environ.get("BRYGGA_FILES_DIR", BASE_DIR / "var" / "files"))
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery ---------------------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "config.tasks.heartbeat", "schedule": 60.0},
    # Deadline reminders (issue 6): every 15 minutes, which includes 06:00 sharp Stockholm
    # time, so the morning's reminders are stored before the digest at 06:05 collects them.
    # The sweep is idempotent; a missed run is caught up by the next (cases/reminders.py).
    "deadline-sweep": {
        "task": "cases.tasks.sweep_deadlines",
        "schedule": _crontab(minute="*/15"),
    },
    "deadline-digest": {
        "task": "cases.tasks.send_daily_digests",
        "schedule": _crontab(hour=6, minute=5),
    },
}
# /healthz reports the worker as down when no heartbeat task has run for this long.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = 180

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "brygga@localhost")
# Reminders are sent while their row is locked: a hanging SMTP server must not hold it forever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# --- Logging: structured enough for operations, never personal data -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # The request logger would print full URLs and, on errors, request data.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

ADMINS: list[tuple[str, str]] = []

# --- Deadline rules (DOMAIN.md §6); see cases/deadline_rules.py for the sources ---------------
BRYGGA_YTTRANDE_DAYS_HAKTAD = int(os.environ.get("BRYGGA_YTTRANDE_DAYS_HAKTAD", "14"))
BRYGGA_BESLUT_DAYS_BEFORE_YTTRANDE = int(os.environ.get("BRYGGA_BESLUT_DAYS_BEFORE_YTTRANDE", "1"))
BRYGGA_GEMENSAM_PLAN_WEEKS = int(os.environ.get("BRYGGA_GEMENSAM_PLAN_WEEKS", "4"))
# Inslussning planning meetings (001 § 9.1; inslussning/dates.py says where each comes from).
BRYGGA_INSLUSS_FIRST_MEETING_DAYS = int(os.environ.get("BRYGGA_INSLUSS_FIRST_MEETING_DAYS", "30"))
BRYGGA_INSLUSS_BEFORE_RELEASE_DAYS = int(os.environ.get("BRYGGA_INSLUSS_BEFORE_RELEASE_DAYS", "90"))
BRYGGA_INSLUSS_AFTER_RELEASE_DAYS = int(os.environ.get("BRYGGA_INSLUSS_AFTER_RELEASE_DAYS", "7"))
BRYGGA_INSLUSS_BEFORE_END_DAYS = int(os.environ.get("BRYGGA_INSLUSS_BEFORE_END_DAYS", "30"))
# 000: both parties inform each other "skyndsamt" of a deviation; after this many hours without a
# recorded informing the system flags it as a routine deviation.
BRYGGA_AVVIKELSE_INFORMERA_TIMMAR = int(os.environ.get("BRYGGA_AVVIKELSE_INFORMERA_TIMMAR", "24"))
# How long the chefs' dashboard keeps its figures before computing them again (seconds).
BRYGGA_DASHBOARD_CACHE_SECONDS = int(os.environ.get("BRYGGA_DASHBOARD_CACHE_SECONDS", "300"))
# Days before a deadline its handläggare is reminded, for a kind of deadline that has no rows in
# the admin's "Påminnelser före frist" yet (a kind added after the seeding migration).
BRYGGA_REMINDER_DEFAULT_DAYS = (7, 3, 1)

# The automatic transfer of responsibility to the kommun (cases/tasks_care.py): hourly, and
# shortly after midnight so that a transfer due today happens before the working day.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["transfer-responsibilities-hourly"] = {
    "task": "cases.tasks_care.transfer_responsibilities",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["transfer-responsibilities-night"] = {
    "task": "cases.tasks_care.transfer_responsibilities",
    "schedule": crontab(hour=0, minute=5),
}

# Deviations (issue 8): the full detection of routine deviations after midnight (dates that
# passed) and every 15 minutes (changes made during the day); both runs are idempotent.
CELERY_BEAT_SCHEDULE["detect-deviations-nightly"] = {
    "task": "deviations.tasks.detect_deviations",
    "schedule": crontab(hour=0, minute=20),
}
CELERY_BEAT_SCHEDULE["detect-deviations-changes"] = {
    "task": "deviations.tasks.detect_deviations",
    "schedule": crontab(minute="*/15"),
}

# Avhopparuppdrag (003): an uppdrag ended with one week's written notice moves to avbrutet when the
# notice has run out.
CELERY_BEAT_SCHEDULE["avhopp-end-after-notice"] = {
    "task": "avhopp.tasks.end_assignments_after_notice",
    "schedule": 3600.0,
}

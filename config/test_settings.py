"""Settings for the test suite and static analysis: production settings with the few switches a
test run needs. Everything else (PostgreSQL, Redis, CSP, security headers) is the real thing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("BRYGGA_REQUIRE_2FA", "false")

from config.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5
# The browser tests load CSS and htmx from the app directories, as runserver does.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Parallel test runs on one server (several developers, or CI beside a dev run) each take a
# test database of their own.
if os.environ.get("BRYGGA_TEST_DB_SUFFIX"):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_brygga_{os.environ['BRYGGA_TEST_DB_SUFFIX']}"
    }

# Each pytest-xdist worker gets a Redis database of its own: tests clear the cache (FLUSHDB) and
# run Celery workers, and one worker's flush must not drop another worker's queued tasks.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw"):
    from urllib.parse import urlsplit, urlunsplit

    _db = 10 + int(_XDIST_WORKER[2:]) % 6

    def _with_db(url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme in {"redis", "rediss"}:
            return urlunsplit(parts._replace(path=f"/{_db}"))
        # A Unix socket takes the database as a query parameter: redis-py's unix:// as "db",
        # kombu's redis+socket:// as "virtual_host" (urlunsplit would drop the empty host).
        parameter = "virtual_host" if parts.scheme == "redis+socket" else "db"
        return f"{url.split('?')[0]}?{parameter}={_db}"

    REDIS_URL = _with_db(REDIS_URL)  # noqa: F405
    CELERY_BROKER_URL = _with_db(CELERY_BROKER_URL)  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405

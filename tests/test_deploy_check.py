"""Django's deployment checklist passes with the production settings and a production-like
environment: DEBUG off, a strong SECRET_KEY, a real host name, and none of the switches that the
test settings or ``make demo`` use to relax security."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Variables that relax the production defaults. config.test_settings and tests/conftest.py set
# some of them in this very process (os.environ.setdefault): they must not leak into the check.
RELAXING_VARIABLES = (
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "BRYGGA_REQUIRE_2FA",
    "EMAIL_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
)


def production_environment() -> dict[str, str]:
    env = os.environ.copy()
    for name in RELAXING_VARIABLES:
        env.pop(name, None)
    # DATABASE_URL / REDIS_URL stay as they are: without them settings use the embedded servers.
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["SECRET_KEY"] = secrets.token_urlsafe(45)  # 45 random bytes = 60 characters
    env["ALLOWED_HOSTS"] = "brygga.example.se"
    return env


def test_check_deploy_reports_no_issues() -> None:
    env = production_environment()
    assert len(env["SECRET_KEY"]) == 60
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    assert "no issues" in result.stdout, output

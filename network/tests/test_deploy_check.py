"""`manage.py check --deploy` finds nothing to fix in the production settings."""

from __future__ import annotations

import os
import secrets

from network.tests.test_settings import manage

# Variables a developer's shell (or CI) may set that would make this a different deployment.
LOCAL = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def test_it_reports_no_issues_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in LOCAL}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=".affiliates.example",
        PLATFORM_DOMAIN="affiliates.example",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout

"""Production start-up refuses to run without a SECRET_KEY, and says why in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*command: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    """`manage.py <command>` in a fresh process with exactly `env`, its output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return manage("check", env={**clean, **env})


def test_it_stops_without_a_secret_key_when_debug_is_off():
    result = run_check(DEBUG="0")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "SECRET_KEY is not set: set it in the environment (or DEBUG=1 for development)."
    )


def test_it_starts_with_a_secret_key():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_it_refuses_an_unknown_email_url():
    result = run_check(DEBUG="1", EMAIL_URL="carrier-pigeon://coop")
    assert result.returncode != 0
    assert "EMAIL_URL scheme must be one of" in result.stderr


def test_it_lets_makemigrations_check_models_without_a_secret_key():
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    result = manage("makemigrations", "--check", "--dry-run", env=clean)
    assert result.returncode == 0, result.stdout + result.stderr

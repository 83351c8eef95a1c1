"""The CI check that every test module in git is collected (.ci/check_collected.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "check_collected.py"


def run_check(*pytest_args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *pytest_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_it_fails_naming_the_folders_missing_from_testpaths():
    # Only `lib` and `publishers` in testpaths: every other tests/ folder is reported.
    proc = run_check("-o", "testpaths=lib publishers")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "  webhooks/tests/\n" in proc.stdout
    assert "  tracking/tests/\n" in proc.stdout
    assert "webhooks/tests/test_delivery.py" in proc.stdout
    assert "publishers/tests/" not in proc.stdout


def test_it_collects_the_webhook_tests_with_the_project_configuration():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "webhooks/tests/test_delivery.py::" in proc.stdout

"""No app grows into the whole project again: each app's code (its Python outside tests/ and
migrations/) stays under 15% of the project's, which is where a newcomer can still guess what
is in it. When an app outgrows it, a vertical of its own moves out (as invoices did from
payouts, commissions from offers, the audit log from network)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LARGEST_SHARE = 0.15


def code_lines() -> dict[str, int]:
    """Lines of Python per top-level folder, tests and migrations left out."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "*.py"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    sizes: dict[str, int] = {}
    for name in listed:
        parts = Path(name).parts
        if "tests" in parts or "migrations" in parts or parts[-1] == "conftest.py":
            continue
        with open(Path(settings.BASE_DIR) / name, encoding="utf-8") as source:
            lines = sum(1 for _line in source)
        top = parts[0] if len(parts) > 1 else "."
        sizes[top] = sizes.get(top, 0) + lines
    return sizes


def test_no_app_holds_more_than_15_percent_of_the_code():
    sizes = code_lines()
    total = sum(sizes.values())
    apps = {
        name: lines
        for name, lines in sizes.items()
        if (Path(settings.BASE_DIR) / name / "apps.py").exists()
    }
    assert {"network", "offers", "payouts", "tracking"} <= set(apps)  # the walk found the apps
    too_big = {
        name: f"{lines} of {total} lines ({lines / total:.1%})"
        for name, lines in apps.items()
        if lines > LARGEST_SHARE * total
    }
    assert not too_big, f"apps over {LARGEST_SHARE:.0%} of the code: {too_big}"

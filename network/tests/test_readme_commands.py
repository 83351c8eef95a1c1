"""Every `manage.py` command in the README runs as written on a fresh clone.

The test makes one: the files git tracks, copied to a temporary folder, with this checkout's
.venv linked in (what `make run` would have installed), then `make .env` (what `make run`
does first) and `migrate` (what it does next). Each command of the README is then run there
with a newcomer's environment (no DATABASE_URL, no SECRET_KEY, no DEBUG), in README order, on
the copy's own SQLite database under its var/.

Commands that would serve, wait or ask forever run in a safe form instead; COMMANDS says which
and why. A README command this test does not know fails it: add it to COMMANDS.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ".venv/bin/python"
AS_WRITTEN: tuple[str, ...] = ()
# Each README command by its subcommand: what to add to it here, or AS_WRITTEN.
COMMANDS: dict[str, tuple[str, ...]] = {
    "seed_demo": AS_WRITTEN,
    "demo_totp": AS_WRITTEN,  # after seed_demo, which the README runs first (`make run`)
    "createsuperuser": ("--noinput",),  # it asks on a terminal; the answers come from DJANGO_*
    "approve_held": AS_WRITTEN,
    "makemessages": AS_WRITTEN,  # it rewrites the copy's catalog, not this checkout's
    "compilemessages": AS_WRITTEN,
    "rollup_stats": AS_WRITTEN,
    "check": AS_WRITTEN,
    "drain_clicks": ("--once",),  # it runs until stopped
    "sweep_conversions": ("--once",),  # it runs until stopped
    "collectstatic": AS_WRITTEN,
}
SUPERUSER = {"DJANGO_SUPERUSER_EMAIL": "admin@example.com", "DJANGO_SUPERUSER_PASSWORD": "x" * 20}
TIMEOUT = 600  # seconds for one command: reached only when one hangs


def readme_commands(text: str) -> list[str]:
    """The README's `manage.py` commands, in order and each once: lines of code blocks and
    inline code, a span broken over two lines read as one. `manage.py drain_clicks` without
    an interpreter names a process and is no command."""
    commands = []
    for block, inline in re.findall(r"```[a-z]*\n(.*?)```|`([^`]+)`", text, flags=re.S):
        lines = block.splitlines() if block else [" ".join(inline.split())]
        commands += [line.strip() for line in lines if re.search(r"python\S* manage\.py ", line)]
    indented = re.findall(r"^(?: {4}|\t)(.*python\S* manage\.py .*)$", text, flags=re.M)
    commands += [line.strip() for line in indented]
    return list(dict.fromkeys(commands))  # each once, where it first appears


def newcomer_env(**extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        **extra,
    }


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def fresh_clone(tmp_path) -> Path:
    clone = tmp_path / "clone"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
    return clone


def test_the_readme_finds_its_commands():
    commands = readme_commands((ROOT / "README.md").read_text())
    assert f"{PYTHON} manage.py createsuperuser" in commands
    assert f"{PYTHON} manage.py demo_totp" in commands  # the span broken over two lines
    assert not any(c.startswith("manage.py") for c in commands)  # process names are skipped


def test_every_readme_command_runs_as_written_on_a_fresh_clone(fresh_clone):
    commands = readme_commands((fresh_clone / "README.md").read_text())
    unknown = {shlex.split(c)[shlex.split(c).index("manage.py") + 1] for c in commands} - set(
        COMMANDS
    )
    assert not unknown, f"README commands this test does not know (add them to COMMANDS): {unknown}"
    bare = [c for c in commands if not re.search(rf"(^|\s){re.escape(PYTHON)} manage\.py ", c)]
    assert not bare, f"a newcomer's `python` has no Django: write {PYTHON} in {bare}"

    # A fresh clone without .env is a production host: it refuses to start without SECRET_KEY.
    refused = run([PYTHON, "manage.py", "check"], fresh_clone, newcomer_env())
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr
    subprocess.run(["make", "-s", ".env"], cwd=fresh_clone, check=True, env=newcomer_env())
    migrated = run([PYTHON, "manage.py", "migrate", "--noinput"], fresh_clone, newcomer_env())
    assert migrated.returncode == 0, migrated.stderr

    failures = []
    for command in commands:
        words = shlex.split(command)
        at = words.index(PYTHON)
        assignments = dict(word.split("=", 1) for word in words[:at])
        subcommand = words[at + 2]
        env = newcomer_env(**assignments, **(SUPERUSER if subcommand == "createsuperuser" else {}))
        result = run([*words[at:], *COMMANDS[subcommand]], fresh_clone, env)
        if result.returncode != 0:
            failures.append(f"$ {command}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    assert not failures, "\n\n".join(failures)

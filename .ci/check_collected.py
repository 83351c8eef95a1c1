"""CI check: every test module in git is collected by pytest.

A folder dropped from `testpaths` in pyproject.toml (as `webhooks` once was) makes its tests
silently never run: pytest is green because it never looked. This script lists the test
modules git knows (`test_*.py` under a `tests/` folder), asks pytest which modules it collects
(`pytest --collect-only -q`, with the project's own configuration), and exits 1 naming every
module, and every whole folder, that is missing.

Usage: .venv/bin/python .ci/check_collected.py [extra pytest arguments]
(the extra arguments are passed to pytest, e.g. `-o testpaths=network` to see it fail).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent


def test_modules_in_git() -> set[str]:
    """Paths (relative, POSIX) of the test modules git tracks."""
    out = subprocess.run(
        ["git", "ls-files", "--", "*/tests/test_*.py", "*/tests/**/test_*.py"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {line for line in out.splitlines() if line}


def collected_modules(pytest_args: list[str]) -> tuple[set[str], int, str]:
    """The modules pytest collects at least one test from, its exit status and its output."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    proc = subprocess.run(  # noqa: S603  (our interpreter; the arguments are the caller's)
        [*command, *pytest_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    # `-q` prints one node id a line: "path/to/test_x.py::test_name[params]".
    modules = {line.split("::", 1)[0] for line in proc.stdout.splitlines() if "::" in line}
    return modules, proc.returncode, proc.stdout + proc.stderr


def missing_modules(expected: set[str], collected: set[str]) -> list[str]:
    return sorted(expected - collected)


def missing_folders(expected: set[str], collected: set[str]) -> list[str]:
    """`tests/` folders none of whose modules is collected (the usual cause: testpaths)."""
    folders = {str(PurePosixPath(path).parent) for path in expected}
    seen = {str(PurePosixPath(path).parent) for path in collected}
    return sorted(folders - seen)


def main(argv: list[str]) -> int:
    expected = test_modules_in_git()
    collected, status, output = collected_modules(argv)
    if status not in (0, 5):
        # A collection error hides modules too; show pytest's own words.
        print(output[-4000:])
        print(f"check_collected: pytest --collect-only failed (exit {status})")
        return 1
    modules = missing_modules(expected, collected)
    if not modules:
        print(f"check_collected: all {len(expected)} test modules in git are collected")
        return 0
    folders = missing_folders(expected, collected)
    if folders:
        print("check_collected: test folders pytest never collects (testpaths in pyproject.toml?):")
        for folder in folders:
            print(f"  {folder}/")
    print("check_collected: test modules in git that pytest does not collect:")
    for module in modules:
        print(f"  {module}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python
import os
import sys
from pathlib import Path


def load_development_settings(path: Path) -> None:
    """This checkout's development settings: `make` writes .env (DEBUG=1), which git ignores,
    so that the README's `.venv/bin/python manage.py ...` commands run as written. The
    environment wins over the file. A production host has no .env: there DEBUG stays off and
    start-up refuses to run without SECRET_KEY."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        name, equals, value = line.strip().partition("=")
        if equals and name and not name.startswith("#"):
            os.environ.setdefault(name.strip(), value.strip())


if __name__ == "__main__":
    load_development_settings(Path(__file__).resolve().parent / ".env")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

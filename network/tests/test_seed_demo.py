from __future__ import annotations

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled

from network.management.commands.seed_demo import DEMO_PASSWORD

# The rollups are recomputed by each run (rows deleted and inserted again, the run's time
# recorded): the same figures under new ids.
RECOMPUTED = {"id", "last_run_started_at", "rolled_until"}


def rows_of(model) -> list[dict]:
    rows = list(model.objects.values())
    if model._meta.app_label == "reports":
        rows = [{k: v for k, v in row.items() if k not in RECOMPUTED} for row in rows]
    return sorted(rows, key=lambda row: str(row))


def snapshot() -> dict[str, list[dict]]:
    with scopes_disabled():
        return {
            model._meta.label: rows_of(model)
            for model in apps.get_models()
            if model._meta.label not in ("sessions.Session",)
        }


def test_it_changes_nothing_the_second_time(db, capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert len(first["network.Membership"]) == 5
    assert "owner@demo.example" in capsys.readouterr().out


def test_its_logins_work_on_the_demo_host(db):
    call_command("seed_demo")
    client = Client(HTTP_HOST="demo.localhost")
    response = client.post(
        "/accounts/login/",
        {"login": "pending@demo.example", "password": DEMO_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/publisher/"
    assert b"Pending review" in response.content


def test_demo_totp_prints_the_approvers_current_code_in_development_only(db, settings, capsys):
    import pytest
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.management.base import CommandError

    from network.management.commands.seed_demo import APPROVER

    call_command("seed_demo")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp")
    settings.DEBUG = True
    capsys.readouterr()
    call_command("demo_totp")
    code = capsys.readouterr().out.split()[0]
    totp = Authenticator.objects.get(user__email=APPROVER, type=Authenticator.Type.TOTP)
    assert TOTP(totp).validate_code(code)

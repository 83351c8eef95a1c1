"""The demo manager's current two-factor code, for trying the payout approval in `make run`
without an authenticator app. Development only (DEBUG=1)."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from network.management.commands.seed_demo import APPROVER


class Command(BaseCommand):
    help = f"Print the current two-factor code of the demo's {APPROVER} (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Only in development (DEBUG=1): it prints a login code.")
        totp = Authenticator.objects.filter(
            user__email=APPROVER, type=Authenticator.Type.TOTP
        ).first()
        if totp is None:
            raise CommandError(
                "No demo two-factor secret: run `.venv/bin/python manage.py seed_demo`."
            )
        period = mfa_settings.TOTP_PERIOD
        counter = int(time.time()) // period
        code = format_hotp_value(hotp_value(decrypt(totp.data["secret"]), counter))
        left = period - int(time.time()) % period
        self.stdout.write(f"{code}  ({APPROVER}, valid for {left} s more)")

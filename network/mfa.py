"""Two-factor codes: one 30-second step of clock drift either way (MFA_TOTP_TOLERANCE in
settings), and a code once used stays refused for as long as it would be accepted."""

from __future__ import annotations

from allauth.mfa import app_settings
from allauth.mfa.totp.internal import auth
from django.core.cache import cache


def accepted_seconds() -> int:
    """How long one code is accepted: its own period and the tolerated ones around it."""
    return app_settings.TOTP_PERIOD * (2 * app_settings.TOTP_TOLERANCE + 1)


class TOTP(auth.TOTP):
    def _mark_code_used(self, code: str) -> bool:
        # allauth remembers a used code for one period only. With the tolerance a code is
        # accepted for three, so someone who saw it typed could replay it in the next one.
        # (A private hook: network/tests/test_accounts.py fails if it stops applying.)
        return cache.add(self._get_used_cache_key(code), "y", timeout=accepted_seconds())


def install() -> None:
    """Authenticator.wrap() looks the TOTP class up in allauth's module on every call."""
    auth.TOTP = TOTP

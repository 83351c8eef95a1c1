"""Money controls: what a person must have shown before moving money or changing its rules.

Approving a payout run, marking lines paid, downloading payment details, changing a money
setting and granting a key the money scope all need two-factor authentication on, plus a
proof of presence: on pages, a recent authentication as allauth records it (signing in with
the password and, when it is on, the two-factor code; or allauth's re-authentication flow,
the password or a code again), within ACCOUNT_REAUTHENTICATION_TIMEOUT (five minutes);
through the API, a key minted after such an authentication with the `payouts:approve` scope.
Views prove it, services re-check it: `StepUp` carries what the view saw down to the service.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from network.models import User

MONEY_SCOPE = "payouts:approve"
# The payout settings whose change would loosen the controls on money (see step_up_refusal).
MONEY_SETTINGS = ("min_payout", "payout_second_approver")


class StepUpRequired(PermissionDenied):
    """Two-factor authentication, a recent authentication or the key's scope is missing:
    403, with why and a code for API clients (`mfa_required` or `scope_required`)."""

    def __init__(self, message: str, code: str = "mfa_required") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class StepUp:
    """What the caller proved: `recent` (allauth's recent authentication, on a page or a
    browser session), or `key_scopes` (the scopes of the API key it called with)."""

    recent: bool = False
    key_scopes: tuple[str, ...] | None = None

    @property
    def via_key(self) -> bool:
        return self.key_scopes is not None


def recently_authenticated(request: HttpRequest) -> bool:
    """Whether the person proved who they are within ACCOUNT_REAUTHENTICATION_TIMEOUT: by
    allauth's re-authentication, or by signing in (the password, then the code when two-factor
    is on). allauth alone counts only the former, so the password was asked again seconds
    after a sign-in with password and code."""
    if did_recently_reauthenticate(request):
        return True
    if not request.user.is_authenticated:
        return False
    # allauth's log of this session's authentications, the sign-in's steps included; a
    # password reset's link proves the mailbox, not the password, and does not count.
    times = [
        record["at"]
        for record in get_authentication_records(request, request.user)
        if record.get("method") in ("password", "mfa")
    ]
    return bool(times) and time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


def recent_authentication_required(function=None, *, allow_get: bool = False):
    """allauth's @reauthentication_required (it asks for the password or a code, then replays
    the request), satisfied by a recent sign-in too (recently_authenticated)."""
    return reauthentication_required(
        function, allow_get=allow_get, enabled=lambda request: not recently_authenticated(request)
    )


def of_request(request: HttpRequest, key=None) -> StepUp:
    """The proof a request carries: its key's scopes, or its session's recent authentication."""
    if key is not None:
        return StepUp(key_scopes=tuple(key.scopes or ()))
    return StepUp(recent=recently_authenticated(request))


def mfa_refusal(user: User, *, settings: bool = False) -> str:
    """Why `user` may not move money (or, `settings`, change its rules) without 2FA, or ''."""
    if is_mfa_enabled(user):
        return ""
    if settings:
        return _("Turn on two-factor authentication to change the payout controls.")
    return _("Turn on two-factor authentication to approve payouts.")


def step_up_check(user: User, proof: StepUp, *, settings: bool = False) -> tuple[str, str]:
    """(code, why) `user` may not move money (`settings`: change its rules) with `proof`, or
    ("", "")."""
    refusal = mfa_refusal(user, settings=settings)
    if refusal:
        return "mfa_required", refusal
    if proof.via_key:
        if MONEY_SCOPE not in proof.key_scopes:
            why = _(
                "This API key lacks the %(scope)s scope: make a key with it (which needs "
                "two-factor authentication) to move money or change the payout controls."
            ) % {"scope": MONEY_SCOPE}
            return "scope_required", why
        return "", ""
    if not proof.recent:
        return "mfa_required", _("Confirm your password (or a two-factor code) again to do this.")
    return "", ""


def require_step_up(user: User, proof: StepUp, *, settings: bool = False) -> None:
    """For services: refuse (StepUpRequired) unless the proof holds."""
    code, why = step_up_check(user, proof, settings=settings)
    if why:
        raise StepUpRequired(why, code)

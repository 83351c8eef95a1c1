"""django-allauth policy: emails go out through Celery with links to the site's own host;
failed logins count per account."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext

from network.emails import email_site, site_origin
from network.models import Network


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys the per-account failure limit by the site's domain, i.e. the request's
        # host here: the same account signs in on every network's host and the platform's, so
        # a guesser could get 5 tries per host. One account, one counter. (A private hook of
        # allauth's adapter: network/tests/test_login_limits.py fails if it stops applying.)
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"account:{login}"

    def validation_error(self, code: str, *args) -> ValidationError:
        if code == "too_many_login_attempts":
            return ValidationError(lockout_message(self.request), code=code)
        return super().validation_error(code, *args)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from network.tasks import send_email

        # Rendered here, not in the worker: allauth's context holds the request and one-time
        # keys that cannot travel as JSON.
        message = self.render_mail(template_prefix, email, self.mail_context(email, context))
        html = next(
            (c for c, mime in getattr(message, "alternatives", []) if mime == "text/html"), ""
        )
        send_email.delay_on_commit(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            from_email=message.from_email,
            html=html,
        )

    def mail_context(self, email: str, context: dict) -> dict:
        """The site's name and host, and every link re-rooted on the site's own host.

        allauth builds its links (confirm, reset, sign up) from the request's Host header:
        a network's alias, or any header that reached us. The network comes from that host,
        so its canonical origin replaces the request's in each link.
        """
        request = context.get("request") or self.request
        network = getattr(request, "network", None)
        links = {key: rerooted(value, request, network) for key, value in context.items()}
        return {"email": email, **links, "current_site": email_site(network)}


def rerooted(value: object, request: HttpRequest | None, network: Network | None) -> object:
    """An absolute link to the request's own host, moved to the site's canonical origin."""
    if request is None or not isinstance(value, str):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or parts.netloc != request.get_host():
        return value
    return site_origin(network) + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def lockout_minutes() -> int:
    """How long failed sign-ins pause signing in, at most: the longest period of the
    `login_failed` rate limits (5 minutes per account, 1 per IP address by default)."""
    rates = parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
    return max(1, round(max(rate.duration for rate in rates) / 60))


def lockout_message(request: HttpRequest | None) -> str:
    """allauth's "Too many failed login attempts. Try again later." says neither how long nor
    what to do. On the code step wrong codes are counted (per account): only waiting helps.
    On the password step a password reset lifts the account's pause too (allauth clears the
    account's failures when its password is reset)."""
    minutes = lockout_minutes()
    paused = ngettext(
        "Too many failed attempts: signing in is paused for up to %(minutes)d minute.",
        "Too many failed attempts: signing in is paused for up to %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "mfa_authenticate":
        return f"{paused} {gettext('Wait, then try again.')}"
    advice = gettext(
        "Wait, then try again, or reset your password (“Forgot your password?”) to sign in "
        "with a new one now."
    )
    return f"{paused} {advice}"

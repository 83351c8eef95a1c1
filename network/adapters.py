"""django-allauth policy: emails go out through Celery with links to the site's own host;
failed logins count per account."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

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

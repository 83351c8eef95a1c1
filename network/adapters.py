"""django-allauth policy: emails go out through Celery; failed logins count per account."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


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
        message = self.render_mail(template_prefix, email, context)
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

"""The Content-Security-Policy of portal pages (Django 5.2 has none built in).

Installed after TrackingMiddleware, so tracking responses never pass here: the conversion
pixel's iframe is embedded by advertisers, and a click must stay as cheap as it is. The policy
is SECURE_CSP (the shape of Django 6's setting), turned into a header once per process.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_header(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def platform_directives(directives: dict[str, list[str]], platform_domain: str) -> dict:
    """The platform host's forms (create a network) end in a redirect to the new network's
    host, and browsers apply form-action to that redirect too: allow our own subdomains (any
    port, the same scheme), nothing else."""
    form_action = [*directives.get("form-action", ["'self'"]), f"*.{platform_domain}:*"]
    return {**directives, "form-action": form_action}


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        directives = settings.SECURE_CSP
        self.tenant_policy = policy_header(directives)
        self.platform_policy = policy_header(
            platform_directives(directives, settings.PLATFORM_DOMAIN)
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        on_platform = getattr(request, "network", None) is None
        # setdefault: a view that needs another policy sets its own.
        response.headers.setdefault(
            HEADER, self.platform_policy if on_platform else self.tenant_policy
        )
        return response

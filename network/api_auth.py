"""How the API knows who calls: an API key (network.api_keys) or the browser's session."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from network.api_keys import HEADER_WORD, key_for, note_use
from network.api_policy import handles_method
from network.models import Membership


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key afk_...`: the key's user, if the key belongs to this network,
    is not revoked, and its user is active and still a member."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        word, _sep, raw = header.partition(" ")
        if word != HEADER_WORD:
            return None
        network = getattr(request._request, "network", None)
        key = key_for(network, raw.strip()) if network is not None else None
        if key is None or not key.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        with scopes_disabled():
            member = Membership.objects.filter(network=network, user=key.user).exists()
        if not member:
            raise exceptions.AuthenticationFailed(_("The key's owner is no longer a member."))
        note_use(key)
        return key.user, key

    def authenticate_header(self, request) -> str:
        return HEADER_WORD  # so that a missing key answers 401, not 403


class ApiKeySchema(OpenApiAuthenticationExtension):
    target_class = "network.api_auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'The word "Api-Key", a space, then the key: `Api-Key afk_...`.',
        }


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, CSRF-checked as DRF's. Not for a method the view lacks: that call
    changes nothing (405 after the role check), and the check would read the body first, so
    `POST /api/v1/me/` with a text body answered 415 instead of 405."""

    def enforce_csrf(self, request) -> None:
        view = request.parser_context.get("view")  # None outside a view: checked, to be safe
        if view is None or handles_method(view, request.method):
            super().enforce_csrf(request)


class SessionSchema(SessionScheme):
    target_class = "network.api_auth.SessionAuthentication"

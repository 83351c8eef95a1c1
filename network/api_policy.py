"""The API's policies, named in settings.REST_FRAMEWORK: who may call (MemberOfNetwork), pages,
rate limits and the one error format. Kept apart from network.api_base: DRF imports these
while it loads its views, so this module must not import rest_framework.views at load time.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, pagination, permissions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from lib.client_ip import client_ip
from network.api_keys import ApiKey
from network.errors import ServiceError
from network.models import Membership
from network.step_up import StepUpRequired


def handles_method(view, method: str) -> bool:
    """Whether the view has a handler for the HTTP method (DRF's own test in dispatch); one it
    lacks is answered 405, after the role check."""
    name = method.lower()
    return name in view.http_method_names and hasattr(view, name)


def membership_of(request) -> Membership | None:
    """The caller's membership in the request's network (memoised on the request)."""
    django_request = getattr(request, "_request", request)
    if not hasattr(django_request, "api_membership"):
        network, user = getattr(django_request, "network", None), request.user
        membership = None
        if network is not None and user.is_authenticated:
            membership = (
                Membership.objects.select_related("advertiser", "publisher")
                .filter(network=network, user=user)
                .first()
            )
        django_request.api_membership = membership
    return django_request.api_membership


class MemberOfNetwork(permissions.BasePermission):
    """No credentials -> 401; not a member of this network -> 404 (no existence leak); a role
    the view's action does not list (`view.allowed_roles(action)`) -> 403, also for a method
    the route lacks (action None), before DRF answers it 405."""

    def has_permission(self, request, view) -> bool:
        if getattr(request._request, "network", None) is None:
            raise exceptions.NotFound()
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        membership = membership_of(request)
        if membership is None:
            raise exceptions.NotFound()
        allowed = view.allowed_roles(view.action) if hasattr(view, "allowed_roles") else ()
        if membership.role not in allowed:
            raise exceptions.PermissionDenied(_("Your role may not do this."))
        return True


class CursorPage(pagination.CursorPagination):
    """Stable pages under inserts: `?cursor=` from `next`/`previous`, `?page_size=` up to 500."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500


def error_response(exc, context) -> Response | None:
    """Every refusal in one shape: {"error": {"status", "code", "message", "fields"}}."""
    from rest_framework.views import exception_handler  # see the module's docstring

    if isinstance(exc, ServiceError):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    elif isinstance(exc, StepUpRequired):
        exc = exceptions.PermissionDenied(str(exc), code=exc.code)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"error": describe(exc, response.status_code)}
    return response


def not_found(request, exception=None):
    """handler404 of a network's host. Under /api/ no view ran (an unknown route, an id not of
    the route's form such as /caps/0.5/): the answer is still the API's error format, not the
    portal's HTML page; elsewhere it is that page."""
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"error": describe(exceptions.NotFound(), 404)}, status=404)


def describe(exc, status_code: int) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {name: [str(m) for m in _as_list(msgs)] for name, msgs in detail.items()}
        general = fields.pop("non_field_errors", [])
        message = general[0] if general else _("Some fields are not valid.")
        return {"status": status_code, "code": "invalid", "message": message, "fields": fields}
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    return {
        "status": status_code,
        "code": codes if isinstance(codes, str) else "error",
        "message": str(getattr(exc, "detail", exc)),
        "fields": {},
    }


def _as_list(messages) -> list:
    if isinstance(messages, dict):
        return [f"{key}: {value}" for key, value in messages.items()]
    return messages if isinstance(messages, list) else [messages]


class _Throttle(SimpleRateThrottle):
    """Rates read at each request (not frozen at import); keys carry the network id."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class PerKeyThrottle(_Throttle):
    scope = "api_key"

    def get_cache_key(self, request, view) -> str | None:
        key = request.auth
        if not isinstance(key, ApiKey):
            return None
        return f"throttle:{self.scope}:{key.network_id}:{key.pk}"


class PerIpThrottle(_Throttle):
    """Per client IP, checked before the credentials (see IpThrottledFirst), so that guessing
    keys is rate limited too."""

    scope = "api_ip"

    def get_cache_key(self, request, view) -> str | None:
        network = getattr(request._request, "network", None)
        ip = client_ip(request._request) or "unknown"
        return f"throttle:{self.scope}:{network.pk if network else 0}:{ip}"


class IpThrottledFirst:
    """Mixed into every API view: the per-IP limit comes before authentication (DRF's own
    order checks throttles last, after a wrong key has already been answered 401)."""

    def initial(self, request, *args, **kwargs) -> None:
        throttle = PerIpThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)

"""Resolves the Host header to a network and runs the request inside its scope; activates the
request's language."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from lib.resilience import OUTAGE_ERRORS
from network import health
from network.models import Domain, Network, host_cache_key

log = logging.getLogger(__name__)

PLATFORM_URLCONF = "network.urls_platform"
# A request that finds the database away: an honest "retry later", in the words the tracking
# endpoints' callers read (TUNE's `success=false; err_msg=...`; tracking.responses.refused).
UNAVAILABLE = "success=false; err_msg=Temporarily unavailable, please retry.;"
HOST_CACHE_SECONDS = 300
UNKNOWN = "unknown"


def hostname_of(request: HttpRequest) -> str:
    host = request.get_host().lower()
    if host.startswith("["):  # IPv6 literal: never a network host
        return host
    return host.rsplit(":", 1)[0].rstrip(".")


# Every request resolves its host, and a shared-cache round trip costs more than the rest of
# a click, so each process keeps answers for a few seconds. Saving a Network or Domain clears
# the shared entry and this process's copy; other processes follow within LOCAL_SECONDS.
# The shared cache degrades (lib.cache): with Redis away a lookup is a miss and goes to the
# database. With the database away too, this process's expired answer is served again
# (asked again after STALE_RETRY_SECONDS); with no answer at all, the request gets a 503.
LOCAL_SECONDS = 10
STALE_RETRY_SECONDS = 1.0
_local: dict[str, tuple[float, Network | None]] = {}


def network_for_host(hostname: str) -> Network | None:
    """The active network a host name belongs to, from the caches when possible."""
    now = time.monotonic()
    hit = _local.get(hostname)
    if hit is not None and hit[0] > now:
        return hit[1]
    key = host_cache_key(hostname)
    cached = cache.get(key)
    if cached is None:
        try:
            cached = _lookup_network(hostname) or UNKNOWN
        except OUTAGE_ERRORS:
            if hit is None:
                raise
            _local[hostname] = (now + STALE_RETRY_SECONDS, hit[1])
            return hit[1]
        cache.set(key, cached, HOST_CACHE_SECONDS)
    network = None if cached == UNKNOWN else cached
    if len(_local) > 10_000:  # bounded: junk Host headers must not grow memory
        _local.clear()
    _local[hostname] = (now + LOCAL_SECONDS, network)
    return network


def forget_host(hostname: str) -> None:
    cache.delete(host_cache_key(hostname))
    _local.pop(hostname, None)


def _lookup_network(hostname: str) -> Network | None:
    suffix = "." + settings.PLATFORM_DOMAIN
    active = Network.objects.filter(status=Network.Status.ACTIVE)
    if hostname.endswith(suffix):
        slug = hostname[: -len(suffix)]
        return active.filter(slug=slug).first() if "." not in slug else None
    # Domain rows are looked up across networks on purpose: this is how we find the scope.
    with scopes_disabled():
        domain = Domain.objects.filter(hostname=hostname, network__in=active).first()
        return domain.network if domain else None


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in health.PATHS:
            # Any host, even one not allowed: a load balancer probes a node by its address.
            return health.healthz(request)
        hostname = hostname_of(request)
        if hostname == settings.PLATFORM_DOMAIN:
            return self.platform_response(request)
        try:
            network = network_for_host(hostname)
        except OUTAGE_ERRORS:
            # The database is away and this process never saw the host: retry, not a 500.
            log.warning("host lookup failed: the database is unreachable", exc_info=True)
            return unavailable()
        if network is None:
            request.network = None
            raise Http404("Unknown host")
        request.network = network
        with scope(network=network):
            # Next: tracking.middleware answers the tracking endpoints on a lean route.
            return self.get_response(request)

    def platform_response(self, request: HttpRequest) -> HttpResponse:
        request.network = None
        request.urlconf = PLATFORM_URLCONF
        if request.path.startswith("/admin/"):
            # The Django admin is for platform staff and works across all networks.
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)


def unavailable() -> HttpResponse:
    response = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def language_for(request: HttpRequest) -> str:
    """The signed-in user's language, else a visitor's cookie, else the network's default."""
    available = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    candidates = [
        getattr(user, "language", "") if user is not None and user.is_authenticated else "",
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
        getattr(getattr(request, "network", None), "language", ""),
    ]
    return next((code for code in candidates if code in available), settings.LANGUAGE_CODE)


class LanguageMiddleware:
    """Activates the request's language (after TenantMiddleware and AuthenticationMiddleware).

    Tracking endpoints never reach this: tracking.middleware answers them before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response

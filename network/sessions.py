"""Sessions bound to the network (or the platform) they were signed in on.

Session cookies are host-only (SESSION_COOKIE_DOMAIN stays unset), so a browser never sends
one network's cookie to another host. The server must not rely on that: a cookie that leaks
from one host (a network's custom domain behind the customer's own proxy or CDN, which sees
it in clear; a log; a sibling host that sets cookies) would otherwise be a key to every
network the user belongs to and to the platform host. So each signed-in session records
where it was made, and anywhere else it is treated as anonymous. The platform's "Open"
hand-off (network.views.handoff) is the way from one host to another: a fresh sign-in there.

With a shared SESSION_COOKIE_DOMAIN every host would get the same cookie and this binding
would sign the user out of one network when they sign in on another: keep cookies per host.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

from network.models import Network

BINDING_KEY = "_bound_to"
PLATFORM = "platform"


def realm_of(network: Network | None) -> str:
    """What a session is bound to: one network, or the platform host (None)."""
    return PLATFORM if network is None else f"network:{network.pk}"


def bind(session: SessionBase, network: Network | None) -> None:
    session[BINDING_KEY] = realm_of(network)


def bind_session(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """user_logged_in receiver: the session now belongs to the host the sign-in happened on.

    A login outside a tenant request (the test client's force_login) leaves the session
    unbound, and an unbound session is anonymous everywhere: fail closed.
    """
    if request is None or not hasattr(request, "network"):
        return
    bind(request.session, request.network)


def belongs_here(request: HttpRequest) -> bool:
    """Whether the request's signed-in session (if any) was made on this network's host."""
    if SESSION_KEY not in request.session:
        return True  # nobody is signed in: nothing to guard
    return request.session.get(BINDING_KEY) == realm_of(request.network)


async def _anonymous() -> AnonymousUser:
    return AnonymousUser()


class SessionBindingMiddleware:
    """Right after AuthenticationMiddleware: a session from another host signs nobody in.

    The session itself is left alone (not flushed): it stays valid on its own host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not belongs_here(request):
            request.user = AnonymousUser()
            request.auser = _anonymous
        return self.get_response(request)

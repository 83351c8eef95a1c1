"""Who may open which page: declared on each view with one decorator.

- `@role_required(...)`: anonymous -> login; not a member of this network -> 404 (no
  existence leak); a member whose role is not listed -> 403.
- `@public_page`: pages of a network that anyone may open (landing, apply, invitations).
The tenancy matrix test reads `view.allowed_roles` / `view.public_page` from every URL pattern.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from network.models import ADMIN_ROLES, Membership, Role

ADMINS = ADMIN_ROLES


def current_membership(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership in the request's network (memoised per request)."""
    if not hasattr(request, "_membership"):
        membership = None
        if request.user.is_authenticated and getattr(request, "network", None) is not None:
            membership = (
                Membership.objects.select_related("advertiser", "publisher")
                .filter(network=request.network, user=request.user)
                .first()
            )
        request._membership = membership
    return request._membership


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = current_membership(request)
            if membership is None:
                raise Http404("Not a member of this network")
            if membership.role not in roles:
                raise PermissionDenied("Your role may not open this page")
            request.membership = membership
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = tuple(roles)
        return wrapper

    return decorator


def public_page(view):
    """Marks a network page that non-members may open; it checks anything else itself."""
    view.public_page = True
    return view


def posted(request: HttpRequest):
    """The form data of a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None

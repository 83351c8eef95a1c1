"""Who among publishers may open a page (network.access says which roles may)."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from publishers.models import Publisher


def approved_publisher(not_approved_template: str):
    """The pages that need an approved account (as the API's approved_only), under
    @role_required(Role.PUBLISHER): the view gets the publisher after the request; a pending
    or refused one sees `not_approved_template` (why there is nothing yet) instead."""

    def decorator(view):
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            publisher = request.membership.publisher
            if publisher.status != Publisher.Status.APPROVED:
                return render(request, not_approved_template, {"publisher": publisher})
            return view(request, publisher, *args, **kwargs)

        return checked

    return decorator

"""Pages of the bare platform host: create a network, pick one of your networks."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from network.access import posted
from network.forms import NetworkCreateForm
from network.models import Network
from network.services import handoff_token, network_create, networks_of


def home(request: HttpRequest) -> HttpResponse:
    memberships = networks_of(request.user) if request.user.is_authenticated else []
    return render(request, "platform/home.html", {"memberships": memberships})


@login_required
def create_network(request: HttpRequest) -> HttpResponse:
    form = NetworkCreateForm(posted(request), platform_domain=settings.PLATFORM_DOMAIN)
    if request.method == "POST" and form.is_valid():
        network = network_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            slug=form.cleaned_data["slug"],
            currency=form.cleaned_data["currency"],
            timezone_name=form.cleaned_data["timezone"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("%(network)s is ready.") % {"network": network.name})
        return redirect_into(request, network)
    return render(request, "platform/create_network.html", {"form": form})


@login_required
def open_network(request: HttpRequest, slug: str) -> HttpResponse:
    membership = next((m for m in networks_of(request.user) if m.network.slug == slug), None)
    if membership is None:
        raise Http404("Not one of your networks")
    return redirect_into(request, membership.network)


def redirect_into(request: HttpRequest, network: Network) -> HttpResponse:
    """Send the user to the network's host, signed in there too."""
    port = request.get_port()
    port_part = "" if port in ("80", "443") else f":{port}"
    token = handoff_token(user=request.user, network=network)
    url = f"{request.scheme}://{network.portal_host}{port_part}/handoff/?token={token}"
    return HttpResponseRedirect(url)

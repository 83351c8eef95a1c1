"""Account > API keys: every member makes and revokes their own keys; owners and managers also
see (and may revoke) every key of the network. A new key is shown once, on the answer to the
POST that made it, and never stored in clear."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from network.access import posted, role_required
from network.api_keys import ApiKey, api_key_create, api_key_revoke
from network.models import Role

ALL_ROLES = (Role.OWNER, Role.MANAGER, Role.ADVERTISER, Role.PUBLISHER)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, e.g. “order sync”."),
    )


def keys_shown_to(request: HttpRequest):
    keys = ApiKey.objects.select_related("user")
    return keys if request.membership.is_admin else keys.filter(user=request.user)


@role_required(*ALL_ROLES)
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(posted(request))
    new_key = ""
    if request.method == "POST" and form.is_valid():
        _key, new_key = api_key_create(
            network=request.network, user=request.user, name=form.cleaned_data["name"]
        )
        form = ApiKeyForm()
    context = {
        "form": form,
        "new_key": new_key,
        "keys": keys_shown_to(request),
        "api_base": request.build_absolute_uri("/api/v1/"),
    }
    return render(request, "network/api_keys.html", context)


@role_required(*ALL_ROLES)
@require_POST
def api_key_revoke_view(request: HttpRequest, api_key_id: int) -> HttpResponse:
    key = get_object_or_404(keys_shown_to(request), pk=api_key_id)
    api_key_revoke(key=key, actor=request.user)
    messages.success(request, _("Key %(name)s revoked.") % {"name": key.name})
    return redirect("api_keys")

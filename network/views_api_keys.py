"""Account > API keys: every member makes and revokes their own keys; owners and managers also
see (and may revoke) every key of the network. A new key is shown once, on the answer to the
POST that made it, and never stored in clear. Making a key asks for the password again
(allauth's re-authentication) when the last one is not recent: a key outlives the session."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from network import step_up
from network.access import posted, role_required
from network.api_keys import SCOPES, ApiKey, ApiKeyError, api_key_create, api_key_revoke
from network.models import Role

ALL_ROLES = (Role.OWNER, Role.MANAGER, Role.ADVERTISER, Role.PUBLISHER)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, e.g. “order sync”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(SCOPES.items()),
        help_text=gettext_lazy(
            "Chosen now, never changed. Moving money needs two-factor authentication on."
        ),
    )

    def __init__(self, *args, admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not admin:  # only owners and managers touch payouts
            del self.fields["scopes"]


def keys_shown_to(request: HttpRequest):
    keys = ApiKey.objects.select_related("user")
    return keys if request.membership.is_admin else keys.filter(user=request.user)


def render_keys(request: HttpRequest, form: ApiKeyForm, new_key: str = "") -> HttpResponse:
    context = {
        "form": form,
        "new_key": new_key,
        "keys": keys_shown_to(request),
        "api_base": request.build_absolute_uri("/api/v1/"),
    }
    return render(request, "network/api_keys.html", context)


@role_required(*ALL_ROLES)
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(posted(request), admin=request.membership.is_admin)
    if request.method == "POST" and form.is_valid():
        return make_key_recently_authenticated(request, form)
    return render_keys(request, form)


@step_up.recent_authentication_required
def make_key_recently_authenticated(request: HttpRequest, form: ApiKeyForm) -> HttpResponse:
    """Without a recent password (or code) allauth asks for one, then posts this again."""
    try:
        _key, new_key = api_key_create(
            network=request.network,
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data.get("scopes", []),
            recently_authenticated=step_up.of_request(request).recent,
        )
    except ApiKeyError as exc:
        form.add_error(None, str(exc))
        return render_keys(request, form)
    return render_keys(request, ApiKeyForm(admin=request.membership.is_admin), new_key)


@role_required(*ALL_ROLES)
@require_POST
def api_key_revoke_view(request: HttpRequest, api_key_id: int) -> HttpResponse:
    key = get_object_or_404(keys_shown_to(request), pk=api_key_id)
    api_key_revoke(key=key, actor=request.user)
    messages.success(request, _("Key %(name)s revoked.") % {"name": key.name})
    return redirect("api_keys")

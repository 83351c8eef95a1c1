"""Network host pages of the tenancy core: landing, session hand-off, members, invitations."""

from __future__ import annotations

import re

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lib.money import from_minor
from lib.tables import configure
from network import step_up
from network.access import ADMINS, current_membership, posted, public_page, role_required
from network.forms import InvitationForm, NetworkSettingsForm, PayoutMinimumForm
from network.models import Invitation, Membership, Network, PayoutMinimum, Role
from network.services import (
    InvitationError,
    handoff_preview,
    handoff_user,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    network_update_settings,
    payout_minimum_set,
    user_set_language,
)
from network.tables import MemberTable

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
INVITATION_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")
HOME_BY_ROLE = {
    Role.OWNER: "admin_home",
    Role.MANAGER: "admin_home",
    Role.ADVERTISER: "advertiser_home",
    Role.PUBLISHER: "publisher_home",
}


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """Members go to their role's home; everyone else sees the network's front page."""
    membership = current_membership(request)
    if membership is not None:
        return redirect(HOME_BY_ROLE[membership.role])
    return render(request, "network/landing.html")


@public_page
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: saved on the account when signed in, else in a cookie."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    else:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=LANGUAGE_COOKIE_SECONDS,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


@public_page
@never_cache
def handoff(request: HttpRequest) -> HttpResponse:
    """The platform's "Open": a GET names the account, only the POST signs it in.

    Signing in on a GET would let any page send a visitor through someone else's token and
    into that account (login CSRF); the POST carries this host's CSRF token.
    """
    if request.method == "POST":
        token = request.POST.get("token", "")
        user = handoff_user(token=token, network=request.network)
    else:
        token = request.GET.get("token", "")
        user = handoff_preview(token=token, network=request.network)
    if user is None:
        messages.error(request, _("That sign-in link is no longer valid; please sign in."))
        return redirect("account_login")
    if request.method != "POST":
        return render(request, "network/handoff.html", {"handoff_user": user, "token": token})
    login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return redirect("home")


@public_page
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    found = None
    if INVITATION_KEY.fullmatch(key):  # junk (NUL bytes, 10 kB) never reaches the database
        found = Invitation.objects.select_related("advertiser").filter(key=key).first()
    if found is None:
        return render(request, "network/invitation_invalid.html", status=404)
    error = None if found.is_usable else found.unusable_reason()
    if error is None and not request.user.is_authenticated:
        # Signing up from the emailed link proves the address: no second verification mail.
        get_adapter(request).stash_verified_email(request, found.email)
    if request.method == "POST" and error is None and request.user.is_authenticated:
        try:
            invitation_accept(invitation=found, user=request.user)
        except InvitationError as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("Welcome to %(network)s.") % {"network": request.network.name}
            )
            return redirect("home")
    status = 200 if error is None else 410
    return render(
        request, "network/invitation.html", {"invitation": found, "error": error}, status=status
    )


@role_required(*ADMINS)
def members(request: HttpRequest) -> HttpResponse:
    queryset = Membership.objects.select_related("user", "advertiser", "publisher")
    role = request.GET.get("role")
    if role in Role.values:
        queryset = queryset.filter(role=role)
    invitations = Invitation.objects.select_related("advertiser", "invited_by")[:50]
    return render(
        request,
        "network/members.html",
        {
            "table": _member_table(request, queryset),
            "invitations": invitations,
            "roles": Role.choices,
            "role": role,
        },
    )


def _member_table(request: HttpRequest, queryset) -> MemberTable:
    table = MemberTable(queryset.order_by("role", "user__email"))
    configure(request, table)
    return table


@role_required(*ADMINS)
def invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(posted(request), initial={"role": request.GET.get("role")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = invitation_create(
            network=request.network,
            invited_by=request.user,
            email=data["email"],
            role=data["role"],
            advertiser=data["advertiser"],
            company_name=data["company_name"],
        )
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": created.email})
        return redirect("members")
    return render(request, "network/invite.html", {"form": form})


@role_required(*ADMINS)
def network_settings(request: HttpRequest) -> HttpResponse:
    # A fresh copy: request.network is shared by the host cache and must not be edited.
    network = Network.objects.get(pk=request.network.pk)
    form = NetworkSettingsForm(posted(request), instance=network)
    if request.method == "POST" and form.is_valid():
        if not set(form.changed_data) & set(step_up.MONEY_SETTINGS):
            return save_settings(request, network, form)
        refusal = step_up.mfa_refusal(request.user, settings=True)
        if refusal:  # a money control: two-factor first, then the password again
            form.add_error(None, refusal)
        else:
            return save_settings_recently_authenticated(request, network, form)
    return render(request, "network/settings.html", {"form": form})


def save_settings(request: HttpRequest, network: Network, form) -> HttpResponse:
    proof = step_up.of_request(request)
    network_update_settings(network=network, actor=request.user, form=form, proof=proof)
    messages.success(request, _("Settings saved."))
    return redirect("network_settings")


@step_up.recent_authentication_required
def save_settings_recently_authenticated(
    request: HttpRequest, network: Network, form
) -> HttpResponse:
    """Changing a money control: without a recent password (or code) allauth asks for one,
    then posts this again."""
    return save_settings(request, network, form)


@role_required(*ADMINS)
def payout_minimums(request: HttpRequest) -> HttpResponse:
    """The network's minimum payout per currency: add or change one (the form), or remove
    one (the same form with an empty amount, posted by each row's Remove button). A money
    control, as on the settings page: two-factor first, then the password again."""
    form = PayoutMinimumForm(posted(request), initial={"currency": request.network.currency})
    if request.method == "POST" and form.is_valid():
        refusal = step_up.mfa_refusal(request.user, settings=True)
        if not refusal:
            return save_minimum_recently_authenticated(request, form)
        form.add_error(None, refusal)
    rows = [
        (row, from_minor(row.amount, row.currency))
        for row in PayoutMinimum.objects.filter(network=request.network)
    ]
    return render(request, "network/payout_minimums.html", {"form": form, "rows": rows})


@step_up.recent_authentication_required
def save_minimum_recently_authenticated(request: HttpRequest, form) -> HttpResponse:
    """Without a recent password (or code) allauth asks for one, then posts this again."""
    currency, amount = form.cleaned_data["currency"], form.cleaned_data["amount"]
    payout_minimum_set(
        network=request.network,
        actor=request.user,
        currency=currency,
        amount=amount,
        proof=step_up.of_request(request),
    )
    done = (
        _("Minimum payout in %(currency)s saved.")
        if amount is not None
        else _("Minimum payout in %(currency)s removed: every positive balance in it is paid.")
    )
    messages.success(request, done % {"currency": currency})
    return redirect("payout_minimums")


@role_required(*ADMINS)
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    found = get_object_or_404(Invitation, pk=invitation_id)
    try:
        invitation_revoke(invitation=found, actor=request.user)
    except InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invitation for %(email)s revoked.") % {"email": found.email})
    return redirect("members")

"""Publisher application and profile pages, and the admins' review of applications (what
the network owes the publisher is payouts' part of that page: the template's payouts_parts
tags)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from lib.tables import configure
from network import step_up
from network.access import ADMINS, current_membership, posted, public_page, role_required
from network.models import Role
from publishers.forms import DecisionForm, PublisherMinimumForm, PublisherProfileForm
from publishers.models import Publisher
from publishers.services import (
    ApplicationError,
    publisher_apply,
    publisher_decide,
    publisher_minimum_set,
    publisher_update_profile,
)
from publishers.tables import PublisherTable


@public_page
@login_required
def apply(request: HttpRequest) -> HttpResponse:
    if current_membership(request) is not None:
        messages.info(request, _("You are already a member of this network."))
        return redirect("home")
    form = PublisherProfileForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            publisher_apply(network=request.network, user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc))
            return redirect("home")
        messages.success(request, _("Thank you! Your application is waiting for review."))
        return redirect("publisher_home")
    return render(request, "publishers/apply.html", {"form": form})


@role_required(Role.PUBLISHER)
def edit_profile(request: HttpRequest) -> HttpResponse:
    publisher = request.membership.publisher
    form = PublisherProfileForm(posted(request), instance=publisher)
    if request.method == "POST" and form.is_valid():
        publisher_update_profile(publisher=publisher, actor=request.user, form=form)
        messages.success(request, _("Profile saved."))
        return redirect("publisher_home")
    return render(request, "publishers/profile.html", {"form": form})


@role_required(*ADMINS)
def publisher_list(request: HttpRequest) -> HttpResponse:
    queryset = Publisher.objects.all()
    status = request.GET.get("status")
    if status in Publisher.Status.values:
        queryset = queryset.filter(status=status)
    table = PublisherTable(queryset)
    configure(request, table)
    return render(
        request,
        "publishers/admin_list.html",
        {
            "table": table,
            "statuses": Publisher.Status.choices,
            "status": status,
        },
    )


@step_up.recent_authentication_required
def save_minimum_recently_authenticated(
    request: HttpRequest, publisher: Publisher, payout_form
) -> HttpResponse:
    """Without a recent password (or code) allauth asks for one, then posts this again."""
    amount = payout_form.cleaned_data["min_payout"]
    currency = payout_form.cleaned_data["currency"]
    publisher_minimum_set(
        publisher=publisher,
        actor=request.user,
        currency=currency,
        amount=amount,
        proof=step_up.of_request(request),
    )
    done = (
        _("the network's minimum applies in %(currency)s")
        if amount is None
        else _("minimum payout in %(currency)s saved")
    ) % {"currency": currency}
    messages.success(
        request, _("%(publisher)s: %(done)s.") % {"publisher": publisher.name, "done": done}
    )
    return redirect("publisher_review", publisher_id=publisher.pk)


@role_required(*ADMINS)
def publisher_review(request: HttpRequest, publisher_id: int) -> HttpResponse:
    """The application and its decision, plus the publisher's own payout minimum (the page's
    second form, told apart by its hidden field `form=min_payout`)."""
    publisher = get_object_or_404(Publisher, pk=publisher_id)
    payout_posted = request.method == "POST" and request.POST.get("form") == "min_payout"
    payout_form = PublisherMinimumForm(
        request.POST if payout_posted else None, initial={"currency": request.network.currency}
    )
    if payout_posted and payout_form.is_valid():
        # A money control, as the network's minimums: two-factor, then the password again.
        refusal = step_up.mfa_refusal(request.user, settings=True)
        if not refusal:
            return save_minimum_recently_authenticated(request, publisher, payout_form)
        payout_form.add_error(None, refusal)
    form = DecisionForm(None if payout_posted else posted(request))
    if request.method == "POST" and not payout_posted and form.is_valid():
        try:
            publisher_decide(
                publisher=publisher,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(publisher)s: decision saved and emailed.") % {"publisher": publisher.name},
            )
            return redirect("publisher_list")
    history = AuditEntry.objects.filter(
        object_type="publishers.publisher", object_id=str(publisher.pk)
    )
    return render(
        request,
        "publishers/admin_review.html",
        {
            "publisher": publisher,
            "form": form,
            "payout_form": payout_form,
            "history": history,
            "users": publisher.memberships.select_related("user"),
        },
    )

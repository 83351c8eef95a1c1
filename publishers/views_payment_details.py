"""The publisher's payment details page (/publisher/payment-details/): how they are paid, and
the payout hold a change starts. Only the publisher's own users open it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lib.views import render_in_network_time
from network import step_up
from network.access import posted, role_required
from network.models import Role
from publishers.forms_payment_details import PaymentDetailsForm
from publishers.models import PaymentDetails
from publishers.payment_details import mask, payment_details_change, payment_hold_until


@role_required(Role.PUBLISHER)
@step_up.recent_authentication_required(allow_get=True)
def publisher_payment_details(request: HttpRequest) -> HttpResponse:
    """Shows the details and the hold; saving needs a recent re-authentication (allauth
    asks for the password, then replays the POST)."""
    publisher = request.membership.publisher
    details = PaymentDetails.objects.filter(publisher=publisher).first()
    form = PaymentDetailsForm(posted(request), details=details)
    if request.method == "POST" and form.is_valid():
        changed_before = details.changed_at if details else None
        saved = payment_details_change(
            request.network, publisher, form.cleaned_data, actor=request.user
        )
        if saved.changed_at == changed_before:
            messages.info(request, _("Nothing changed: your payment details are as they were."))
        else:
            messages.success(
                request,
                _("Payment details saved. Your next payout is held for 48 hours, and every "
                  "user of your account gets an email about the change."),
            )  # fmt: skip
        return redirect("publisher_payment_details")
    return render_in_network_time(
        request,
        "publishers/payment_details.html",
        {
            "details": details,
            "masked_iban": mask(details.iban) if details else "",
            "masked_account": mask(details.account_number) if details else "",
            "held_until": payment_hold_until(publisher.pk),
            "form": form,
        },
    )

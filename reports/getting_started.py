"""The getting-started checklist on a new network's admin dashboard: the steps that make a
network work, each ticked from the network's own data (a query each, never a flag that
could disagree with the data), each linking to the page that does it. The dashboard shows
the list until every step is done.

1. Invite an advertiser: an advertiser was invited, or is a member.
2. Create or approve an offer: an offer is active.
3. Approve a publisher: a publisher is approved.
4. Send a test click: the network has an accepted click (the step gives a tracking link of
   an active offer and an approved publisher that may run it).
5. Send a test postback: the network has a conversion (the step gives the postback URL of
   the latest click, with its advertiser's security token).
6. Payment methods: a publisher has given payment details (PayPal, bank transfer or other),
   so that payout runs can pay them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network.models import Invitation, Membership, Network, Role
from offers.links import click_link, tracking_host
from offers.models import Offer
from payouts.models import PaymentDetails
from publishers.models import Publisher
from tracking.models import Click, Conversion


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    help: str
    done: bool
    url: str  # the page that does it
    link_text: str
    # A URL to use for the step itself (the test click, the test postback), when there is one.
    test_url: str = ""


def advertiser_invited(network: Network) -> bool:
    invited = Invitation.objects.filter(network=network, role=Role.ADVERTISER).exists()
    return invited or Membership.objects.filter(network=network, role=Role.ADVERTISER).exists()


def test_click_url(network: Network) -> str:
    """A tracking link of an active offer that an approved publisher may run, if any."""
    approved = Publisher.objects.filter(network=network, status=Publisher.Status.APPROVED)
    for publisher in approved.order_by("pk")[:20]:
        offer = Offer.objects.runnable_by(publisher).order_by("pk").first()
        if offer is not None:
            return click_link(offer=offer, publisher=publisher)
    return ""


def test_postback_url(network: Network) -> str:
    """The server postback of the latest accepted click, with its advertiser's token."""
    click = (
        Click.objects.filter(network=network, status=Click.Status.ACCEPTED)
        .select_related("offer__advertiser")
        .order_by("-created_at")
        .first()
    )
    if click is None:
        return ""
    token = click.offer.advertiser.postback_token
    host = f"{settings.PLATFORM_SCHEME}://{tracking_host(network)}"
    return f"{host}/aff_lsr?transaction_id={click.pk}&security_token={token}"


def steps(network: Network) -> list[Step]:
    """The checklist of `network`, each step ticked from its data."""
    offer_active = Offer.objects.filter(network=network, status=Offer.Status.ACTIVE).exists()
    offers_pending = Offer.objects.filter(network=network, status=Offer.Status.PENDING).exists()
    publisher_approved = Publisher.objects.filter(
        network=network, status=Publisher.Status.APPROVED
    ).exists()
    clicked = Click.objects.filter(network=network, status=Click.Status.ACCEPTED).exists()
    converted = Conversion.objects.filter(network=network).exists()
    paid_how = PaymentDetails.objects.filter(
        Q(publisher__status=Publisher.Status.APPROVED), network=network
    ).exists()
    offers = reverse("admin_offer_list") + ("?status=pending" if offers_pending else "")
    publishers = reverse("publisher_list")
    return [
        Step(
            "advertiser",
            _("Invite an advertiser"),
            _("Advertisers create the offers and report their orders."),
            advertiser_invited(network),
            reverse("invite") + "?role=advertiser",
            _("Invite an advertiser"),
        ),
        Step(
            "offer",
            _("Create or approve an offer"),
            _("An advertiser's offer goes live once you approve it."),
            offer_active,
            offers,
            _("Offers to review") if offers_pending else _("Offers"),
        ),
        Step(
            "publisher",
            _("Approve a publisher"),
            _("Publishers apply on your portal; approve one to let it run offers."),
            publisher_approved,
            publishers + "?status=pending",
            _("Publisher applications"),
        ),
        Step(
            "click",
            _("Send a test click"),
            _("Open a tracking link: the click is recorded and you land on the offer's page."),
            clicked,
            offers,
            _("Offers"),
            "" if clicked else test_click_url(network),
        ),
        Step(
            "postback",
            _("Send a test postback"),
            _("Report a conversion of that click, as the advertiser's server will."),
            converted,
            reverse("admin_conversions"),
            _("Conversions"),
            test_postback_url(network) if clicked and not converted else "",
        ),
        Step(
            "payment",
            _("Set payment methods"),
            _(
                "Publishers give their payment method (PayPal, bank transfer or other) under "
                "Payment details; payout runs pay those who did."
            ),
            paid_how,
            publishers + "?status=approved",
            _("Publishers"),
        ),
    ]


def checklist(network: Network) -> list[Step] | None:
    """The steps while any is left to do; None once the network is set up."""
    found = steps(network)
    return None if all(step.done for step in found) else found

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
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network.models import Invitation, Membership, Network, Role
from offers.links import click_link, tracking_host
from offers.models import Offer
from publishers.models import PaymentDetails, Publisher
from reports.models import HourlyStat
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


def facts(network: Network) -> dict[str, bool]:
    """What has happened in the network, in one query of EXISTS. Traffic is looked for in the
    rollups first (a page never scans the raw tables of a network that has traffic), and in
    the raw tables only while the rollups have none (a new network's first click, before
    the next rollup)."""
    mine = {"network": OuterRef("pk")}
    traffic = HourlyStat.objects.filter(**mine)
    counted = Q(conversions_approved__gt=0) | Q(conversions_pending__gt=0)
    counted |= Q(conversions_rejected__gt=0) | Q(conversions_reversed__gt=0)
    found = (
        Network.objects.filter(pk=network.pk)
        .annotate(
            invited=Exists(Invitation.objects.filter(role=Role.ADVERTISER, **mine)),
            advertiser_member=Exists(Membership.objects.filter(role=Role.ADVERTISER, **mine)),
            offer_active=Exists(Offer.objects.filter(status=Offer.Status.ACTIVE, **mine)),
            offer_pending=Exists(Offer.objects.filter(status=Offer.Status.PENDING, **mine)),
            publisher_approved=Exists(
                Publisher.objects.filter(status=Publisher.Status.APPROVED, **mine)
            ),
            clicks_rolled_up=Exists(traffic.filter(clicks__gt=0)),
            conversions_rolled_up=Exists(traffic.filter(counted)),
            paid_how=Exists(
                PaymentDetails.objects.filter(publisher__status=Publisher.Status.APPROVED, **mine)
            ),
        )
        .values()
        .get()
    )
    clicked = found["clicks_rolled_up"] or (
        Click.objects.filter(network=network, status=Click.Status.ACCEPTED).exists()
    )
    converted = (
        found["conversions_rolled_up"] or Conversion.objects.filter(network=network).exists()
    )
    return {
        "advertiser": found["invited"] or found["advertiser_member"],
        "offer": found["offer_active"],
        "offer_pending": found["offer_pending"],
        "publisher": found["publisher_approved"],
        "click": clicked,
        "postback": converted,
        "payment": found["paid_how"],
    }


def steps(network: Network) -> list[Step]:
    """The checklist of `network`, each step ticked from its data."""
    done = facts(network)
    offers_pending, clicked, converted = done["offer_pending"], done["click"], done["postback"]
    offers = reverse("admin_offer_list") + ("?status=pending" if offers_pending else "")
    publishers = reverse("publisher_list")
    return [
        Step(
            "advertiser",
            _("Invite an advertiser"),
            _("Advertisers create the offers and report their orders."),
            done["advertiser"],
            reverse("invite") + "?role=advertiser",
            _("Invite an advertiser"),
        ),
        Step(
            "offer",
            _("Create or approve an offer"),
            _("An advertiser's offer goes live once you approve it."),
            done["offer"],
            offers,
            _("Offers to review") if offers_pending else _("Offers"),
        ),
        Step(
            "publisher",
            _("Approve a publisher"),
            _("Publishers apply on your portal; approve one to let it run offers."),
            done["publisher"],
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
            done["payment"],
            publishers + "?status=approved",
            _("Publishers"),
        ),
    ]


def checklist(network: Network) -> list[Step] | None:
    """The steps while any is left to do; None once the network is set up."""
    found = steps(network)
    return None if all(step.done for step in found) else found

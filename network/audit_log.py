"""What each role may read of the audit log, how its actors are named, and where an entry links.

An advertiser or a publisher reads the entries about their own objects only. That is one SQL
query: for each audited object type, `object_type = X AND object_id IN (the ids of X they own,
as text)`, with the owned ids as a subquery (never a Python list, which would grow with the
company's conversions). The types here are the ones `network.audit.record()` is actually
called with (grep `audit.record(`): landing pages and creatives are not audited yet.

Known gap: an object that was deleted (a cap, a postback) is no longer "owned", so the entries
about it drop out of its company's view; the admins still see them.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from network.audit import AuditEntry
from network.models import ADMIN_ROLES, Membership, Role
from offers.models import Cap, Goal, Offer, OfferAccess
from payouts.models import CreditNote, Invoice, PayoutLine
from publishers.models import PaymentDetails
from publishers.postbacks import PostbackEndpoint
from tracking.models import Conversion

ADMIN = "admin"

# Every object type written to the log (model label_lower), named for people.
OBJECT_TYPES = {
    "network.network": _("Network settings"),
    "network.invitation": _("Invitation"),
    "network.apikey": _("API key"),
    "advertisers.advertiser": _("Advertiser"),
    "publishers.publisher": _("Publisher"),
    "publishers.postbackendpoint": _("Postback"),
    "offers.offer": _("Offer"),
    "offers.goal": _("Goal"),
    "offers.cap": _("Cap"),
    "offers.offeraccess": _("Offer access"),
    "offers.payoutoverride": _("Payout override"),
    "offers.payouttier": _("Payout tier"),
    "offers.tiermembership": _("Tier membership"),
    "offers.tierpayout": _("Tier payout"),
    "tracking.conversion": _("Conversion"),
    "payouts.payoutrun": _("Payout run"),
    "payouts.payoutline": _("Payout line"),
    "payouts.paymentdetails": _("Payment details"),
    "payouts.invoice": _("Invoice"),
    "payouts.creditnote": _("Credit note"),
    "webhooks.webhookendpoint": _("Webhook"),
}

# Actions a company does not read about its own objects: the fraud flags of a conversion are
# the network's business (the publisher's conversion list hides them too).
HIDDEN_ACTIONS = {Role.PUBLISHER: ("conversion.fraud_checked",)}


def viewer_role(membership: Membership) -> str:
    return ADMIN if membership.is_admin else membership.role


def _as_text_ids(rows: QuerySet) -> QuerySet:
    """The rows' primary keys cast to text, the form AuditEntry.object_id keeps them in."""
    return rows.annotate(id_text=Cast("pk", output_field=CharField())).values("id_text")


def advertiser_objects(advertiser_id: int) -> dict[str, QuerySet]:
    return {
        "offers.offer": Offer.objects.filter(advertiser_id=advertiser_id),
        "offers.goal": Goal.objects.filter(offer__advertiser_id=advertiser_id),
        "offers.cap": Cap.objects.filter(offer__advertiser_id=advertiser_id),
        "offers.offeraccess": OfferAccess.objects.filter(offer__advertiser_id=advertiser_id),
        "tracking.conversion": Conversion.objects.filter(offer__advertiser_id=advertiser_id),
        "payouts.invoice": Invoice.objects.filter(advertiser_id=advertiser_id),
        "payouts.creditnote": CreditNote.objects.filter(advertiser_id=advertiser_id),
    }


def publisher_objects(publisher_id: int) -> dict[str, QuerySet]:
    return {
        "offers.offeraccess": OfferAccess.objects.filter(publisher_id=publisher_id),
        "tracking.conversion": Conversion.objects.filter(publisher_id=publisher_id),
        "payouts.payoutline": PayoutLine.objects.filter(publisher_id=publisher_id),
        "payouts.paymentdetails": PaymentDetails.objects.filter(publisher_id=publisher_id),
        "publishers.postbackendpoint": PostbackEndpoint.objects.filter(publisher_id=publisher_id),
    }


def _about(company_type: str, company_id: int, owned: dict[str, QuerySet]) -> Q:
    # The company record itself is one known id: no subquery needed.
    conditions = [Q(object_type=company_type, object_id=str(company_id))]
    conditions += [
        Q(object_type=label, object_id__in=_as_text_ids(rows)) for label, rows in owned.items()
    ]
    return reduce(operator.or_, conditions)


def visible_entries(membership: Membership) -> QuerySet[AuditEntry]:
    """The entries this member may read (the scope adds the network), newest first."""
    entries = AuditEntry.objects.all()
    if membership.is_admin:
        return entries
    if membership.role == Role.ADVERTISER:
        own = _about(
            "advertisers.advertiser",
            membership.advertiser_id,
            advertiser_objects(membership.advertiser_id),
        )
    elif membership.role == Role.PUBLISHER:
        own = _about(
            "publishers.publisher",
            membership.publisher_id,
            publisher_objects(membership.publisher_id),
        )
    else:  # a role added later sees nothing until it is decided here
        return entries.none()
    return entries.filter(own).exclude(action__in=HIDDEN_ACTIONS.get(membership.role, ()))


def object_types_for(membership: Membership) -> list[tuple[str, str]]:
    """The object types a member can filter on: only those they may read about."""
    if membership.role == Role.ADVERTISER:
        labels = ["advertisers.advertiser", *advertiser_objects(0)]
    elif membership.role == Role.PUBLISHER:
        labels = ["publishers.publisher", *publisher_objects(0)]
    else:
        labels = list(OBJECT_TYPES)
    choices = [(label, str(OBJECT_TYPES[label])) for label in labels]
    return sorted(choices, key=lambda choice: choice[1].lower())


def object_type_name(label: str) -> str:
    return str(OBJECT_TYPES.get(label, label))


# --- Who acted, as each role may read it -------------------------------------------------


def with_actor_side(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """Each entry with its actor's role and company in this network (subqueries, so still
    one query), for `actor_shown()`."""
    member = Membership.objects.filter(
        network_id=OuterRef("network_id"), user_id=OuterRef("actor_id")
    )
    return entries.annotate(
        actor_role=Subquery(member.values("role")[:1]),
        actor_advertiser=Subquery(member.values("advertiser_id")[:1]),
        actor_publisher=Subquery(member.values("publisher_id")[:1]),
    )


def actor_shown(entry: AuditEntry, membership: Membership) -> str:
    """The actor as this member may read it.

    Admins read the label as stored. A company reads the names of its own people and of the
    system jobs, but not the personal emails of the network's staff ("Network team") nor of
    another company's people (their company role): those are contact details a company has
    no business collecting from the log.
    """
    if membership.is_admin:
        return entry.actor_shown
    if entry.actor_id is None:
        # A system job, or a person since deleted (whose side is unknown).
        if entry.actor_label.startswith("system"):
            return entry.actor_shown
        return gettext("A former member")
    role = getattr(entry, "actor_role", None)
    own = (role == Role.ADVERTISER and entry.actor_advertiser == membership.advertiser_id) or (
        role == Role.PUBLISHER and entry.actor_publisher == membership.publisher_id
    )
    if own:
        return entry.actor_label
    if role in ADMIN_ROLES:
        return gettext("Network team")
    if role == Role.ADVERTISER:
        return gettext("Advertiser")
    if role == Role.PUBLISHER:
        return gettext("Publisher")
    return gettext("A former member")


# --- Where an entry links ---------------------------------------------------------------

# Per role: object type -> (URL name, whether the URL takes the object's id). Only pages the
# role may open, and only for objects that a page shows by their own id (a goal's page also
# needs its offer's id, a publisher's statement a month: those entries do not link).
OBJECT_PAGES: dict[str, dict[str, tuple[str, bool]]] = {
    ADMIN: {
        "network.network": ("network_settings", False),
        "network.invitation": ("members", False),
        "advertisers.advertiser": ("advertiser_list", False),
        "publishers.publisher": ("publisher_review", True),
        "offers.offer": ("admin_offer_detail", True),
        "offers.offeraccess": ("admin_access_decide", True),
        "offers.payouttier": ("admin_tier_detail", True),
        "payouts.payoutrun": ("payout_run_detail", True),
        "payouts.payoutline": ("payout_line_detail", True),
        "payouts.invoice": ("admin_invoice_detail", True),
        "payouts.creditnote": ("admin_credit_note_detail", True),
        "webhooks.webhookendpoint": ("webhook_edit", True),
    },
    Role.ADVERTISER: {
        "advertisers.advertiser": ("advertiser_home", False),
        "offers.offer": ("adv_offer_detail", True),
        "payouts.invoice": ("advertiser_invoice_detail", True),
        "payouts.creditnote": ("advertiser_credit_note_detail", True),
    },
    Role.PUBLISHER: {
        "publishers.publisher": ("publisher_profile", False),
        "publishers.postbackendpoint": ("postback_edit", True),
        "payouts.paymentdetails": ("publisher_payment_details", False),
    },
}


def object_url(role: str, object_type: str, object_id: str, action: str = "") -> str | None:
    """The page of the entry's object for this role, or None when there is none (no page,
    or the entry says the object was deleted)."""
    page = OBJECT_PAGES.get(role, {}).get(object_type)
    if page is None or action.endswith(".deleted"):
        return None
    name, takes_id = page
    try:
        return reverse(name, args=[object_id] if takes_id else [])
    except NoReverseMatch:  # an id the URL cannot hold (not a number)
        return None

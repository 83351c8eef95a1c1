"""What the audit log says about offers, goals, caps, access, overrides and tiers
(network.audit_text, network.audit_log): imported by OffersConfig.ready."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from network.models import Role
from offers.models import Cap, Goal, Offer, OfferAccess
from offers.rules import GoalType

audit_text.register_actions(
    {
        "cap.created": _("Cap added"),
        "creative.created": _("Creative added"),
        "creative.updated": _("Creative changed"),
        "goal.created": _("Goal added"),
        "landing_page.created": _("Landing page added"),
        "landing_page.updated": _("Landing page changed"),
        "offer.attribution_window": _("Attribution window (days)"),
        "offer.currency": _("Currency"),
        "offer.hold_days": _("Hold period (days)"),
        "cap.deleted": _("Cap removed"),
        "goal.payout": _("Publisher payout"),
        "goal.revenue": _("Revenue"),
        "offer.created": _("Offer created"),
        "offer.status": _("Status"),
        "offer_access.requested": _("Access requested"),
        "offer_access.invited": _("Invited to the offer"),
        "offer_access.decided": _("Access"),
        "payout_override.set": _("Own payout set"),
        "payout_override.deleted": _("Own payout removed"),
        "tier.created": _("Tier created"),
        "tier.member_added": _("Added to a tier"),
        "tier.member_removed": _("Removed from a tier"),
        "tier_payout.set": _("Tier payout set"),
        "tier_payout.deleted": _("Tier payout removed"),
    }
)
audit_text.register_states("offers.offer", dict(Offer.Status.choices))
audit_text.register_states("offers.offeraccess", dict(OfferAccess.Status.choices))

# The actions whose values are terms ("cpa 8.00 + 0%"): the pricing model is upper-cased.
TERMS_ACTIONS = ("goal.payout", "goal.revenue", "payout_override", "tier_payout")
GOAL_TYPE = re.compile(r"\b(" + "|".join(sorted(GoalType.values, key=len, reverse=True)) + r")\b")


def terms_label(value: str) -> str:
    """ "cpa_cps 8.00 + 5%" -> "CPA+CPS 8.00 + 5%" """
    return GOAL_TYPE.sub(lambda found: found.group(1).upper().replace("_", "+"), value)


for action in TERMS_ACTIONS:
    audit_text.register_value_labels(action, terms_label)

for label, name in (
    ("offers.offer", _("Offer")),
    ("offers.goal", _("Goal")),
    ("offers.cap", _("Cap")),
    ("offers.offeraccess", _("Offer access")),
    ("offers.payoutoverride", _("Payout override")),
    ("offers.payouttier", _("Payout tier")),
    ("offers.tiermembership", _("Tier membership")),
    ("offers.tierpayout", _("Tier payout")),
):
    audit_log.register_object_type(label, name)

audit_log.register_owned(
    Role.ADVERTISER, "offers.offer", lambda company: Offer.objects.filter(advertiser_id=company)
)
audit_log.register_owned(
    Role.ADVERTISER,
    "offers.goal",
    lambda company: Goal.objects.filter(offer__advertiser_id=company),
)
audit_log.register_owned(
    Role.ADVERTISER, "offers.cap", lambda company: Cap.objects.filter(offer__advertiser_id=company)
)
audit_log.register_owned(
    Role.ADVERTISER,
    "offers.offeraccess",
    lambda company: OfferAccess.objects.filter(offer__advertiser_id=company),
)
audit_log.register_owned(
    Role.PUBLISHER,
    "offers.offeraccess",
    lambda company: OfferAccess.objects.filter(publisher_id=company),
)

audit_log.register_page(audit_log.ADMIN, "offers.offer", "admin_offer_detail")
audit_log.register_page(audit_log.ADMIN, "offers.offeraccess", "admin_access_decide")
audit_log.register_page(audit_log.ADMIN, "offers.payouttier", "admin_tier_detail")
audit_log.register_page(Role.ADVERTISER, "offers.offer", "adv_offer_detail")

"""What the audit log says about offers, goals, caps and access (audit.text,
audit.log): imported by OffersConfig.ready. Payouts, overrides and tiers:
commissions.audit_labels."""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
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
        "goal.updated": _("Goal changed"),
        "landing_page.created": _("Landing page added"),
        "landing_page.updated": _("Landing page changed"),
        "offer.attribution_window": _("Attribution window (days)"),
        "offer.currency": _("Currency"),
        "offer.hold_days": _("Hold period (days)"),
        "cap.deleted": _("Cap removed"),
        "goal.revenue": _("Revenue"),
        "offer.created": _("Offer created"),
        "offer.status": _("Status"),
        "offer.updated": _("Offer changed"),
        "offer_access.requested": _("Access requested"),
        "offer_access.invited": _("Invited to the offer"),
        "offer_access.decided": _("Access"),
    }
)
audit_text.register_states("offers.offer", dict(Offer.Status.choices))
audit_text.register_states("offers.offeraccess", dict(OfferAccess.Status.choices))

# The actions whose values are terms ("cpa 8.00 + 0%"): the pricing model is upper-cased (the
# payout ones: commissions.audit_labels).
TERMS_ACTIONS = ("goal.revenue",)
GOAL_TYPE = re.compile(r"\b(" + "|".join(sorted(GoalType.values, key=len, reverse=True)) + r")\b")


def terms_label(value: str) -> str:
    """ "cpa_cps 8.00 + 5%" -> "CPA+CPS 8.00 + 5%" """
    return GOAL_TYPE.sub(lambda found: found.group(1).upper().replace("_", "+"), value)


for action in TERMS_ACTIONS:
    audit_text.register_value_labels(action, terms_label)


def setting_label(field: str) -> str:
    """ "fallback_url" -> "Fallback URL": the setting an `offer.updated` entry is about."""
    try:
        return str(Offer._meta.get_field(field).verbose_name).capitalize()
    except FieldDoesNotExist:  # a field since removed: its code as stored
        return field


audit_text.register_reason_labels("offer.updated", setting_label)


def updated_value_label(value: str) -> str:
    """An `offer.updated` value in words: an attribution model's code ("first_click") by its
    name; any other value as the log shows an offer's values (a status code by its name)."""
    named = {**dict(Offer.Attribution.choices), **dict(Offer.Status.choices)}
    return str(named.get(value, value))


audit_text.register_value_labels("offer.updated", updated_value_label)

for label, name in (
    ("offers.offer", _("Offer")),
    ("offers.goal", _("Goal")),
    ("offers.cap", _("Cap")),
    ("offers.offeraccess", _("Offer access")),
):
    audit_log.register_object_type(label, name)

audit_log.register_owned(Role.ADVERTISER, "offers.offer", Offer, "advertiser_id")
audit_log.register_owned(Role.ADVERTISER, "offers.goal", Goal, "offer__advertiser_id")
audit_log.register_owned(Role.ADVERTISER, "offers.cap", Cap, "offer__advertiser_id")
audit_log.register_owned(Role.ADVERTISER, "offers.offeraccess", OfferAccess, "offer__advertiser_id")
audit_log.register_owned(Role.PUBLISHER, "offers.offeraccess", OfferAccess, "publisher_id")

audit_log.register_page(audit_log.ADMIN, "offers.offer", "admin_offer_detail")
audit_log.register_page(audit_log.ADMIN, "offers.offeraccess", "admin_access_decide")
audit_log.register_page(Role.ADVERTISER, "offers.offer", "adv_offer_detail")

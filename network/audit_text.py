"""How an audit entry reads to a person, in the reader's language.

The log stores codes, the same in every language and for the API and the CSV export: the action
(`offer.status`), and the states it changed from and to (`draft`, `pending`), which are the
model's choice values, an endpoint's state, a setting's value, or free text (a name, an amount,
terms). This module is the one place that names them: each action has a label, and the values
of an action are labelled with the choices of the object it is about. A value that is not a
code (a name, an amount) is shown as stored. A new action gets its label in ACTIONS
(network/tests/test_audit_text.py fails on an action the code writes that has none).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advertisers.models import Advertiser
from network.audit import AuditEntry
from network.models import Invitation, Network
from offers.models import Offer, OfferAccess
from offers.rules import GoalType
from payouts.models import Invoice, PayoutLine, PayoutRun
from publishers.models import PaymentDetails, Publisher
from tracking.models import Conversion, conversion_reason_label

ACTIONS = {
    "advertiser.created": _("Advertiser added"),
    "advertiser.status": _("Status"),
    "api_key.created": _("API key created"),
    "api_key.revoked": _("API key revoked"),
    "cap.created": _("Cap added"),
    "cap.deleted": _("Cap removed"),
    "conversion.approved": _("Status"),
    "conversion.pending": _("Status"),
    "conversion.rejected": _("Status"),
    "conversion.reversed": _("Status"),
    "conversion.override": _("Status overridden"),
    "conversion.fraud_checked": _("Fraud check"),
    "credit_note.issued": _("Credit note issued"),
    "credit_note.applied": _("Credit note applied"),
    "goal.payout": _("Publisher payout"),
    "goal.revenue": _("Revenue"),
    "invitation.created": _("Invitation sent"),
    "invitation.revoked": _("Invitation revoked"),
    "invitation.accepted": _("Invitation accepted"),
    "invoice.issued": _("Invoice issued"),
    "invoice.paid": _("Invoice paid"),
    "network.created": _("Network created"),
    "network.payout_minimum": _("Minimum payout"),
    "offer.created": _("Offer created"),
    "offer.status": _("Status"),
    "offer_access.requested": _("Access requested"),
    "offer_access.invited": _("Invited to the offer"),
    "offer_access.decided": _("Access"),
    "payment_details.created": _("Payment details added"),
    "payment_details.changed": _("Payment details changed"),
    "payout_line.paid": _("Payout paid"),
    "payout_override.set": _("Own payout set"),
    "payout_override.deleted": _("Own payout removed"),
    "payout_run.created": _("Payout run started"),
    "payout_run.recovered": _("Payout run resumed"),
    "payout_run.first_approval": _("First approval"),
    "payout_run.approved": _("Payout run approved"),
    "payout_run.exported": _("Payment file downloaded"),
    "postback.created": _("Postback added"),
    "postback.updated": _("Postback changed"),
    "postback.enabled": _("Postback turned on"),
    "postback.turned_off": _("Postback turned off"),
    "postback.disabled": _("Postback turned off after failed calls"),
    "postback.deleted": _("Postback removed"),
    "publisher.applied": _("Application sent"),
    "publisher.reviewed": _("Application reviewed"),
    "publisher.min_payout": _("Own minimum payout"),
    "tier.created": _("Tier created"),
    "tier.member_added": _("Added to a tier"),
    "tier.member_removed": _("Removed from a tier"),
    "tier_payout.set": _("Tier payout set"),
    "tier_payout.deleted": _("Tier payout removed"),
    "webhook.created": _("Webhook added"),
    "webhook.updated": _("Webhook changed"),
    "webhook.enabled": _("Webhook turned on"),
    "webhook.turned_off": _("Webhook turned off"),
    "webhook.disabled": _("Webhook turned off after failed calls"),
    "webhook.secret_rotated": _("Webhook secret changed"),
    "webhook.deleted": _("Webhook removed"),
}

# An endpoint's state (publishers.postbacks.PostbackEndpoint.state, WebhookEndpoint.state).
ENDPOINT_STATES = {
    "active": _("On"),
    "failing": _("Turned off after failed calls"),
    "off": _("Off"),
}
API_KEY_STATES = {"active": _("Active"), "revoked": _("Revoked")}

# The values of each object type's states: the model's own choices.
STATES = {
    "network.network": dict(Network.Status.choices),
    "network.invitation": dict(Invitation.Status.choices),
    "network.apikey": API_KEY_STATES,
    "advertisers.advertiser": dict(Advertiser.Status.choices),
    "publishers.publisher": dict(Publisher.Status.choices),
    "publishers.postbackendpoint": ENDPOINT_STATES,
    "webhooks.webhookendpoint": ENDPOINT_STATES,
    "offers.offer": dict(Offer.Status.choices),
    "offers.offeraccess": dict(OfferAccess.Status.choices),
    "tracking.conversion": dict(Conversion.Status.choices),
    "payouts.payoutrun": dict(PayoutRun.Status.choices),
    "payouts.payoutline": dict(PayoutLine.Status.choices),
    "payouts.invoice": dict(Invoice.Status.choices),
    "payouts.paymentdetails": dict(PaymentDetails.Method.choices),
}
# The actions whose values are terms ("cpa 8.00 + 0%"): the pricing model is upper-cased.
TERMS_ACTIONS = ("goal.payout", "goal.revenue", "payout_override", "tier_payout")
GOAL_TYPE = re.compile(r"\b(" + "|".join(sorted(GoalType.values, key=len, reverse=True)) + r")\b")
YES_NO = {"True": _("Yes"), "False": _("No")}
# Words some actions store as a value (publishers.services.publisher_set_minimum).
WORDS = {"network default": _("Network default")}


def _setting(action: str) -> str:
    """`network.<field>`: a network setting changed on the settings page ("" otherwise)."""
    kind, _dot, field = action.partition(".")
    if kind != "network" or action in ACTIONS:
        return ""
    try:
        return Network._meta.get_field(field).name
    except FieldDoesNotExist:  # a field since removed: no label, the code is shown
        return ""


def action_label(entry: AuditEntry) -> str:
    """What was done, in words: "Status", "Invoice paid", "Language" (a setting)."""
    if entry.action in ACTIONS:
        return str(ACTIONS[entry.action])
    field = _setting(entry.action)
    if field:
        return str(Network._meta.get_field(field).verbose_name).capitalize()
    return entry.action


def value_label(entry: AuditEntry, value: str) -> str:
    """One of the entry's states in words (a value that is no code as it is)."""
    if not value:
        return ""
    if value in WORDS:
        return str(WORDS[value])
    field = _setting(entry.action)
    if field == "language":
        return str(dict(settings.LANGUAGES).get(value, value))
    if field:
        return str(YES_NO.get(value, value))
    if entry.action.startswith(TERMS_ACTIONS):
        return GOAL_TYPE.sub(lambda found: found.group(1).upper().replace("_", "+"), value)
    return str(STATES.get(entry.object_type, {}).get(value, value))


def change_label(entry: AuditEntry) -> str:
    """The change of state in words: "Draft → Pending review", or the new state alone."""
    before, after = value_label(entry, entry.from_state), value_label(entry, entry.to_state)
    if before and after:
        return f"{before} → {after}"
    return after or before


def summary(entry: AuditEntry) -> str:
    """The entry as one sentence of a history list: "Status: Draft → Pending review"."""
    change = change_label(entry)
    return f"{action_label(entry)}: {change}" if change else action_label(entry)


def reason_label(entry: AuditEntry) -> str:
    """Why: as typed by the person, or the fraud check's flags in words."""
    if entry.action == "conversion.fraud_checked" and entry.reason:
        return ", ".join(conversion_reason_label(flag) for flag in entry.reason.split(", "))
    return entry.reason


def actor_label(label: str) -> str:
    """A stored actor label, with the system's name in the reader's language."""
    if label == "system" or label.startswith("system "):
        return gettext("System") + label[len("system") :]
    return label

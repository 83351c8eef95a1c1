"""What the audit log says about what publishers earn: goal payouts, overrides and tiers
(audit.text, audit.log): imported by CommissionsConfig.ready. The rows keep
the object types they were written with when these models were offers' (`offers.payouttier`
...): see commissions.models."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from offers.audit_labels import terms_label

audit_text.register_actions(
    {
        "goal.payout": _("Publisher payout"),
        "payout_override.set": _("Own payout set"),
        "payout_override.deleted": _("Own payout removed"),
        "tier.created": _("Tier created"),
        "tier.member_added": _("Added to a tier"),
        "tier.member_removed": _("Removed from a tier"),
        "tier_payout.set": _("Tier payout set"),
        "tier_payout.deleted": _("Tier payout removed"),
    }
)

# Their values are terms ("cpa 8.00 + 0%"), the pricing model upper-cased as offers' are.
for action in ("goal.payout", "payout_override", "tier_payout"):
    audit_text.register_value_labels(action, terms_label)

for label, name in (
    ("offers.payoutoverride", _("Payout override")),
    ("offers.payouttier", _("Payout tier")),
    ("offers.tiermembership", _("Tier membership")),
    ("offers.tierpayout", _("Tier payout")),
):
    audit_log.register_object_type(label, name)

audit_log.register_page(audit_log.ADMIN, "offers.payouttier", "admin_tier_detail")

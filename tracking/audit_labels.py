"""What the audit log says about conversions (audit.text, audit.log): imported
by TrackingConfig.ready. The words of the conversion's states and reasons are the model's,
here; those of its decisions (written by decisions.services): decisions/audit_labels.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from network.models import Role
from tracking.models import Conversion, conversion_reason_label

audit_text.register_actions(
    {
        "conversion.fraud_checked": _("Fraud check"),
    }
)
audit_text.register_states("tracking.conversion", dict(Conversion.Status.choices))


def fraud_flags_label(reason: str) -> str:
    """A fraud check's flags ("fast_conversion, country_mismatch") in words."""
    return ", ".join(conversion_reason_label(flag) for flag in reason.split(", "))


audit_text.register_reason_labels("conversion.fraud_checked", fraud_flags_label)

audit_log.register_object_type("tracking.conversion", _("Conversion"))
audit_log.register_owned(Role.ADVERTISER, "tracking.conversion", Conversion, "offer__advertiser_id")
audit_log.register_owned(Role.PUBLISHER, "tracking.conversion", Conversion, "publisher_id")
# The fraud flags of a conversion are the network's business (the publisher's conversion list
# hides them too).
audit_log.register_hidden(Role.PUBLISHER, "conversion.fraud_checked")

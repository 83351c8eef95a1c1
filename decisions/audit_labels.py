"""What the audit log says about the decisions on conversions (audit.text): imported by
DecisionsConfig.ready. The entries are the conversion's ("tracking.conversion": its object
type, states and owners are tracking/audit_labels.py's); decisions.services writes them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import text as audit_text

audit_text.register_actions(
    {
        "conversion.approved": _("Status"),
        "conversion.pending": _("Status"),
        "conversion.rejected": _("Status"),
        "conversion.reversed": _("Status"),
        "conversion.override": _("Status overridden"),
    }
)

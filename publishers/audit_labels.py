"""What the audit log says about publishers (audit.text, audit.log):
imported by PublishersConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from network.models import Role
from publishers.models import Publisher

audit_text.register_actions(
    {
        "publisher.applied": _("Application sent"),
        "publisher.reviewed": _("Application reviewed"),
        "publisher.min_payout": _("Own minimum payout"),
        "publisher.profile": _("Profile changed"),
    }
)
audit_text.register_states("publishers.publisher", dict(Publisher.Status.choices))
# publishers.services.publisher_set_minimum stores "network default" for no minimum of one's own.
audit_text.register_words({"network default": _("Network default")})

audit_log.register_object_type("publishers.publisher", _("Publisher"))
audit_log.register_company(Role.PUBLISHER, "publishers.publisher")
audit_log.register_page(audit_log.ADMIN, "publishers.publisher", "publisher_review")
audit_log.register_page(Role.PUBLISHER, "publishers.publisher", "publisher_profile", takes_id=False)

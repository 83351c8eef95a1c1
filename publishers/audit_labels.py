"""What the audit log says about publishers and their postbacks (network.audit_text,
network.audit_log): imported by PublishersConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from network import audit_log, audit_text
from network.models import Role
from publishers.models import Publisher
from publishers.postbacks import PostbackEndpoint

audit_text.register_actions(
    {
        "postback.created": _("Postback added"),
        "postback.updated": _("Postback changed"),
        "postback.enabled": _("Postback turned on"),
        "postback.turned_off": _("Postback turned off"),
        "postback.disabled": _("Postback turned off after failed calls"),
        "postback.deleted": _("Postback removed"),
        "publisher.applied": _("Application sent"),
        "publisher.reviewed": _("Application reviewed"),
        "publisher.min_payout": _("Own minimum payout"),
    }
)
audit_text.register_states("publishers.publisher", dict(Publisher.Status.choices))
audit_text.register_states("publishers.postbackendpoint", audit_text.ENDPOINT_STATES)
# publishers.services.publisher_set_minimum stores "network default" for no minimum of one's own.
audit_text.register_words({"network default": _("Network default")})

audit_log.register_object_type("publishers.publisher", _("Publisher"))
audit_log.register_object_type("publishers.postbackendpoint", _("Postback"))
audit_log.register_company(Role.PUBLISHER, "publishers.publisher")
audit_log.register_owned(
    Role.PUBLISHER,
    "publishers.postbackendpoint",
    lambda publisher_id: PostbackEndpoint.objects.filter(publisher_id=publisher_id),
)
audit_log.register_page(audit_log.ADMIN, "publishers.publisher", "publisher_review")
audit_log.register_page(Role.PUBLISHER, "publishers.publisher", "publisher_profile", takes_id=False)
audit_log.register_page(Role.PUBLISHER, "publishers.postbackendpoint", "postback_edit")

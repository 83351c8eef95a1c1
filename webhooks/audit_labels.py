"""What the audit log says about webhook and postback endpoints (audit.text and
audit.log): imported by WebhooksConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from network.models import Role
from webhooks.postbacks import PostbackEndpoint

audit_text.register_actions(
    {
        "postback.created": _("Postback added"),
        "postback.updated": _("Postback changed"),
        "postback.enabled": _("Postback turned on"),
        "postback.turned_off": _("Postback turned off"),
        "postback.disabled": _("Postback turned off after failed calls"),
        "postback.deleted": _("Postback removed"),
        "webhook.created": _("Webhook added"),
        "webhook.updated": _("Webhook changed"),
        "webhook.enabled": _("Webhook turned on"),
        "webhook.turned_off": _("Webhook turned off"),
        "webhook.disabled": _("Webhook turned off after failed calls"),
        "webhook.secret_rotated": _("Webhook secret changed"),
        "webhook.deleted": _("Webhook removed"),
    }
)
audit_text.register_states("webhooks.webhookendpoint", audit_text.ENDPOINT_STATES)
audit_text.register_states("webhooks.postbackendpoint", audit_text.ENDPOINT_STATES)

audit_log.register_object_type("webhooks.webhookendpoint", _("Webhook"))
audit_log.register_page(audit_log.ADMIN, "webhooks.webhookendpoint", "webhook_edit")
audit_log.register_object_type("webhooks.postbackendpoint", _("Postback"))
audit_log.register_owned(
    Role.PUBLISHER, "webhooks.postbackendpoint", PostbackEndpoint, "publisher_id"
)
audit_log.register_page(Role.PUBLISHER, "webhooks.postbackendpoint", "postback_edit")

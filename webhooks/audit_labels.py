"""What the audit log says about webhook endpoints (network.audit_text, network.audit_log):
imported by WebhooksConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from network import audit_log, audit_text

audit_text.register_actions(
    {
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

audit_log.register_object_type("webhooks.webhookendpoint", _("Webhook"))
audit_log.register_page(audit_log.ADMIN, "webhooks.webhookendpoint", "webhook_edit")

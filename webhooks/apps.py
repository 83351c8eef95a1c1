from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Subscribes the webhook deliveries to the domain events (network.events), and says
        # what the audit log shows of webhook endpoints and which email tells of a disabled
        # one (network's registries).
        from network import emails
        from webhooks import audit_labels, events  # noqa: F401

        emails.register("webhook_disabled", "webhooks.services.send_disabled_email")

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Subscribes the webhook deliveries to the domain events (network.events), and says
        # what the audit log shows of webhook endpoints (network's registries).
        from webhooks import audit_labels, events  # noqa: F401

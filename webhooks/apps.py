from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Subscribes the webhook deliveries to the domain events (network.events).
        from webhooks import events  # noqa: F401

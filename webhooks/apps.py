from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Subscribe the webhook deliveries and the publisher postbacks to the domain events
        # (network.events), and register both kinds with the outbound-delivery engine.
        from webhooks import events  # noqa: F401
        from webhooks.delivery import postback, webhook  # noqa: F401

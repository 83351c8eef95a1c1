from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Subscribes the webhook deliveries and the publisher postbacks to the domain events
        # (network.events) and registers both kinds with the outbound-delivery engine; says
        # what the audit log shows of webhook endpoints and which email tells of a disabled
        # one (network's registries).
        from network import demo, emails
        from webhooks import audit_labels, events  # noqa: F401
        from webhooks.delivery import postback, webhook  # noqa: F401

        emails.register("webhook_disabled", "webhooks.services.send_disabled_email")
        emails.register("postback_disabled", "webhooks.postback_services.send_postback_disabled")
        demo.register(35, "webhooks.demo.seed")

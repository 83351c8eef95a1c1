from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from network import emails
        from notifications import handlers  # noqa: F401  (subscribes to domain events)
        from notifications.services import fan_out

        # Every email sent through network.emails.send_linked is also told in the portal.
        emails.install_fan_out(fan_out)
        emails.register("offer_status", "notifications.emails.send_offer_status")

from django.apps import AppConfig


class PublishersConfig(AppConfig):
    name = "publishers"

    def ready(self) -> None:
        # What the tenancy core's registries need of this app (network imports no app).
        from network import demo, emails
        from publishers import audit_labels  # noqa: F401  (registers on import)

        demo.register(20, "publishers.demo.seed_publishers")
        emails.register("publisher_decision", "publishers.emails.send_decision")
        emails.register("new_application", "publishers.emails.send_new_application")

from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"

    def ready(self) -> None:
        # What the tenancy core's registries need of this app (network imports no app).
        from network import demo, emails
        from offers import audit_labels  # noqa: F401  (registers on import)

        demo.register(30, "offers.demo.seed")
        emails.register("offer_review", "offers.emails.send_offer_review")
        emails.register("offer_submitted", "offers.emails.send_offer_submitted")
        emails.register("access_request", "offers.emails.send_access_request")
        emails.register("access_decision", "offers.emails.send_access_decision")

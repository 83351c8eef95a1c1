from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"

    def ready(self) -> None:
        # What the tenancy core's registries need of this app (network imports no app).
        from network import demo
        from offers import audit_labels  # noqa: F401  (registers on import)

        demo.register(30, "offers.demo.seed")

from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"

    def ready(self) -> None:
        # What the lower layers' registries need of this app (they import no higher app).
        from decisions import audit_labels  # noqa: F401  (registers on import)
        from network import demo

        # After tracking's traffic (and payouts' money, 40): the decisions that traffic planned.
        demo.register(60, "decisions.demo.decide_activity")

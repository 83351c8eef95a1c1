from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"

    def ready(self) -> None:
        # What the tenancy core's registries need of this app (network imports no app).
        from network import demo
        from tracking import audit_labels  # noqa: F401  (registers on import)

        demo.register(50, "tracking.demo_activity.seed")

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from network import demo

        # The demo's rollups, once every app made its data.
        demo.register(70, "reports.demo.seed")

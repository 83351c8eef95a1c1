from django.apps import AppConfig


class AdvertisersConfig(AppConfig):
    name = "advertisers"

    def ready(self) -> None:
        # What the tenancy core's registries need of this app (network imports no app).
        from advertisers import audit_labels  # noqa: F401  (registers on import)
        from advertisers.services import advertiser_create
        from network import demo
        from network.models import Role
        from network.services import register_company_maker

        # An invitation that names a new advertiser company makes it through our service.
        register_company_maker(Role.ADVERTISER, advertiser_create)
        demo.register(10, "advertisers.demo.seed_advertiser")

from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "payouts"

    def ready(self) -> None:
        # What the lower layers' registries need of this app (they import no higher app).
        from advertisers import owed
        from payouts import audit_labels  # noqa: F401  (registers on import)

        # The advertisers' API shows what a company owes: the ledger's receivables.
        owed.register("payouts.views_invoices.receivables_by_advertiser")

from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "payouts"

    def ready(self) -> None:
        from advertisers import owed

        # The advertisers' API shows what a company owes: the ledger's receivables.
        owed.register("payouts.views_invoices.receivables_by_advertiser")

from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "payouts"

    def ready(self) -> None:
        # What the lower layers' registries need of this app (they import no higher app).
        from advertisers import owed
        from network import demo, emails
        from payouts import audit_labels  # noqa: F401  (registers on import)

        # The advertisers' API shows what a company owes: the ledger's receivables.
        owed.register("payouts.ledger.receivables_by_advertiser")
        # The demo's money (the decisions of tracking's traffic: decisions.demo, after it).
        demo.register(40, "payouts.demo.seed")
        emails.register("run_ready", "payouts.emails.send_run_ready")
        emails.register("payout", "payouts.emails.send_payout")
        emails.register("payment_details_changed", "publishers.emails.send_payment_details_changed")

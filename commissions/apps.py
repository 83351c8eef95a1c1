from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"

    def ready(self) -> None:
        # What the lower layers' registries need of this app (they import no higher app).
        from commissions import audit_labels  # noqa: F401  (registers on import)
        from commissions.payouts import resolve_payouts
        from commissions.views_admin import goal_rows
        from network import demo
        from offers import payout_hooks

        # The offers pages show what a publisher earns (override > tier > goal) and, on the
        # admins' offer page, each goal's payout and rules.
        payout_hooks.register(resolver=resolve_payouts, goal_rows=goal_rows)
        demo.register(32, "commissions.demo.seed")  # after offers' (30)

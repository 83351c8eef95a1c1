from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "invoices"

    def ready(self) -> None:
        # What the lower layers' registries need of this app (they import no higher app).
        from invoices import audit_labels, events  # noqa: F401  (register on import)
        from network import emails

        emails.register("invoice_issued", "invoices.emails.send_invoice_issued")
